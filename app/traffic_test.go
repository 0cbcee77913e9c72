package app

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/maxence-charriere/go-app/v9/pkg/app"

	"github.com/stickylab/stickylab/engine"
)

// The traffic lab's tests keep their own small helpers (tr…) so that they
// do not depend on the other test files' ones.

// trModel starts a model from the URL query q on a test clock.
func trModel(t *testing.T, q string) (*model, *wallClock) {
	t.Helper()
	v, err := url.ParseQuery(q)
	if err != nil {
		t.Fatal(err)
	}
	setup, msgs := ParseSetup(v)
	if len(msgs) > 0 {
		t.Fatalf("setup %q: %q", q, msgs)
	}
	clock := &wallClock{now: playerStart}
	m, err := newModel(setup, Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	return m, clock
}

// has reports whether the tree holds an element with data-testid=id.
func (n *htmlNode) has(id string) bool { return n.byTestID(id) != nil }

// num returns the attribute attr as a number, failing the test when it is
// not one.
func (n *htmlNode) num(t testing.TB, attr string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(n.attrs[attr], 64)
	if err != nil {
		t.Fatalf("%s=%q: %v", attr, n.attrs[attr], err)
	}
	return f
}

func trSettle(d app.ClientDispatcher) {
	for i := 0; i < 4; i++ {
		d.Consume()
	}
}

func TestParseCrowd(t *testing.T) {
	ok := []struct {
		d    crowdDraft
		want engine.CrowdConfig
	}{
		{defaultCrowdDraft(), engine.CrowdConfig{Clients: 300, ThinkTime: 5 * time.Second}},
		{crowdDraft{clients: " 10,000 ", rate: "500", think: "", clear: "5%", block: "2.5"},
			engine.CrowdConfig{Clients: 10000, RequestRate: 500, ThinkTime: 5 * time.Second, ClearShare: 0.05, BlockShare: 0.025}},
		{crowdDraft{clients: "1", think: "0.5s", clear: "", block: ""}, engine.CrowdConfig{Clients: 1, ThinkTime: 500 * time.Millisecond}},
		{crowdDraft{clients: "2_000", rate: "1 000/s", think: "2", clear: "50", block: "50"},
			engine.CrowdConfig{Clients: 2000, RequestRate: 1000, ThinkTime: 2 * time.Second, ClearShare: 0.5, BlockShare: 0.5}},
	}
	for _, tt := range ok {
		got, err := parseCrowd(tt.d)
		if err != nil || got != tt.want {
			t.Errorf("parseCrowd(%+v) = %+v, %v; want %+v", tt.d, got, err, tt.want)
		}
	}
	bad := []struct {
		d            crowdDraft
		field, words string
	}{
		{crowdDraft{clients: "abc", think: "5"}, "clients", `Clients must be a whole number from 1 to 10,000; "abc" is not.`},
		{crowdDraft{clients: "", think: "5"}, "clients", `Clients must be a whole number from 1 to 10,000; "" is not.`},
		{crowdDraft{clients: "2.5", think: "5"}, "clients", `Clients must be a whole number`},
		{crowdDraft{clients: "0", think: "5"}, "clients", "Clients must be from 1 to 10,000, not 0."},
		{crowdDraft{clients: "20000", think: "5"}, "clients", "Clients must be from 1 to 10,000, not 20000."},
		{crowdDraft{clients: "10", rate: "fast", think: "5"}, "rate", `Request rate must be a number of requests per second from 0.1 to 100,000, or empty to use the think time; "fast" is not.`},
		{crowdDraft{clients: "10", rate: "200000", think: "5"}, "rate", "Request rate must be from 0.1 to 100,000 requests per second, not 200000."},
		{crowdDraft{clients: "10", rate: "0", think: "5"}, "rate", `or empty to use the think time; "0" is not.`},
		{crowdDraft{clients: "10", rate: "0.05"}, "rate", "Request rate must be from 0.1 to 100,000 requests per second, not 0.05."},
		{crowdDraft{clients: "10", think: "0"}, "think", "Think time must be from 0.01 to 3,600 seconds, not 0."},
		{crowdDraft{clients: "10", think: ""}, "think", `Think time must be a number of seconds from 0.01 to 3,600; "" is not.`},
		{crowdDraft{clients: "10", rate: "5", think: "1e300"}, "think", `"1e300" is not.`},
		{crowdDraft{clients: "1e30", think: "5"}, "clients", `Clients must be a whole number from 1 to 10,000; "1e30" is not.`},
		{crowdDraft{clients: "10", think: "NaN"}, "think", `"NaN" is not`},
		{crowdDraft{clients: "10", think: "5", clear: "120"}, "clear", "The share of clients that clear their cookies must be from 0% to 100%, not 120%."},
		{crowdDraft{clients: "10", think: "5", clear: "some"}, "clear", `The share of clients that clear their cookies must be a percentage from 0 to 100; "some" is not.`},
		{crowdDraft{clients: "10", think: "5", block: "-1"}, "block", "The share of clients that block cookies must be from 0% to 100%, not -1%."},
		{crowdDraft{clients: "10", think: "5", clear: "60", block: "50"}, "block", "The shares of clients that clear cookies (60%) and block them (50%) add up to 110%: together they can be at most 100% of the clients."},
	}
	for _, tt := range bad {
		_, err := parseCrowd(tt.d)
		ce, ok := err.(*crowdError)
		if !ok || ce.Field != tt.field || !strings.Contains(ce.Message, tt.words) {
			t.Errorf("parseCrowd(%+v) = %v, want a %s error saying %q", tt.d, err, tt.field, tt.words)
		}
	}
}

// TestParseNumberCommas checks that a comma counts only as a thousands
// separator in groups of three digits: "1,5" is refused, not read as 15.
func TestParseNumberCommas(t *testing.T) {
	for s, want := range map[string]float64{"10,000": 10000, "1,234,567": 1234567, "-1,234.5": -1234.5, "2,500%": 2500, "1 000": 1000, "1.5": 1.5} {
		if got, err := parseNumber(s, "%"); err != nil || got != want {
			t.Errorf("parseNumber(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	for _, s := range []string{"1,5", "1,0", "2,5%", "1,50", "10,00", "1,0000", ",5", "5,", "1,,000", "1,000.5,5", "1,000e3"} {
		if got, err := parseNumber(s, "%"); !errors.Is(err, errComma) {
			t.Errorf("parseNumber(%q) = %v, %v; want the comma refused", s, got, err)
		}
	}
	// The form says why, on the field typed in.
	for _, tt := range []struct {
		d            crowdDraft
		field, words string
	}{
		{crowdDraft{clients: "10", think: "1,5"}, "think", `Think time must be a number of seconds from 0.01 to 3,600; "1,5" is not: a comma only separates thousands, in groups of three digits as in 10,000; write a decimal with a point, as in 1.5.`},
		{crowdDraft{clients: "1,0", think: "5"}, "clients", `Clients must be a whole number from 1 to 10,000; "1,0" is not: a comma only separates thousands, in groups of three digits as in 10,000.`},
		{crowdDraft{clients: "10", think: "5", clear: "2,5%"}, "clear", `"2,5%" is not: a comma only separates thousands, in groups of three digits as in 10,000; write a decimal with a point, as in 2.5%.`},
		{crowdDraft{clients: "10", rate: "0,5", think: "5"}, "rate", `"0,5" is not: a comma only separates thousands`},
		{crowdDraft{clients: "10", think: "5", nat: "1,5"}, "nat", `"1,5" is not: a comma only separates thousands`},
	} {
		_, err := parseCrowd(tt.d)
		ce, ok := err.(*crowdError)
		if !ok || ce.Field != tt.field || !strings.Contains(ce.Message, tt.words) {
			t.Errorf("parseCrowd(%+v) = %v, want a %s error saying %q", tt.d, err, tt.field, tt.words)
		}
	}
}

// crowdHost renders CrowdControls as the Lab does: with the running crowd
// on each render.
type crowdHost struct {
	app.Compo

	lb       *engine.LoadBalancer
	controls *CrowdControls
	starts   int
}

func (h *crowdHost) Render() app.UI {
	cr := h.lb.Crowd()
	var cfg engine.CrowdConfig
	if cr != nil {
		cfg = cr.Config
	}
	c := &CrowdControls{IRunning: cr != nil, ICrowd: cfg, IOnStart: h.start, IOnStop: h.lb.StopCrowd}
	if h.controls == nil {
		h.controls = c
	}
	return app.Div().Body(c)
}

func (h *crowdHost) start(cfg engine.CrowdConfig) error {
	h.starts++
	_, err := h.lb.StartCrowd(cfg)
	return err
}

// TestCrowdControls types in the crowd form: a bad value is named in a
// message under the form, what was typed stays, nothing starts; fixed, the
// crowd starts with what the form says, and a crowd started elsewhere (a
// lesson) shows in the form.
func TestCrowdControls(t *testing.T) {
	m, _ := trModel(t, "")
	h := &crowdHost{lb: m.lb}
	d := app.NewClientTester(h)
	defer d.Close()
	c := h.controls
	tree := renderTree(t, c)
	for id, want := range map[string]string{"crowd-clients": "300", "crowd-rate": "", "crowd-think": "5", "crowd-clear": "0", "crowd-block": "0"} {
		if got := tree.mustTestID(t, id).attrs["value"]; got != want {
			t.Errorf("%s = %q, want %q", id, got, want)
		}
	}
	if tree.has("crowd-error") || !strings.HasPrefix(tree.mustTestID(t, "crowd-status").Text(), "No crowd") {
		t.Errorf("fresh form: %s", tree.Text())
	}

	d.Emit(c, func() { c.draft.clients = "12 thousand"; c.draft.block = "30" })
	trSettle(d)
	d.Emit(c, c.start)
	trSettle(d)
	tree = renderTree(t, c)
	e := tree.mustTestID(t, "crowd-error")
	if e.Text() != `Clients must be a whole number from 1 to 10,000; "12 thousand" is not.` || e.attrs["data-field"] != "clients" || e.attrs["role"] != "alert" {
		t.Errorf("error %q field %q", e.Text(), e.attrs["data-field"])
	}
	if got := tree.mustTestID(t, "crowd-clients").attrs["value"]; got != "12 thousand" {
		t.Errorf("the bad value typed is gone: %q", got)
	}
	if got := tree.mustTestID(t, "crowd-block").attrs["value"]; got != "30" {
		t.Errorf("the other fields typed are gone: block %q", got)
	}
	if h.starts != 0 || m.lb.Crowd() != nil {
		t.Error("a bad form started a crowd")
	}
	h.Update() // the Lab's tick re-renders: the draft stays
	trSettle(d)
	if got := renderTree(t, c).mustTestID(t, "crowd-clients").attrs["value"]; got != "12 thousand" {
		t.Errorf("a re-render lost the typed value: %q", got)
	}

	d.Emit(c, func() { c.draft.clients = "1,200"; c.draft.rate = "400" })
	d.Emit(c, c.start)
	trSettle(d)
	h.Update()
	trSettle(d)
	tree = renderTree(t, c)
	cr := m.lb.Crowd()
	if cr == nil || tree.has("crowd-error") {
		t.Fatalf("fixed form did not start: %s", tree.Text())
	}
	if want := (engine.CrowdConfig{Clients: 1200, RequestRate: 400, ThinkTime: 5 * time.Second, BlockShare: 0.3}); cr.Config != want {
		t.Errorf("crowd %+v, want %+v", cr.Config, want)
	}
	if got := tree.mustTestID(t, "crowd-status").Text(); got != "Running: 1200 clients, about 400 requests/s (each client every 3s on average), 30% block cookies." {
		t.Errorf("status %q", got)
	}
	if tree.mustTestID(t, "crowd-stop").flag("disabled") || tree.mustTestID(t, "crowd-start").Text() != "Restart crowd" {
		t.Errorf("running crowd buttons: %s", tree.Text())
	}

	// A crowd started elsewhere (a lesson) loads into the form.
	if _, err := m.lb.StartCrowd(engine.CrowdConfig{Clients: 300, ThinkTime: 5 * time.Second, ClearShare: 0.05}); err != nil {
		t.Fatal(err)
	}
	h.Update()
	trSettle(d)
	tree = renderTree(t, c)
	if got := tree.mustTestID(t, "crowd-clients").attrs["value"] + "/" + tree.mustTestID(t, "crowd-clear").attrs["value"] + "/" + tree.mustTestID(t, "crowd-rate").attrs["value"]; got != "300/5/" {
		t.Errorf("form after a lesson's crowd: clients/clear/rate = %s", got)
	}
}

// TestTrafficClock checks the play speed maths on a test wall clock: 1×
// follows the wall clock, 10× and 100× run ahead, pause freezes, play
// resumes at the speed chosen, and fast-forwards add up.
func TestTrafficClock(t *testing.T) {
	m, clock := trModel(t, "")
	start := m.lb.Now()
	elapsed := func() time.Duration { return m.lb.Now().Sub(start) }

	clock.Advance(2 * time.Second)
	m.sync()
	if elapsed() != 2*time.Second {
		t.Fatalf("1×: %s after 2 s", elapsed())
	}
	if err := m.player.setSpeed(10); err != nil {
		t.Fatal(err)
	}
	clock.Advance(3 * time.Second)
	m.sync()
	if elapsed() != 32*time.Second {
		t.Errorf("10× for 3 s: at +%s, want +32s", elapsed())
	}
	m.player.pause()
	clock.Advance(time.Hour)
	m.sync()
	m.player.frame(clock.now)
	if elapsed() != 32*time.Second {
		t.Errorf("paused for an hour: at +%s, want +32s", elapsed())
	}
	m.player.play()
	clock.Advance(time.Second)
	m.sync()
	if elapsed() != 42*time.Second {
		t.Errorf("play resumes at 10×: at +%s, want +42s", elapsed())
	}
	if err := m.player.setSpeed(100); err != nil {
		t.Fatal(err)
	}
	clock.Advance(500 * time.Millisecond)
	m.sync()
	if elapsed() != 92*time.Second {
		t.Errorf("100× for 0.5 s: at +%s, want +92s", elapsed())
	}
	m.player.fastForward(time.Hour)
	if elapsed() != time.Hour+92*time.Second || m.player.fastForwarding() {
		t.Errorf("after +1 hour: at +%s (fast-forwarding %v)", elapsed(), m.player.fastForwarding())
	}
	if err := m.player.setSpeed(7); err == nil || err.Error() != "the speed must be 1×, 10× or 100×, not 7×" {
		t.Errorf("speed 7: %v", err)
	}
	if m.player.rate != 100 {
		t.Errorf("a refused speed changed the rate to %d", m.player.rate)
	}
	m.player.setSpeed(1)
	clock.Advance(time.Second)
	m.sync()
	if elapsed() != time.Hour+93*time.Second {
		t.Errorf("back at 1×: at +%s", elapsed())
	}
}

// TestTrafficStep checks single steps: each one pauses, runs the engine to
// exactly the next request and holds the clock there.
func TestTrafficStep(t *testing.T) {
	m, clock := trModel(t, "stickiness=lb_cookie")
	if err := m.player.step(); err != errNoCrowd {
		t.Errorf("step without a crowd: %v", err)
	}
	if err := m.startCrowd(engine.CrowdConfig{Clients: 50, ThinkTime: 2 * time.Second}); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 5; i++ {
		before := m.lb.Now()
		if err := m.player.step(); err != nil {
			t.Fatal(err)
		}
		if got := m.player.counters().Requests; got != int64(i) {
			t.Errorf("step %d: %d requests", i, got)
		}
		f := m.player.rec.recentFlow(nil)
		if len(f) != i || !f[0].time.Equal(m.lb.Now()) || !m.lb.Now().After(before) {
			t.Errorf("step %d: the last request at %v, clock %s (was %s)", i, f[0].time, m.lb.Now(), before)
		}
		held := m.lb.Now()
		clock.Advance(10 * time.Second)
		m.sync()
		m.player.frame(clock.now)
		if !m.lb.Now().Equal(held) || m.player.rate != 0 {
			t.Errorf("step %d: the clock moved from %s to %s while paused", i, held, m.lb.Now())
		}
	}
	m.player.play()
	clock.Advance(10 * time.Second)
	m.sync()
	if n := m.player.counters().Requests; n < 200 {
		t.Errorf("10 s of play after the steps: %d requests, want about 250", n)
	}
}

// TestTrafficFrameBudget runs frames on a wall clock that moves 1 ms at
// each reading: a frame stops after its budget of engine work; at play
// speed the backlog it cannot catch up is dropped (the clock slips); a
// fast-forward goes on over as many frames as it needs and ends where
// asked.
func TestTrafficFrameBudget(t *testing.T) {
	m, clock := trModel(t, "stickiness=lb_cookie")
	if err := m.startCrowd(engine.CrowdConfig{Clients: 2000, RequestRate: 50000}); err != nil {
		t.Fatal(err)
	}
	m.player.setSpeed(100)
	clock.cost = time.Millisecond
	for i := 0; i < 5; i++ {
		before, w0 := m.lb.Now(), clock.now
		clock.Advance(time.Second / 60)
		m.player.frame(clock.now)
		if spent := clock.now.Sub(w0) - time.Second/60; spent > frameBudget+4*time.Millisecond {
			t.Errorf("frame %d spent %s of wall time, budget %s", i, spent, frameBudget)
		}
		if !m.lb.Now().After(before) {
			t.Errorf("frame %d did not advance", i)
		}
		if lag := m.player.simNow().Sub(m.lb.Now()); lag > 100*maxLag+50*time.Millisecond {
			t.Errorf("frame %d: backlog %s kept, more than 100 × %s", i, lag, maxLag)
		}
	}

	m.player.setSpeed(1)
	m.player.fastForward(10 * time.Second)
	goal := m.player.ffUntil
	if !m.player.fastForwarding() {
		t.Fatal("a 10 s fast-forward of 500,000 requests finished in one sync")
	}
	frames := 0
	for m.player.fastForwarding() && frames < 100000 {
		clock.Advance(time.Second / 60)
		m.player.frame(clock.now)
		frames++
	}
	if m.lb.Now().Before(goal) || frames < 2 {
		t.Errorf("fast-forward: at %s after %d frames, want %s", m.lb.Now(), frames, goal)
	}
	t.Logf("fast-forward of 10 s at 50,000 requests/s took %d frames", frames)
}

// TestTrafficPreset stages the lesson "an instance fails" and plays it at
// 100×: Instance 2 stops after a minute and is marked unhealthy, its users
// lose their sessions, the chart shows it, the learner's browser is one
// client of the new load balancer.
func TestTrafficPreset(t *testing.T) {
	m, clock := trModel(t, "")
	old := m.lb
	if err := m.applyPreset("nope"); err == nil || err.Error() != `there is no preset "nope"` {
		t.Errorf("unknown preset: %v", err)
	}
	if err := m.applyPreset("instance-fails"); err != nil {
		t.Fatal(err)
	}
	if m.lb == old || m.lb.Crowd() == nil || len(m.lb.Crowd().Clients) != 300 || !m.lb.TargetGroup.Attributes().StickinessEnabled {
		t.Fatal("the preset's load balancer is not running")
	}
	if ex := m.refresh(); ex.Reason != engine.ReasonNewClient {
		t.Errorf("the learner's first request on the lesson: %s", ex.Reason)
	}
	m.player.setSpeed(100)
	for i := 0; i < 20; i++ {
		clock.Advance(100 * time.Millisecond)
		m.player.frame(clock.now)
	}
	if d := m.lb.Now().Sub(playerStart); d < 3*time.Minute {
		t.Fatalf("20 frames at 100× over 2 s: %s simulated", d)
	}
	k := m.player.counters()
	if k.SessionsLost == 0 || k.Moved == 0 || k.ELB502 == 0 || k.Sticky == 0 {
		t.Errorf("counters after the failure: %+v", k)
	}
	if s := m.lb.Instance("Instance 2").State; s != engine.StateUnhealthy {
		t.Errorf("Instance 2 is %s", s)
	}
	kinds := map[string]bool{}
	for _, mk := range m.player.rec.markers {
		kinds[mk.target+" "+mk.kind] = true
	}
	if !kinds["Instance 2 stopped"] || !kinds["Instance 2 unhealthy"] {
		t.Errorf("markers %v", m.player.rec.markers)
	}

	c := &LoadChart{}
	c.poll(m.player)
	tree := renderTree(t, c)
	chart := tree.mustTestID(t, "load-chart")
	if n, want := chart.num(t, "data-samples"), m.lb.Now().Sub(playerStart).Truncate(time.Second).Seconds(); n != want {
		t.Errorf("chart samples %v, want the %v seconds simulated", n, want)
	}
	if v := tree.mustTestID(t, "series-rps-2").num(t, "data-last"); v != 0 {
		t.Errorf("Instance 2's requests/s %v, want 0", v)
	}
	if v := tree.mustTestID(t, "series-sessions-2").num(t, "data-last"); v != 0 {
		t.Errorf("Instance 2's sessions %v, want 0", v)
	}
	for _, n := range []string{"1", "3"} {
		if v := tree.mustTestID(t, "series-rps-"+n).num(t, "data-last"); v < 15 || v > 60 {
			t.Errorf("Instance %s's requests/s %v, want about 30 (half of 60)", n, v)
		}
	}
	if v := tree.mustTestID(t, "lost-marks").num(t, "data-total"); v != float64(k.SessionsLost) {
		t.Errorf("the lost lane counts %v, the counter %d", v, k.SessionsLost)
	}
	var marked []string
	for _, mk := range tree.allByTestID("chart-marker") {
		marked = append(marked, mk.attrs["data-target"]+" "+mk.attrs["data-kind"])
	}
	if !strings.Contains(strings.Join(marked, ","), "Instance 2 stopped,Instance 2 unhealthy") {
		t.Errorf("chart markers %q", marked)
	}
	if got := tree.mustTestID(t, "legend-2").Text(); got != "Instance 2 0.0 req/s · 0 sessions · out of service" {
		t.Errorf("legend %q", got)
	}

	ct := &Counters{}
	ct.poll(m.player)
	tree = renderTree(t, ct)
	if v := tree.mustTestID(t, "counter-lost").num(t, "data-value"); v != float64(k.SessionsLost) || tree.mustTestID(t, "counter-lost").Text() != thousands(k.SessionsLost) {
		t.Errorf("counter-lost %v %q, want %d", v, tree.mustTestID(t, "counter-lost").Text(), k.SessionsLost)
	}
	if v := tree.mustTestID(t, "counter-imbalance").num(t, "data-value"); v < 1 || v > 1.3 {
		t.Errorf("imbalance of the two survivors %v", v)
	}
	if got := tree.mustTestID(t, "counters").num(t, "data-requests"); got != float64(m.lb.Metrics().Requests) {
		t.Errorf("data-requests %v", got)
	}

	fl := &RequestFlow{}
	fl.poll(m.player)
	rows := renderTree(t, fl).allByTestID("flow-row")
	if len(rows) != flowSize {
		t.Fatalf("%d flow rows", len(rows))
	}
	for _, r := range rows {
		if r.attrs["data-target"] == "Instance 2" || r.attrs["data-session"] == "" {
			t.Errorf("flow row %v after Instance 2 is out", r.attrs)
		}
	}
}

// TestPresetsTeach plays each preset for a few simulated minutes and checks
// the number its lesson rests on, as the lab shows it.
func TestPresetsTeach(t *testing.T) {
	for _, p := range engine.Presets {
		t.Run(p.ID, func(t *testing.T) {
			m, clock := trModel(t, "")
			if err := m.applyPreset(p.ID); err != nil {
				t.Fatal(err)
			}
			m.player.setSpeed(100)
			for i := 0; i < 30; i++ {
				clock.Advance(100 * time.Millisecond)
				m.player.frame(clock.now)
			}
			k := m.player.counters()
			imb := m.lb.Imbalance(imbalanceWindow)
			t.Logf("%s: %+v imbalance %.2f", p.ID, k, imb)
			switch p.ID {
			case "no-stickiness":
				if k.SessionsLost < k.Requests/2 {
					t.Errorf("without stickiness only %d of %d requests lost their session", k.SessionsLost, k.Requests)
				}
			case "stickiness":
				if k.SessionsLost != 0 || k.Sticky < k.Requests*9/10 {
					t.Errorf("with stickiness: %+v", k)
				}
			case "instance-fails":
				if k.SessionsLost < 50 {
					t.Errorf("the failed instance's users lost %d sessions", k.SessionsLost)
				}
			case "scale-out":
				if len(m.lb.Instances()) != 5 || imb < 1.3 {
					t.Errorf("after the scale-out: %d instances, imbalance %.2f", len(m.lb.Instances()), imb)
				}
			case "external-store":
				if k.SessionsLost != 0 || imb > 1.3 {
					t.Errorf("with the external store: %d lost, imbalance %.2f", k.SessionsLost, imb)
				}
			}
			pp := &PresetPicker{IActive: p.ID}
			tree := renderTree(t, pp)
			if got := tree.mustTestID(t, "preset-lesson").attrs["data-preset"]; got != p.ID || !strings.Contains(tree.mustTestID(t, "preset-lesson").Text(), p.Lesson) {
				t.Errorf("lesson shown %q: %s", got, tree.mustTestID(t, "preset-lesson").Text())
			}
			for _, q := range engine.Presets {
				if b := tree.mustTestID(t, "preset-"+q.ID); b.flag("aria-pressed") != (q.ID == p.ID) {
					t.Errorf("button %s pressed=%q", q.ID, b.attrs["aria-pressed"])
				}
			}
		})
	}
}

func TestBuildChart(t *testing.T) {
	base := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	var samples []engine.Sample
	for i := 0; i < 400; i++ {
		s := engine.Sample{Time: base.Add(time.Duration(i) * time.Second)}
		s.Targets[0] = engine.TargetSample{Requests: 10, Sessions: int32(i), InService: true}
		s.Targets[1] = engine.TargetSample{Requests: int32(i % 2 * 4), Sessions: 7, InService: i < 350}
		if i == 390 {
			s.Lost, s.Moved = 3, 2
		}
		samples = append(samples, s)
	}
	mk := []marker{{time: base.Add(350 * time.Second), kind: "unhealthy", target: "Instance 2"}, {time: base.Add(10 * time.Second), kind: "stopped", target: "Instance 2"},
		{time: base.Add(400*time.Second + 500*time.Millisecond), kind: "stopped", target: "Instance 1"}, {time: base.Add(410 * time.Second), kind: "started", target: "Instance 1"}}
	d := buildChart(samples, []string{"Instance 1", "Instance 2"}, nil, 300, mk)
	if d.binSec != 2 || d.bins != 150 || d.samples != 300 || d.t0 != base.Unix()+100 {
		t.Fatalf("bins: %d × %d s from %d, %d samples", d.bins, d.binSec, d.t0-base.Unix(), d.samples)
	}
	if s := d.series[0]; s.lastRPS != 10 || s.lastSessions != 399 || !s.inService || strings.Count(s.rpsPoints, ",") != 150 {
		t.Errorf("series 1: %+v", s)
	}
	if s := d.series[1]; s.lastRPS != 2 || s.inService {
		t.Errorf("series 2: rps %v in service %v", s.lastRPS, s.inService)
	}
	if d.maxRPS != 10 || d.maxSessions != 500 || d.lost != 3 || d.moved != 2 || strings.Count(d.lostPath, "M") != 1 {
		t.Errorf("max %v %v lost %d moved %d path %q", d.maxRPS, d.maxSessions, d.lost, d.moved, d.lostPath)
	}
	if len(d.markers) != 2 || d.markers[0].kind != "unhealthy" || d.markers[1].kind != "stopped" {
		t.Fatalf("markers %+v (the one before the window and the one past the bin being filled must go)", d.markers)
	}
	if x := d.markers[0].x; x < chartLeft+(chartRight-chartLeft)*250/300-1 || x > chartLeft+(chartRight-chartLeft)*250/300+1 {
		t.Errorf("marker at x=%v", x)
	}
	if x := d.markers[1].x; x != chartRight {
		t.Errorf("the marker of the second being filled at x=%v, want the right edge %v", x, float64(chartRight))
	}
	if e := buildChart(nil, []string{"Instance 1"}, nil, 3600, nil); e.binSec != 24 || e.bins != 150 || len(e.series) != 0 {
		t.Errorf("empty chart %+v", e)
	}
	for v, want := range map[float64]float64{0: 1, 0.5: 1, 3: 5, 10: 10, 11: 20, 480: 500, 501: 1000} {
		if got := niceCeil(v); got != want {
			t.Errorf("niceCeil(%v) = %v, want %v", v, got, want)
		}
	}
}

// trLab mounts a Lab at ?q with a test clock and a fake frame loop whose
// starts and stops the test sees.
type trLab struct {
	t      *testing.T
	lab    *Lab
	d      app.ClientDispatcher
	clock  *wallClock
	frames chan context.Context
}

func trMountLab(t *testing.T, q string) *trLab {
	t.Helper()
	return trMountLabWith(t, q, nil)
}

// trMountLabWith is trMountLab with the learner's reduced-motion
// preference (nil: the browser's).
func trMountLabWith(t *testing.T, q string, reducedMotion func() bool) *trLab {
	t.Helper()
	clock := &wallClock{now: playerStart}
	d := app.NewClientTester(app.Div())
	t.Cleanup(d.Close)
	u, err := url.Parse("https://stickylab.test/stickylab/?" + q)
	if err != nil {
		t.Fatal(err)
	}
	d.Nav(u)
	tl := &trLab{t: t, d: d, clock: clock, frames: make(chan context.Context, 10)}
	tl.lab = &Lab{opts: Options{Now: clock.Now, ReducedMotion: reducedMotion, Frames: func(ctx context.Context, f func(time.Time)) {
		tl.frames <- ctx
		<-ctx.Done()
	}}}
	d.Mount(tl.lab)
	trSettle(d)
	if !tl.lab.Mounted() || tl.lab.m == nil {
		t.Fatal("the lab did not mount")
	}
	return tl
}

func (tl *trLab) do(f func(l *Lab)) {
	tl.d.Emit(tl.lab, func() { f(tl.lab) })
	trSettle(tl.d)
}

// frame runs one animation frame, as the frame loop does.
func (tl *trLab) frame(d time.Duration) {
	tl.clock.Advance(d)
	tl.d.Dispatch(app.Dispatch{Mode: app.Next, Source: tl.lab, Function: func(app.Context) { tl.lab.frame(tl.clock.now) }})
	trSettle(tl.d)
}

func (tl *trLab) tree() *htmlNode { return renderTree(tl.t, tl.lab) }

// loop waits for the frame loop to start and returns its context.
func (tl *trLab) loop() context.Context {
	tl.t.Helper()
	select {
	case ctx := <-tl.frames:
		return ctx
	case <-time.After(5 * time.Second):
		tl.t.Fatal("the frame loop did not start")
		return nil
	}
}

// TestLabTraffic drives the traffic tab of a mounted Lab: the tab and its
// test ids, the frame loop's life, a lesson, the fleet's buttons, pause.
func TestLabTraffic(t *testing.T) {
	tl := trMountLab(t, "")
	if tl.tree().has("traffic") || tl.lab.tl.loops != 0 {
		t.Fatal("the lab opens on the traffic tab, or runs frames for nothing")
	}
	tl.do(func(l *Lab) { l.showTab(tabTraffic) })
	ctx := tl.loop()
	tree := tl.tree()
	for _, id := range []string{"traffic-tab", "browser-tab", "traffic", "crowd-clients", "crowd-rate", "crowd-think", "crowd-clear", "crowd-block",
		"crowd-start", "crowd-stop", "external-store", "pause", "play", "step", "speed-1", "speed-10", "speed-100", "ff-1h", "clock", "sim-status",
		"load-chart", "counters", "counter-sticky", "counter-nonsticky", "counter-lost", "counter-imbalance", "request-flow", "launch-instance",
		"deregister-1", "slow-1", "stop-1", "fail-checks-1", "instance-1-state", "refresh", "stickiness-enabled", "preset-lesson"} {
		if !tree.has(id) {
			t.Errorf("the traffic tab has no %s", id)
		}
	}
	for _, p := range engine.Presets {
		if !tree.has("preset-" + p.ID) {
			t.Errorf("no preset-%s", p.ID)
		}
	}
	if !tree.mustTestID(t, "traffic-tab").flag("aria-selected") || tree.mustTestID(t, "browser-tab").flag("aria-selected") || tree.has("cookie-panel") {
		t.Error("the traffic tab is not the one shown")
	}

	tl.do(func(l *Lab) { l.applyPreset("instance-fails") })
	tl.do(func(l *Lab) { l.setSpeed(100) })
	for i := 0; i < 20; i++ {
		tl.frame(100 * time.Millisecond)
	}
	tl.do(func(l *Lab) {}) // the Lab's tick
	tree = tl.tree()
	if got := tree.mustTestID(t, "instance-2-state").Text(); got != "unhealthy" {
		t.Errorf("Instance 2 is %q after 3 simulated minutes", got)
	}
	if v := tree.mustTestID(t, "counter-lost").num(t, "data-value"); v < 50 {
		t.Errorf("counter-lost %v", v)
	}
	if got := tree.mustTestID(t, "clock").Text(); got != tl.lab.m.lb.Now().Format("15:04:05") {
		t.Errorf("clock %q, engine at %s", got, tl.lab.m.lb.Now())
	}
	if got := tree.mustTestID(t, "preset-lesson").attrs["data-preset"]; got != "instance-fails" {
		t.Errorf("lesson %q", got)
	}
	if !strings.HasPrefix(tree.mustTestID(t, "crowd-status").Text(), "Running: 300 clients") || !tree.mustTestID(t, "stickiness-enabled").flag("checked") {
		t.Errorf("the lesson's crowd and attributes are not shown: %s / checked=%v", tree.mustTestID(t, "crowd-status").Text(), tree.mustTestID(t, "stickiness-enabled").attrs["checked"])
	}

	// Pause holds the clock and the counters over frames.
	tl.do(func(l *Lab) { l.pause() })
	clock, reqs := tl.tree().mustTestID(t, "clock").Text(), tl.tree().mustTestID(t, "counter-requests").Text()
	for i := 0; i < 10; i++ {
		tl.frame(200 * time.Millisecond)
	}
	tree = tl.tree()
	if tree.mustTestID(t, "clock").Text() != clock || tree.mustTestID(t, "counter-requests").Text() != reqs || tree.mustTestID(t, "sim-status").Text() != "paused" {
		t.Errorf("paused: clock %s → %s, requests %s → %s", clock, tree.mustTestID(t, "clock").Text(), reqs, tree.mustTestID(t, "counter-requests").Text())
	}
	if !tree.mustTestID(t, "pause").flag("disabled") || tree.mustTestID(t, "play").flag("disabled") {
		t.Error("pause/play buttons")
	}
	tl.do(func(l *Lab) { l.step() })
	if got := tl.tree().mustTestID(t, "counter-requests").num(t, "data-value"); got != mustFloat(t, strings.ReplaceAll(reqs, ",", ""))+1 {
		t.Errorf("one cost: %v requests, was %s", got, reqs)
	}

	// The fleet.
	tl.do(func(l *Lab) { l.deregister("Instance 1") })
	tl.do(func(l *Lab) { l.launch("") })
	tl.do(func(l *Lab) { l.slowDown("Instance 3", true) })
	tree = tl.tree()
	if got := tree.mustTestID(t, "instance-1-state").Text(); got != "draining" || !tree.has("register-1") || tree.has("deregister-1") {
		t.Errorf("deregistered Instance 1: %s", got)
	}
	if got := tree.mustTestID(t, "instance-4-state").Text(); got != "initial" {
		t.Errorf("launched Instance 4: %q", got)
	}
	if tree.mustTestID(t, "slow-3").Text() != "Speed up" || !strings.HasPrefix(tree.mustTestID(t, "instance-3-latency").Text(), "answers in 1s") {
		t.Errorf("slowed Instance 3: %s", tree.mustTestID(t, "instance-3").Text())
	}
	if tl.lab.m.lb.Instance("Instance 3").Latency != slowLatency {
		t.Error("Instance 3 not slowed in the engine")
	}
	tl.do(func(l *Lab) { l.register("Instance 1") })
	if got := tl.tree().mustTestID(t, "instance-1-state").Text(); got != "initial" {
		t.Errorf("re-registered Instance 1: %q", got)
	}

	// The external session store, switched on while the crowd runs.
	tl.do(func(l *Lab) { l.setExternalStore(true) })
	if _, on := tl.lab.m.lb.ExternalSessionStore(); !on || !tl.tree().mustTestID(t, "external-store").flag("checked") {
		t.Error("the external session store is not on")
	}

	// Leaving the tab with the crowd running keeps the loop; stopping the
	// crowd ends it at the next frame.
	tl.do(func(l *Lab) { l.showTab(tabBrowser) })
	tl.frame(16 * time.Millisecond)
	if ctx.Err() != nil {
		t.Error("the frame loop stopped while the crowd runs")
	}
	tl.do(func(l *Lab) { l.stopCrowd() })
	tl.frame(16 * time.Millisecond)
	if ctx.Err() == nil {
		t.Error("the frame loop runs on with nothing to do")
	}
	if tl.tree().has("traffic") || !tl.tree().has("cookie-panel") {
		t.Error("the browser tab is not shown")
	}
	tl.do(func(l *Lab) { l.fastForward(time.Minute) })
	if tl.lab.tl.loops != 1 {
		t.Errorf("%d loops for a fast-forward that finished in the click", tl.lab.tl.loops)
	}
}

func mustFloat(t *testing.T, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestLabTrafficURL opens lessons from the URL, and names bad values.
func TestLabTrafficURL(t *testing.T) {
	tl := trMountLab(t, "preset=scale-out")
	tree := tl.tree()
	if !tree.has("traffic") || tree.mustTestID(t, "preset-lesson").attrs["data-preset"] != "scale-out" || tl.lab.m.lb.Crowd() == nil {
		t.Errorf("preset=scale-out: %s", tree.Text())
	}
	tl.loop()
	tl = trMountLab(t, "view=traffic")
	if !tl.tree().has("traffic") || tl.tree().has("notices") {
		t.Error("view=traffic")
	}
	tl = trMountLab(t, "view=graph&preset=chaos")
	tree = tl.tree()
	notices := tree.mustTestID(t, "notices").Text()
	for _, want := range []string{`URL parameter view="graph" is not valid: use browser or traffic.`,
		`URL parameter preset="chaos" is not valid: use one of no-stickiness, stickiness, instance-fails, scale-out, external-store, classic-duration, nlb-office-nat, slow-start, blue-green. No lesson is staged.`} {
		if !strings.Contains(notices, want) {
			t.Errorf("notices %q lack %q", notices, want)
		}
	}
	if tree.has("traffic") || tl.lab.m.lb.Crowd() != nil {
		t.Error("bad parameters changed the lab")
	}
	tl.do(func(l *Lab) { l.showTab(tabTraffic) })
	tl.do(func(l *Lab) { l.step() })
	if got := tl.tree().mustTestID(t, "notices").Text(); !strings.Contains(got, errNoCrowd.Error()) {
		t.Errorf("step without a crowd: %q", got)
	}
}

// TestLoadChartSharedStore checks the chart's sessions with the external
// store: one count that every instance reads, said so, not each
// instance's own.
func TestLoadChartSharedStore(t *testing.T) {
	m, clock := trModel(t, "")
	if err := m.applyPreset("external-store"); err != nil {
		t.Fatal(err)
	}
	m.player.setSpeed(100)
	for range 20 {
		clock.Advance(100 * time.Millisecond)
		m.player.frame(clock.now)
	}
	c := &LoadChart{}
	c.poll(m.player)
	tree := renderTree(t, c)
	if got := tree.mustTestID(t, "legend-1").Text(); !strings.Contains(got, "sessions in the shared store") {
		t.Errorf("legend %q", got)
	}
	if !strings.Contains(tree.Text(), "Active sessions (the external store's, shared)") {
		t.Error("the sessions panel does not say the count is the store's")
	}
}

// TestFastForwardEndAnnounced runs a fast-forward over frames: its end is
// announced once, with the clock it reached; a lesson's prediction measured
// during it is not replaced.
func TestFastForwardEndAnnounced(t *testing.T) {
	tl := trMountLab(t, "view=traffic&stickiness=lb_cookie")
	tl.do(func(l *Lab) { _ = l.startCrowd(engine.CrowdConfig{Clients: 300, ThinkTime: 2 * time.Second}) })
	tl.clock.cost = time.Millisecond // a frame cannot run the hour at once
	tl.do(func(l *Lab) { l.fastForward(time.Hour) })
	ends := 0
	for i := 0; i < 100000 && tl.lab.m.player.fastForwarding(); i++ {
		tl.frame(time.Second / 60)
		if strings.HasPrefix(tl.lab.said, "Fast-forward done") {
			ends++
		}
	}
	tl.frame(time.Second / 60)
	want := "Fast-forward done: the simulated clock reads " + tl.lab.m.lb.Now().Format("15:04") // seconds moved on a frame
	if got := tl.lab.said; !strings.HasPrefix(got, want) || tl.lab.m.player.fastForwarding() {
		t.Errorf("after the fast-forward the announcer says %q, want %q…", got, want)
	}
	if ends > 1 {
		t.Errorf("the end was announced in %d frames", ends)
	}

	lesson := trMountLab(t, "view=traffic&preset=scale-out")
	lesson.clock.cost = time.Millisecond
	lesson.do(func(l *Lab) { l.fastForward(time.Hour) })
	for i := 0; i < 100000 && lesson.lab.m.player.fastForwarding(); i++ {
		lesson.frame(time.Second / 60)
	}
	lesson.frame(time.Second / 60)
	if got := lesson.lab.said; !strings.HasPrefix(got, "Prediction measured: ") {
		t.Errorf("after the lesson's fast-forward the announcer says %q, want the prediction measured", got)
	}
}
