//go:build !(js && wasm)

package site

import "bytes"

// go-app v9 hardcodes its page head: a viewport that forbids zooming and a
// single theme colour. headFixes rewrite them in every generated page.
var headFixes = []struct{ old, new string }{
	{ // WCAG 1.4.4: let people zoom.
		`<meta name="viewport" content="width=device-width, initial-scale=1, maximum-scale=1, user-scalable=0, viewport-fit=cover">`,
		`<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">`,
	},
	{ // The light and dark themes of web/app.css from the first paint: the
		// canvas, the loader and the browser's bar match the page.
		`<meta name="theme-color" content="` + ThemeColor + `">`,
		`<meta name="color-scheme" content="light dark">` + "\n" +
			`<meta name="theme-color" content="` + ThemeColor + `" media="(prefers-color-scheme: light)">` + "\n" +
			`<meta name="theme-color" content="` + DarkThemeColor + `" media="(prefers-color-scheme: dark)">`,
	},
}

// The page's theme colours (web/app.css: --color-accent light, --color-bg
// dark).
const (
	ThemeColor     = "#1d4ed8"
	DarkThemeColor = "#0d1117"
)

// fixHead applies headFixes to a generated page.
func fixHead(b []byte) []byte {
	for _, f := range headFixes {
		b = bytes.Replace(b, []byte(f.old), []byte(f.new), 1)
	}
	return b
}
