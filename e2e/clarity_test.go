//go:build !(js && wasm)

package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// First-time clarity (issue 10): what the lab says when nothing happened
// yet, or when AWS does something surprising.

// TestUnsavedChanges ticks Stickiness without saving: the form says so and
// nothing is applied; Save changes applies it and the note goes.
func TestUnsavedChanges(t *testing.T) {
	p := NewPage(t)
	p.OpenLab("")
	if p.trExists("attributes-unsaved") {
		t.Fatal("a fresh form says it has unsaved changes")
	}
	p.Click("stickiness-enabled")
	if got := p.WaitText("attributes-unsaved", NonEmpty); got != "Unsaved changes: Save changes applies them." {
		t.Errorf("note %q", got)
	}
	if !Eval[bool](p, `document.querySelector('[data-testid="save-attributes"]').closest('.attributes').classList.contains('unsaved')`) {
		t.Error("the form is not marked")
	}
	if _, reason := p.refresh(); reason != "no-stickiness" {
		t.Errorf("a refresh before Save: %s, want no-stickiness (nothing applied)", reason)
	}
	p.Screenshot("clarity-unsaved")
	p.saveChanges()
	p.WaitTestID("attributes-saved")
	p.trWait("the note to go", func() bool { return !p.trExists("attributes-unsaved") })
	if _, reason := p.refresh(); reason != "new-client" {
		t.Errorf("the first refresh after Save: %s, want new-client", reason)
	}
	p.trClean()
}

// TestStoppedInstanceNote stops the learner's instance: its card says why
// it is still healthy (the engine's 2 checks, 30 s apart) until the checks
// mark it unhealthy.
func TestStoppedInstanceNote(t *testing.T) {
	p := NewPage(t)
	p.OpenLab("stickiness=lb_cookie")
	first, _ := p.refresh()
	n := instanceNumber(t, first)
	note := fmt.Sprintf("instance-%d-stopped-note", n)
	if p.trExists(note) {
		t.Fatal("a running instance has the note")
	}
	p.Click(fmt.Sprintf("stop-%d", n))
	got := p.WaitText(note, NonEmpty)
	for _, w := range []string{"Stopped but still healthy", "(answered 502 Bad Gateway)", "until it fails 2 health checks in a row, one every 30 seconds (up to 1 minute)", "Next check in "} {
		if !strings.Contains(got, w) {
			t.Errorf("note %q: no %q", got, w)
		}
	}
	if s := p.Text(fmt.Sprintf("instance-%d-state", n)); s != "healthy" {
		t.Errorf("state %q right after the stop", s)
	}
	if got, _ := p.refresh(); got != "502 Bad Gateway" || strings.Contains(p.Text("session-view"), "502") {
		t.Errorf("after the stop: %q, page %q (the status once, then why)", got, p.Text("session-view"))
	}
	p.Screenshot("clarity-stopped")
	p.Click("ff-1m0s")
	p.WaitText(fmt.Sprintf("instance-%d-state", n), func(s string) bool { return s == "unhealthy" })
	p.trWait("the note to go once unhealthy", func() bool { return !p.trExists(note) })
	p.trClean()
}

// TestFastForwardDataFF checks that sim-status carries data-ff only while a
// fast-forward runs, and what the status says without a crowd.
func TestFastForwardDataFF(t *testing.T) {
	p := NewPage(t)
	p.trOpen("view=traffic")
	hasFF := func() bool {
		return Eval[bool](p, `document.querySelector('[data-testid="sim-status"]').hasAttribute('data-ff')`)
	}
	if s := p.trWaitText("sim-status", NonEmpty); s != "no crowd: start one or pick a lesson" || hasFF() {
		t.Errorf("without a crowd: %q, data-ff %v", s, hasFF())
	}
	p.Click("preset-stickiness")
	p.trWaitText("sim-status", func(s string) bool { return s == "playing at 1×" })
	if hasFF() {
		t.Error("data-ff while playing")
	}
	p.Click("ff-1d")
	p.trWait("data-ff=true while fast-forwarding", func() bool { return p.trAttr("sim-status", "data-ff") == "true" })
	p.Click("ff-cancel")
	p.trWait("data-ff to go away", func() bool { return !hasFF() })
	p.Click("ff-1m")
	p.trWait("the minute's fast-forward to end", func() bool { return !hasFF() && p.trText("sim-status") == "playing at 1×" })
	p.trClean()
}

