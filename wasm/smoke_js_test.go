//go:build js && wasm

package main

import (
	"syscall/js"
	"testing"
)

// TestSmoke checks that the wasm tests really run in a browser with a DOM and
// a cookie store (agnivade/wasmbrowsertest in headless Chromium).
func TestSmoke(t *testing.T) {
	doc := js.Global().Get("document")
	if doc.IsUndefined() {
		t.Fatal("no document: not running in a browser")
	}
	doc.Set("cookie", "smoke=1; Path=/")
	if got := doc.Get("cookie").String(); got == "" {
		t.Fatalf("document.cookie is empty after setting a cookie")
	}
	t.Logf("userAgent: %s", js.Global().Get("navigator").Get("userAgent").String())
}
