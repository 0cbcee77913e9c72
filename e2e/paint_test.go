//go:build !(js && wasm)

package e2e

import (
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/stickylab/stickylab/internal/site"
)

// stepsShownJS reports whether the article's steps are rendered in the
// viewport and nothing covers them (the element at their centre is theirs).
const stepsShownJS = `(() => {
  const s = document.querySelector('[data-testid="steps"]');
  if (!s || s.children.length !== 5) return false;
  const r = s.getBoundingClientRect(), st = getComputedStyle(s);
  if (r.height < 20 || r.bottom > innerHeight || st.visibility !== "visible" || st.opacity === "0") return false;
  return s.contains(document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2));
})()`

// TestPrerenderedWithoutWasm loads the page with ?wasm=false (go-app then
// never loads app.wasm): what the lab is and the article's steps are shown,
// and the lab says it is not ready.
func TestPrerenderedWithoutWasm(t *testing.T) {
	p := NewPage(t)
	p.Navigate(p.Site.URL + "?wasm=false")
	if Eval[bool](p, `document.getElementById("app-wasm-loader") !== null`) {
		t.Error("the loader is still there with wasm=false")
	}
	if !Eval[bool](p, stepsShownJS) {
		t.Error("the article's steps are not shown")
	}
	if got := Eval[string](p, `document.querySelector("h1").innerText + " | " + document.querySelector(".tagline").innerText`); !strings.Contains(got, "sticky sessions") {
		t.Errorf("what the lab is: %q", got)
	}
	if got := Eval[string](p, `document.querySelector("main.lab").getAttribute("aria-busy")`); got != "true" {
		t.Errorf("main's aria-busy %q, want true before app.wasm", got)
	}
	if got := Eval[string](p, `getComputedStyle(document.querySelector('[data-testid="refresh"]'), "::after").content`); !strings.Contains(got, "loading") {
		t.Errorf("Refresh says %s after its label before app.wasm, want loading…", got)
	}
	p.Screenshot("paint-without-wasm")
	p.checkClean()
}

// wasmGzippedJS reports whether app.wasm came compressed: fewer than half
// its bytes on the wire (the Resource Timing of the page's load).
const wasmGzippedJS = `(() => {
  const e = performance.getEntriesByType("resource").find(e => e.name.endsWith("/web/app.wasm"));
  return !!e && e.encodedBodySize > 0 && e.encodedBodySize < e.decodedBodySize / 2;
})()`

// paintProbeJS runs before the page's scripts and samples every frame while
// go-app's loader is there: its height, its label, whether the steps show.
const paintProbeJS = `window.__paint = { frames: 0, maxHeight: 0, labels: [], widths: [], stepsShown: 0, indeterminate: 0, determinateAfter: 0 };
(function sample() {
  // A frame of a page still parsing may hold the loader but not its label yet: not sampled.
  const l = document.getElementById("app-wasm-loader"), ll = document.getElementById("app-wasm-loader-label"), w = window.__paint;
  if (l && ll) {
    w.frames++;
    w.maxHeight = Math.max(w.maxHeight, l.getBoundingClientRect().height);
    const label = ll.innerText;
    if (!w.labels.includes(label)) w.labels.push(label);
    const bar = getComputedStyle(l, "::before").width;
    if (!w.widths.includes(bar)) w.widths.push(bar);
    if (STEPS) w.stepsShown++;
    if (l.hasAttribute("data-indeterminate")) w.indeterminate++;
    else if (w.indeterminate > 0) w.determinateAfter++;
  }
  if (!l && w.frames > 0) return;
  requestAnimationFrame(sample);
})();`

// TestSlimLoader loads the lab with app.wasm slowed down (1.5 MB/s): while
// it downloads, the steps stay visible under a thin progress bar whose label
// counts up from app.wasm's size; app.wasm comes gzipped; they stay after.
func TestSlimLoader(t *testing.T) {
	w := slowLoad(t, lab)
	var partial bool
	for _, l := range w.Labels {
		if !regexp.MustCompile(`^Loading stickylab… [0-9]+%$`).MatchString(l) {
			t.Errorf("loader label %q", l)
		}
		partial = partial || (l != "Loading stickylab… 0%" && l != "Loading stickylab… 100%")
	}
	if !partial || len(w.Widths) < 3 || w.Indeterminate > 0 {
		t.Errorf("the progress did not count up: labels %q, bar widths %q, %d indeterminate frames", w.Labels, w.Widths, w.Indeterminate)
	}
}

