// Package e2e holds the end-to-end tests of the stickylab site: they build
// app.wasm, generate the static site under /stickylab/ into a temporary
// directory, serve it on 127.0.0.1 and drive Debian's headless Chromium
// through the DevTools protocol (chromedp).
//
// Environment:
//
//	E2E_CHROMIUM     path of the browser (default /usr/bin/chromium, then PATH)
//	E2E_SKIP=1       skip every test when the browser is missing (else they fail)
//	E2E_WASM         use this prebuilt app.wasm instead of building one
//	E2E_SCREENSHOTS  directory for screenshots (default e2e/screenshots)
//	E2E_BENCH_RUNS   cold loads per site in BenchmarkLoad (default 3)
package e2e
