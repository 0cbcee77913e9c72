package app

import (
	"github.com/stickylab/stickylab/wasm/browserjar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stickylab/stickylab/engine"
)

// fakeClock is a wall clock that moves only when the test says.
type fakeClock struct{ now time.Time }

// fakeWallStart is the fake wall clock's start, with a fraction of a second
// the model must cope with.
var fakeWallStart = time.Date(2026, 3, 2, 14, 30, 0, 250_000_000, time.UTC)

func newFakeClock() *fakeClock { return &fakeClock{now: fakeWallStart} }

func (c *fakeClock) Now() time.Time          { return c.now }
func (c *fakeClock) Advance(d time.Duration) { c.now = c.now.Add(d) }

// noticeJar is a memory jar in a reported state, like a document.cookie
// jar that fell back to memory.
type noticeJar struct {
	engine.MemoryJar
	state browserjar.State
}

func (j *noticeJar) State() browserjar.State { return j.state }

// newTestModel starts a model from the URL query q on a fake wall clock.
func newTestModel(t *testing.T, q string, jar engine.InspectableJar) (*model, *fakeClock) {
	t.Helper()
	clock := newFakeClock()
	setup, msgs := ParseSetup(mustQuery(t, q))
	if len(msgs) > 0 {
		t.Fatalf("setup %q: %q", q, msgs)
	}
	m, err := newModel(setup, Options{Now: clock.Now, Jar: jar})
	if err != nil {
		t.Fatal(err)
	}
	return m, clock
}

// targetState returns the health state of the instance called name.
func targetState(m *model, name string) engine.TargetState { return m.lb.Instance(name).State }

func TestModelStartsAtWallClock(t *testing.T) {
	m, _ := newTestModel(t, "", nil)
	if got, want := m.lb.Now(), fakeWallStart.Truncate(time.Second); !got.Equal(want) {
		t.Errorf("simulation starts at %s, want the wall clock %s", got, want)
	}
	if len(m.lb.Instances()) != 3 {
		t.Errorf("%d instances, want 3", len(m.lb.Instances()))
	}
	if _, ok := m.jar.(*engine.MemoryJar); !ok {
		t.Errorf("jar is %T, want a *engine.MemoryJar by default", m.jar)
	}
	if m.jarNotice() != "" {
		t.Errorf("memory jar notice %q", m.jarNotice())
	}
	if m.shown() != nil || len(m.log) != 0 || m.requests != 0 {
		t.Errorf("a new lab shows %v, logs %d, counts %d", m.shown(), len(m.log), m.requests)
	}
}

// TestModelClockFollowsWallClock checks that the simulated clock runs at
// wall-clock speed, plus what was fast-forwarded, and never backward.
func TestModelClockFollowsWallClock(t *testing.T) {
	m, clock := newTestModel(t, "", nil)
	start := m.lb.Now()

	clock.Advance(10 * time.Second)
	if !m.lb.Now().Equal(start) {
		t.Errorf("the simulation moved before sync: %s", m.lb.Now())
	}
	m.sync()
	if got := m.lb.Now().Sub(start); got != 10*time.Second+250*time.Millisecond {
		t.Errorf("after 10 s of wall clock the simulation moved %s", got)
	}
	m.player.fastForward(time.Minute)
	if got := m.lb.Now().Sub(start); got != 70*time.Second+250*time.Millisecond {
		t.Errorf("after a fast-forward of 1 min the simulation is %s ahead of its start", got)
	}
	clock.Advance(5 * time.Second)
	ex := m.refresh()
	if want := start.Add(75*time.Second + 250*time.Millisecond); !ex.Time.Equal(want) || !m.lb.Now().Equal(want) {
		t.Errorf("a refresh 5 s later happens at %s (lb %s), want %s", ex.Time, m.lb.Now(), want)
	}
	// A wall clock that steps back (NTP) does not move the simulation back.
	clock.Advance(-time.Hour)
	m.sync()
	if want := start.Add(75*time.Second + 250*time.Millisecond); !m.lb.Now().Equal(want) {
		t.Errorf("after the wall clock stepped back the simulation is at %s, want %s", m.lb.Now(), want)
	}
}

