//go:build !(js && wasm)

package site

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCleanBase(t *testing.T) {
	for in, want := range map[string]string{
		"": "", "/": "", "stickylab": "/stickylab", "/stickylab/": "/stickylab", "/a/b-c.d_e~": "/a/b-c.d_e~",
	} {
		if got, err := CleanBase(in); err != nil || got != want {
			t.Errorf("CleanBase(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"/a b", "/{{x}}", "/a//b", `/a"b`} {
		if _, err := CleanBase(bad); err == nil {
			t.Errorf("CleanBase(%q) accepted", bad)
		}
	}
}

func TestHandler(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("index.html", "index")
	write("about.html", "about")
	write("manifest.webmanifest", "{}")
	write("web/app.wasm", "\x00asm")
	srv := httptest.NewServer(Handler(dir, "/stickylab"))
	defer srv.Close()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	for _, c := range []struct{ path, status, body, ctype, location string }{
		{"/stickylab/", "200", "index", "text/html", ""},
		{"/stickylab/?stickiness=off", "200", "index", "text/html", ""},
		{"/stickylab/about", "200", "about", "text/html", ""},
		{"/stickylab/web/app.wasm", "200", "\x00asm", "application/wasm", ""},
		{"/stickylab/manifest.webmanifest", "200", "{}", "application/manifest+json", ""},
		{"/stickylab?x=1", "301", "", "", "/stickylab/?x=1"},
		{"/stickylab/missing", "404", "", "", ""},
		{"/index.html", "404", "", "", ""},
		{"/stickylab/../../etc/passwd", "404", "", "", ""},
	} {
		res, err := client.Get(srv.URL + c.path)
		if err != nil {
			t.Fatal(err)
		}
		b := new(strings.Builder)
		_, _ = io.Copy(b, res.Body)
		res.Body.Close()
		if got := res.Status[:3]; got != c.status {
			t.Errorf("GET %s: status %s, want %s", c.path, got, c.status)
			continue
		}
		if c.status == "200" && (b.String() != c.body || !strings.HasPrefix(res.Header.Get("Content-Type"), c.ctype)) {
			t.Errorf("GET %s: %q (%s), want %q (%s)", c.path, b, res.Header.Get("Content-Type"), c.body, c.ctype)
		}
		if c.location != "" && res.Header.Get("Location") != c.location {
			t.Errorf("GET %s: Location %q, want %q", c.path, res.Header.Get("Location"), c.location)
		}
	}
}

func TestWorkerTemplate(t *testing.T) {
	js := WorkerTemplate(CachePrefix("stickylab", "/stickylab"))
	if !strings.Contains(js, `const cachePrefix = "stickylab:/stickylab/:";`) {
		t.Errorf("worker does not name its cache prefix:\n%s", js[:200])
	}
	if !strings.Contains(js, "key.startsWith(cachePrefix) && key !== cacheName") {
		t.Error("worker may delete caches that are not its own")
	}
	if got := WorkerTemplate(CachePrefix("x{{", "")); strings.Contains(got, "x{{") {
		t.Error("template delimiters are not escaped")
	}
}

func TestIcon(t *testing.T) {
	img := Icon(192)
	if b := img.Bounds(); b.Dx() != 192 || b.Dy() != 192 {
		t.Fatalf("size %v", b)
	}
	if c := img.NRGBAAt(96, 20); c.A != 255 || c.B < 0xd0 {
		t.Errorf("background pixel %v, want opaque blue", c)
	}
	if c := img.NRGBAAt(0, 0); c.A != 0 {
		t.Errorf("rounded corner pixel %v, want transparent", c)
	}
}
