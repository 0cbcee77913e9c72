package app

import (
	"strings"
	"testing"
	"time"

	"github.com/stickylab/stickylab/engine"
)

// browserState is what a browser keeps between page loads of the lab: its
// storage, its cookie jar and its wall clock.
type browserState struct {
	store memoryStore
	jar   *engine.MemoryJar
	clock *fakeClock
}

func newBrowserState() *browserState {
	return &browserState{store: memoryStore{}, jar: &engine.MemoryJar{}, clock: newFakeClock()}
}

// load opens the page at query q, as a reload or a first visit does: the
// lab starts from the saved world, then the page's own request.
func (b *browserState) load(t *testing.T, q string) *Lab {
	t.Helper()
	l := &Lab{opts: Options{Now: b.clock.Now, Jar: b.jar, Store: b.store}}
	l.start(mustQuery(t, q))
	l.pageLoad()
	return l
}

func TestReloadGoesOnWithTheSavedLab(t *testing.T) {
	b := newBrowserState()
	l := b.load(t, "stickiness=lb_cookie&duration=30")
	first := l.m.last.TargetName
	if l.m.last.Reason != engine.ReasonNewClient {
		t.Fatalf("first page load: %s, want a new pick", l.m.last.Reason)
	}
	b.clock.Advance(5 * time.Second)
	l.m.sync()
	l.refresh()
	l.stopInstance("Instance 3")

	b.clock.Advance(10 * time.Second)
	r := b.load(t, "stickiness=lb_cookie&duration=30&view=traffic") // view does not set a lab up
	if len(r.notices) != 0 {
		t.Errorf("notices after a reload: %q", r.notices)
	}
	if r.saved.at.IsZero() {
		t.Error("the reloaded lab does not say it was restored")
	}
	// The reload's own request is the one after the restored world.
	if got := r.m.log[len(r.m.log)-1]; got.TargetName != first || got.Reason != engine.ReasonSticky || got.Visits != 3 {
		t.Errorf("the reload's request: %s %s visit %d, want %s, sticky, visit 3", got.TargetName, got.Reason, got.Visits, first)
	}
	if r.m.requests != 3 || len(r.m.log) != 3 {
		t.Errorf("%d requests, %d log rows after the reload, want 3 and 3", r.m.requests, len(r.m.log))
	}
	if r.m.lb.Instance("Instance 3").Running {
		t.Error("Instance 3 runs again after the reload")
	}
	// The clock ran on while the page was closed.
	if got, want := r.m.lb.Now().Sub(l.m.lb.Now()), 10*time.Second; got < want || got > want+time.Second {
		t.Errorf("the clock moved %s over a 10 s absence", got)
	}
}

func TestReloadAfterTheCookieRanOut(t *testing.T) {
	b := newBrowserState()
	l := b.load(t, "stickiness=lb_cookie&duration=30")
	first := l.m.last.TargetName
	b.clock.Advance(45 * time.Second) // away longer than the duration
	r := b.load(t, "stickiness=lb_cookie&duration=30")
	if ex := r.m.last; ex.Reason != engine.ReasonCookieExpired {
		t.Errorf("after 45 s away the reload is %s on %s (first %s), want the cookie past its duration", ex.Reason, ex.TargetName, first)
	}
}

func TestAnotherLinkReplacesTheSavedLab(t *testing.T) {
	b := newBrowserState()
	b.load(t, "stickiness=lb_cookie")
	r := b.load(t, "stickiness=app_cookie")
	if len(r.notices) != 1 || !strings.Contains(r.notices[0], "replaces the one saved in this browser (stickiness=lb_cookie)") {
		t.Fatalf("notices: %q", r.notices)
	}
	if r.m.requests != 1 || r.m.lb.TargetGroup.Attributes().StickinessType != engine.AppCookie {
		t.Errorf("the new link's lab: %d requests, %s", r.m.requests, r.m.lb.TargetGroup.Attributes().StickinessType)
	}
	// The new lab is the saved one now.
	if again := b.load(t, "stickiness=app_cookie"); len(again.notices) != 0 || again.m.requests != 2 {
		t.Errorf("a reload of the new link: notices %q, %d requests", again.notices, again.m.requests)
	}
}