// TestModelStoppedInstance follows a stopped instance: 502 Bad Gateway
// while health checks still call it healthy, then unhealthy after two
// failed checks (at most two intervals), then requests go elsewhere and the
// session is lost; started again, five passed checks make it healthy.
func TestModelStoppedInstance(t *testing.T) {
	m, clock := newTestModel(t, "stickiness=lb_cookie", nil)
	first := m.refresh()
	if first.Reason != engine.ReasonNewClient || first.Status != 200 {
		t.Fatalf("first refresh: %s %s", first.StatusText(), first.Reason)
	}
	stuck := first.TargetName
	clock.Advance(time.Second)
	if ex := m.refresh(); ex.Reason != engine.ReasonSticky || ex.TargetName != stuck {
		t.Fatalf("second refresh: %s to %s, want sticky to %s", ex.Reason, ex.TargetName, stuck)
	}

	if err := m.lb.StopInstance(stuck); err != nil {
		t.Fatal(err)
	}
	ex := m.refresh()
	if ex.Status != 502 || ex.TargetName != stuck || ex.Reason != engine.ReasonSticky {
		t.Errorf("right after the stop: %s from %s (%s), want 502 Bad Gateway from %s", ex.StatusText(), ex.TargetName, ex.Reason, stuck)
	}
	if m.shown().Status != 502 {
		t.Errorf("the browser pane shows %d", m.shown().Status)
	}
	// One interval holds exactly one check: one failure of two.
	m.player.fastForward(30 * time.Second)
	if s := targetState(m, stuck); s != engine.StateHealthy {
		t.Errorf("after one interval %s is %s, want still healthy (one failure of two)", stuck, s)
	}
	if v := viewTargets(m.lb)[m.lb.Instance(stuck).Number-1]; v.Failures != 1 || !strings.HasPrefix(healthLine(v), "Health checks failing: 1 of 2 before unhealthy") {
		t.Errorf("health line after one failed check: %q", healthLine(v))
	}
	if ex := m.refresh(); ex.Status != 502 {
		t.Errorf("after one failed check: %s, want still 502", ex.StatusText())
	}
	// Two intervals hold the second failure.
	m.player.fastForward(30 * time.Second)
	if s := targetState(m, stuck); s != engine.StateUnhealthy {
		t.Fatalf("after two intervals %s is %s, want unhealthy", stuck, s)
	}
	ex = m.refresh()
	if ex.Status != 200 || ex.TargetName == stuck || ex.Reason != engine.ReasonTargetUnhealthy {
		t.Errorf("after unhealthy: %s from %s (%s), want 200 from another instance, target-unhealthy", ex.StatusText(), ex.TargetName, ex.Reason)
	}
	if ex.Session != engine.SessionLost || ex.LostOrigin != stuck {
		t.Errorf("session %s (origin %q), want lost, created on %s", ex.Session, ex.LostOrigin, stuck)
	}
	moved := ex.TargetName
	if ex := m.refresh(); ex.Reason != engine.ReasonSticky || ex.TargetName != moved {
		t.Errorf("the rewritten cookie sticks to %s: got %s (%s)", moved, ex.TargetName, ex.Reason)
	}

	// Started again: five passes, one per interval.
	if err := m.lb.StartInstance(stuck); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 4; i++ {
		m.player.fastForward(30 * time.Second)
		if s := targetState(m, stuck); s != engine.StateUnhealthy {
			t.Fatalf("after %d passes %s is %s, want still unhealthy", i, stuck, s)
		}
		v := viewTargets(m.lb)[m.lb.Instance(stuck).Number-1]
		if want := "Health checks passing: " + string(rune('0'+i)) + " of 5 before healthy"; !strings.HasPrefix(healthLine(v), want) {
			t.Errorf("health line after %d passes: %q, want %q…", i, healthLine(v), want)
		}
	}
	m.player.fastForward(30 * time.Second)
	if s := targetState(m, stuck); s != engine.StateHealthy {
		t.Errorf("after five passes %s is %s, want healthy", stuck, s)
	}
}

