//go:build !(js && wasm)

package e2e

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/stickylab/stickylab/internal/minimal"
	"github.com/stickylab/stickylab/internal/site"
)

// interactiveJS runs in every new document before the page's scripts. It
// waits until go-app has started (its loader, present in the pre-rendered
// page, is gone); on the lab it then clicks Refresh and waits until
// [data-testid=served-by] shows text. window.__interactive resolves with
// performance.now() at that moment: milliseconds since navigation start.
const interactiveJS = `window.__interactive = new Promise((resolve) => {
  const click = CLICK;
  const clicked = new WeakSet();
  let sawLoader = false;
  const tick = () => {
    const loader = document.getElementById("app-wasm-loader");
    sawLoader = sawLoader || loader !== null;
    if (sawLoader && !loader) {
      const out = document.querySelector('[data-testid="served-by"]');
      if (!click && out) return resolve(performance.now());
      if (click && out && out.textContent.trim() !== "") return resolve(performance.now());
      const btn = document.querySelector('[data-testid="refresh"]');
      if (click && btn && !clicked.has(btn)) { clicked.add(btn); btn.click(); }
    }
    setTimeout(tick, 1);
  };
  tick();
});`

// BenchmarkLoad measures cold loads (new browser context, gzip served) of the
// lab and of a minimal go-app page built in the same run: medians of
// E2E_BENCH_RUNS loads each (default 3) of load, interactive and first paint.
func BenchmarkLoad(b *testing.B) {
	minWasm := filepath.Join(tmpDir, "minimal.wasm")
	if err := BuildWasm("./internal/minimal/wasm", minWasm); err != nil {
		b.Fatal(err)
	}
	minSite, err := NewSite("minimal", site.Options{
		Wasm: minWasm, Name: "minimal", Title: "minimal", Routes: minimal.Routes,
	})
	if err != nil {
		b.Fatal(err)
	}
	defer minSite.Server.Close()

	raw, gz, err := GzipSize(filepath.Join(lab.Dir, "web", "app.wasm"))
	if err != nil {
		b.Fatal(err)
	}
	_, minGz, err := GzipSize(minWasm)
	if err != nil {
		b.Fatal(err)
	}
	runs := 3
	if n, err := strconv.Atoi(os.Getenv("E2E_BENCH_RUNS")); err == nil && n > 0 {
		runs = n
	}

	// One discarded load of each starts the browser's processes and caches.
	coldLoad(b, lab, true)
	coldLoad(b, minSite, false)

	var labMs, minMs, labFCP, minFCP []float64
	b.ResetTimer()
	for range b.N {
		for range runs {
			ms, fcp := coldLoad(b, lab, true)
			labMs, labFCP = append(labMs, ms), append(labFCP, fcp)
			ms, fcp = coldLoad(b, minSite, false)
			minMs, minFCP = append(minMs, ms), append(minFCP, fcp)
		}
	}
	b.StopTimer()
	l, m := median(labMs), median(minMs)
	b.Logf("lab loads (ms): %.0f, first paints %.0f; minimal loads (ms): %.0f, first paints %.0f", labMs, labFCP, minMs, minFCP)
	b.ReportMetric(float64(raw), "wasm_raw_bytes")
	b.ReportMetric(float64(gz), "wasm_gzip_bytes")
	b.ReportMetric(float64(minGz), "minimal_wasm_gzip_bytes")
	b.ReportMetric(l, "load_to_interactive_ms")
	b.ReportMetric(m, "minimal_load_to_interactive_ms")
	b.ReportMetric(l/m, "load_ratio_vs_minimal")
	b.ReportMetric(median(labFCP), "first_contentful_paint_ms")
	b.ReportMetric(median(minFCP), "minimal_first_contentful_paint_ms")
}

// coldLoad loads site s in a new browser context and returns the times from
// navigation start until it is interactive (interactiveJS) and first painted.
func coldLoad(b *testing.B, s *Site, click bool) (interactive, fcp float64) {
	b.Helper()
	p, closeTab := OpenPage(b, s)
	defer closeTab()
	src := strings.Replace(interactiveJS, "CLICK", strconv.FormatBool(click), 1)
	p.do("installing the probe", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: src})
		return err
	}))
	p.Navigate(s.URL)
	ms := Eval[float64](p, `window.__interactive`)
	fcp = Eval[float64](p, `(performance.getEntriesByName("first-contentful-paint")[0] || {startTime: -1}).startTime`)
	if errs := p.ConsoleErrors(); len(errs) > 0 {
		b.Fatalf("console errors on %s: %q", s.URL, errs)
	}
	if !Eval[bool](p, wasmGzippedJS) {
		b.Fatalf("%s: app.wasm was not served gzipped", s.URL)
	}
	return ms, fcp
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
