package engine

import (
	"testing"
	"time"
)

// TestUnhealthyAt checks when a stopped target leaves service: at the
// check that makes UnhealthyThresholdCount failures in a row, not before,
// and never later than UnhealthyAfter from the stop.
func TestUnhealthyAt(t *testing.T) {
	for _, threshold := range []string{"2", "5"} {
		a, err := DefaultAttributes().With(KeyUnhealthyThresholdCount, threshold, KeyHealthCheckInterval, "10")
		if err != nil {
			t.Fatal(err)
		}
		lb, err := New(Config{Seed: 1, Attributes: &a})
		if err != nil {
			t.Fatal(err)
		}
		lb.Advance(3 * time.Second)
		target := lb.Instance("Instance 1")
		if err := lb.StopInstance(target.Name); err != nil {
			t.Fatal(err)
		}
		stopped := lb.Now()
		at, ok := lb.UnhealthyAt(target)
		if !ok || at.Sub(stopped) > a.UnhealthyAfter() || at.Sub(stopped) <= a.UnhealthyAfter()-a.HealthCheckInterval {
			t.Fatalf("threshold %s: unhealthy at +%s (%v), want within the last interval of %s", threshold, at.Sub(stopped), ok, a.UnhealthyAfter())
		}
		lb.AdvanceTo(at.Add(-time.Millisecond))
		if target.State != StateHealthy {
			t.Errorf("threshold %s: %s before the time UnhealthyAt said", threshold, target.State)
		}
		if again, _ := lb.UnhealthyAt(target); !again.Equal(at) {
			t.Errorf("threshold %s: after %d failures UnhealthyAt moved from %s to %s", threshold, target.ConsecutiveFailures, at, again)
		}
		lb.AdvanceTo(at)
		if target.State != StateUnhealthy {
			t.Errorf("threshold %s: %s at the time UnhealthyAt said", threshold, target.State)
		}
		if _, ok := lb.UnhealthyAt(target); ok {
			t.Errorf("threshold %s: an unhealthy target still has a time to become unhealthy", threshold)
		}
	}
	if d := DefaultAttributes().UnhealthyAfter(); d != time.Minute {
		t.Errorf("AWS's defaults: unhealthy after %s, want 2 checks 30 s apart", d)
	}
}
