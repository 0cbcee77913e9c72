package app

import (
	"testing"
	"time"

	"github.com/stickylab/stickylab/engine"
)

// BenchmarkFastForward fast-forwards the traffic lab's benchmark crowd
// (10,000 clients, stickiness on) one simulated hour through the model and
// its player, frame by frame on the real wall clock, as the browser does.
// make pgo profiles it into wasm/default.pgo, the profile the wasm build
// optimizes with.
func BenchmarkFastForward(b *testing.B) {
	var requests int64
	for b.Loop() {
		b.StopTimer()
		setup, msgs := ParseSetup(mustQuery(b, "view=traffic&stickiness=lb_cookie"))
		if len(msgs) > 0 {
			b.Fatal(msgs)
		}
		m, err := newModel(setup, Options{Now: time.Now, Jar: &engine.MemoryJar{}})
		if err != nil {
			b.Fatal(err)
		}
		if err := m.startCrowd(engine.CrowdConfig{Clients: 10000}); err != nil {
			b.Fatal(err)
		}
		m.player.pause()
		before := m.lb.Metrics().Requests
		b.StartTimer()
		m.player.fastForward(time.Hour)
		for m.player.fastForwarding() {
			m.player.frame(time.Now())
		}
		requests += m.lb.Metrics().Requests - before
	}
	b.ReportMetric(float64(requests)/b.Elapsed().Seconds(), "req/s")
}
