// Command wasm is the browser binary of the minimal go-app page (see package
// minimal). Natively it does nothing.
package main

import (
	"github.com/maxence-charriere/go-app/v9/pkg/app"

	"github.com/stickylab/stickylab/internal/minimal"
)

func main() {
	minimal.Routes()
	app.RunWhenOnBrowser()
}
