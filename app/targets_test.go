package app

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/maxence-charriere/go-app/v9/pkg/app"

	"github.com/stickylab/stickylab/engine"
)

// TestViewTargets checks the targets panel's rows of a new lab.
func TestViewTargets(t *testing.T) {
	m, _ := newTestModel(t, "instances=4", nil)
	m.refresh()
	views := viewTargets(m.lb)
	if len(views) != 4 {
		t.Fatalf("%d rows, want 4", len(views))
	}
	for i, v := range views {
		if v.Number != i+1 || v.Name != "Instance "+string(rune('1'+i)) || !strings.HasPrefix(v.ID, "i-") || !strings.HasPrefix(v.Zone, "us-east-1") {
			t.Errorf("row %d: %+v", i, v)
		}
		if v.State != engine.StateHealthy || !v.Running || v.FailingChecks || v.SharedStore {
			t.Errorf("row %d is not a healthy running instance: %+v", i, v)
		}
		if v.HealthyNeed != 5 || v.UnhealthyNeed != 2 {
			t.Errorf("row %d thresholds %d/%d, want AWS's 5/2", i, v.HealthyNeed, v.UnhealthyNeed)
		}
		if v.NextCheck < 0 || v.NextCheck >= 30*time.Second {
			t.Errorf("row %d next check in %s, want within one interval", i, v.NextCheck)
		}
		if !regexp.MustCompile(`^Health checks: healthy, next check in \d+s$`).MatchString(healthLine(v)) {
			t.Errorf("row %d health line %q", i, healthLine(v))
		}
	}
	if views[0].Requests != 1 || views[0].Sessions != 1 || views[1].Requests != 0 {
		t.Errorf("after one refresh: %d requests, %d sessions on Instance 1; %d on Instance 2", views[0].Requests, views[0].Sessions, views[1].Requests)
	}
}

// TestHealthLine checks every wording of the health-check progress.
func TestHealthLine(t *testing.T) {
	base := TargetView{State: engine.StateHealthy, HealthyNeed: 5, UnhealthyNeed: 2, NextCheck: 12 * time.Second}
	with := func(f func(*TargetView)) TargetView {
		v := base
		f(&v)
		return v
	}
	tests := []struct {
		v    TargetView
		want string
	}{
		{base, "Health checks: healthy, next check in 12s"},
		{with(func(v *TargetView) { v.NextCheck = 1500 * time.Millisecond }), "Health checks: healthy, next check in 2s"},
		{with(func(v *TargetView) { v.NextCheck = -1 }), "Health checks: healthy"},
		{with(func(v *TargetView) { v.Failures = 1 }), "Health checks failing: 1 of 2 before unhealthy, next check in 12s"},
		{with(func(v *TargetView) { v.State, v.Failures = engine.StateUnhealthy, 4 }), "Health checks: unhealthy, next check in 12s"},
		{with(func(v *TargetView) { v.State, v.Passes = engine.StateUnhealthy, 3 }), "Health checks passing: 3 of 5 before healthy, next check in 12s"},
		{with(func(v *TargetView) { v.State, v.Passes = engine.StateInitial, 1 }), "Health checks passing: 1 of 5 before healthy, next check in 12s"},
		{with(func(v *TargetView) { v.State = engine.StateInitial }), "Health checks: initial, next check in 12s"},
		{with(func(v *TargetView) { v.Passes = 9 }), "Health checks: healthy, next check in 12s"},
		{with(func(v *TargetView) {
			v.State, v.DrainLeft, v.NextCheck = engine.StateDraining, 299600*time.Millisecond, -1
		}), "Draining: deregistration completes in 5m0s"},
		{with(func(v *TargetView) { v.State, v.NextCheck = engine.StateUnused, -1 }), "Not registered"},
	}
	for _, tt := range tests {
		if got := healthLine(tt.v); got != tt.want {
			t.Errorf("healthLine(%+v) = %q, want %q", tt.v, got, tt.want)
		}
	}
}

