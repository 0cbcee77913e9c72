//go:build !(js && wasm)

package site

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// WasmContentLengthHeader carries app.wasm's uncompressed size, which
// go-app's loader reads for its progress (Content-Length is the gzip size).
const WasmContentLengthHeader = "X-Wasm-Content-Length"

// Handler serves the site in dir under base as GitHub Pages does (base/ is
// index.html, /page is page.html, text and app.wasm gzipped when accepted),
// with Cache-Control: no-cache so that a rebuilt site is picked up at once.
func Handler(dir, base string) http.Handler {
	base, err := CleanBase(base)
	if err != nil {
		panic(err)
	}
	var gz gzipCache
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		p := r.URL.Path
		if base != "" && p == base {
			u := *r.URL
			u.Path = base + "/"
			http.Redirect(w, r, u.String(), http.StatusMovedPermanently)
			return
		}
		if !strings.HasPrefix(p, base+"/") {
			http.NotFound(w, r)
			return
		}
		p = path.Clean("/" + strings.TrimPrefix(p, base))
		if strings.HasSuffix(r.URL.Path, "/") {
			p = path.Join(p, "index.html")
		}
		name := filepath.Join(dir, filepath.FromSlash(p))
		fi, err := os.Stat(name)
		if err != nil || fi.IsDir() {
			name += ".html"
			if fi, err = os.Stat(name); err != nil || fi.IsDir() {
				http.NotFound(w, r)
				return
			}
		}
		f, err := os.Open(name)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		defer f.Close()
		w.Header().Set("Cache-Control", "no-cache")
		if strings.HasSuffix(name, ".webmanifest") {
			w.Header().Set("Content-Type", "application/manifest+json")
		}
		if strings.HasSuffix(name, ".wasm") {
			w.Header().Set(WasmContentLengthHeader, strconv.FormatInt(fi.Size(), 10))
		}
		if compressible(name) {
			w.Header().Add("Vary", "Accept-Encoding")
			if acceptsGzip(r.Header.Get("Accept-Encoding")) {
				if b, err := gz.get(name, fi); err == nil {
					w.Header().Set("Content-Encoding", "gzip")
					http.ServeContent(w, r, name, fi.ModTime(), bytes.NewReader(b))
					return
				}
			}
		}
		http.ServeContent(w, r, name, fi.ModTime(), f)
	})
}

// compressible reports whether a file is worth gzipping (not the PNG icons).
func compressible(name string) bool {
	switch path.Ext(name) {
	case ".html", ".js", ".css", ".wasm", ".svg", ".json", ".webmanifest", ".txt":
		return true
	}
	return false
}

// acceptsGzip reports whether an Accept-Encoding header accepts gzip with
// a non-zero quality: named (gzip, x-gzip), or else through "*".
func acceptsGzip(header string) bool {
	named, star := -1.0, -1.0
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(part, ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		if coding != "gzip" && coding != "x-gzip" && coding != "*" {
			continue
		}
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			if k, v, ok := strings.Cut(strings.TrimSpace(p), "="); ok && strings.EqualFold(k, "q") {
				if f, err := strconv.ParseFloat(v, 64); err == nil {
					q = f
				}
			}
		}
		if coding == "*" {
			star = q
		} else {
			named = q
		}
	}
	if named >= 0 {
		return named > 0
	}
	return star > 0
}

// gzipCache holds the gzipped bytes of each file served, compressed once
// per version of the file (its size and modification time).
type gzipCache struct {
	mu    sync.Mutex
	files map[string]gzipped
}

type gzipped struct {
	size int64
	mod  time.Time
	b    []byte
}

func (c *gzipCache) get(name string, fi os.FileInfo) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if g, ok := c.files[name]; ok && g.size == fi.Size() && g.mod.Equal(fi.ModTime()) {
		return g.b, nil
	}
	raw, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.DefaultCompression)
	if _, err := zw.Write(raw); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	if c.files == nil {
		c.files = map[string]gzipped{}
	}
	c.files[name] = gzipped{size: int64(len(raw)), mod: fi.ModTime(), b: b.Bytes()}
	return b.Bytes(), nil
}
