//go:build !(js && wasm)

package e2e

import (
	"strings"
	"testing"
)

// has returns a check that a text contains sub.
func has(sub string) func(string) bool {
	return func(s string) bool { return strings.Contains(s, sub) }
}

// servedGroup returns the target group of the browser pane's last response.
func (p *Page) servedGroup() string {
	p.T.Helper()
	return p.trAttr("served-group", "data-group")
}

// TestWeightedGroups runs a listener rule forwarding to blue and green with
// group stickiness in Chromium: AWSALBTG and AWSALBTGCORS in the browser's
// store, a weight shift that a sticky browser does not follow until its
// group cookie runs out, and AWS's messages.
func TestWeightedGroups(t *testing.T) {
	p := NewPage(t)
	p.OpenLab("weights=100,0&group_stickiness=30&stickiness=lb_cookie&instances=2")
	p.WaitText("served-by", NonEmpty) // loading the page is a request
	if g := p.servedGroup(); g != "blue" {
		t.Fatalf("the page load went to group %q, want blue (weight 100)", g)
	}
	tg, ok := p.Cookie("AWSALBTG")
	cors, ok2 := p.Cookie("AWSALBTGCORS")
	if !ok || !ok2 {
		t.Fatalf("AWSALBTG %v, AWSALBTGCORS %v in the browser's store; it has %v", ok, ok2, cookieNames(p))
	}
	if !cors.Secure || cors.SameSite != "None" || tg.Path != Base || cors.Path != Base || tg.Value != cors.Value {
		t.Errorf("AWSALBTGCORS Secure=%v SameSite=%q paths %q %q, same value %v", cors.Secure, cors.SameSite, tg.Path, cors.Path, tg.Value == cors.Value)
	}
	p.WaitText("decoded-AWSALBTGCORS", has("Names target group blue"))
	if _, reason := p.refresh(); reason != "sticky" || p.servedGroup() != "blue" || !strings.Contains(p.Text("served-group"), "group sticky") {
		t.Errorf("second request: %s, group %q (%s)", reason, p.servedGroup(), p.Text("served-group"))
	}

	// Blue/green: the weights shift to 0/100; the sticky browser stays.
	p.typeInto("weight-blue", "0")
	p.typeInto("weight-green", "100")
	p.Click("save-rule")
	p.WaitTestID("rule-saved")
	p.WaitText("share-green", has("100% of new requests"))
	p.waitAnnounced(has("Listener rule saved"))
	if _, reason := p.refresh(); reason != "sticky" || p.servedGroup() != "blue" {
		t.Errorf("after the shift a sticky browser went to %q (%s), want blue", p.servedGroup(), reason)
	}
	p.Screenshot("weighted-1-shifted-still-blue")

	// Idle longer than the group stickiness duration: green.
	p.Click("ff-1m0s")
	p.WaitText("decoded-AWSALBTGCORS", has("expired"))
	p.refresh()
	if g := p.servedGroup(); g != "green" || !strings.Contains(p.Text("served-group"), "group cookie expired") {
		t.Errorf("after the group cookie ran out: group %q (%s), want green", g, p.Text("served-group"))
	}
	if c, _ := p.Cookie("AWSALBTG"); c == nil || c.Value == tg.Value {
		t.Error("AWSALBTG was not rewritten for green")
	}
	p.waitAnnounced(has("Target group green"))

	// AWS's messages.
	p.Click("group-stickiness-enabled")
	p.Click("save-rule")
	p.WaitText("rule-error", has("You must enable group stickiness on a rule if you enabled target stickiness on one of its target groups"))
	p.Click("group-stickiness-enabled")
	p.typeInto("weight-blue", "1000")
	p.Click("save-rule")
	p.WaitText("rule-error", has("Target group weight must be between 0 and 999, not 1000 ('blue')"))
	if got := p.trAttr("weight-blue", "aria-invalid"); got != "true" {
		t.Errorf("weight-blue aria-invalid=%q", got)
	}
	p.Screenshot("weighted-2-error")
	p.checkClean()
}

// TestWeightedRefusals: target stickiness without group stickiness is
// refused, in the form and in the URL.
func TestWeightedRefusals(t *testing.T) {
	p := NewPage(t)
	p.OpenLab("weights=50,50")
	p.WaitText("served-by", NonEmpty)
	if _, ok := p.Cookie("AWSALBTG"); ok {
		t.Error("AWSALBTG without group stickiness")
	}
	p.Click("stickiness-enabled")
	p.saveChanges()
	p.WaitText("attributes-error", has("You must enable group stickiness before enabling target stickiness"))
	p.Click("edit-group-green")
	p.WaitText("attributes-group", has("page of green."))
	// A launch into green: the new instance is green's, and stays so after a reload.
	inGreen := func() int {
		return Eval[int](p, `document.querySelectorAll('[data-testid="targets-green"] [data-testid$="-state"]').length`)
	}
	before := inGreen()
	if p.exists("launch-instance") {
		t.Error("a launch button of no target group behind a weighted rule")
	}
	p.Click("launch-instance-green")
	p.trWait("the instance launched into green", func() bool { return inGreen() == before+1 })
	p.Reload()
	p.WaitReady()
	if got := inGreen(); got != before+1 {
		t.Errorf("after a reload green has %d instances, want %d", got, before+1)
	}
	p.checkClean()

	u := NewPage(t)
	u.OpenLab("weights=50,50&stickiness=lb_cookie")
	u.WaitText("notices", has("cannot be combined: You must enable group stickiness on a rule if you enabled target stickiness on one of its target groups. Using one target group."))
	if u.exists("listener-rule") || u.exists("served-group") {
		t.Error("a refused combination still forwards to weighted target groups")
	}
}

