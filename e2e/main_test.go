//go:build !(js && wasm)

package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/stickylab/stickylab/internal/chromium"
	"github.com/stickylab/stickylab/internal/site"
)

// Base is the sub-path the sites under test are served from, as on a GitHub
// Pages project site.
const Base = "/stickylab"

var (
	// repoRoot is the module root (the parent of e2e/).
	repoRoot string
	// tmpDir holds the builds, the sites and the browser profile.
	tmpDir string
	// lab is the stickylab site under test.
	lab *Site
	// browser is the context of the one Chromium of the test binary. Each
	// Page opens a tab in a new browser context of it.
	browser context.Context
)

func TestMain(m *testing.M) {
	os.Exit(setup(m))
}

func setup(m *testing.M) int {
	chrome, err := findChromium()
	if err != nil {
		if os.Getenv("E2E_SKIP") == "1" {
			fmt.Fprintf(os.Stderr, "e2e: SKIPPING all browser tests (E2E_SKIP=1): %v\n", err)
			return 0
		}
		fmt.Fprintf(os.Stderr, "e2e: FAIL: %v\n"+
			"e2e: install it (apt-get install -y chromium), set E2E_CHROMIUM=/path/to/chrome,\n"+
			"e2e: or set E2E_SKIP=1 to skip the browser tests.\n", err)
		return 1
	}
	if repoRoot, err = filepath.Abs(".."); err != nil {
		return fail(err)
	}
	if tmpDir, err = os.MkdirTemp("", "stickylab-e2e-"); err != nil {
		return fail(err)
	}
	defer os.RemoveAll(tmpDir)

	wasm := os.Getenv("E2E_WASM")
	if wasm == "" {
		wasm = filepath.Join(tmpDir, "app.wasm")
		if err := BuildWasm("./wasm", wasm); err != nil {
			return fail(err)
		}
	}
	if lab, err = NewSite("lab", site.Options{Wasm: wasm}); err != nil {
		return fail(err)
	}
	defer lab.Server.Close()

	ctx, cancel, err := startBrowser(chrome)
	if err != nil {
		return fail(err)
	}
	defer cancel()
	browser = ctx
	return m.Run()
}

func fail(err error) int {
	fmt.Fprintf(os.Stderr, "e2e: FAIL: %v\n", err)
	return 1
}

// findChromium returns the browser to drive: $E2E_CHROMIUM, or chromium.Find's.
func findChromium() (string, error) { return chromium.Find("E2E_CHROMIUM") }

func startBrowser(chrome string) (context.Context, context.CancelFunc, error) {
	profile, err := os.MkdirTemp(tmpDir, "profile-")
	if err != nil {
		return nil, nil, err
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chrome),
		chromedp.UserDataDir(profile),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		// performance.memory with exact figures (the traffic benchmark).
		chromedp.Flag("enable-precise-memory-info", true),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	cancel := func() { cancelCtx(); cancelAlloc() }
	start, cancelStart := context.WithTimeout(ctx, 60*time.Second)
	defer cancelStart()
	// The first Do starts the browser; its life is bound to ctx, not start.
	errc := make(chan error, 1)
	go func() { errc <- chromedp.Do(ctx) }()
	select {
	case err = <-errc:
	case <-start.Done():
		err = fmt.Errorf("Chromium did not start in 60s")
	}
	if err != nil {
		cancel()
		return nil, nil, fmt.Errorf("starting %s: %w", chrome, err)
	}
	return ctx, cancel, nil
}

// Site is a generated static site served under Base by an httptest server.
type Site struct {
	// Dir is the generated site.
	Dir string
	// Server serves Dir under Base on 127.0.0.1.
	Server *httptest.Server
	// URL is the address of the start page, ending in Base + "/".
	URL string
	// Origin is the scheme, host and port of URL.
	Origin string
}

// NewSite generates a site from opts into a new directory of tmpDir (Base,
// Web and Out are set here) and serves it on a new port, i.e. a new origin.
func NewSite(name string, opts site.Options) (*Site, error) {
	dir, err := os.MkdirTemp(tmpDir, name+"-")
	if err != nil {
		return nil, err
	}
	opts.Out, opts.Base, opts.Web = dir, Base, filepath.Join(repoRoot, "web")
	if _, err := site.Generate(opts); err != nil {
		return nil, fmt.Errorf("generating %s: %w", name, err)
	}
	return ServeSite(dir), nil
}

// ServeSite serves a generated site directory on a new port.
func ServeSite(dir string) *Site {
	mux := http.NewServeMux()
	mux.Handle("/", site.Handler(dir, Base))
	srv := httptest.NewServer(mux)
	return &Site{Dir: dir, Server: srv, URL: srv.URL + Base + "/", Origin: srv.URL}
}

// BuildWasm builds the package pkg (relative to the module root) with
// GOOS=js GOARCH=wasm into out, with the flags of `make wasm`.
func BuildWasm(pkg, out string) error {
	cmd := exec.Command(goCommand(), "build", "-trimpath", "-ldflags=-s -w", "-o", out, pkg)
	cmd.Dir = repoRoot
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("building %s for js/wasm: %v\n%s", pkg, err, b)
	}
	return nil
}

func goCommand() string {
	if root := os.Getenv("GOROOT"); root != "" {
		if p := filepath.Join(root, "bin", "go"); fileExists(p) {
			return p
		}
	}
	return "go"
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
