//go:build !(js && wasm)

package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// WasmGzipBudget is the size budget of app.wasm, gzip-compressed: raised
// from 2.5 MB when the lab gained the saved lab, scenarios, the lesson and
// the Classic and Network Load Balancers (README, Benchmarks).
const WasmGzipBudget = 2_883_584 // 2.75 MB

// TestLoadsUnderSubPath loads the lab under /stickylab/ and checks the
// placeholder UI, the page links, the console and that no request leaves the
// origin.
func TestLoadsUnderSubPath(t *testing.T) {
	p := NewPage(t)
	p.OpenLab("")

	if got := Eval[string](p, `location.pathname`); got != Base+"/" {
		t.Errorf("location.pathname = %q, want %q", got, Base+"/")
	}
	if got := Eval[string](p, `goappGetenv("GOAPP_ROOT_PREFIX")`); got != Base {
		t.Errorf("GOAPP_ROOT_PREFIX = %q, want %q", got, Base)
	}
	if got := Eval[string](p, `document.querySelector('[data-testid="home"]').getAttribute("href")`); got != Base+"/" {
		t.Errorf("page link href = %q, want %q", got, Base+"/")
	}
	// Loading the page is a request through the load balancer.
	if got := p.Text("served-by"); got != "Instance Number 1" {
		t.Errorf("served-by after the page load = %q, want %q", got, "Instance Number 1")
	}
	if got, _ := p.refresh(); got != "Instance Number 2" {
		t.Errorf("served-by after Refresh = %q, want %q", got, "Instance Number 2")
	}
	p.Screenshot("lab-loaded")

	// A deep link with a query string mounts the same page.
	p.OpenLab("stickiness=off&seed=1")
	p.Click("home")
	p.WaitTestID("refresh")
	if got := Eval[string](p, `location.pathname`); got != Base+"/" {
		t.Errorf("after following the page link, location.pathname = %q", got)
	}

	if errs := p.ConsoleErrors(); len(errs) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
	}
	reqs := p.Requests()
	if !slices.Contains(reqs, lab.Origin+Base+"/web/app.wasm") {
		t.Errorf("app.wasm request not recorded; requests: %q", reqs)
	}
	if foreign := p.ForeignRequests(); len(foreign) > 0 {
		t.Errorf("requests left the origin %s: %q", lab.Origin, foreign)
	}
	t.Logf("%d requests, all same-origin", len(reqs))
}

// TestNothingRemote checks the generated files: the service worker precache,
// the manifest and the pages reference only paths under Base (but for links
// to AWS's documentation, which load nothing until the learner follows one).
func TestNothingRemote(t *testing.T) {
	worker := readFile(t, filepath.Join(lab.Dir, "app-worker.js"))
	m := regexp.MustCompile(`const resourcesToCache = (\[.*?\])`).FindStringSubmatch(worker)
	if m == nil {
		t.Fatal("no resourcesToCache in app-worker.js")
	}
	var precache []string
	if err := json.Unmarshal([]byte(m[1]), &precache); err != nil {
		t.Fatal(err)
	}
	for _, u := range precache {
		if u != Base && !strings.HasPrefix(u, Base+"/") {
			t.Errorf("precached resource %q is not under %s/", u, Base)
		}
	}

	var manifest struct {
		Icons []struct{ Src string } `json:"icons"`
	}
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(lab.Dir, "manifest.webmanifest"))), &manifest); err != nil {
		t.Fatal(err)
	}
	for _, ic := range manifest.Icons {
		if !strings.HasPrefix(ic.Src, Base+"/web/") {
			t.Errorf("manifest icon %q is not under %s/web/", ic.Src, Base)
		}
	}

	tag := regexp.MustCompile(`<(\w+)([^>]*)>`)
	attr := regexp.MustCompile(`(?:src|href|content)="([^"]*)"`)
	for _, e := range tag.FindAllStringSubmatch(readFile(t, filepath.Join(lab.Dir, "index.html")), -1) {
		for _, a := range attr.FindAllStringSubmatch(e[2], -1) {
			if e[1] == "a" && strings.HasPrefix(a[1], "https://docs.aws.amazon.com/") {
				continue // a link, followed only when clicked
			}
			if strings.Contains(a[1], "://") {
				t.Errorf("index.html references %q (in a <%s>)", a[1], e[1])
			}
		}
	}
}

// TestOffline checks that the service worker activates, keeps the caches of
// other sites on the origin, deletes its own old ones, and serves the lab
// once the server is gone.
func TestOffline(t *testing.T) {
	s := ServeSite(lab.Dir) // a server (an origin) of its own, to stop
	defer s.Server.Close()
	p := NewPageOn(t, s)

	// Caches of a sibling site, and an old one of ours, on the same origin.
	p.Navigate(s.Origin + "/sibling/")
	Eval[bool](p, `Promise.all([caches.open("sibling:/sibling/:v1"), caches.open("stickylab:/stickylab/:old")]).then(() => true)`)

	p.OpenLab("")
	state := Eval[string](p, `navigator.serviceWorker.ready.then((r) => new Promise((resolve) => {
		const w = r.active;
		if (w.state === "activated") { resolve(w.state); return; }
		w.addEventListener("statechange", () => { if (w.state === "activated") resolve(w.state); });
	}))`)
	if state != "activated" {
		t.Fatalf("service worker state = %q", state)
	}
	keys := Eval[[]string](p, `caches.keys()`)
	t.Logf("caches: %q", keys)
	if !slices.Contains(keys, "sibling:/sibling/:v1") {
		t.Errorf("the worker deleted another site's cache; caches: %q", keys)
	}
	if slices.Contains(keys, "stickylab:/stickylab/:old") {
		t.Errorf("the worker kept its own old cache; caches: %q", keys)
	}

	s.Server.CloseClientConnections()
	s.Server.Close()

	p.Reload()
	p.WaitReady()
	if got, reason := p.refresh(); got == "" || reason != "no-stickiness" {
		t.Errorf("offline: served-by = %q (%s)", got, reason)
	}
	p.OpenLab("stickiness=lb_cookie") // a deep link with a query, offline
	p.Screenshot("lab-offline")
}

// TestWasmSizeBudget checks that app.wasm stays within WasmGzipBudget.
func TestWasmSizeBudget(t *testing.T) {
	raw, gz, err := GzipSize(filepath.Join(lab.Dir, "web", "app.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("app.wasm: %d bytes, %d bytes gzip (budget %d)", raw, gz, WasmGzipBudget)
	if gz > WasmGzipBudget {
		t.Errorf("app.wasm is %d bytes gzip, over the budget of %d bytes", gz, WasmGzipBudget)
	}
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
