package app

import (
	"testing"
	"time"
)

// TestSimClockStatus checks what the traffic lab's status says: no crowd
// (nothing plays), playing, and fast-forwarding, whose data-ff is on the
// status only while the fast-forward runs.
func TestSimClockStatus(t *testing.T) {
	tl := trMountLab(t, "view=traffic")
	tl.loop()
	status := func() (string, bool) {
		n := tl.tree().mustTestID(t, "sim-status")
		_, ff := n.attr("data-ff")
		return n.Text(), ff
	}
	tl.frame(time.Second / 60)
	if s, ff := status(); s != "no crowd: start one or pick a lesson" || ff {
		t.Errorf("without a crowd: %q (data-ff %v)", s, ff)
	}
	tl.do(func(l *Lab) { l.setSpeed(10) })
	tl.frame(time.Second / 60)
	if s, _ := status(); s != "no crowd: start one or pick a lesson (the clock runs at 10×)" {
		t.Errorf("without a crowd at 10×: %q", s)
	}

	tl.do(func(l *Lab) { l.applyPreset("stickiness"); l.setSpeed(1) })
	tl.frame(time.Second / 60)
	if s, ff := status(); s != "playing at 1×" || ff {
		t.Errorf("a lesson playing: %q (data-ff %v)", s, ff)
	}

	// Engine work takes wall time, so the hour runs over many frames.
	tl.clock.cost = time.Millisecond
	tl.do(func(l *Lab) { l.fastForward(time.Hour) })
	tl.frame(time.Second / 60)
	if s, ff := status(); !tl.lab.m.player.fastForwarding() || !ff || s[:len("fast-forwarding")] != "fast-forwarding" {
		t.Fatalf("while fast-forwarding: %q (data-ff %v)", s, ff)
	}
	tl.clock.cost = 0
	tl.frame(time.Second / 60)
	if s, ff := status(); tl.lab.m.player.fastForwarding() || ff || s != "playing at 1×" {
		t.Errorf("after the fast-forward: %q, data-ff still there: %v", s, ff)
	}
}
