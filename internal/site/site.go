//go:build !(js && wasm)

// Package site generates and serves the static website of a go-app program:
// the pre-rendered pages, go-app's scripts, a service worker scoped to the
// site, local icons, the stylesheets of web/ and app.wasm.
//
// It is native code (it links go-app's server side); the browser binary must
// never import it.
package site

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"image/png"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/maxence-charriere/go-app/v9/pkg/app"

	stickylab "github.com/stickylab/stickylab/app"
)

// Options describes a site to generate. Out and Wasm are required; the other
// fields have defaults for the stickylab lab.
type Options struct {
	// Out is the output directory. Existing files are overwritten.
	Out string
	// Base is the URL path the site is served under: "" for the root of
	// the origin, or e.g. "/stickylab" for a GitHub Pages project site.
	Base string
	// Wasm is the path of the app.wasm built with GOOS=js GOARCH=wasm.
	Wasm string
	// Web is the directory of static files copied into Out/web
	// (app.css, icon.svg). Default "web".
	Web string
	// WasmExecJS is the wasm_exec.js of the Go toolchain that built Wasm.
	// Default: $GOROOT/lib/wasm/wasm_exec.js of the go command.
	WasmExecJS string
	// Name is the application name; it also prefixes the service worker's
	// cache names. Default "stickylab".
	Name string
	// Title is the page title. Default: the lab's title.
	Title string
	// Description is the page description.
	Description string
	// Routes registers the pages to pre-render. Default: the lab's routes.
	Routes func()
}

// Result describes a generated site.
type Result struct {
	// Version is go-app's app version: a short sha256 of app.wasm and the
	// files of web/, so that every deploy with a change replaces the
	// previous one in the browsers' service workers.
	Version string
	// WasmBytes is the size of app.wasm.
	WasmBytes int64
}

// DefaultDescription is the page description of the lab.
const DefaultDescription = "Simulate an AWS Application Load Balancer's sticky sessions in your browser: the AWSALB cookie lives in your browser's real cookie store."

var basePattern = regexp.MustCompile(`^(/[A-Za-z0-9._~-]+)*$`)

// CleanBase validates a base path and returns it without a trailing slash
// ("" for the root of the origin).
func CleanBase(base string) (string, error) {
	base = strings.TrimSpace(base)
	if base != "" && !strings.HasPrefix(base, "/") {
		base = "/" + base
	}
	base = strings.TrimRight(base, "/")
	if !basePattern.MatchString(base) {
		return "", fmt.Errorf("invalid base path %q: want \"\" or /name[/name...] with letters, digits, . _ ~ -", base)
	}
	return base, nil
}

// Generate writes the static site described by opts.
func Generate(opts Options) (Result, error) {
	var res Result
	if opts.Out == "" || opts.Wasm == "" {
		return res, errors.New("site: Out and Wasm are required")
	}
	base, err := CleanBase(opts.Base)
	if err != nil {
		return res, err
	}
	setDefaults(&opts)

	wasm, err := os.ReadFile(opts.Wasm)
	if err != nil {
		return res, err
	}
	res.WasmBytes = int64(len(wasm))
	webDir := filepath.Join(opts.Out, "web")
	if err := os.MkdirAll(webDir, 0o755); err != nil {
		return res, err
	}
	if err := copyDir(opts.Web, webDir); err != nil {
		return res, fmt.Errorf("copying %s: %w", opts.Web, err)
	}
	if err := os.WriteFile(filepath.Join(webDir, "app.wasm"), wasm, 0o644); err != nil {
		return res, err
	}
	for _, size := range []int{192, 512} {
		var b bytes.Buffer
		if err := png.Encode(&b, Icon(size)); err != nil {
			return res, err
		}
		name := filepath.Join(webDir, fmt.Sprintf("icon-%d.png", size))
		if err := os.WriteFile(name, b.Bytes(), 0o644); err != nil {
			return res, err
		}
	}
	if res.Version, err = version(webDir); err != nil {
		return res, err
	}

	opts.Routes()
	h := &app.Handler{
		Name:            opts.Name,
		ShortName:       opts.Name,
		Title:           opts.Title,
		Description:     opts.Description,
		Lang:            "en",
		BackgroundColor: "#f6f7f9",
		ThemeColor:      ThemeColor,
		LoadingLabel:    "Loading " + opts.Name + "… {progress}%",
		Icon: app.Icon{
			Default:    "/web/icon-192.png",
			Large:      "/web/icon-512.png",
			AppleTouch: "/web/icon-192.png",
			SVG:        "/web/icon.svg",
		},
		WasmContentLengthHeader: WasmContentLengthHeader,
		Styles:                  []string{"/web/app.css", "/web/a11y.css"},
		CacheableResources:      []string{"/web/icon.svg"},
		Version:                 res.Version,
		ServiceWorkerTemplate:   WorkerTemplate(CachePrefix(opts.Name, base)),
		// app.js fetches app.wasm only once the page is parsed and laid out;
		// the preload starts the download with the HTML (same URL and mode).
		RawHeaders: []string{`<link rel="preload" href="` + base + `/web/app.wasm" as="fetch" type="application/wasm" crossorigin>`},
	}
	if base == "" {
		h.Resources = app.LocalDir("")
	} else {
		// Package() and Static() are both base: go-app prefixes its own
		// scripts, /web/ resources and sets GOAPP_ROOT_PREFIX to base.
		h.Resources = app.CustomProvider("", base)
	}
	if err := app.GenerateStaticWebsite(opts.Out, h); err != nil {
		return res, err
	}
	if err := writeWasmExecJS(opts); err != nil {
		return res, err
	}
	if err := fixAppJS(filepath.Join(opts.Out, "app.js")); err != nil {
		return res, err
	}
	return res, stripLocalURLs(opts.Out)
}

