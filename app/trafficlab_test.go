package app

import (
	"strings"
	"testing"
)

// TestPresetOverridesAreSaid: a lesson's link with setup parameters the
// lesson replaces says which are ignored; the lesson's own lab runs.
func TestPresetOverridesAreSaid(t *testing.T) {
	tl := trMountLab(t, "preset=scale-out&lb=classic&weights=50,50&seed=3")
	notices := strings.Join(tl.lab.notices, " | ")
	if want := "URL parameters lb, weights are ignored: the lesson preset=scale-out (Scale out: new instances stay idle while cookies live) sets up its own lab."; !strings.Contains(notices, want) {
		t.Errorf("notices %q, want %q", notices, want)
	}
	if tl.lab.m.preset != "scale-out" || tl.lab.m.lb.Type.Title() != "Application Load Balancer" {
		t.Errorf("the lab: preset %q, %s", tl.lab.m.preset, tl.lab.m.lb.Type.Title())
	}
	if plain := trMountLab(t, "preset=scale-out&seed=3"); len(plain.lab.notices) != 0 {
		t.Errorf("a lesson's own link: notices %q", plain.lab.notices)
	}
}
