package app

import (
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stickylab/stickylab/engine"
)

// TestLabWeightedPanels checks the panels of a lab with weighted target
// groups: the rule, the groups' targets, served-group, the cookies.
func TestLabWeightedPanels(t *testing.T) {
	lt := mountLab(t, "weights=80,20&group_stickiness=120&stickiness=lb_cookie&instances=2", nil)
	tree := lt.tree()
	for _, id := range []string{"listener-rule", "weight-blue", "weight-green", "share-blue", "edit-group-blue", "edit-group-green",
		"group-stickiness-enabled", "group-stickiness-duration", "save-rule", "targets-blue", "targets-green", "slow-start-duration"} {
		if len(tree.allByTestID(id)) != 1 {
			t.Errorf("%d elements with data-testid=%q, want 1", len(tree.allByTestID(id)), id)
		}
	}
	if got := tree.mustTestID(t, "share-blue").Text(); !strings.HasPrefix(got, "80% of new requests · 2 instances") {
		t.Errorf("share-blue = %q", got)
	}
	if tree.byTestID("served-group") != nil {
		t.Error("served-group before any request")
	}
	lt.refresh()
	tree = lt.tree()
	g := tree.mustTestID(t, "served-group")
	name := lt.lab.m.last.TargetGroup
	if g.attrs["data-group"] != name || !strings.Contains(g.Text(), "no group cookie: a target group picked by weight, AWSALBTG set") {
		t.Errorf("served-group %q (%s), want group %s", g.Text(), g.attrs["data-group"], name)
	}
	if !strings.Contains(lt.lab.said, "Target group "+name) {
		t.Errorf("announced %q, want the target group", lt.lab.said)
	}
	lt.refresh()
	tree = lt.tree()
	for _, c := range []string{engine.CookieAWSALBTG, engine.CookieAWSALBTGCORS} {
		if d := tree.mustTestID(t, "decoded-"+c).Text(); !strings.Contains(d, "Names target group "+name) {
			t.Errorf("%s decoded as %q", c, d)
		}
	}
	if d := tree.mustTestID(t, "decoded-"+engine.CookieAWSALBTGCORS).Text(); !strings.Contains(d, "group sticky: the cookie names this target group") || !strings.Contains(d, "Sticky for 2m0s more") {
		t.Errorf("AWSALBTGCORS decoded as %q", d)
	}
	if d := tree.mustTestID(t, "decoded-"+engine.CookieAWSALB).Text(); !strings.Contains(d, " in "+name+", issued") {
		t.Errorf("AWSALB decoded as %q, want its target group %s", d, name)
	}
	// The rule: a refused change keeps everything; a good one applies.
	n := len(lt.lab.m.journal.Actions)
	if err := lt.lab.saveRule([]int{80, 20}, engine.TargetGroupStickinessConfig{}); err == nil || !strings.Contains(err.Error(), engine.MessageGroupStickinessRequired) {
		t.Errorf("group stickiness off under target stickiness: %v", err)
	}
	if err := lt.lab.saveRule([]int{0, 100}, engine.TargetGroupStickinessConfig{Enabled: true, DurationSeconds: 30}); err != nil {
		t.Fatal(err)
	}
	if got := lt.lab.m.journal.Actions[n:]; len(got) != 2 || got[0].Name != "0,100" || got[1].Name != "30" {
		t.Errorf("journaled %+v, want set-weights 0,100 and group-stickiness 30", got)
	}
	// The attributes form edits the group picked.
	lt.do(func(l *Lab) { l.grp = "green" })
	tree = lt.tree()
	if got := tree.mustTestID(t, "attributes-group").Text(); !strings.Contains(got, "page of green.") {
		t.Errorf("attributes form of %q", got)
	}
	if !tree.mustTestID(t, "edit-group-green").flag("aria-pressed") || tree.mustTestID(t, "edit-group-blue").flag("aria-pressed") {
		t.Error("edit-group-green should be the one pressed")
	}
	a := lt.lab.m.lb.TargetGroupByName("green").Attributes()
	a.SlowStart = time.Minute
	if err := lt.lab.saveGroupAttributes(a); err != nil {
		t.Fatal(err)
	}
	if last := lt.lab.m.journal.Actions[len(lt.lab.m.journal.Actions)-1]; last.Name != "green" || lt.lab.m.lb.TargetGroup.Attributes().SlowStart != 0 {
		t.Errorf("saved %+v; blue's slow start %s", last, lt.lab.m.lb.TargetGroup.Attributes().SlowStart)
	}
}

