package app

import (
	"strconv"
	"testing"
	"time"

	"github.com/stickylab/stickylab/engine"
)

// TestCrowdFormUsesEngineBounds types each of the engine's crowd bounds into
// the crowd form, and just past it: the bound is accepted, the value past it
// gets exactly the message of the engine's CrowdConfig.Validate.
func TestCrowdFormUsesEngineBounds(t *testing.T) {
	num := func(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
	secs := func(d time.Duration) string { return num(d.Seconds()) }
	base := crowdDraft{clients: "10", think: "5"}
	tests := []struct {
		field     string
		set       func(*crowdDraft, string)
		good, bad string
		badConfig engine.CrowdConfig // what the bad value means to the engine
	}{
		{"clients", func(d *crowdDraft, v string) { d.clients = v }, "1", "0",
			engine.CrowdConfig{Clients: 0, ThinkTime: 5 * time.Second}},
		{"clients", func(d *crowdDraft, v string) { d.clients = v }, strconv.Itoa(engine.MaxCrowd), strconv.Itoa(engine.MaxCrowd + 1),
			engine.CrowdConfig{Clients: engine.MaxCrowd + 1, ThinkTime: 5 * time.Second}},
		{"rate", func(d *crowdDraft, v string) { d.rate = v }, num(engine.MinRequestRate), num(engine.MinRequestRate / 2),
			engine.CrowdConfig{Clients: 10, ThinkTime: 5 * time.Second, RequestRate: engine.MinRequestRate / 2}},
		// The most requests a second need enough clients: each pauses at
		// least MinThinkTime.
		{"rate", func(d *crowdDraft, v string) { d.clients, d.rate = "1000", v }, num(engine.MaxRequestRate), num(engine.MaxRequestRate + 1),
			engine.CrowdConfig{Clients: 1000, ThinkTime: 5 * time.Second, RequestRate: engine.MaxRequestRate + 1}},
		{"rate", func(d *crowdDraft, v string) { d.rate = v }, "1000", "1001",
			engine.CrowdConfig{Clients: 10, ThinkTime: 5 * time.Second, RequestRate: 1001}},
		{"rate", func(d *crowdDraft, v string) { d.clients, d.rate = "360", v }, num(engine.MinRequestRate), "0.09",
			engine.CrowdConfig{Clients: 360, ThinkTime: 5 * time.Second, RequestRate: 0.09}},
		{"think", func(d *crowdDraft, v string) { d.think = v }, secs(engine.MinThinkTime), secs(engine.MinThinkTime - time.Millisecond),
			engine.CrowdConfig{Clients: 10, ThinkTime: engine.MinThinkTime - time.Millisecond}},
		{"think", func(d *crowdDraft, v string) { d.think = v }, secs(engine.MaxThinkTime), secs(engine.MaxThinkTime + time.Second),
			engine.CrowdConfig{Clients: 10, ThinkTime: engine.MaxThinkTime + time.Second}},
		{"clear", func(d *crowdDraft, v string) { d.clear = v }, "100", "101",
			engine.CrowdConfig{Clients: 10, ThinkTime: 5 * time.Second, ClearShare: 1.01}},
		{"block", func(d *crowdDraft, v string) { d.block = v }, "0", "-0.5",
			engine.CrowdConfig{Clients: 10, ThinkTime: 5 * time.Second, BlockShare: -0.005}},
		{"gateways", func(d *crowdDraft, v string) { d.nat, d.gateway = "50", v }, num(engine.MinNATGateways), "0", engine.CrowdConfig{}},
	}
	for _, tt := range tests {
		d := base
		tt.set(&d, tt.good)
		if _, err := parseCrowd(d); err != nil {
			t.Errorf("%s=%s: %v, want accepted", tt.field, tt.good, err)
		}
		d = base
		tt.set(&d, tt.bad)
		_, err := parseCrowd(d)
		ce, ok := err.(*crowdError)
		if tt.badConfig == (engine.CrowdConfig{}) { // a value the form refuses before the engine sees it
			if !ok || ce.Field != tt.field {
				t.Errorf("%s=%s: form says %v", tt.field, tt.bad, err)
			}
			continue
		}
		want := tt.badConfig.Validate()
		if want == nil || !ok || ce.Field != tt.field || ce.Message != want.Error() {
			t.Errorf("%s=%s: form says %v, engine %v", tt.field, tt.bad, err, want)
		}
	}
}
