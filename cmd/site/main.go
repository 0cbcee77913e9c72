//go:build !(js && wasm)

// Command site generates the static website of the stickylab lab and can
// serve it.
//
// Usage:
//
//	go run ./cmd/site -wasm bin/app.wasm -out dist -base /stickylab
//	go run ./cmd/site -wasm bin/app.wasm -out dist -serve :8080
//
// The site works when served under -base (e.g. a GitHub Pages project site);
// an empty -base serves it at the root of the origin.
package main

import (
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"

	"github.com/stickylab/stickylab/internal/site"
)

func main() {
	var (
		out   = flag.String("out", "dist", "output directory")
		base  = flag.String("base", "", `URL path the site is served under, e.g. "/stickylab" ("" = root)`)
		wasm  = flag.String("wasm", "bin/app.wasm", "app.wasm built with GOOS=js GOARCH=wasm; copied to OUT/web/app.wasm")
		web   = flag.String("web", "web", "directory of static files copied to OUT/web")
		serve = flag.String("serve", "", "after generating, serve OUT over HTTP on this address, e.g. :8080")
	)
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("site: ")

	b, err := site.CleanBase(*base)
	if err != nil {
		log.Fatal(err)
	}
	res, err := site.Generate(site.Options{Out: *out, Base: b, Wasm: *wasm, Web: *web})
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("wrote %s for base %q (version %s, app.wasm %d bytes)", *out, b+"/", res.Version, res.WasmBytes)
	if *serve == "" {
		return
	}

	mux := http.NewServeMux()
	mux.Handle(b+"/", site.Handler(*out, b))
	if b != "" {
		mux.Handle(b, site.Handler(*out, b))
		mux.Handle("/{$}", http.RedirectHandler(b+"/", http.StatusFound))
	}
	host := *serve
	if len(host) > 0 && host[0] == ':' {
		host = "localhost" + host
	}
	fmt.Fprintf(os.Stderr, "site: serving http://%s%s/ (Ctrl-C to stop)\n", host, b)
	log.Fatal(http.ListenAndServe(*serve, mux))
}
