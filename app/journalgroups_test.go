package app

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stickylab/stickylab/engine"
)

// forwardSummary describes the listener rule: each target group's weight
// and attributes, the group stickiness, and the last response's group.
func forwardSummary(m *model) string {
	var b strings.Builder
	f := m.lb.Forward()
	for _, g := range f.TargetGroups {
		fmt.Fprintf(&b, "group %s weight %d %v\n", g.TargetGroup.Name, g.Weight, attributeValues(g.TargetGroup.Attributes()))
	}
	fmt.Fprintf(&b, "group stickiness %+v\n", f.TargetGroupStickinessConfig)
	if m.last != nil {
		fmt.Fprintf(&b, "last group %s %s\n", m.last.TargetGroup, m.last.GroupReason)
	}
	return b.String()
}

// groupsQuery returns the URL parameters of a test setup's target groups.
func (s Setup) groupsQuery() string {
	if s.Weights == "" {
		return ""
	}
	return "&weights=" + s.Weights + "&group_stickiness=" + strconv.Itoa(int(s.GroupStickiness/time.Second))
}

// weightedTeacher is a blue/green lab: weights shifted, group stickiness
// changed, green's attributes saved, refreshes in between.
func weightedTeacher(t *testing.T) (*model, *fakeClock) {
	t.Helper()
	m, clock := newTestModel(t, "weights=100,0&group_stickiness=60&stickiness=lb_cookie", nil)
	step := func(d time.Duration) { clock.Advance(d); m.sync() }
	if ex := m.refresh(); ex.TargetGroup != "blue" {
		t.Fatalf("first request went to %q, want blue", ex.TargetGroup)
	}
	step(10 * time.Second)
	if err := m.setWeights([]int{0, 100}); err != nil {
		t.Fatal(err)
	}
	if ex := m.refresh(); ex.TargetGroup != "blue" || ex.GroupReason != engine.ReasonSticky {
		t.Fatalf("after the shift a sticky browser went to %q (%s), want blue", ex.TargetGroup, ex.GroupReason)
	}
	if err := m.setGroupStickiness(engine.TargetGroupStickinessConfig{Enabled: true, DurationSeconds: 30}); err != nil {
		t.Fatal(err)
	}
	green := attributeValues(m.lb.TargetGroupByName("green").Attributes())
	green[engine.KeySlowStart] = "30"
	if _, err := m.do(Action{Do: DoSaveAttributes, Name: "green", Attributes: green}); err != nil {
		t.Fatal(err)
	}
	step(31 * time.Second)
	if ex := m.refresh(); ex.TargetGroup != "green" || ex.GroupReason != engine.ReasonCookieExpired {
		t.Fatalf("after the group cookie ran out the browser went to %q (%s), want green", ex.TargetGroup, ex.GroupReason)
	}
	return m, clock
}

// TestReplayRebuildsWeightedGroups checks that the rule's actions replay.
func TestReplayRebuildsWeightedGroups(t *testing.T) {
	m, _ := weightedTeacher(t)
	r := checkReplay(t, m)
	if got := r.lb.TargetGroupByName("green").Attributes().SlowStart; got != 30*time.Second {
		t.Errorf("green's slow start replayed as %s", got)
	}
}

// TestGroupActionsRefused checks AWS's messages, and that a refused
// action is not journaled.
func TestGroupActionsRefused(t *testing.T) {
	m, _ := newTestModel(t, "weights=50,50&group_stickiness=60&stickiness=lb_cookie", nil)
	n := len(m.journal.Actions)
	for _, tt := range []struct {
		a    Action
		want string
	}{
		{Action{Do: DoGroupStickiness, Name: groupStickinessOff}, engine.MessageGroupStickinessRequired},
		{Action{Do: DoGroupStickiness, Name: "0"}, "between 1 and 604800"},
		{Action{Do: DoSetWeights, Name: "0,0"}, "At least one target group"},
		{Action{Do: DoSetWeights, Name: "1000,1"}, "between 0 and 999"},
		{Action{Do: DoSetWeights, Name: "1,2,3"}, "2 target groups, not 3 weights"},
		{Action{Do: DoSaveAttributes, Name: "red", Attributes: map[string]string{}}, `no target group "red"`},
	} {
		if _, err := m.do(tt.a); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: %v, want %q", tt.a, err, tt.want)
		}
	}
	// Group stickiness off, then target stickiness: AWS's message.
	m2, _ := newTestModel(t, "weights=50,50", nil)
	a := attributeValues(m2.lb.TargetGroup.Attributes())
	a[engine.KeyStickinessEnabled] = "true"
	if _, err := m2.do(Action{Do: DoSaveAttributes, Attributes: a}); err == nil || !strings.Contains(err.Error(), engine.MessageEnableGroupStickinessFirst) {
		t.Errorf("target stickiness without group stickiness: %v", err)
	}
	if len(m.journal.Actions) != n || len(m2.journal.Actions) != 0 {
		t.Errorf("refused actions were journaled: %+v %+v", m.journal.Actions, m2.journal.Actions)
	}
}

// TestLaunchIntoATargetGroup checks that launch-instance launches into the
// target group it names (the first without one), replays from the journal,
// travels in a link as N~g<group> and that a plain N of an older link
// still launches into the first.
func TestLaunchIntoATargetGroup(t *testing.T) {
	m, clock := newTestModel(t, "weights=50,50&group_stickiness=60", nil)
	n := len(m.lb.Instances())
	if _, err := m.do(Action{Do: DoLaunch, Name: "green"}); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Second)
	m.sync()
	if _, err := m.do(Action{Do: DoLaunch}); err != nil {
		t.Fatal(err)
	}
	groupOf := func(m *model, i int) string { return m.lb.Instances()[i].TargetGroup().Name }
	if got := [2]string{groupOf(m, n), groupOf(m, n+1)}; got != [2]string{"green", "blue"} {
		t.Fatalf("launched into %v, want green then blue", got)
	}
	r := checkReplay(t, m)
	if got := [2]string{groupOf(r, n), groupOf(r, n+1)}; got != [2]string{"green", "blue"} {
		t.Errorf("replayed launches into %v, want green then blue", got)
	}
	if _, err := m.do(Action{Do: DoLaunch, Name: "red"}); err == nil || !strings.Contains(err.Error(), `no target group "red"`) {
		t.Errorf("a launch into red: %v", err)
	}

	params := map[string]string{"weights": "50,50", "group_stickiness": "60"}
	s := Scenario{Params: params, Actions: []ScenarioAction{{Do: DoLaunch, Name: "green"}, {At: 1000, Do: DoLaunch}}, ElapsedMs: 1000}
	v := encodeActions(s)
	if !strings.HasPrefix(v, "1.N~ggreen.Nrs.") {
		t.Errorf("the launches encoded as %q, want 1.N~ggreen.Nrs.…", v)
	}
	back, err := decodeActions(v, params)
	if err != nil {
		t.Fatal(err)
	}
	if back.Actions[0].Name != "green" || back.Actions[1].Name != "" {
		t.Errorf("decoded back as %+v", back.Actions)
	}
	old, err := decodeActions(signed(params, "1.N"), params)
	if err != nil || old.Actions[0].Do != DoLaunch || old.Actions[0].Name != "" {
		t.Errorf("an older link's N: %+v, %v", old.Actions, err)
	}
	if _, err := decodeActions(signed(params, "1.N~ggreen~gblue"), params); err == nil || !strings.Contains(err.Error(), `"gblue" is not a part of this action`) {
		t.Errorf("a second g in N: %v", err)
	}
}
