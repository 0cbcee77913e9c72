//go:build !(js && wasm)

package site

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestGeneratedHead generates the lab's site (with a stand-in app.wasm) and
// checks the head go-app wrote was fixed (zoom, both themes, the loader's
// alt, a11y.css), the page's content and app.js's progress bar.
func TestGeneratedHead(t *testing.T) {
	dir := t.TempDir()
	wasm := filepath.Join(dir, "app.wasm")
	if err := os.WriteFile(wasm, []byte("\x00asm"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	if _, err := Generate(Options{Out: out, Wasm: wasm, Web: "../../web", Base: "/stickylab"}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(out, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	html := string(b)
	for _, want := range []string{
		`<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">`,
		`<meta name="color-scheme" content="light dark">`,
		`<meta name="theme-color" content="#1d4ed8" media="(prefers-color-scheme: light)">`,
		`<meta name="theme-color" content="#0d1117" media="(prefers-color-scheme: dark)">`,
		`/stickylab/web/a11y.css`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("index.html lacks %s", want)
		}
	}
	if img := regexp.MustCompile(`<img [^>]*id="app-wasm-loader-icon"[^>]*>`).FindString(html); !strings.HasPrefix(img, `<img alt="" `) {
		t.Errorf("the loader's image %q has no alt", img)
	}
	for _, bad := range []string{"maximum-scale", "user-scalable"} {
		if strings.Contains(html, bad) {
			t.Errorf("index.html still has %s", bad)
		}
	}
	// Readable before app.wasm: what the lab is and the article's steps,
	// the lab marked busy.
	for _, want := range []string{`<main aria-busy="true" class="lab">`, "sticky sessions work", `data-testid="steps"`, "Save changes", "AWSALBCORS"} {
		if !strings.Contains(html, want) {
			t.Errorf("the pre-rendered index.html lacks %s", want)
		}
	}
	if m := regexp.MustCompile(` (?:checked|selected|disabled)="false"`).FindAllString(html, -1); len(m) > 0 {
		t.Errorf("the pre-rendered index.html keeps %q (true in HTML)", m)
	}
	if sel := regexp.MustCompile(`<option [^>]*selected[^>]*>`).FindAllString(html, -1); len(sel) != 2 {
		t.Errorf("the pre-rendered form selects %q, want one option of each of its 2 selects", sel)
	}
	if radios := regexp.MustCompile(`<input [^>]*type="radio"[^>]*>`).FindAllString(html, -1); len(radios) != 2 ||
		strings.Count(strings.Join(radios, ""), "checked") != 1 {
		t.Errorf("the pre-rendered stickiness types %q, want two radio buttons, one checked", radios)
	}
	js, err := os.ReadFile(filepath.Join(out, "app.js"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{appJSFix, `goappWasmContentLengthHeader = "` + WasmContentLengthHeader + `"`, storageJS, earlyMessagesJS} {
		if !strings.Contains(string(js), want) {
			t.Errorf("app.js lacks %s", want)
		}
	}
	// The preload is the very request app.js makes: same URL, CORS mode.
	fetched := regexp.MustCompile(`fetchWithProgress\("([^"]+)"`).FindStringSubmatch(string(js))
	if fetched == nil || fetched[1] != "/stickylab/web/app.wasm" {
		t.Fatalf("app.js fetches %q", fetched)
	}
	if want := `<link rel="preload" href="` + fetched[1] + `" as="fetch" type="application/wasm" crossorigin>`; !strings.Contains(html, want) {
		t.Errorf("index.html lacks %s", want)
	}
}

// TestFixHead rewrites both attribute orders go-app may write.
func TestFixHead(t *testing.T) {
	for _, in := range []string{
		`<meta name="viewport" content="width=device-width, initial-scale=1, maximum-scale=1, user-scalable=0, viewport-fit=cover">` + "\n" + `<meta name="theme-color" content="#1d4ed8">`,
		`<meta content="width=device-width, initial-scale=1, maximum-scale=1, user-scalable=0, viewport-fit=cover" name="viewport">` + "\n" + `<meta content="#1d4ed8" name="theme-color">`,
	} {
		got := string(fixHead([]byte(in)))
		want := `<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">` + "\n" +
			`<meta name="color-scheme" content="light dark">` + "\n" +
			`<meta name="theme-color" content="#1d4ed8" media="(prefers-color-scheme: light)">` + "\n" +
			`<meta name="theme-color" content="#0d1117" media="(prefers-color-scheme: dark)">`
		if got != want {
			t.Errorf("fixHead(%s) =\n%s\nwant\n%s", in, got, want)
		}
	}
	for _, in := range []string{`<img id="app-wasm-loader-icon" class="goapp-logo" src="x">`, `<img class="goapp-logo" src="x" id="app-wasm-loader-icon">`} {
		if got := string(fixHead([]byte(in))); got != `<img alt="" `+in[len("<img "):] {
			t.Errorf("fixHead(%s) = %s, want an empty alt first", in, got)
		}
	}
}