// TestAnotherLinkStartsWithoutTheOldCookies: the replaced lab's cookies go
// with it, so the new lab's first page is not a "Session lost".
func TestAnotherLinkStartsWithoutTheOldCookies(t *testing.T) {
	b := newBrowserState()
	l := b.load(t, "stickiness=lb_cookie")
	l.refresh()
	b.jar.Put(b.clock.Now(), engine.StoredCookie{Name: "theme", Value: "dark", Path: "/", Expires: b.clock.Now().Add(time.Hour)})
	r := b.load(t, "instances=2")
	if ex := r.m.last; ex.Session != engine.SessionNew {
		t.Errorf("the new lab's page load: session %s (%s), want a new one", ex.Session, ex.Reason)
	}
	if h := b.jar.Header(b.clock.Now()); strings.Contains(h, "AWSALB=") || !strings.Contains(h, "theme=dark") {
		t.Errorf("the browser's cookies after the new lab's page load: %s, want no AWSALB and the page's own theme", h)
	}
}

// TestABadLinkKeepsTheSavedLab: a link that cannot set a lab up (a bad
// value, a typo, a broken shared lab) says so and the saved lab goes on.
func TestABadLinkKeepsTheSavedLab(t *testing.T) {
	const kept = "The lab saved in this browser (instances=4&stickiness=lb_cookie) goes on."
	for _, tc := range []struct{ link, notice, scenarioErr string }{
		{"stickiness=garbage", `This link cannot set up a lab: URL parameter stickiness="garbage" is not valid`, ""},
		{"stickiness=lb_cookie&instances=99&styckiness=x", "URL parameter styckiness is not one the lab reads: did you mean stickiness? It is ignored. | This link cannot set up a lab: URL parameter instances=\"99\"", ""},
		// A shared link's problem is said where a shared link's problems are.
		{"stickiness=lb_cookie&" + linkParam + "=garbage", "", "This shared link cannot be loaded: "},
		// A link that decodes but whose replay fails (an instance the lab has not).
		{"stickiness=lb_cookie&" + linkParam + "=" + encodeActions(Scenario{Params: map[string]string{"stickiness": "lb_cookie"},
			Actions: []ScenarioAction{{Do: DoStopInstance, Instance: "Instance 9"}}}), "", `This shared link cannot be loaded: action 1 (stop-instance) failed`},
	} {
		t.Run(tc.link, func(t *testing.T) {
			b := newBrowserState()
			l := b.load(t, "stickiness=lb_cookie&instances=4")
			l.refresh()
			l.stopInstance("Instance 2")
			r := b.load(t, tc.link)
			notices := strings.Join(r.notices, " | ")
			if tc.notice != "" && (!strings.HasPrefix(notices, tc.notice) || !strings.Contains(notices, kept)) || tc.notice == "" && notices != "" ||
				strings.Contains(notices, " Using ") { // what a new lab would use is untrue of the saved one
				t.Errorf("notices: %q", r.notices)
			}
			if !strings.HasPrefix(r.sc.err, tc.scenarioErr) || (tc.scenarioErr == "") != (r.sc.err == "") || tc.scenarioErr != "" && !strings.HasSuffix(r.sc.err, "Your lab is kept as it was.") {
				t.Errorf("scenario error %q, want %q…", r.sc.err, tc.scenarioErr)
			}
			if r.m.requests != 3 || r.m.lb.Instance("Instance 2").Running || len(r.m.lb.Instances()) != 4 {
				t.Errorf("the saved lab did not go on: %d requests, Instance 2 running %v", r.m.requests, r.m.lb.Instance("Instance 2").Running)
			}
			if again := b.load(t, "stickiness=lb_cookie&instances=4"); len(again.notices) != 0 || again.m.requests != 4 {
				t.Errorf("its own link after the bad one: notices %q, %d requests, want 4", again.notices, again.m.requests)
			}
		})
	}
}

// TestATypoBesideTheSavedLab: the lab's own link with a typo goes on and
// says the typo.
func TestATypoBesideTheSavedLab(t *testing.T) {
	b := newBrowserState()
	b.load(t, "")
	r := b.load(t, "Stickiness=lb_cookie")
	if len(r.notices) != 1 || !strings.Contains(r.notices[0], "URL parameter Stickiness is not one the lab reads: did you mean stickiness?") || r.m.requests != 2 {
		t.Errorf("notices %q, %d requests", r.notices, r.m.requests)
	}
}