// TestTargetsAfterFastForward samples every frame of a paused lesson's
// fast-forward: each frame whose counters show its end shows the five
// healthy instances, whose requests add up to the counters'.
func TestTargetsAfterFastForward(t *testing.T) {
	p := NewPage(t)
	p.trOpen("preset=scale-out")
	p.Click("pause")
	p.trWaitText("sim-status", func(s string) bool { return s == "paused" })
	goal := p.trNum("counters", "data-sim-ms") + 10*60*1000
	Eval[bool](p, `(() => { window.__samples = []; window.__stop = false;
	  const sample = () => {
	    const c = document.querySelector('[data-testid="counters"]'), st = document.querySelector('[data-testid="sim-status"]');
	    const cards = [...document.querySelectorAll('.target[data-testid^="instance-"]')];
	    window.__samples.push({sim: +c.dataset.simMs, req: +c.dataset.requests, ff: st.hasAttribute('data-ff'), cards: cards.length,
	      healthy: cards.filter(e => e.classList.contains('state-healthy')).length,
	      sum: cards.map(e => parseInt(e.querySelector('[data-testid$="-requests"]').textContent, 10)).reduce((a, b) => a + b, 0)});
	    if (!window.__stop) requestAnimationFrame(sample);
	  };
	  requestAnimationFrame(sample); return true; })()`)
	p.Click("ff-10m")
	p.trWait("the fast-forward to end", func() bool {
		return p.trNum("counters", "data-sim-ms") >= goal && p.trAttr("sim-status", "data-ff") == ""
	})
	time.Sleep(300 * time.Millisecond)
	type sample struct {
		Sim, Req       float64
		FF             bool
		Cards, Healthy int
		Sum            float64
	}
	samples := Eval[[]sample](p, `(() => { window.__stop = true; return window.__samples; })()`)
	after := 0
	for _, s := range samples {
		if s.Sim < goal {
			continue
		}
		after++
		if s.Cards != 5 || s.Healthy != 5 || s.Sum != s.Req {
			t.Errorf("a frame at the fast-forward's end shows %d instances (%d healthy) with %v requests; the counters %v", s.Cards, s.Healthy, s.Sum, s.Req)
			break
		}
	}
	if after == 0 {
		t.Fatalf("no frame sampled after the fast-forward (%d samples)", len(samples))
	}
	p.Screenshot("clarity-after-ff")
	p.trClean()
}

// TestGlossaryLink follows a cookie's "?" to its glossary entry: the page
// scrolls there, the lab keeps its state, and nothing loads from elsewhere.
func TestGlossaryLink(t *testing.T) {
	p := NewPage(t)
	p.OpenLab("stickiness=lb_cookie")
	p.refresh()
	p.WaitTestID("cookie-AWSALB")
	title := Eval[string](p, `document.querySelector('[data-testid="cookie-AWSALB"] .term-help').title`)
	if !strings.HasPrefix(title, "AWSALB: The duration-based stickiness cookie") {
		t.Errorf("the link's title %q", title)
	}
	before := p.trNum("page", "data-requests")
	Eval[bool](p, `(document.querySelector('[data-testid="cookie-AWSALB"] .term-help').click(), true)`)
	p.trWait("the glossary entry in view", func() bool { // its top may stop a fraction of a pixel above 0
		return Eval[bool](p, `(() => { const r = document.getElementById('term-awsalb').getBoundingClientRect();
		  return location.hash === '#term-awsalb' && r.top >= -1 && r.top < innerHeight; })()`)
	})
	if n := p.trNum("page", "data-requests"); n != before {
		t.Errorf("after the link the page counts %v requests, want the %v before (the lab restarted?)", n, before)
	}
	if got := p.trAttr("term-awsalb", "id"); got != "term-awsalb" {
		t.Errorf("entry id %q", got)
	}
	p.trClean()
}

// TestSessionExpired comes back to a sticky lab after +1 hour: the same
// instance answers and says the session expired on the application (30
// minutes idle), not that another instance does not know it.
func TestSessionExpired(t *testing.T) {
	p := NewPage(t)
	p.OpenLab("stickiness=lb_cookie")
	first, _ := p.refresh()
	if got, reason := p.refresh(); got != first || reason != "sticky" {
		t.Fatalf("second refresh: %q (%s), want %q sticky", got, reason, first)
	}
	before := p.Text("clock")
	p.Click("ff-1h0m0s")
	p.WaitText("clock", func(s string) bool { return s != before })
	if got, reason := p.refresh(); got != first || reason != "sticky" {
		t.Fatalf("after an hour: %q (%s), want %q sticky", got, reason, first)
	}
	s := p.Text("session-view")
	for _, w := range []string{"Session expired! You were away 1 hour", "(30 minutes)", "created on " + strings.Replace(first, "Instance Number ", "Instance ", 1)} {
		if !strings.Contains(s, w) {
			t.Errorf("session view %q: no %q", s, w)
		}
	}
	p.Screenshot("clarity-session-expired")
}