func setDefaults(o *Options) {
	if o.Web == "" {
		o.Web = "web"
	}
	if o.Name == "" {
		o.Name = "stickylab"
	}
	if o.Title == "" {
		o.Title = stickylab.Title
	}
	if o.Description == "" {
		o.Description = DefaultDescription
	}
	if o.Routes == nil {
		o.Routes = func() { stickylab.Routes(stickylab.Options{}) }
	}
}

// version hashes every file of the generated web directory (app.wasm, the
// stylesheets, the icons) in name order.
func version(webDir string) (string, error) {
	var names []string
	err := filepath.WalkDir(webDir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, p)
		}
		return err
	})
	if err != nil {
		return "", err
	}
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			return "", err
		}
		rel, _ := filepath.Rel(webDir, n)
		fmt.Fprintf(h, "%s\x00%d\x00", filepath.ToSlash(rel), len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))[:12], nil
}

func copyDir(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
}

// writeWasmExecJS replaces go-app's copy of wasm_exec.js (from Go 1.21) with
// the one of the toolchain that built app.wasm.
func writeWasmExecJS(o Options) error {
	src := o.WasmExecJS
	if src == "" {
		goroot := os.Getenv("GOROOT")
		if goroot == "" {
			out, err := exec.Command("go", "env", "GOROOT").Output()
			if err != nil {
				return fmt.Errorf("locating wasm_exec.js: go env GOROOT: %w", err)
			}
			goroot = strings.TrimSpace(string(out))
		}
		src = filepath.Join(goroot, "lib", "wasm", "wasm_exec.js")
	}
	b, err := os.ReadFile(src)
	if err != nil {
		return fmt.Errorf("reading wasm_exec.js: %w", err)
	}
	return os.WriteFile(filepath.Join(o.Out, "wasm_exec.js"), b, 0o644)
}

// fixAppJS makes go-app's loader in app.js drive the progress bar
// (goappProgress, appJSFix), stand in for refused storage (storageJS) and keep
// a frame's early messages (earlyMessagesJS).
func fixAppJS(name string) error {
	b, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	if !bytes.Contains(b, []byte(goappProgress)) {
		return fmt.Errorf("site: %s: go-app's loader code changed, no %q", name, goappProgress)
	}
	b = append([]byte(storageJS+earlyMessagesJS), bytes.Replace(b, []byte(goappProgress), []byte(appJSFix), 1)...)
	return os.WriteFile(name, b, 0o644)
}

// localURL matches the address of the temporary server that
// app.GenerateStaticWebsite pre-renders the pages with; it ends up in og:url.
// go-app writes the two attributes in either order.
var localURL = regexp.MustCompile(`<meta (?:property="og:url" content="http://127\.0\.0\.1:[0-9]+[^"]*"|content="http://127\.0\.0\.1:[0-9]+[^"]*" property="og:url")>`)

// stripLocalURLs removes localURL from the generated pages and applies
// headFixes to them.
func stripLocalURLs(out string) error {
	names, err := filepath.Glob(filepath.Join(out, "*.html"))
	if err != nil {
		return err
	}
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			return err
		}
		if c := fixHead(localURL.ReplaceAll(b, nil)); !bytes.Equal(c, b) {
			if err := os.WriteFile(n, c, 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}

// CachePrefix returns the prefix of the service worker's cache names for the
// site name served under base, e.g. "stickylab:/stickylab/:". The worker
// only ever deletes caches with this prefix, so sibling sites on a shared
// origin (user.github.io) keep theirs.
func CachePrefix(name, base string) string {
	return name + ":" + base + "/:"
}

// jsString returns s as a JavaScript string literal that is safe inside a
// text/template.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return strings.NewReplacer("{", `\u007b`, "}", `\u007d`).Replace(string(b))
}