func TestBrokenSavesAreDropped(t *testing.T) {
	for name, tc := range map[string]struct {
		saved string
		want  string
	}{
		"not JSON":      {`{"version":1,`, "The lab saved in this browser was dropped: it is not a saved lab"},
		"newer version": {`{"version":99}`, "it was saved by another version of stickylab (format 99, this one reads 1)"},
		"no clock":      {`{"version":1,"params":{}}`, "its clock is not valid"},
		"decades": {`{"version":1,"params":{},"start":"1900-01-01T00:00:00Z","sim":"2026-03-02T14:31:00Z","wall":"2026-03-02T14:31:00Z"}`,
			"its clock is not valid: more than a year past its start"},
		"no wall": {`{"version":1,"params":{},"start":"2026-03-02T14:30:00Z","sim":"2026-03-02T14:31:00Z"}`, "its clock is not valid"},
		"bad action": {`{"version":1,"params":{},"start":"2026-03-02T14:30:00Z","sim":"2026-03-02T14:31:00Z","wall":"2026-03-02T14:31:00Z","actions":[{"at":5,"do":"stop-instance","instance":"Instance 7"}]}`,
			"action 1 (stop-instance) failed"},
	} {
		t.Run(name, func(t *testing.T) {
			b := newBrowserState()
			b.store[worldKey("")] = tc.saved
			l := b.load(t, "")
			if !strings.Contains(strings.Join(l.notices, " | "), tc.want) {
				t.Fatalf("notices %q, want %q", l.notices, tc.want)
			}
			if l.m.requests != 1 {
				t.Errorf("the new lab has %d requests, want the page load's 1", l.m.requests)
			}
			if got := b.store[worldKey("")]; got == tc.saved {
				t.Error("the broken save is still there")
			}
		})
	}
}

// TestReloadOfALabBefore1970 restores a lab whose clock reads 1900 (saved
// by a browser whose clock was wrong): it goes on, its requests counted.
func TestReloadOfALabBefore1970(t *testing.T) {
	b := newBrowserState()
	b.store[worldKey("")] = `{"version":1,"params":{"stickiness":"lb_cookie"},"start":"1900-01-01T00:00:00Z","sim":"1900-01-01T00:00:05Z","wall":"1900-01-01T00:00:05Z","rate":1,` +
		`"actions":[{"at":0,"do":"refresh"},{"at":2000,"do":"refresh"}]}`
	l := b.load(t, "stickiness=lb_cookie")
	// A century away: the clock runs on maxAbsence only, so the cookie has run out.
	if len(l.notices) != 0 || l.m.requests != 3 || l.m.last.Reason != engine.ReasonNewClient {
		t.Errorf("the 1900 lab after a reload: notices %q, %d requests, last %s", l.notices, l.m.requests, l.m.last.Reason)
	}
	if got, want := l.m.lb.Now().Sub(time.Date(1900, 1, 1, 0, 0, 5, 0, time.UTC)), maxAbsence; got < want || got > want+time.Second {
		t.Errorf("the clock caught up %s, want maxAbsence (%s)", got, want)
	}
}

// TestFastForwardStopsAtTheLabsClockLimit refuses a fast-forward past a year
// from the lab's start, with a message; the lab's clock stays.
func TestFastForwardStopsAtTheLabsClockLimit(t *testing.T) {
	b := newBrowserState()
	l := b.load(t, "stickiness=lb_cookie")
	for range 365 {
		l.fastForward(24 * time.Hour)
	}
	if l.err != "" {
		t.Fatalf("365 days refused: %s", l.err)
	}
	before := l.m.player.simNow()
	l.fastForward(48 * time.Hour)
	if l.err != errLabClockFull.Error() || !l.m.player.simNow().Equal(before) {
		t.Errorf("past a year: error %q, clock moved %s", l.err, l.m.player.simNow().Sub(before))
	}
	// Played on past the year, the lab pauses there, and its save still loads.
	l.err = ""
	b.clock.Advance(3 * 24 * time.Hour)
	l.m.sync()
	l.holdAtClockLimit()
	if l.m.player.rate != 0 || l.err != errLabClockFull.Error() {
		t.Errorf("played past a year: rate %d, error %q", l.m.player.rate, l.err)
	}
	l.save()
	if r := b.load(t, "stickiness=lb_cookie"); len(r.notices) != 0 || r.saved.at.IsZero() {
		t.Errorf("the reload of the year-old lab: notices %q", r.notices)
	}
}

