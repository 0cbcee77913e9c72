package engine

import (
	"fmt"
	"os"
	"runtime"
	"slices"
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
	ns := func(r testing.BenchmarkResult) float64 {
		if r.N == 0 { // the benchmark failed (testing.Benchmark hides why)
			t.Error("a benchmark of the report failed: run go test -bench . ./engine to see which")
		}
		return float64(r.T.Nanoseconds()) / float64(r.N)
	}
	// The decision and the open it is held to are measured side by side,
	// five times: on a shared machine the speed drifts between two
	// benchmarks seconds apart, and a ratio of two distant figures would
	// carry that drift. Each figure is the median of its five, and the
	// ratio the median of the five side-by-side ratios.
	// The header variant parses a Cookie header first, as the learner's
	// document.cookie jar does.
	var stickies, headers, opens, ratios, headerRatios []float64
	for range 5 {
		s, o := ns(testing.Benchmark(BenchmarkStickyDecision)), ns(testing.Benchmark(BenchmarkAESGCMOpen))
		h := ns(testing.Benchmark(BenchmarkStickyDecisionHeader))
		stickies, opens, ratios = append(stickies, s), append(opens, o), append(ratios, s/o)
		headers, headerRatios = append(headers, h), append(headerRatios, h/o)
	}
	cached := testing.Benchmark(BenchmarkStickyDecisionCached)
	req := testing.Benchmark(BenchmarkStickyRequest)
	fresh := testing.Benchmark(BenchmarkNewClient)
	crowd := testing.Benchmark(BenchmarkCrowd)
	crowd10k := testing.Benchmark(BenchmarkCrowd10k)
	group := testing.Benchmark(BenchmarkGroupStickyRequest)
	classic := testing.Benchmark(BenchmarkClassicStickyRequest)
	network := testing.Benchmark(BenchmarkNetworkRequest)
	fmt.Printf("%ssticky_ns: %.1f\n", prefix, median(stickies))
	fmt.Printf("%saesgcm_open_ns: %.1f\n", prefix, median(opens))
	fmt.Printf("%ssticky_vs_aesgcm_ratio: %.2f\n", prefix, median(ratios))
	fmt.Printf("%ssticky_header_ns: %.1f\n", prefix, median(headers))
	fmt.Printf("%ssticky_header_vs_aesgcm_ratio: %.2f\n", prefix, median(headerRatios))
	fmt.Printf("%ssticky_cached_ns: %.1f\n", prefix, ns(cached))
	fmt.Printf("%ssticky_request_ns: %.1f\n", prefix, ns(req))
	fmt.Printf("%snew_client_ns: %.1f\n", prefix, ns(fresh))
	fmt.Printf("%sallocs_per_request: %d\n", prefix, req.AllocsPerOp())
	fmt.Printf("%snew_client_allocs: %d\n", prefix, fresh.AllocsPerOp())
	fmt.Printf("%scrowd_rps: %.0f\n", prefix, crowd.Extra["req/s"])
	fmt.Printf("%scrowd_10k_clients_rps: %.0f\n", prefix, crowd10k.Extra["req/s"])
	fmt.Printf("%sgroup_sticky_request_ns: %.1f\n", prefix, ns(group))
	fmt.Printf("%sgroup_allocs_per_request: %d\n", prefix, group.AllocsPerOp())
	fmt.Printf("%sclassic_sticky_request_ns: %.1f\n", prefix, ns(classic))
	fmt.Printf("%sclassic_allocs_per_request: %d\n", prefix, classic.AllocsPerOp())
	fmt.Printf("%snetwork_request_ns: %.1f\n", prefix, ns(network))
	fmt.Printf("%snetwork_allocs_per_request: %d\n", prefix, network.AllocsPerOp())
}

// median returns the middle value of xs, which it sorts.
func median(xs []float64) float64 {
	slices.Sort(xs)
	return xs[len(xs)/2]
}