// TestModelRealTimeHealthChecks checks that health checks also happen as
// wall-clock time passes, with no fast-forward.
func TestModelRealTimeHealthChecks(t *testing.T) {
	m, clock := newTestModel(t, "", nil)
	if err := m.lb.StopInstance("Instance 2"); err != nil {
		t.Fatal(err)
	}
	clock.Advance(61 * time.Second)
	m.sync()
	if s := targetState(m, "Instance 2"); s != engine.StateUnhealthy {
		t.Errorf("a minute of wall clock after the stop Instance 2 is %s, want unhealthy", s)
	}
	for i := 0; i < 4; i++ {
		if ex := m.refresh(); ex.TargetName == "Instance 2" || ex.Status != 200 {
			t.Errorf("refresh %d: %s from %s", i, ex.StatusText(), ex.TargetName)
		}
	}
}

// TestModelStickinessExpires checks a short stickiness duration running
// out, by fast-forward and by the wall clock.
func TestModelStickinessExpires(t *testing.T) {
	m, clock := newTestModel(t, "stickiness=lb_cookie&duration=30", nil)
	first := m.refresh()
	clock.Advance(20 * time.Second)
	if ex := m.refresh(); ex.Reason != engine.ReasonSticky || ex.TargetName != first.TargetName {
		t.Fatalf("20 s later: %s, want sticky", ex.Reason)
	}
	// The duration is an idle window: each response re-issues the cookie.
	clock.Advance(20 * time.Second)
	if ex := m.refresh(); ex.Reason != engine.ReasonSticky {
		t.Errorf("20 s after the last request: %s, want sticky", ex.Reason)
	}
	m.player.fastForward(time.Minute)
	if ex := m.refresh(); ex.Reason != engine.ReasonCookieExpired {
		t.Errorf("after a fast-forward of 1 min: %s, want cookie-expired", ex.Reason)
	}
	clock.Advance(31 * time.Second)
	if ex := m.refresh(); ex.Reason != engine.ReasonCookieExpired {
		t.Errorf("31 s of wall clock later: %s, want cookie-expired", ex.Reason)
	}
}

// TestModelOpenDirect checks opening an instance directly (article step 2):
// no cookie, shown in the pane until the next refresh.
func TestModelOpenDirect(t *testing.T) {
	m, _ := newTestModel(t, "stickiness=lb_cookie", nil)
	m.refresh()
	for n := 1; n <= 3; n++ {
		name := "Instance " + string(rune('0'+n))
		ex, err := m.openDirect(name)
		if err != nil {
			t.Fatal(err)
		}
		if ex.Reason != engine.ReasonDirect || ex.TargetName != name || ex.Status != 200 || len(ex.Cookies) != 0 || len(ex.SetCookies) != 0 {
			t.Errorf("open %s: %+v", name, ex)
		}
		if m.shown() != m.direct || m.shown().TargetName != name {
			t.Errorf("pane shows %v, want %s", m.shown(), name)
		}
	}
	if m.requests != 4 || len(m.log) != 4 {
		t.Errorf("requests %d, log %d; want 4", m.requests, len(m.log))
	}
	if _, err := m.openDirect("Instance 9"); err == nil {
		t.Error("opening a missing instance: no error")
	}
	if m.requests != 4 {
		t.Errorf("a failed open counted: %d", m.requests)
	}
	if err := m.lb.StopInstance("Instance 3"); err != nil {
		t.Fatal(err)
	}
	if ex, _ := m.openDirect("Instance 3"); ex.Status != 0 || ex.Failure != engine.FailureTimedOut {
		t.Errorf("a stopped instance opened directly answers %s", ex.StatusText())
	}
	ex := m.refresh()
	if m.direct != nil || m.shown().Seq != ex.Seq {
		t.Errorf("after a refresh the pane shows %+v", m.shown())
	}
}

// TestModelLogKeepsFifty checks that the request log keeps the latest 50
// requests, oldest first, while the request count goes on.
func TestModelLogKeepsFifty(t *testing.T) {
	m, clock := newTestModel(t, "", nil)
	for i := 0; i < 70; i++ {
		clock.Advance(time.Second)
		if i%10 == 9 {
			if _, err := m.openDirect("Instance 1"); err != nil {
				t.Fatal(err)
			}
			continue
		}
		m.refresh()
	}
	if len(m.log) != logSize || logSize != 50 {
		t.Fatalf("log holds %d (logSize %d), want 50", len(m.log), logSize)
	}
	if m.requests != 70 {
		t.Errorf("requests = %d, want 70", m.requests)
	}
	for i := 1; i < len(m.log); i++ {
		if !m.log[i].Time.After(m.log[i-1].Time) {
			t.Fatalf("log not oldest first at %d: %s then %s", i, m.log[i-1].Time, m.log[i].Time)
		}
	}
	if want := fakeWallStart.Add(70 * time.Second); !m.log[49].Time.Equal(want) {
		t.Errorf("newest entry at %s, want %s", m.log[49].Time, want)
	}
	if want := fakeWallStart.Add(21 * time.Second); !m.log[0].Time.Equal(want) {
		t.Errorf("oldest entry at %s, want %s (the 21st request)", m.log[0].Time, want)
	}
}