// TestViewTargetsLifecycle follows one instance through failing checks,
// draining and deregistration, as the targets panel shows them.
func TestViewTargetsLifecycle(t *testing.T) {
	m, _ := newTestModel(t, "", nil)
	row := func() TargetView { return viewTargets(m.lb)[1] }

	if err := m.lb.SetFailHealthChecks("Instance 2", true); err != nil {
		t.Fatal(err)
	}
	if v := row(); !v.FailingChecks || !v.Running {
		t.Errorf("failing checks: %+v", v)
	}
	m.player.fastForward(time.Minute)
	if v := row(); v.State != engine.StateUnhealthy || v.Failures != 2 || !strings.HasPrefix(healthLine(v), "Health checks: unhealthy, next check in ") {
		t.Errorf("after two failed checks: %s, %d failures, %q", v.State, v.Failures, healthLine(v))
	}
	if err := m.lb.SetFailHealthChecks("Instance 2", false); err != nil {
		t.Fatal(err)
	}
	m.player.fastForward(30 * time.Second)
	if v := row(); !regexp.MustCompile(`^Health checks passing: 1 of 5 before healthy, next check in \d+s$`).MatchString(healthLine(v)) {
		t.Errorf("after one passed check: %q", healthLine(v))
	}

	if err := m.lb.DeregisterTarget("Instance 2"); err != nil {
		t.Fatal(err)
	}
	if v := row(); v.State != engine.StateDraining || v.NextCheck != -1 || healthLine(v) != "Draining: deregistration completes in 5m0s" {
		t.Errorf("draining: %+v, %q", v, healthLine(v))
	}
	m.player.fastForward(5 * time.Minute)
	if v := row(); v.State != engine.StateUnused || healthLine(v) != "Not registered" {
		t.Errorf("deregistered: %s, %q", v.State, healthLine(v))
	}
}

// TestTargetsPanel renders the panel: one card per instance with its state,
// requests and session store, and the buttons that match its power state.
func TestTargetsPanel(t *testing.T) {
	m, _ := newTestModel(t, "", nil)
	m.lb.SetExternalSessionStore(true)
	m.refresh()
	if err := m.lb.StopInstance("Instance 3"); err != nil {
		t.Fatal(err)
	}
	if err := m.lb.SetFailHealthChecks("Instance 2", true); err != nil {
		t.Fatal(err)
	}
	p := &TargetsPanel{ITargets: viewTargets(m.lb)}
	d := app.NewClientTester(p)
	defer d.Close()

	// go-app's own matcher: the mounted panel holds the rows it was given.
	if err := app.TestMatch(p, app.TestUIDescriptor{Expected: &TargetsPanel{ITargets: viewTargets(m.lb)}}); err != nil {
		t.Error(err)
	}

	tree := renderTree(t, p)
	for n := 1; n <= 3; n++ {
		card := tree.mustTestID(t, "instance-"+string(rune('0'+n)))
		if got := card.mustTestID(t, "instance-"+string(rune('0'+n))+"-state").Text(); got != "healthy" {
			t.Errorf("instance %d state %q", n, got)
		}
		if !strings.Contains(card.attrs["class"], "state-healthy") {
			t.Errorf("instance %d class %q", n, card.attrs["class"])
		}
	}
	if got := tree.mustTestID(t, "instance-1-requests").Text(); got != "1 request · 1 session in the external store" {
		t.Errorf("instance 1 requests %q", got)
	}
	one := tree.mustTestID(t, "instance-1")
	if one.byTestID("stop-1") == nil || one.byTestID("start-1") != nil || tree.mustTestID(t, "fail-checks-1").Text() != "Fail health checks" {
		t.Errorf("a running instance offers Stop and Fail health checks: %s", one.Text())
	}
	if got := tree.mustTestID(t, "fail-checks-2").Text(); got != "Pass health checks" {
		t.Errorf("an instance failing its checks offers %q", got)
	}
	three := tree.mustTestID(t, "instance-3")
	if three.byTestID("start-3") == nil || three.byTestID("stop-3") != nil || !strings.Contains(three.Text(), "· stopped") {
		t.Errorf("a stopped instance offers Start: %s", three.Text())
	}
	if got := tree.mustTestID(t, "instance-2-requests").Text(); got != "0 requests · 1 session in the external store" {
		t.Errorf("instance 2 requests %q (the store is shared)", got)
	}
	if tree.byTestID("instance-4") != nil {
		t.Error("a fourth card for three instances")
	}
}

