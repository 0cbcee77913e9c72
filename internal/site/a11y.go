//go:build !(js && wasm)

package site

import (
	"bytes"
	"os"
	"path/filepath"
)

// a11yFixes are edits of the markup go-app writes into every page and offers
// no option for: its loader's image gets an empty alt (the label beside it
// says "Loading…"), and its viewport lets the reader zoom (WCAG 1.4.4).
var a11yFixes = []struct{ old, new string }{
	{`<img id="app-wasm-loader-icon"`, `<img alt="" id="app-wasm-loader-icon"`},
	{`, maximum-scale=1, user-scalable=0`, ``},
}

// fixA11y applies a11yFixes to the generated pages.
func fixA11y(out string) error {
	names, err := filepath.Glob(filepath.Join(out, "*.html"))
	if err != nil {
		return err
	}
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			return err
		}
		c := b
		for _, f := range a11yFixes {
			c = bytes.ReplaceAll(c, []byte(f.old), []byte(f.new))
		}
		if !bytes.Equal(c, b) {
			if err := os.WriteFile(n, c, 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}
