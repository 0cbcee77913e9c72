//go:build !(js && wasm)

package e2e

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The traffic lab in Chromium: a crowd shares the load balancer with the
// learner's browser, the engine runs per animation frame, and the chart,
// counters, flow and targets panel follow it.

// fill types value into the input with data-testid id, as a user would: the
// value changes and an input event fires.
func (p *Page) trFill(id, value string) {
	p.T.Helper()
	js := fmt.Sprintf(`(() => { const e = document.querySelector('[data-testid=%q]'); if (!e) return false; e.focus(); e.value = %q; e.dispatchEvent(new Event('input', {bubbles: true})); return true; })()`, id, value)
	if !Eval[bool](p, js) {
		p.T.Fatalf("no input %s", id)
	}
}

// attr returns the attribute name of the element with data-testid id, or ""
// when there is no such element or attribute.
func (p *Page) trAttr(id, name string) string {
	p.T.Helper()
	return Eval[string](p, fmt.Sprintf(`((e) => e ? (e.getAttribute(%q) || "") : "")(document.querySelector('[data-testid=%q]'))`, name, id))
}

// num returns the number in the attribute name of the element with
// data-testid id (NaN when there is none).
func (p *Page) trNum(id, name string) float64 {
	p.T.Helper()
	f, err := strconv.ParseFloat(p.trAttr(id, name), 64)
	if err != nil {
		return -1
	}
	return f
}