// TestListenerRulePanelErrors checks the panel's own messages for values
// that are not numbers, and that what was typed stays.
func TestListenerRulePanelErrors(t *testing.T) {
	var got []int
	p := &ListenerRulePanel{IGroups: []RuleGroup{{Name: "blue", Weight: 1, Instances: 1}, {Name: "green", Weight: 1, Instances: 1}},
		IOnSave: func(ws []int, s engine.TargetGroupStickinessConfig) error { got = ws; return nil }}
	p.reload()
	p.draft.weights[1] = "ten"
	p.save()
	if !strings.Contains(p.err, `not "ten" ('green')`) || p.errKey != weightKey("green") || got != nil || p.draft.weights[1] != "ten" {
		t.Errorf("err %q key %q saved %v", p.err, p.errKey, got)
	}
	p.draft.weights[1] = "3"
	p.draft.sticky, p.draft.duration = true, "1h"
	p.save()
	if p.errKey != engine.KeyGroupStickinessDuration {
		t.Errorf("duration 1h: err %q key %q", p.err, p.errKey)
	}
	// A whole number too big to read gets the engine's range, not "whole number".
	p.IOnSave = func(ws []int, s engine.TargetGroupStickinessConfig) error {
		return engine.ValidateForward([]engine.TargetGroupConfig{{Name: "blue", Weight: ws[0]}, {Name: "green", Weight: ws[1]}}, s)
	}
	p.draft.duration = "99999999999999999999"
	p.save()
	if !strings.HasPrefix(p.err, "Target group stickiness duration must be between 1 and 604800 seconds") {
		t.Errorf("duration 99999999999999999999: err %q", p.err)
	}
	p.IOnSave = func(ws []int, s engine.TargetGroupStickinessConfig) error { got = ws; return nil }
	p.draft.duration = "90"
	p.save()
	if p.err != "" || !p.saved || len(got) != 2 || got[1] != 3 {
		t.Errorf("a good save: err %q, saved %v %v", p.err, p.saved, got)
	}
	if tree := renderTree(t, p); tree.byTestID("rule-saved") == nil {
		t.Error("no rule-saved after a good save")
	}
}

// TestSlowStartInTargets checks a target in slow start on its card and in
// the chart's legend.
func TestSlowStartInTargets(t *testing.T) {
	m, clock := newTestModel(t, "", nil)
	a := attributeValues(m.lb.TargetGroup.Attributes())
	a[engine.KeySlowStart] = "60"
	if _, err := m.do(Action{Do: DoSaveAttributes, Attributes: a}); err != nil {
		t.Fatal(err)
	}
	m.do(Action{Do: DoLaunch})
	clock.Advance(150 * time.Second) // healthy after 5 checks, 30 s apart
	m.sync()
	v := viewTargets(m.lb)[3]
	if v.SlowStart < 0 || v.SlowStart >= 100 || v.SlowStartUntil.IsZero() {
		t.Fatalf("Instance 4 after its health checks: slow start %d%% until %s", v.SlowStart, v.SlowStartUntil)
	}
	card := renderTree(t, &TargetsPanel{ITargets: viewTargets(m.lb)}).mustTestID(t, "instance-4-slow-start")
	if want := "% of a full share, until " + v.SlowStartUntil.Format(time.TimeOnly); !strings.Contains(card.Text(), want) {
		t.Errorf("slow start line %q, want %q", card.Text(), want)
	}
	if viewTargets(m.lb)[0].SlowStart != -1 {
		t.Error("Instance 1 in slow start")
	}
}

