package engine

import (
	"fmt"
	"os"
	"runtime"
	"testing"
)

// TestBenchReport runs the engine's benchmarks and prints one figure per
// line as "name: value", for `make bench`. It runs only when STICKYLAB_BENCH
// names the platform (native or wasm), which prefixes the figures of a wasm
// run with engine_wasm_.
func TestBenchReport(t *testing.T) {
	platform := os.Getenv("STICKYLAB_BENCH")
	if platform == "" {
		t.Skip("set STICKYLAB_BENCH=native (or wasm) to print the benchmark figures")
	}
	prefix := "engine_"
	if platform == "wasm" || runtime.GOARCH == "wasm" {
		prefix = "engine_wasm_"
	}
	ns := func(r testing.BenchmarkResult) float64 { return float64(r.T.Nanoseconds()) / float64(r.N) }
	sticky := testing.Benchmark(BenchmarkStickyDecision)
	cached := testing.Benchmark(BenchmarkStickyDecisionCached)
	open := testing.Benchmark(BenchmarkAESGCMOpen)
	req := testing.Benchmark(BenchmarkStickyRequest)
	fresh := testing.Benchmark(BenchmarkNewClient)
	crowd := testing.Benchmark(BenchmarkCrowd)
	crowd10k := testing.Benchmark(BenchmarkCrowd10k)
	fmt.Printf("%ssticky_ns: %.1f\n", prefix, ns(sticky))
	fmt.Printf("%saesgcm_open_ns: %.1f\n", prefix, ns(open))
	fmt.Printf("%ssticky_vs_aesgcm_ratio: %.2f\n", prefix, ns(sticky)/ns(open))
	fmt.Printf("%ssticky_cached_ns: %.1f\n", prefix, ns(cached))
	fmt.Printf("%ssticky_request_ns: %.1f\n", prefix, ns(req))
	fmt.Printf("%snew_client_ns: %.1f\n", prefix, ns(fresh))
	fmt.Printf("%sallocs_per_request: %d\n", prefix, req.AllocsPerOp())
	fmt.Printf("%snew_client_allocs: %d\n", prefix, fresh.AllocsPerOp())
	fmt.Printf("%scrowd_rps: %.0f\n", prefix, crowd.Extra["req/s"])
	fmt.Printf("%scrowd_10k_clients_rps: %.0f\n", prefix, crowd10k.Extra["req/s"])
}
