package app

import (
	"strings"
	"testing"
	"time"

	"github.com/stickylab/stickylab/engine"
)

// TestPresetSetup checks the line that says what a lesson stages: its
// stickiness as the engine's attributes have it, fleet, crowd and incident.
func TestPresetSetup(t *testing.T) {
	get := func(id string) engine.Preset {
		p, ok := engine.PresetByID(id)
		if !ok {
			t.Fatalf("no preset %q", id)
		}
		return p
	}
	app := get("stickiness")
	app.Stickiness = string(engine.AppCookie)
	tests := []struct {
		p    engine.Preset
		want []string
	}{
		{get("no-stickiness"), []string{"Stickiness off; 3 instances; 300 clients"}},
		{get("stickiness"), []string{"Stickiness on (load balancer cookie, 1 day); 3 instances"}},
		{get("instance-fails"), []string{"Stickiness on (load balancer cookie, 1 day)", "After 1 min: Instance 2 stops."}},
		{get("scale-out"), []string{"After 1 min: 2 instances launched (scale out)."}},
		{get("external-store"), []string{"Stickiness off, external session store; "}},
		{app, []string{"Stickiness on (application cookie " + engine.SessionCookie + "); "}},
		{get("classic-duration"), []string{"Classic Load Balancer: listener stickiness LBCookieStickinessPolicy, expiration period 120 seconds; 3 instances", "After 1 min: Instance 2 stops."}},
		{get("nlb-office-nat"), []string{"Network Load Balancer: Stickiness on (source IP, no cookie); 3 instances; 300 clients", "50% behind 1 NAT gateway"}},
	}
	for _, tt := range tests {
		got := presetSetup(tt.p)
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("presetSetup(%s, %s) = %q, want it to contain %q", tt.p.ID, tt.p.Stickiness, got, w)
			}
		}
	}
}

func TestDurationWords(t *testing.T) {
	for d, want := range map[time.Duration]string{
		time.Second: "1 second", 90 * time.Second: "90 seconds", time.Minute: "1 minute", 2 * time.Hour: "2 hours",
		24 * time.Hour: "1 day", 7 * 24 * time.Hour: "7 days", 1500 * time.Millisecond: "1.5s",
	} {
		if got := durationWords(d); got != want {
			t.Errorf("durationWords(%v) = %q, want %q", d, got, want)
		}
	}
}

// TestStopPredictionWithoutTheStop runs the two stop lessons without their
// stop: the answer is "nothing happened", though AWSELB's own expiry loses
// sessions in those minutes; the answer comes from the stop's moves.
func TestStopPredictionWithoutTheStop(t *testing.T) {
	for _, id := range []string{"instance-fails", "classic-duration"} {
		p, _ := engine.PresetByID(id)
		p.Incidents = nil
		lb, err := p.Start(1, engine.Epoch)
		if err != nil {
			t.Fatal(err)
		}
		q, _ := predictionFor(id)
		lb.AdvanceTo(engine.Epoch.Add(q.Horizon + time.Second))
		r, ok := q.measureOn(lb, engine.Epoch)
		if !ok || r.Answer != 0 {
			t.Errorf("%s without its stop: answer %d (%s), want 0", id, r.Answer, r.Words)
		}
	}
}
