//go:build !(js && wasm)

// Command wasm is the browser binary of stickylab. Natively it only explains
// how to build it.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "stickylab/wasm is a browser binary: build it with GOOS=js GOARCH=wasm (see `make wasm`)")
	os.Exit(2)
}
