//go:build !(js && wasm)

package site

import (
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Handler serves the site generated in dir under the URL path base, the way
// GitHub Pages does: base redirects to base+"/", a directory serves its
// index.html and /page serves page.html. Responses carry
// Cache-Control: no-cache so a rebuilt site is picked up at once (the
// service worker still answers from its own cache until the version changes).
func Handler(dir, base string) http.Handler {
	base, err := CleanBase(base)
	if err != nil {
		panic(err)
	}
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
		http.ServeContent(w, r, name, fi.ModTime(), f)
	})
}