func TestReloadOfABadLinkGoesOnWithItsMessage(t *testing.T) {
	b := newBrowserState()
	b.load(t, "stickiness=always&instances=2")
	r := b.load(t, "stickiness=always&instances=2")
	if len(r.notices) != 1 || !strings.Contains(r.notices[0], `URL parameter stickiness="always" is not valid`) {
		t.Errorf("notices: %q", r.notices)
	}
	if r.saved.at.IsZero() || r.m.requests != 2 || len(r.m.lb.Instances()) != 2 {
		t.Errorf("the reload did not go on: restored %v, %d requests, %d instances", !r.saved.at.IsZero(), r.m.requests, len(r.m.lb.Instances()))
	}
}

func TestResetLab(t *testing.T) {
	b := newBrowserState()
	l := b.load(t, "stickiness=lb_cookie")
	l.refresh()
	l.stopInstance("Instance 1")
	l.resetLab()
	if l.m.requests != 0 || len(l.m.jar.All(l.m.lb.Now())) != 0 || !l.m.lb.Instance("Instance 1").Running {
		t.Fatalf("after Reset lab: %d requests, cookies %v, Instance 1 running %v", l.m.requests, l.m.jar.All(l.m.lb.Now()), l.m.lb.Instance("Instance 1").Running)
	}
	r := b.load(t, "stickiness=lb_cookie")
	if r.m.requests != 1 || r.m.last.Reason != engine.ReasonNewClient || len(r.m.journal.Actions) != 1 {
		t.Errorf("the reload after a reset: %d requests, %s", r.m.requests, r.m.last.Reason)
	}
}

func TestAgoWords(t *testing.T) {
	now := fakeWallStart
	for d, want := range map[time.Duration]string{
		10 * time.Second: "moments ago", 5 * time.Minute: "5 minutes ago", 3 * time.Hour: "3 hours ago", 72 * time.Hour: "3 days ago",
	} {
		if got := agoWords(now.Add(-d), now); got != want {
			t.Errorf("%s: %q, want %q", d, got, want)
		}
	}
}

func TestReloadOfARunningCrowdWaits(t *testing.T) {
	b := newBrowserState()
	l := b.load(t, "")
	if err := l.startCrowd(engine.CrowdConfig{Clients: 20, ThinkTime: 2 * time.Second}); err != nil {
		t.Fatal(err)
	}
	b.clock.Advance(3 * time.Second)
	l.m.sync()
	l.save()
	saved := l.m.lb.Now()
	b.clock.Advance(10 * time.Minute) // away
	r := b.load(t, "")
	if got := r.m.lb.Now().Sub(saved); got > time.Second {
		t.Errorf("a lab running a crowd ran %s on while the page was closed, want it waiting", got)
	}
	if r.m.lb.Crowd() == nil {
		t.Error("the crowd is gone after the reload")
	}
}

// TestReloadKeepsThePrediction locks in a traffic-lab lesson's prediction,
// reloads before the answer is in, and finds it locked in still (it cannot
// be made anew after watching); a reset lab forgets it.
func TestReloadKeepsThePrediction(t *testing.T) {
	b := newBrowserState()
	l := b.load(t, "preset=scale-out")
	v := l.predictionView().(*PresetPrediction)
	if v.IPredicted != -1 {
		t.Fatalf("predicted %d before any choice", v.IPredicted)
	}
	v.IOnPredict(1)
	b.clock.Advance(5 * time.Second)
	r := b.load(t, "preset=scale-out")
	if r.saved.at.IsZero() {
		t.Fatal("the lab was not restored")
	}
	if got := r.predictionView().(*PresetPrediction).IPredicted; got != 1 {
		t.Errorf("after a reload the prediction is %d, want 1", got)
	}
	r.resetLab()
	if got := r.predictionView().(*PresetPrediction).IPredicted; got != -1 {
		t.Errorf("after Reset lab the prediction is %d, want none", got)
	}
}