// TestBlueGreenLesson stages the blue/green lesson: the learner's browser,
// kept sticky, stays on blue after the weights shift, while the crowd
// drains to green; idle past the group cookie's duration it lands on green.
func TestBlueGreenLesson(t *testing.T) {
	p := NewPage(t)
	p.trOpen("view=traffic&preset=blue-green")
	p.trWaitText("preset-title", has("Blue/green"))
	p.Click("refresh")
	p.trWait("the browser on blue", func() bool { return p.servedGroup() == "blue" })
	p.trWait("the groups' shares on the chart", func() bool { return strings.Contains(p.trText("group-load-green"), "% of requests") })
	if got := p.trText("group-load-green"); !strings.HasPrefix(got, "Target group green 0% of requests") || p.trNum("series-group-green", "data-last") != 0 {
		t.Errorf("green's share before the shift: %q, its line at %v%%", got, p.trNum("series-group-green", "data-last"))
	}
	// Keep refreshing (each renews the group cookie) until the shift.
	p.Click("speed-10")
	p.trWait("the weights' shift", func() bool {
		p.Click("refresh")
		return strings.HasPrefix(p.trText("share-green"), "100%")
	})
	// At once, within the group cookie's minute (6 s at 10×).
	p.load("refresh")
	if p.servedGroup() != "blue" || !strings.Contains(p.trText("served-group"), "group sticky") {
		t.Errorf("the request after the shift: group %q, %q", p.servedGroup(), p.trText("served-group"))
	}
	p.trWait("the shift's marker on the chart", func() bool {
		return Eval[bool](p, `document.querySelector('[data-testid="chart-marker"][data-kind="weights"][data-target="rule"]') !== null`)
	})
	p.Click("ff-10m")
	p.trWait("the fast-forward", func() bool { return p.trAttr("sim-status", "data-ff") != "true" })
	p.Click("pause")
	p.trWait("green takes the load", func() bool {
		return p.trNum("group-load-green", "data-last") > 2*p.trNum("group-load-blue", "data-last")
	})
	if blue, green := p.trNum("series-group-blue", "data-last"), p.trNum("series-group-green", "data-last"); green < 60 || blue+green < 99 || blue+green > 101 {
		t.Errorf("the share lines after the shift: blue %v%%, green %v%%", blue, green)
	}
	p.Click("refresh")
	p.trWait("the browser on green", func() bool { return p.servedGroup() == "green" })
	if !strings.Contains(p.trText("served-group"), "group cookie expired") {
		t.Errorf("served-group %q", p.trText("served-group"))
	}
	if got := p.trText("legend-1"); !strings.Contains(got, "Instance 1 · blue") {
		t.Errorf("legend-1 %q, want the group named", got)
	}
	p.Screenshot("blue-green-lesson")
	p.choose("chart-window", "900") // the shift, the crossing and after
	p.trWait("the 15 min window", func() bool { return p.trNum("load-chart", "data-bin-seconds") == 6 })
	p.readmeShot("blue-green", 1200, ".chart")
	p.trClean()
}

// TestSlowStartLesson stages the slow start lesson: a launched instance in
// slow start shows its share growing on its card and in the chart legend.
func TestSlowStartLesson(t *testing.T) {
	p := NewPage(t)
	p.trOpen("view=traffic&preset=slow-start")
	p.trWaitText("preset-title", has("slow start"))
	p.trFastForwardMinutes(3) // the instances launch at 1 min, healthy about 2½ min later
	p.Click("speed-10")
	// The card reads the target's state at once, the legend the chart's latest
	// sample: wait for both while the clock runs, or a pause between them freezes the legend.
	p.trWait("Instance 4 in slow start, on its card and in the legend", func() bool {
		return p.trExists("instance-4-slow-start") && p.trAttr("legend-4", "data-slow-start") == "true"
	})
	p.Click("pause")
	p.trWaitText("sim-status", func(s string) bool { return s == "paused" })
	if !p.trExists("instance-4-slow-start") {
		t.Fatal("Instance 4's slow start ended before the pause")
	}
	first := p.trNum("instance-4-slow-start", "data-share")
	if got := p.trText("instance-4-slow-start"); !strings.HasPrefix(got, "Slow start: ") || !strings.Contains(got, "% of a full share, until ") {
		t.Errorf("slow start line %q", got)
	}
	if p.trAttr("legend-4", "data-slow-start") != "true" {
		t.Errorf("legend-4 after the pause: not in slow start")
	}
	p.Screenshot("slow-start-lesson")
	p.Click("play")
	p.trWait("the share growing", func() bool {
		return !p.trExists("instance-4-slow-start") || p.trNum("instance-4-slow-start", "data-share") > first
	})
	p.trClean()
}
