//go:build !(js && wasm)

package site

import (
	"regexp"
)

// The page's theme colours (web/app.css: --color-accent light, --color-bg
// dark).
const (
	ThemeColor     = "#1d4ed8"
	DarkThemeColor = "#0d1117"
)

// go-app v9 hardcodes a viewport that forbids zooming, a single theme
// colour (attributes in either order) and a loader image without alt;
// headFixes rewrite them in every generated page.
var headFixes = []struct {
	old *regexp.Regexp
	new string
}{
	{ // WCAG 1.4.4: let people zoom.
		metaPattern("viewport"),
		`<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">`,
	},
	{ // The light and dark themes of web/app.css from the first paint: the
		// canvas, the loader and the browser's bar match the page.
		metaPattern("theme-color"),
		`<meta name="color-scheme" content="light dark">` + "\n" +
			`<meta name="theme-color" content="` + ThemeColor + `" media="(prefers-color-scheme: light)">` + "\n" +
			`<meta name="theme-color" content="` + DarkThemeColor + `" media="(prefers-color-scheme: dark)">`,
	},
	{ // The loader's label beside it says "Loading…".
		regexp.MustCompile(`<img ([^>]*id="app-wasm-loader-icon"[^>]*)>`),
		`<img alt="" $1>`,
	},
	{ // go-app writes false boolean attributes as ="false", which HTML reads
		// as true: the pre-rendered form showed every option selected.
		regexp.MustCompile(` (?:checked|selected|disabled|readonly|required|hidden|open|multiple)="false"`),
		``,
	},
	{ // The pre-rendered lab is busy until app.wasm renders it again
		// (web/app.css marks its controls as not ready).
		regexp.MustCompile(`<main ([^>]*class="lab"[^>]*)>`),
		`<main aria-busy="true" $1>`,
	},
}

// goappProgress is go-app's app.js showing the loader's progress; appJSFix
// also sets the bar's width (--goapp-progress), or data-indeterminate when
// the size is unknown (GitHub Pages' gzip: no usable length, NaN or > 100).
const goappProgress = `loaderLabel.innerText = goappLoadingLabel.replace("{progress}", progress);`

const appJSFix = `const known = progress >= 0 && progress <= 100;
      loader.style.setProperty("--goapp-progress", known ? progress + "%" : "");
      loader.toggleAttribute("data-indeterminate", !known);
      loaderLabel.innerText = known ? goappLoadingLabel.replace("{progress}", progress) : goappLoadingLabel.replace(/ *\{progress\}%?/, "");`

// metaPattern matches go-app's <meta name="name" content="..."> in either
// attribute order.
func metaPattern(name string) *regexp.Regexp {
	n := regexp.QuoteMeta(`name="` + name + `"`)
	return regexp.MustCompile(`<meta (?:` + n + ` content="[^"]*"|content="[^"]*" ` + n + `)>`)
}

// fixHead applies headFixes to a generated page.
func fixHead(b []byte) []byte {
	for _, f := range headFixes {
		b = f.old.ReplaceAll(b, []byte(f.new))
	}
	return b
}

// storageJS, at the top of app.js, stands an in-memory Storage in for a
// localStorage or sessionStorage the browser refuses (cookies blocked): go-app
// reads them unguarded; wasm/browserstore reads stickylabStorageRefused and says so.
const storageJS = `window.stickylabStorageRefused = {};
for (const name of ["localStorage", "sessionStorage"]) {
  let why = "";
  try { if (!window[name]) why = name + " is not available"; } catch (e) { why = String((e && e.message) || e); }
  if (!why) continue;
  const m = new Map();
  const memory = Object.create({
    getItem(k) { k = String(k); return m.has(k) ? m.get(k) : null; },
    setItem(k, v) { m.set(String(k), String(v)); },
    removeItem(k) { m.delete(String(k)); },
    clear() { m.clear(); },
    key(i) { const ks = [...m.keys()]; return i >= 0 && i < ks.length ? ks[i] : null; },
    get length() { return m.size; },
  });
  try {
    Object.defineProperty(window, name, { value: memory, configurable: true });
    window.stickylabStorageRefused[name] = why;
  } catch (e) {}
}
`

// earlyMessagesJS, at the top of app.js, keeps the first 64 messages a framed
// lab receives before app.wasm has started (a course page's commands sent on
// the frame's load event) for app/parent.go, and counts the commands it drops.
const earlyMessagesJS = `if (window.parent !== window) {
  window.stickylabEarlyMessages = [];
  window.stickylabEarlyDropped = 0;
  window.addEventListener("message", (e) => {
    const q = window.stickylabEarlyMessages;
    if (q && q.length < 64) q.push(e);
    else if (q && e.source === window.parent && e.data && typeof e.data.type === "string" && e.data.type.startsWith("stickylab:")) window.stickylabEarlyDropped++;
  });
}
`
