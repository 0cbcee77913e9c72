//go:build !(js && wasm)

package site

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestHandlerGzip asks for each file with and without gzip, as a browser
// and as a client that does not accept it, and reads what comes back raw.
func TestHandlerGzip(t *testing.T) {
	dir := t.TempDir()
	wasm := bytes.Repeat([]byte("\x00asm wasm bytes "), 4096)
	files := map[string][]byte{
		"index.html":   []byte(strings.Repeat("<p>index</p>", 100)),
		"app.js":       []byte(strings.Repeat("console.log(1);", 100)),
		"web/app.wasm": wasm,
		"web/icon.png": []byte("\x89PNG not compressed"),
	}
	for name, b := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(Handler(dir, "/stickylab"))
	defer srv.Close()
	// DisableCompression: the transport neither asks for gzip nor decodes it.
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	get := func(path, accept string) (*http.Response, []byte) {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		if accept != "" {
			req.Header.Set("Accept-Encoding", accept)
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		return res, b
	}

	for _, c := range []struct {
		path, file, accept, ctype string
		gzip                      bool
	}{
		{"/stickylab/web/app.wasm", "web/app.wasm", "gzip, deflate, br", "application/wasm", true},
		{"/stickylab/web/app.wasm", "web/app.wasm", "", "application/wasm", false},
		{"/stickylab/web/app.wasm", "web/app.wasm", "br, gzip;q=0", "application/wasm", false},
		{"/stickylab/web/app.wasm", "web/app.wasm", "*", "application/wasm", true},
		{"/stickylab/", "index.html", "gzip", "text/html", true},
		{"/stickylab/app.js", "app.js", "GZIP;q=0.5", "text/javascript", true},
		{"/stickylab/web/icon.png", "web/icon.png", "gzip", "image/png", false},
	} {
		res, body := get(c.path, c.accept)
		want := files[c.file]
		name := "GET " + c.path + " (Accept-Encoding: " + c.accept + ")"
		if res.StatusCode != http.StatusOK {
			t.Errorf("%s: status %d", name, res.StatusCode)
			continue
		}
		if got := res.Header.Get("Content-Type"); !strings.HasPrefix(got, c.ctype) {
			t.Errorf("%s: Content-Type %q, want %s", name, got, c.ctype)
		}
		if enc := res.Header.Get("Content-Encoding"); (enc == "gzip") != c.gzip {
			t.Errorf("%s: Content-Encoding %q, want gzip %v", name, enc, c.gzip)
		}
		if c.file != "web/icon.png" && res.Header.Get("Vary") != "Accept-Encoding" {
			t.Errorf("%s: Vary %q, want Accept-Encoding", name, res.Header.Get("Vary"))
		}
		if cl := res.Header.Get("Content-Length"); cl != "" && cl != strconv.Itoa(len(body)) {
			t.Errorf("%s: Content-Length %s for a body of %d bytes", name, cl, len(body))
		}
		if c.gzip {
			if c.file == "web/app.wasm" && len(body) >= len(want)/4 {
				t.Errorf("%s: %d bytes of gzip for %d", name, len(body), len(want))
			}
			zr, err := gzip.NewReader(bytes.NewReader(body))
			if err != nil {
				t.Errorf("%s: not gzip: %v", name, err)
				continue
			}
			if body, err = io.ReadAll(zr); err != nil {
				t.Errorf("%s: bad gzip: %v", name, err)
				continue
			}
		}
		if !bytes.Equal(body, want) {
			t.Errorf("%s: body differs from %s", name, c.file)
		}
		if c.file == "web/app.wasm" {
			if got := res.Header.Get(WasmContentLengthHeader); got != strconv.Itoa(len(wasm)) {
				t.Errorf("%s: %s %q, want the uncompressed %d", name, WasmContentLengthHeader, got, len(wasm))
			}
		}
	}

	// A rebuilt file is compressed again.
	newer := []byte(strings.Repeat("<p>rebuilt</p>", 50))
	if err := os.WriteFile(filepath.Join(dir, "index.html"), newer, 0o644); err != nil {
		t.Fatal(err)
	}
	res, body := get("/stickylab/", "gzip")
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil || res.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("rebuilt index.html: %v, Content-Encoding %q", err, res.Header.Get("Content-Encoding"))
	}
	if b, _ := io.ReadAll(zr); !bytes.Equal(b, newer) {
		t.Errorf("rebuilt index.html: got %q, want the new file", b)
	}
}

func TestAcceptsGzip(t *testing.T) {
	for h, want := range map[string]bool{
		"": false, "gzip": true, "deflate, gzip": true, "gzip;q=0": false, "gzip; q=0.001": true,
		"br": false, "*": true, "*;q=0": false, "identity": false, "x-gzip": true, "gzipx": false,
		"*;q=0.5, gzip;q=0": false, "*;q=0, gzip": true, // a named gzip wins over "*"
	} {
		if got := acceptsGzip(h); got != want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", h, got, want)
		}
	}
}