// TestLaunchButtonPerGroup checks one launch button per target group
// section behind a weighted rule, and the one button with one group.
func TestLaunchButtonPerGroup(t *testing.T) {
	m, _ := newTestModel(t, "weights=80,20", nil)
	tree := renderTree(t, &TargetsPanel{ITargets: viewTargets(m.lb), IOnLaunch: func(string) {}})
	if tree.byTestID("launch-instance") != nil {
		t.Error("a weighted rule's panel has a launch button of no target group")
	}
	for _, g := range []string{"blue", "green"} {
		sec := tree.mustTestID(t, "targets-"+g)
		if b := sec.byTestID("launch-instance-" + g); b == nil || !strings.Contains(b.Text(), "Launch instance in "+g) {
			t.Errorf("target group %s's section has no launch button of its own", g)
		}
	}
	one, _ := newTestModel(t, "", nil)
	tree = renderTree(t, &TargetsPanel{ITargets: viewTargets(one.lb), IOnLaunch: func(string) {}})
	if tree.byTestID("launch-instance") == nil || len(tree.find(func(n *htmlNode) bool { v, _ := n.attr("data-testid"); return strings.HasPrefix(v, "launch-instance-") })) != 0 {
		t.Error("one target group: want the one launch-instance button")
	}
}

// TestChartGroupShares checks the chart's share of requests per target
// group: a line per group from 0 to 100%, a shift from blue to green
// visible in it, no point where no request came, and the legend's text.
func TestChartGroupShares(t *testing.T) {
	base := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	var samples []engine.Sample
	for i := 0; i < 300; i++ {
		s := engine.Sample{Time: base.Add(time.Duration(i) * time.Second)}
		switch {
		case i < 100: // 80/20
			s.Targets[0].Requests, s.Targets[1].Requests, s.Targets[2].Requests = 8, 2, 0
		case i < 200: // nothing at all
		default: // shifted to green
			s.Targets[1].Requests, s.Targets[2].Requests = 4, 6
		}
		samples = append(samples, s)
	}
	names := []string{"Instance 1 · blue", "Instance 2 · green", "Instance 3 · green"}
	d := buildChart(samples, names, []string{"blue", "green", "green"}, 300, nil)
	if len(d.groups) != 2 || d.groups[0].name != "blue" || d.groups[1].name != "green" {
		t.Fatalf("groups %+v", d.groups)
	}
	blue, green := d.groups[0], d.groups[1]
	if blue.share != 0 || green.share != 100 || green.rps != 10 || blue.color == green.color {
		t.Errorf("latest: blue %v%%, green %v%% at %v req/s", blue.share, green.share, green.rps)
	}
	ys := func(g groupLoad) []float64 {
		var out []float64
		for _, p := range strings.Fields(g.points) {
			_, y, _ := strings.Cut(p, ",")
			v, _ := strconv.ParseFloat(y, 64)
			out = append(out, v)
		}
		return out
	}
	by, gy := ys(blue), ys(green)
	if len(by) != 100 || len(gy) != 100 { // 150 bins of 2 s, 50 of them without a request
		t.Fatalf("%d and %d points, want 100 each", len(by), len(gy))
	}
	at := func(share float64) float64 { return shareBottom - (shareBottom-shareTop)*share/100 }
	if by[0] != math.Round(at(80)*10)/10 || gy[0] != math.Round(at(20)*10)/10 || by[99] != at(0) || gy[99] != at(100) {
		t.Errorf("blue %v → %v, green %v → %v; want 80%% → 0%% and 20%% → 100%%", by[0], by[99], gy[0], gy[99])
	}
	if d.height() != chartH+shareHeight {
		t.Errorf("height %v", d.height())
	}
	legend := renderTree(t, groupLegend(d.groups))
	if got := legend.mustTestID(t, "group-load-green").Text(); got != "Target group green 100% of requests · 10 req/s" {
		t.Errorf("green's legend %q", got)
	}
	if one := buildChart(samples, names, nil, 300, nil); one.groups != nil || one.height() != chartH || groupLegend(one.groups) != nil {
		t.Error("one target group: a share panel")
	}
}