// waitFor polls cond every 50 ms until it holds, failing the test with
// what after Timeout.
func (p *Page) trWait(what string, cond func() bool) {
	p.T.Helper()
	deadline := time.Now().Add(Timeout)
	for !cond() {
		if time.Now().After(deadline) {
			p.T.Fatalf("waiting %s: %s", Timeout, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// exists reports whether an element with data-testid id is in the page.
func (p *Page) trExists(id string) bool {
	p.T.Helper()
	return Eval[bool](p, fmt.Sprintf(`document.querySelector('[data-testid=%q]') !== null`, id))
}

// trText returns the trimmed text of the element with data-testid id, read
// in one evaluation in the page ("" when there is none): go-app may replace
// an element between a query and a read, which the harness's Text reports
// as an error.
func (p *Page) trText(id string) string {
	p.T.Helper()
	return Eval[string](p, fmt.Sprintf(`((e) => e ? e.textContent.trim() : "")(document.querySelector('[data-testid=%q]'))`, id))
}

// trWaitText polls the text of the element with data-testid id until ok
// holds for it, and returns it.
func (p *Page) trWaitText(id string, ok func(string) bool) string {
	p.T.Helper()
	deadline := time.Now().Add(Timeout)
	for {
		text := p.trText(id)
		if ok(text) {
			return text
		}
		if time.Now().After(deadline) {
			p.T.Fatalf("waiting %s for the text of %s: still %q", Timeout, id, text)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// openTraffic opens the lab on the traffic tab with the URL query query.
func (p *Page) trOpen(query string) {
	p.T.Helper()
	p.OpenLab(query)
	if !p.trExists("load-chart") {
		p.Click("traffic-tab")
	}
	p.WaitTestID("load-chart")
}

// trFastForwardMinutes fast-forwards the traffic lab n minutes, one minute at
// a time, each waited for.
func (p *Page) trFastForwardMinutes(n int) {
	p.T.Helper()
	for range n {
		p.Click("ff-1m")
		p.trWait("the fast-forward", func() bool { return p.trAttr("sim-status", "data-ff") != "true" && p.trExists("ff-1m") })
	}
}

func (p *Page) trClean() {
	p.T.Helper()
	if errs := p.ConsoleErrors(); len(errs) > 0 {
		p.T.Errorf("console errors: %q", errs)
	}
	if foreign := p.ForeignRequests(); len(foreign) > 0 {
		p.T.Errorf("requests outside the origin: %q", foreign)
	}
}

// TestTrafficInstanceFails starts a crowd with stickiness on, stops an
// instance and checks what the engine says happens: 502s until two failed
// health checks, then unhealthy; its users move and lose their sessions;
// its series in the chart drop to 0 and the chart marks the events.
func TestTrafficInstanceFails(t *testing.T) {
	p := NewPage(t)
	p.OpenLab("stickiness=lb_cookie")
	p.Click("traffic-tab")
	p.WaitTestID("load-chart")
	if p.trExists("cookie-panel") {
		t.Error("the browser tab's panels are still shown")
	}

	p.trFill("crowd-clients", "300")
	p.trFill("crowd-think", "2")
	p.Click("crowd-start")
	p.trWaitText("crowd-status", func(s string) bool {
		return s == "Running: 300 clients, about 150 requests/s (think time 2s)."
	})
	p.Click("speed-10")
	p.trWait("20 s of history and sticky requests", func() bool {
		return p.trNum("load-chart", "data-samples") >= 20 && p.trNum("counter-sticky", "data-value") > 1000
	})
	for n := 1; n <= 3; n++ {
		if rps, ses := p.trNum(fmt.Sprintf("series-rps-%d", n), "data-last"), p.trNum(fmt.Sprintf("series-sessions-%d", n), "data-last"); rps < 20 || ses < 50 {
			t.Errorf("Instance %d: %v requests/s, %v sessions; want about 50 and 100", n, rps, ses)
		}
	}
	if lost := p.trNum("counter-lost", "data-value"); lost != 0 {
		t.Errorf("%v sessions lost with stickiness and a healthy fleet", lost)
	}
	// A loaded machine's browser may lag: the status then adds how fast it keeps up.
	if got := p.trText("sim-status"); !strings.HasPrefix(got, "playing at 10×") {
		t.Errorf("status %q", got)
	}
	p.Screenshot("traffic-1-crowd")

	p.Click("stop-2")
	p.WaitTestID("start-2")
	p.trWait("502 answers from the stopped instance", func() bool { return p.trNum("counter-errors", "data-value") > 0 })
	if got := p.trText("instance-2-state"); got != "healthy" && got != "unhealthy" {
		t.Errorf("Instance 2 right after the stop: %q", got)
	}
	p.trWaitText("instance-2-state", func(s string) bool { return s == "unhealthy" })
	p.trWait("sessions lost and clients moved", func() bool {
		return p.trNum("counter-lost", "data-value") > 50 && p.trNum("counter-moved", "data-value") > 50
	})
	p.trWait("Instance 2's series at 0", func() bool {
		return p.trNum("series-rps-2", "data-last") == 0 && p.trNum("series-sessions-2", "data-last") == 0
	})
	if lost, lane := p.trNum("counter-lost", "data-value"), p.trNum("lost-marks", "data-total"); lane <= 0 || lane > lost {
		t.Errorf("the chart's lost lane counts %v, the counter %v", lane, lost)
	}
	kinds := Eval[string](p, `[...document.querySelectorAll('[data-testid="chart-marker"]')].map(e => e.dataset.target + " " + e.dataset.kind).join(",")`)
	if !strings.Contains(kinds, "Instance 2 stopped") || !strings.Contains(kinds, "Instance 2 unhealthy") {
		t.Errorf("chart markers %q", kinds)
	}
	for n := 1; n <= 3; n += 2 {
		if rps := p.trNum(fmt.Sprintf("series-rps-%d", n), "data-last"); rps < 40 {
			t.Errorf("Instance %d serves %v requests/s after Instance 2 went, want about 75", n, rps)
		}
	}
	flow := Eval[string](p, `[...document.querySelectorAll('[data-testid="flow-row"]')].map(e => e.dataset.target).join(",")`)
	if strings.Contains(flow, "Instance 2") || strings.Count(flow, "Instance") != 12 {
		t.Errorf("the last requests went to %q", flow)
	}
	if got := p.trText("legend-2"); !strings.HasSuffix(got, "out of service") {
		t.Errorf("legend %q", got)
	}
	p.Screenshot("traffic-2-instance-failed")

	// Deregister and launch while it runs.
	p.Click("deregister-1")
	p.trWaitText("instance-1-state", func(s string) bool { return s == "draining" })
	p.Click("launch-instance")
	p.trWaitText("instance-4-state", func(s string) bool { return s == "initial" || s == "healthy" })
	// Five passed checks take about 2½ minutes: fast-forwarded, not tied to how fast the browser plays.
	p.trFastForwardMinutes(3)
	p.trWaitText("instance-4-state", func(s string) bool { return s == "healthy" })
	// Every client holds a cookie for Instance 3 by now: the new instance
	// is in service but idle (the scale-out lesson).
	p.trWait("Instance 4 in the chart, in service", func() bool {
		return p.trNum("series-rps-4", "data-last") >= 0 && strings.HasSuffix(p.trText("legend-4"), " in service")
	})
	if rps3, rps4 := p.trNum("series-rps-3", "data-last"), p.trNum("series-rps-4", "data-last"); rps3 < 100 || rps4 > 5 {
		t.Errorf("after Instance 1 drained, Instance 3 serves %v requests/s and the new Instance 4 %v", rps3, rps4)
	}
	p.trClean()
}

// TestTrafficPause checks that pause freezes the simulated clock and the
// counters, that a step runs exactly one request, that play resumes, and
// that a fast-forward runs ahead and comes back to play.
func TestTrafficPause(t *testing.T) {
	p := NewPage(t)
	p.trOpen("view=traffic&stickiness=lb_cookie")
	p.Click("crowd-start")
	p.trWait("requests", func() bool { return p.trNum("counter-requests", "data-value") > 100 })

	p.Click("pause")
	p.trWaitText("sim-status", func(s string) bool { return s == "paused" })
	read := func() string {
		return strings.Join([]string{p.trText("clock"), p.trText("counter-requests"), p.trText("counter-sticky"), p.trText("counter-nonsticky"),
			p.trAttr("counters", "data-sim-ms"), p.trAttr("request-flow", "data-seen")}, " | ")
	}
	before := read()
	time.Sleep(1500 * time.Millisecond)
	if after := read(); after != before {
		t.Errorf("paused for 1.5 s, the page changed:\n%s\n%s", before, after)
	}
	p.Screenshot("traffic-3-paused")

	reqs, sim := p.trNum("counter-requests", "data-value"), p.trNum("counters", "data-sim-ms")
	p.Click("step")
	p.trWait("one step", func() bool { return p.trNum("counter-requests", "data-value") != reqs })
	if got := p.trNum("counter-requests", "data-value"); got != reqs+1 {
		t.Errorf("one step ran %v requests", got-reqs)
	}
	if s := p.trNum("counters", "data-sim-ms"); s < sim || s > sim+5000 {
		t.Errorf("the step moved the clock from %v to %v ms", sim, s)
	}
	stepped := read()
	time.Sleep(time.Second)
	if after := read(); after != stepped || p.trText("sim-status") != "paused" {
		t.Errorf("after a step the page changed:\n%s\n%s", stepped, after)
	}

	// An instance stopped while paused is marked on the chart at once (at
	// its right edge: the second has no sample yet).
	p.Click("stop-1")
	p.trWait("the stop's marker on the paused chart", func() bool {
		return Eval[bool](p, `[...document.querySelectorAll('[data-testid="chart-marker"]')].some(e => e.dataset.target == "Instance 1" && e.dataset.kind == "stopped")`)
	})

	clock := p.trText("clock")
	p.Click("play")
	p.trWaitText("sim-status", func(s string) bool { return s == "playing at 1×" })
	p.trWaitText("clock", func(s string) bool { return s != clock })
	p.trWait("requests after play", func() bool { return p.trNum("counter-requests", "data-value") > reqs+20 })

	sim = p.trNum("counters", "data-sim-ms")
	p.Click("ff-10m")
	p.trWait("the fast-forward of 10 minutes", func() bool {
		return p.trNum("counters", "data-sim-ms") >= sim+600_000 && p.trText("sim-status") == "playing at 1×"
	})
	if p.trExists("ff-cancel") {
		t.Error("the fast-forward's stop button stays")
	}
	p.trClean()
}

// TestTrafficLesson stages a lesson in one click and checks it is set up,
// that the learner's browser is one client of it, and that a bad crowd
// form is refused with a message while the lesson runs on.
func TestTrafficLesson(t *testing.T) {
	p := NewPage(t)
	p.trOpen("view=traffic")
	p.Click("preset-scale-out")
	p.trWaitText("preset-title", func(s string) bool { return s == "Scale out: new instances stay idle while cookies live" })
	if got := p.trAttr("preset-scale-out", "aria-pressed"); got != "true" {
		t.Errorf("aria-pressed %q", got)
	}
	p.trWaitText("crowd-status", func(s string) bool { return strings.HasPrefix(s, "Running: 300 clients, about 60 requests/s") })
	if !Eval[bool](p, `document.querySelector('[data-testid="stickiness-enabled"]').checked`) {
		t.Error("the lesson's stickiness is not on in the attributes form")
	}
	p.choose("chart-window", "900") // the markers of 1:00 stay in the window at 100×
	p.Click("speed-100")
	p.trWaitText("instance-5-state", func(s string) bool { return s == "healthy" })
	p.trWait("the imbalance of the scale-out", func() bool { return p.trNum("counter-imbalance", "data-value") > 1.3 })
	// The chart draws a marker once a sample of the second it fell in
	// exists, and redraws at most ten times a second: it may trail the
	// fleet's state by a moment.
	var kinds string
	p.trWait("the scale-out's markers on the chart", func() bool {
		kinds = Eval[string](p, `[...document.querySelectorAll('[data-testid="chart-marker"]')].map(e => e.dataset.target + " " + e.dataset.kind).join(",")`)
		return strings.Contains(kinds, "Instance 4 registered") && strings.Contains(kinds, "Instance 5 healthy")
	})
	t.Logf("chart markers %q", kinds)
	p.Screenshot("traffic-4-scale-out")

	// The learner's browser is one client among the crowd.
	p.Click("pause")
	p.trWaitText("sim-status", func(s string) bool { return s == "paused" })
	p.Click("refresh")
	p.trWaitText("served-by", NonEmpty)
	p.trWait("your request in the flow", func() bool {
		return Eval[string](p, `document.querySelector('[data-testid="flow-row"] .flow-client').textContent`) == "you"
	})
	if _, ok := p.Cookie("AWSALB"); !ok {
		t.Error("the lesson's load balancer did not set AWSALB in the browser")
	}

	// A bad crowd is refused; the lesson goes on.
	p.trFill("crowd-clients", "lots")
	p.Click("crowd-start")
	p.trWaitText("crowd-error", func(s string) bool { return s == `Clients must be a whole number from 1 to 10,000; "lots" is not.` })
	if got := Eval[string](p, `document.querySelector('[data-testid="crowd-clients"]').value`); got != "lots" {
		t.Errorf("the typed value became %q", got)
	}
	if !strings.HasPrefix(p.trText("crowd-status"), "Running: 300 clients") || p.trAttr("preset-lesson", "data-preset") != "scale-out" {
		t.Error("a refused form changed the running lesson")
	}
	p.trFill("crowd-clear", "70")
	p.trFill("crowd-block", "40")
	p.trFill("crowd-clients", "500")
	p.Click("crowd-start")
	p.trWaitText("crowd-error", func(s string) bool { return strings.Contains(s, "add up to 110%") })
	p.Screenshot("traffic-5-form-error")
	p.trFill("crowd-block", "0")
	// More requests than the clients can send (each pauses at least 10 ms).
	p.trFill("crowd-rate", "100000")
	p.Click("crowd-start")
	p.trWaitText("crowd-error", func(s string) bool {
		return strings.Contains(s, "at most 50,000 requests per second can come from 500 clients")
	})
	p.trFill("crowd-rate", "")
	p.Click("crowd-start")
	p.trWaitText("crowd-status", func(s string) bool { return strings.HasPrefix(s, "Running: 500 clients") })
	if p.trExists("crowd-error") {
		t.Error("the error stays after a good start")
	}
	p.trClean()
}
