//go:build !(js && wasm)

package site

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGeneratedPageA11y generates the lab and checks go-app's markup was
// fixed: the loader's image has an alt and the reader may zoom.
func TestGeneratedPageA11y(t *testing.T) {
	dir := t.TempDir()
	wasm := filepath.Join(dir, "app.wasm")
	if err := os.WriteFile(wasm, []byte("\x00asm"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	if _, err := Generate(Options{Out: out, Base: "/stickylab", Wasm: wasm, Web: "../../web", WasmExecJS: wasm}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(out, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	for _, want := range []string{`<img alt="" id="app-wasm-loader-icon"`, `content="width=device-width, initial-scale=1, viewport-fit=cover"`, `/stickylab/web/a11y.css`} {
		if !strings.Contains(page, want) {
			t.Errorf("index.html lacks %s", want)
		}
	}
	for _, bad := range []string{"user-scalable", "maximum-scale"} {
		if strings.Contains(page, bad) {
			t.Errorf("index.html still has %s", bad)
		}
	}
}
