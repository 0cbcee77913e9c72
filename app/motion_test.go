package app

import (
	"testing"
	"time"
)

// mountMotion mounts a Lab at ?q as trMountLab does, with the learner's
// reduced-motion preference set to reduced.
func mountMotion(t *testing.T, q string, reduced bool) *trLab {
	t.Helper()
	return trMountLabWith(t, q, func() bool { return reduced })
}

// TestReducedMotion checks that with reduced motion the traffic lab opens
// paused, from the URL or its tab, that Play plays and the lab is not paused
// again, and that the browser tab's clock and the default are untouched.
func TestReducedMotion(t *testing.T) {
	tl := mountMotion(t, "preset=scale-out", true)
	tree := tl.tree()
	if got := tree.mustTestID(t, "sim-status").Text(); got != "paused" || tree.mustTestID(t, "play").flag("disabled") {
		t.Errorf("a lesson opened with reduced motion: status %q, play disabled=%v", got, tree.mustTestID(t, "play").flag("disabled"))
	}
	clock := tree.mustTestID(t, "clock").Text()
	for i := 0; i < 10; i++ {
		tl.frame(200 * time.Millisecond)
	}
	if got := tl.tree().mustTestID(t, "clock").Text(); got != clock || tl.lab.m.lb.Metrics().Requests != 0 {
		t.Errorf("paused on opening, the clock went %s → %s and %d requests ran", clock, got, tl.lab.m.lb.Metrics().Requests)
	}
	tl.do(func(l *Lab) { l.setSpeed(0) }) // ▶ Play
	for i := 0; i < 10; i++ {
		tl.frame(200 * time.Millisecond)
	}
	if tl.lab.m.lb.Metrics().Requests == 0 || tl.lab.m.player.rate != 1 {
		t.Errorf("Play: rate %d, %d requests", tl.lab.m.player.rate, tl.lab.m.lb.Metrics().Requests)
	}
	tl.do(func(l *Lab) { l.showTab(tabBrowser) })
	tl.do(func(l *Lab) { l.showTab(tabTraffic) })
	if tl.lab.m.player.rate != 1 {
		t.Error("the traffic lab paused again on coming back to it")
	}

	tl = mountMotion(t, "", true)
	if tl.lab.m.player.rate != 1 {
		t.Error("reduced motion paused the browser tab's clock")
	}
	tl.do(func(l *Lab) { l.showTab(tabTraffic) })
	if got := tl.tree().mustTestID(t, "sim-status").Text(); got != "paused" {
		t.Errorf("the traffic tab opened with reduced motion: %q", got)
	}

	tl = mountMotion(t, "view=traffic", false)
	if got := tl.tree().mustTestID(t, "sim-status").Text(); got == "paused" || tl.lab.m.player.rate != 1 {
		t.Errorf("without reduced motion: %q, rate %d; want the clock running", got, tl.lab.m.player.rate)
	}
}