// TestSlimLoaderWithoutSize serves app.wasm as GitHub Pages does, gzipped
// with no X-Wasm-Content-Length: the bar is indeterminate, the label has no
// percentage (not NaN% nor more than 100%).
func TestSlimLoaderWithoutSize(t *testing.T) {
	h := site.Handler(lab.Dir, Base)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(dropHeader{w}, r)
	}))
	defer srv.Close()
	w := slowLoad(t, &Site{Dir: lab.Dir, Server: srv, URL: srv.URL + Base + "/", Origin: srv.URL})
	for _, l := range w.Labels {
		if l != "Loading stickylab… 0%" && l != "Loading stickylab…" {
			t.Errorf("loader label %q", l)
		}
	}
	// From the first progress event on, the bar stays indeterminate; the
	// frames before it (the page starting) and after the download (app.wasm
	// compiling) vary with the machine's load, so no share of all frames is
	// asked.
	if w.Indeterminate == 0 || w.DeterminateAfter > 0 {
		t.Errorf("the bar was indeterminate in %d of %d frames, and determinate again in %d", w.Indeterminate, w.Frames, w.DeterminateAfter)
	}
}

// dropHeader drops X-Wasm-Content-Length from the responses.
type dropHeader struct{ http.ResponseWriter }

func (d dropHeader) WriteHeader(code int) {
	d.Header().Del(site.WasmContentLengthHeader)
	d.ResponseWriter.WriteHeader(code)
}

func (d dropHeader) Write(b []byte) (int, error) {
	d.Header().Del(site.WasmContentLengthHeader)
	return d.ResponseWriter.Write(b)
}

// paintSamples is what paintProbeJS saw while the loader was there.
type paintSamples struct {
	Frames        int
	MaxHeight     float64
	Labels        []string
	Widths        []string
	StepsShown    int
	Indeterminate int
	// DeterminateAfter counts the frames without data-indeterminate after
	// one with it.
	DeterminateAfter int
}

// slowLoad opens the lab of s with app.wasm throttled to 1.5 MB/s and checks
// what every loader does: thin, the steps visible, app.wasm gzipped.
func slowLoad(t *testing.T, s *Site) paintSamples {
	t.Helper()
	p := NewPageOn(t, s)
	src := strings.Replace(paintProbeJS, "STEPS", stepsShownJS, 1)
	p.do("throttling app.wasm and installing the probe", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: src}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, tg, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
			MatchedNetworkConditions: []*network.Conditions{{
				URLPattern: s.Origin + Base + "/web/app.wasm", DownloadThroughput: 1.5e6, UploadThroughput: -1,
			}},
		})
		return err
	}))
	p.OpenLab("")
	w := Eval[paintSamples](p, `window.__paint`)
	t.Logf("loader: %d frames, max height %.0f px, %d labels, %d bar widths, steps shown in %d, indeterminate in %d",
		w.Frames, w.MaxHeight, len(w.Labels), len(w.Widths), w.StepsShown, w.Indeterminate)
	if w.Frames < 5 {
		t.Fatalf("the loader was seen in %d frames only", w.Frames)
	}
	if w.MaxHeight > 40 {
		t.Errorf("the loader is %.0f px high: it covers the page", w.MaxHeight)
	}
	if w.StepsShown < w.Frames/2 {
		t.Errorf("the steps showed in %d of the loader's %d frames", w.StepsShown, w.Frames)
	}
	if !Eval[bool](p, wasmGzippedJS) {
		t.Error("app.wasm did not come gzipped")
	}
	if !Eval[bool](p, stepsShownJS) {
		t.Error("the steps are gone once app.wasm runs")
	}
	if !Eval[bool](p, `!document.querySelector("main.lab").hasAttribute("aria-busy")`) {
		t.Error("the lab is still aria-busy once app.wasm runs")
	}
	p.checkClean()
	return w
}