// TestStoppedNote checks that a stopped instance's card says why it is
// still healthy, with the engine's threshold, interval and next check, and
// that the note goes once the health checks mark it unhealthy.
func TestStoppedNote(t *testing.T) {
	m, _ := newTestModel(t, "", nil)
	card := func() *htmlNode {
		return renderTree(t, &TargetsPanel{ITargets: viewTargets(m.lb)}).mustTestID(t, "instance-2")
	}
	if n := card().byTestID("instance-2-stopped-note"); n != nil {
		t.Fatalf("a running instance has the note %q", n.Text())
	}
	if err := m.lb.StopInstance("Instance 2"); err != nil {
		t.Fatal(err)
	}
	v := viewTargets(m.lb)[1]
	at, _ := m.lb.UnhealthyAt(m.lb.Instance("Instance 2"))
	if v.UnhealthyIn != at.Sub(m.lb.Now()).Round(time.Second) || v.UnhealthyAfter != time.Minute || v.CheckInterval != 30*time.Second {
		t.Errorf("view %+v, engine says unhealthy at %s", v, at)
	}
	want := regexp.MustCompile(`^Stopped but still healthy: the load balancer keeps sending it requests \(answered 502 Bad Gateway\) ` +
		`until it fails 2 health checks in a row, one every 30 seconds \(up to 1 minute\)\. Next check in (\d+)s; unhealthy in (\d+)s if it stays stopped\.$`)
	noteNode := card().mustTestID(t, "instance-2-stopped-note")
	if links := noteNode.find(func(n *htmlNode) bool { return n.attrs["data-term"] == "health-thresholds" }); len(links) != 1 {
		t.Errorf("the note has no link to the glossary's health check thresholds")
	}
	note := strings.TrimSuffix(noteNode.Text(), " ?")
	if mm := want.FindStringSubmatch(note); mm == nil || mm[1] != strconv.Itoa(int(v.NextCheck/time.Second)) || mm[2] != strconv.Itoa(int(v.UnhealthyIn/time.Second)) {
		t.Errorf("note %q\nwant next check in %s, unhealthy in %s", note, v.NextCheck, v.UnhealthyIn)
	}

	m.player.fastForward(time.Minute)
	if n := card().byTestID("instance-2-stopped-note"); n != nil || viewTargets(m.lb)[1].State != engine.StateUnhealthy {
		t.Errorf("unhealthy after a minute, yet the note stays: %v", n != nil)
	}
}

// TestTargetsPoll checks the frame loop's refresh of the targets panel:
// while the simulation plays, new numbers wait up to targetsMinGap, but a
// change of the fleet (a stop) shows in the next frame.
func TestTargetsPoll(t *testing.T) {
	p, clock := newTestPlayer(t)
	panel := &TargetsPanel{}
	if !panel.poll(p) || len(panel.ITargets) != 3 {
		t.Fatalf("first poll: %d targets", len(panel.ITargets))
	}
	you := p.lb.NewClient("you", nil, engine.KeepCookies)
	p.lb.Do(you, "/")
	clock.Advance(10 * time.Millisecond)
	if panel.poll(p) {
		t.Error("a new request count shown 10 ms after the last refresh, while playing")
	}
	if err := p.lb.StopInstance("Instance 2"); err != nil {
		t.Fatal(err)
	}
	clock.Advance(10 * time.Millisecond)
	if !panel.poll(p) || panel.ITargets[1].Running {
		t.Error("a stopped instance waits for the next refresh of numbers")
	}
	p.lb.Do(you, "/")
	clock.Advance(targetsMinGap)
	if !panel.poll(p) || !slices.Equal(panel.ITargets, viewTargets(p.lb)) {
		t.Error("numbers not refreshed after targetsMinGap")
	}
	if panel.poll(p) {
		t.Error("refreshed with nothing changed")
	}
}