// TestModelJar checks that the learner's requests go through the jar the
// options give, and that its notice reaches the UI.
func TestModelJar(t *testing.T) {
	jar := &noticeJar{state: browserjar.State{Mode: browserjar.Memory, Reason: browserjar.Blocked}}
	m, _ := newTestModel(t, "stickiness=lb_cookie", jar)
	m.refresh()
	var names []string
	for _, c := range m.cookies() {
		names = append(names, c.Name)
	}
	if got := strings.Join(names, ","); got != "AWSALB,AWSALBCORS,SESSIONID" {
		t.Errorf("cookies = %s", got)
	}
	if got := jar.Header(m.lb.Now()); !strings.Contains(got, "AWSALB=") {
		t.Errorf("the given jar holds %q", got)
	}
	if m.jarNotice() != jarStateWords(jar.state) || m.jarNotice() == "" {
		t.Errorf("jarNotice = %q", m.jarNotice())
	}
	jar.Delete(engine.CookieAWSALB)
	jar.Delete(engine.CookieAWSALBCORS)
	if ex := m.refresh(); ex.Reason != engine.ReasonNewClient {
		t.Errorf("with the cookie deleted from the jar: %s, want new-client", ex.Reason)
	}
}

// TestModelAppCookie checks application-based stickiness from the URL:
// SESSIONID and AWSALBAPP-0, no AWSALB; SESSIONID gone → app-cookie-missing.
func TestModelAppCookie(t *testing.T) {
	jar := &engine.MemoryJar{}
	m, _ := newTestModel(t, "stickiness=app_cookie", jar)
	first := m.refresh()
	var names []string
	for _, c := range m.cookies() {
		names = append(names, c.Name)
	}
	if got := strings.Join(names, ","); got != "AWSALBAPP-0,SESSIONID" {
		t.Errorf("cookies after the first app_cookie refresh = %s", got)
	}
	for i := 0; i < 3; i++ {
		if ex := m.refresh(); ex.Reason != engine.ReasonSticky || ex.TargetName != first.TargetName {
			t.Errorf("refresh %d: %s to %s, want sticky to %s", i, ex.Reason, ex.TargetName, first.TargetName)
		}
	}
	jar.Delete(engine.SessionCookie)
	if ex := m.refresh(); ex.Reason != engine.ReasonAppCookieMissing {
		t.Errorf("without SESSIONID: %s, want app-cookie-missing", ex.Reason)
	}
}

func mustQuery(t testing.TB, q string) url.Values {
	t.Helper()
	v, err := url.ParseQuery(q)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestCountersStickyOn checks the Sticky counter's "stickiness is off" on
// each load balancer type, as the engine's metrics count stickiness: a
// Classic listener's policy and a second weighted group's attribute count.
func TestCountersStickyOn(t *testing.T) {
	for q, want := range map[string]bool{
		"":                                false,
		"stickiness=lb_cookie":            true,
		"lb=classic":                      false,
		"lb=classic&stickiness=lb_cookie": true,
		"lb=network&stickiness=source_ip": true,
		"weights=50,50&stickiness=off":    false,
		"weights=50,50&group_stickiness=3600&stickiness=lb_cookie": true,
	} {
		s, msgs := ParseSetup(mustQuery(t, q))
		if len(msgs) > 0 {
			t.Fatalf("%q: %v", q, msgs)
		}
		m, err := newModel(s, Options{Jar: &engine.MemoryJar{}})
		if err != nil {
			t.Fatal(err)
		}
		if got := countersOf(m.player).stickyOn; got != want {
			t.Errorf("%q: stickiness on %v, want %v", q, got, want)
		}
	}
}
