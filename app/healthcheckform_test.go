package app

import (
	"strings"
	"testing"
	"time"

	"github.com/maxence-charriere/go-app/v9/pkg/app"

	"github.com/stickylab/stickylab/engine"
)

type healthHost struct {
	app.Compo

	m    *model
	form *HealthCheckForm
}

func (h *healthHost) Render() app.UI {
	f := &HealthCheckForm{IAttributes: h.m.lb.TargetGroup.Attributes(), IOnSave: func(a engine.Attributes) error {
		_, err := h.m.do(Action{Do: DoSaveAttributes, Attributes: attributeValues(a)})
		return err
	}}
	if h.form == nil {
		h.form = f
	}
	return app.Div().Body(f)
}

// TestHealthCheckForm checks the Classic Health check tab: the console's
// defaults, the engine's messages on the field at fault with nothing
// changed, and a good save journaled, applied and replayed.
func TestHealthCheckForm(t *testing.T) {
	m, clock := newTestModel(t, "lb=classic", nil)
	h := &healthHost{m: m}
	d := app.NewClientTester(h)
	t.Cleanup(d.Close)
	f := h.form
	tree := func() *htmlNode { return renderTree(t, f) }
	for id, want := range map[string]string{"hc-timeout": "5", "hc-interval": "30", "hc-unhealthy": "2", "hc-healthy": "10"} {
		if got := tree().mustTestID(t, id).attrs["value"]; got != want {
			t.Errorf("%s shows %q, want the console's default %q", id, got, want)
		}
	}
	if got := tree().mustTestID(t, "hc-ping-target").Text(); !strings.Contains(got, engine.ClassicPingTarget) {
		t.Errorf("ping target %q", got)
	}
	edit := func(dr []string) {
		d.Emit(f, func() { f.draft = dr })
		settleUpdates(d)
		d.Emit(f, f.save)
		settleUpdates(d)
	}
	before := m.lb.TargetGroup.Attributes()
	for _, tt := range []struct {
		draft       []string // timeout, interval, unhealthy, healthy
		field, want string
	}{
		{[]string{"61", "300", "2", "10"}, "hc-timeout", "Response Timeout must be between 2 and 60 seconds"},
		{[]string{"30", "30", "2", "10"}, "hc-timeout", engine.MessageClassicTimeout},
		{[]string{"5", "4", "2", "10"}, "hc-interval", "Health Check Interval must be between 5 and 300 seconds"},
		{[]string{"5", "abc", "2", "10"}, "hc-interval", "Health Check Interval must be between 5 and 300 seconds"},
		{[]string{"5", "30", "11", "10"}, "hc-unhealthy", "Unhealthy Threshold must be between 2 and 10"},
		{[]string{"5", "30", "2", "1"}, "hc-healthy", "Healthy Threshold must be between 2 and 10"},
	} {
		edit(tt.draft)
		if got := tree().mustTestID(t, "health-check-error").Text(); got != tt.want {
			t.Errorf("%v: error %q, want %q", tt.draft, got, tt.want)
		}
		if in := tree().mustTestID(t, tt.field); !in.flag("aria-invalid") || in.attrs["aria-describedby"] != "health-check-error" || in.attrs["value"] != tt.draft[fieldIndex(tt.field)] {
			t.Errorf("%v: field %v not marked or not as typed", tt.draft, in.attrs)
		}
		if len(m.journal.Actions) != 0 || m.lb.TargetGroup.Attributes() != before {
			t.Fatalf("a refused health check changed the lab: %+v", m.journal.Actions)
		}
	}
	edit([]string{"2", "5", "2", "3"})
	if tree().byTestID("health-check-error") != nil || tree().byTestID("health-check-saved") == nil {
		t.Fatalf("a good health check was not saved: %s", tree().Text())
	}
	a := m.lb.TargetGroup.Attributes()
	if a.HealthCheckTimeout != 2*time.Second || a.HealthCheckInterval != 5*time.Second || a.UnhealthyThresholdCount != 2 || a.HealthyThresholdCount != 3 {
		t.Errorf("saved %+v", a)
	}
	if n := len(m.journal.Actions); n != 1 || m.journal.Actions[0].Do != DoSaveAttributes {
		t.Fatalf("journal %+v", m.journal.Actions)
	}
	// The faster check takes an instance out of service within 40 s: the
	// check already due, then one 5 s later.
	if _, err := m.do(Action{Do: DoFailChecks, Instance: "Instance 2"}); err != nil {
		t.Fatal(err)
	}
	clock.Advance(40 * time.Second)
	m.sync()
	if m.lb.Instance("Instance 2").InService() {
		t.Error("Instance 2 still InService 40 s after failing checks every 5 s")
	}
	r := checkReplay(t, m)
	if got := r.lb.TargetGroup.Attributes(); got.HealthCheckInterval != 5*time.Second || got.HealthyThresholdCount != 3 {
		t.Errorf("replayed %+v", got)
	}
	// It travels in a link: A~hh3~hi5~ht2 (the link keeps the changed ones).
	s := Scenario{Params: map[string]string{"lb": "classic"}, Actions: []ScenarioAction{{Do: DoSaveAttributes, Attributes: map[string]string{
		engine.KeyHealthCheckInterval: "5", engine.KeyHealthCheckTimeout: "2", engine.KeyHealthyThresholdCount: "3"}}}}
	back, err := decodeActions(encodeActions(s), s.Params)
	if err != nil || back.Actions[0].Attributes[engine.KeyHealthyThresholdCount] != "3" {
		t.Errorf("the link: %+v, %v", back.Actions, err)
	}
}

func fieldIndex(id string) int {
	for i, s := range classicHealth {
		if healthCheckIDs[s.Key] == id {
			return i
		}
	}
	return -1
}

// TestHealthCheckPanelIsClassics checks that the Health check tab is a
// Classic lab's only, in both views.
func TestHealthCheckPanelIsClassics(t *testing.T) {
	for _, q := range []string{"lb=classic", "lb=classic&view=traffic", "", "lb=network", "weights=50,50"} {
		lt := mountLab(t, q, nil)
		if got, want := lt.tree().byTestID("health-check") != nil, strings.HasPrefix(q, "lb=classic"); got != want {
			t.Errorf("%q: Health check panel %v, want %v", q, got, want)
		}
	}
}
