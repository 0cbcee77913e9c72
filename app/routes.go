// Package app holds the go-app components of the stickylab browser lab.
//
// The package is shared by the browser binary (wasm/) and the native site
// generator (cmd/site), which pre-renders the same routes into static HTML.
package app

import (
	"strings"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// Title is the page title of the lab.
const Title = "stickylab — sticky sessions lab"

// Routes registers the lab's pages with go-app. Call it before
// app.RunWhenOnBrowser in the browser and before generating the static site.
func Routes(opts Options) {
	app.RouteFunc("/", func() app.Composer { return &Lab{opts: opts} })
}

// BasePath returns the path the site is served under ("" at the root,
// "/stickylab" on a GitHub Pages project site).
func BasePath() string { return app.Getenv("GOAPP_ROOT_PREFIX") }

// Href returns the URL path of the page at p ("/", "/about", ...) under the
// base path the site is served from (GOAPP_ROOT_PREFIX, e.g. "/stickylab").
// Page links must use it: go-app only prefixes /web/ resources.
func Href(p string) string {
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return app.Getenv("GOAPP_ROOT_PREFIX") + p
}