// TestReloadKeepsACommandsScenario reloads a course page whose frame got a
// scenario by command: the frame opens at its first address again, and the
// lab goes on with the scenario and what the learner did since, without a
// notice; another address still replaces it, naming no action code.
func TestReloadKeepsACommandsScenario(t *testing.T) {
	file := teacherScenarioFile(t, map[string]string{"seed": "7", "duration": "60"})
	const frame = "embed=1&parent=https://course.example&stickiness=lb_cookie"
	b := newBrowserState()
	l := b.load(t, frame)
	if err := l.loadScenarioCommand(file); err != nil {
		t.Fatal(err)
	}
	b.clock.Advance(time.Second)
	l.m.sync()
	l.refresh()
	want := len(l.m.journal.Actions)

	b.clock.Advance(5 * time.Second)
	r := b.load(t, frame)
	if r.saved.at.IsZero() || len(r.notices) != 0 {
		t.Fatalf("the course page's reload: restored %v, notices %q", !r.saved.at.IsZero(), r.notices)
	}
	if got := len(r.m.journal.Actions); got != want+1 { // and the reload's own request
		t.Errorf("after the reload %d actions, want %d and the page load's", got, want)
	}
	if r.m.setup.Seed != 7 {
		t.Errorf("the reloaded lab's seed %d, want the scenario's 7", r.m.setup.Seed)
	}
	b.clock.Advance(time.Second)
	r2 := b.load(t, frame) // and again: it stays the scenario's lab
	if r2.saved.at.IsZero() || r2.m.setup.Seed != 7 {
		t.Errorf("a second reload: restored %v, seed %d", !r2.saved.at.IsZero(), r2.m.setup.Seed)
	}

	other := b.load(t, "embed=1&parent=https://course.example&stickiness=app_cookie")
	if len(other.notices) != 1 || !strings.Contains(other.notices[0], "a shared lab's actions") || strings.Contains(other.notices[0], "actions=") {
		t.Errorf("another address: notices %q", other.notices)
	}
}

// TestReloadKeepsACommandsScenarioBareFrame is the same for a frame with no
// setup of its own, a scenario with a lesson, and a lab taken over (its saved
// world read again at the scenario's address) before the reload.
func TestReloadKeepsACommandsScenarioBareFrame(t *testing.T) {
	file := teacherScenarioFile(t, map[string]string{"seed": "7", "lesson": "article"})
	const frame = "embed=1&parent=https://course.example"
	b := newBrowserState()
	l := b.load(t, frame)
	if err := l.loadScenarioCommand(file); err != nil {
		t.Fatal(err)
	}
	b.clock.Advance(time.Second)
	r := b.load(t, frame)
	if r.saved.at.IsZero() || len(r.notices) != 0 || r.m.setup.Seed != 7 || r.sc.lesson != "article" || !r.embed.On {
		t.Fatalf("the reload: restored %v, notices %q, seed %d, lesson %q, embedded %v", !r.saved.at.IsZero(), r.notices, r.m.setup.Seed, r.sc.lesson, r.embed.On)
	}
	// Taken over: the saved world is read again at the lab's own address.
	if m, msgs := r.startWorld(r.saved.query); m == nil || len(msgs) != 0 {
		t.Fatalf("read again: %v %q", m != nil, msgs)
	}
	r.save()
	b.clock.Advance(time.Second)
	if again := b.load(t, frame); again.saved.at.IsZero() || again.m.setup.Seed != 7 {
		t.Errorf("a reload after the lab was read again: restored %v, seed %d", !again.saved.at.IsZero(), again.m.setup.Seed)
	}
}

// teacherScenarioFile returns the scenario file of teacherLab's lab with
// params, as a course page would send it in a load-scenario command.
func teacherScenarioFile(t *testing.T, params map[string]string) []byte {
	t.Helper()
	teacher, _ := teacherLab(t)
	s, err := scenarioOf(teacher, params, Options{})
	if err != nil {
		t.Fatal(err)
	}
	file, err := MarshalScenario(s)
	if err != nil {
		t.Fatal(err)
	}
	return file
}
