//go:build !(js && wasm)

package e2e

import (
	"compress/gzip"
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Timeout bounds every helper action.
const Timeout = 30 * time.Second

// Page is a browser tab in a fresh browser context (its own cookies, caches
// and service workers, like a new incognito window) on a Site. It records
// every network request of the tab and every console error or uncaught
// exception. Its helpers fail the test on error.
type Page struct {
	// T is the test the helpers fail.
	T testing.TB
	// Ctx is the chromedp context of the tab, for direct chromedp calls.
	Ctx context.Context
	// Site is the site the tab is on.
	Site *Site

	mu       sync.Mutex
	requests []string
	errors   []string
}

// NewPage opens a tab in a new browser context on the lab site. The tab closes
// when the test ends.
func NewPage(t testing.TB) *Page { return NewPageOn(t, lab) }

// NewPageOn opens a tab in a new browser context on site s. The tab closes
// when the test ends.
func NewPageOn(t testing.TB, s *Site) *Page {
	t.Helper()
	p, closeTab := OpenPage(t, s)
	t.Cleanup(closeTab)
	return p
}

// OpenPage opens a tab in a new browser context on site s and returns it with
// the func that closes the tab and disposes of its browser context.
func OpenPage(t testing.TB, s *Site) (*Page, func()) {
	t.Helper()
	p := &Page{T: t, Site: s}
	ctx, cancel := chromedp.NewContext(browser,
		chromedp.WithNewBrowserContext(),
		chromedp.WithListener(p.listen))
	p.Ctx = ctx
	// The first Do attaches the tab and enables Network, Log and Runtime. It
	// binds the tab's life to its context, so it gets ctx itself, with no
	// timeout.
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		t.Fatalf("opening a tab: %v", err)
	}
	return p, cancel
}

func (p *Page) listen(ev any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		p.requests = append(p.requests, ev.Request.URL)
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			var parts []string
			for _, a := range ev.Args {
				if len(a.Value) > 0 {
					parts = append(parts, strings.Trim(string(a.Value), `"`))
				} else {
					parts = append(parts, a.Description)
				}
			}
			p.errors = append(p.errors, "console."+string(ev.Type)+": "+strings.Join(parts, " "))
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			msg += " " + d.Exception.Description
		}
		p.errors = append(p.errors, fmt.Sprintf("exception: %s (%s:%d)", msg, d.URL, d.LineNumber+1))
	case *log.EventEntryAdded:
		if ev.Entry.Level == log.EntryLevelError {
			p.errors = append(p.errors, fmt.Sprintf("log %s: %s %s", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL))
		}
	}
}

// ctx returns a context for one action, bounded by Timeout.
func (p *Page) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(p.Ctx, Timeout)
}

// do runs actions with no value, failing the test on error.
func (p *Page) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	p.T.Helper()
	ctx, cancel := p.ctx()
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		p.T.Fatalf("%s: %v", what, err)
	}
}

// run runs one action and returns its value, failing the test on error.
func run[T any](p *Page, what string, a chromedp.Action[T]) T {
	p.T.Helper()
	ctx, cancel := p.ctx()
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		p.T.Fatalf("%s: %v", what, err)
	}
	return v
}

// ByTestID returns the CSS selector of the element with data-testid=id.
func ByTestID(id string) chromedp.CSS {
	return chromedp.CSS(fmt.Sprintf("[data-testid=%q]", id))
}

// Navigate loads url (absolute, or relative to the site's start page) and
// waits for the load event.
func (p *Page) Navigate(u string) {
	p.T.Helper()
	p.do("navigating to "+u, chromedp.Navigate(p.Site.Resolve(u)))
}

// OpenLab opens the site's start page with the query string query ("" or
// e.g. "stickiness=lb_cookie&duration=60"), waits until go-app runs (its
// loader is gone) and the Refresh button is there.
func (p *Page) OpenLab(query string) {
	p.T.Helper()
	u := p.Site.URL
	if query = strings.TrimPrefix(query, "?"); query != "" {
		u += "?" + query
	}
	p.Navigate(u)
	p.WaitReady()
}

// WaitReady waits until the wasm app has started (go-app removed its loader),
// [data-testid=refresh] is visible and the tab knows whether it runs the
// saved lab (then its page load has gone through the load balancer).
func (p *Page) WaitReady() {
	p.T.Helper()
	ctx, cancel := p.ctx()
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.WaitNotPresent(chromedp.ID("app-wasm-loader"))); err != nil {
		// go-app shows a load error in its loader label.
		label, _ := chromedp.Run(p.Ctx, chromedp.Evaluate[string](
			`(document.getElementById("app-wasm-loader-label") || {}).innerText || ""`))
		p.T.Fatalf("waiting for the app to start: %v; loader says %q; console errors: %q",
			err, label, p.ConsoleErrors())
	}
	p.WaitTestID("refresh")
	p.do("waiting for the page load's request", chromedp.WaitVisible(`[data-testid="saved-lab"]:not([data-hold="unknown"])`))
}

// Reload reloads the tab and waits for the load event.
func (p *Page) Reload() {
	p.T.Helper()
	p.do("reloading", chromedp.Reload())
}

// WaitTestID waits until the element with data-testid=id is visible.
func (p *Page) WaitTestID(id string) {
	p.T.Helper()
	p.do("waiting for "+id, chromedp.WaitVisible(ByTestID(id)))
}

// Click clicks the element with data-testid=id.
func (p *Page) Click(id string) {
	p.T.Helper()
	p.do("clicking "+id, chromedp.Click(ByTestID(id), chromedp.NodeVisible))
}

// SetChecked clicks the checkbox with data-testid=id until its checked
// state is on. A click that lands elsewhere (the page moved between finding
// the box and the mouse event) is tried again, at most three clicks.
func (p *Page) SetChecked(id string, on bool) {
	p.T.Helper()
	state := fmt.Sprintf(`document.querySelector('[data-testid=%q]').checked`, id)
	for try := 0; Eval[bool](p, state) != on; try++ {
		if try == 3 {
			p.T.Fatalf("%s: three clicks did not set it to %v", id, on)
		}
		p.Click(id)
		for wait := time.Now().Add(time.Second); Eval[bool](p, state) != on && time.Now().Before(wait); {
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// Text returns the text of the element with data-testid=id, trimmed.
func (p *Page) Text(id string) string {
	p.T.Helper()
	return strings.TrimSpace(run(p, "reading "+id, chromedp.TextContent(ByTestID(id))))
}

// WaitText polls the text of the element with data-testid=id until ok
// returns true for it (go-app renders asynchronously), and returns it.
func (p *Page) WaitText(id string, ok func(string) bool) string {
	p.T.Helper()
	deadline := time.Now().Add(Timeout)
	for {
		text := p.Text(id)
		if ok(text) {
			return text
		}
		if time.Now().After(deadline) {
			p.T.Fatalf("waiting for %s: text is still %q", id, text)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// NonEmpty is a WaitText condition: the text is not empty.
func NonEmpty(s string) bool { return s != "" }

// Eval evaluates the JavaScript expression expr in the page, awaits it if it
// is a promise, and decodes the result into T.
func Eval[T any](p *Page, expr string) T {
	p.T.Helper()
	return run(p, "evaluating "+expr, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
}

// Cookies returns the cookies that the browser's own cookie store holds for
// the site's start page, read through the DevTools protocol (as DevTools →
// Application → Cookies shows them), not through document.cookie.
func (p *Page) Cookies() []*network.Cookie {
	p.T.Helper()
	ctx, cancel := p.ctx()
	defer cancel()
	res, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{p.Site.URL}})
	if err != nil {
		p.T.Fatalf("reading cookies: %v", err)
	}
	return res.Cookies
}

// Cookie returns the cookie name of the browser's cookie store, if any.
func (p *Page) Cookie(name string) (*network.Cookie, bool) {
	p.T.Helper()
	for _, c := range p.Cookies() {
		if c.Name == name {
			return c, true
		}
	}
	return nil, false
}

// DeleteCookie deletes the cookies called name that the site's start page
// sees, through the DevTools protocol, as a user would in DevTools.
func (p *Page) DeleteCookie(name string) {
	p.T.Helper()
	ctx, cancel := p.ctx()
	defer cancel()
	if _, err := chromedp.Call(ctx, network.DeleteCookies, network.DeleteCookiesParams{Name: name, URL: p.Site.URL}); err != nil {
		p.T.Fatalf("deleting cookie %s: %v", name, err)
	}
}

// SetCookie sets the value of the cookie called name through the DevTools
// protocol, as a user editing it in DevTools would. An existing cookie keeps
// its domain, path, expiry, SameSite and Secure; a new one is a session
// cookie for the site's start page (path Base).
func (p *Page) SetCookie(name, value string) {
	p.T.Helper()
	params := network.SetCookieParams{Name: name, Value: value}
	if c, ok := p.Cookie(name); ok {
		params.Domain, params.Path = c.Domain, c.Path
		params.Secure, params.HTTPOnly = &c.Secure, &c.HTTPOnly
		params.SameSite = c.SameSite
		if !c.Session && c.Expires > 0 {
			params.Expires = cdp.TimeSinceEpoch(c.Expires)
		}
		params.URL = p.Site.Origin + c.Path
	} else {
		params.URL, params.Path = p.Site.URL, Base
	}
	ctx, cancel := p.ctx()
	defer cancel()
	if _, err := chromedp.Call(ctx, network.SetCookie, params); err != nil {
		p.T.Fatalf("setting cookie %s: %v", name, err)
	}
}

// Screenshot saves a PNG of the whole page as NAME.png in $E2E_SCREENSHOTS,
// or e2e/screenshots, and returns its path.
func (p *Page) Screenshot(name string) string {
	p.T.Helper()
	file := p.saveScreenshot(name, run(p, "taking screenshot "+name, chromedp.FullScreenshot(100)))
	p.T.Logf("screenshot: %s", file)
	return file
}

// readmeShot saves a 1280×h window as readme-NAME.png, scrolled to the
// top or to the element of the CSS selector at (optional): the README's
// screenshots (docs/screenshot-NAME.png) are copied from these.
func (p *Page) readmeShot(name string, h int64, at ...string) {
	p.T.Helper()
	p.setViewport(1280, h)
	Eval[bool](p, `(scrollTo(0, 0), true)`)
	if len(at) > 0 {
		Eval[bool](p, fmt.Sprintf(`(document.querySelector(%q).scrollIntoView({block: "start"}), scrollBy(0, -12), true)`, at[0]))
	}
	p.T.Logf("screenshot: %s", p.saveScreenshot("readme-"+name, run(p, "taking a screenshot of the window", chromedp.CaptureScreenshot())))
}

// saveScreenshot writes png as NAME.png in $E2E_SCREENSHOTS, or
// e2e/screenshots, and returns its path.
func (p *Page) saveScreenshot(name string, png []byte) string {
	p.T.Helper()
	dir := os.Getenv("E2E_SCREENSHOTS")
	if dir == "" {
		dir = "screenshots"
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		p.T.Fatal(err)
	}
	file := filepath.Join(dir, name+".png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		p.T.Fatal(err)
	}
	return file
}

// ConsoleErrors returns the console errors, failed assertions, uncaught
// exceptions and browser log errors of the tab so far.
func (p *Page) ConsoleErrors() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.errors...)
}

// Requests returns the URL of every network request of the tab so far,
// including the ones the service worker answered.
func (p *Page) Requests() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.requests...)
}

// ForeignRequests returns the requests of the tab that left the site's origin
// (data: and blob: URLs are local and never count).
func (p *Page) ForeignRequests() []string {
	var out []string
	for _, r := range p.Requests() {
		if strings.HasPrefix(r, "data:") || strings.HasPrefix(r, "blob:") {
			continue
		}
		if !SameOrigin(r, p.Site.Origin) {
			out = append(out, r)
		}
	}
	return out
}

// SameOrigin reports whether the absolute URL u has the origin origin
// ("http://127.0.0.1:1234").
func SameOrigin(u, origin string) bool {
	pu, err := url.Parse(u)
	if err != nil {
		return false
	}
	return pu.Scheme+"://"+pu.Host == origin
}

// GzipSize returns the size of the file at path and of its gzip compression
// at the default level (what a web server sends).
func GzipSize(path string) (raw, gz int64, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, 0, err
	}
	var n countWriter
	w := gzip.NewWriter(&n)
	if _, err := w.Write(b); err != nil {
		return 0, 0, err
	}
	if err := w.Close(); err != nil {
		return 0, 0, err
	}
	return int64(len(b)), int64(n), nil
}

type countWriter int64

func (c *countWriter) Write(b []byte) (int, error) {
	*c += countWriter(len(b))
	return len(b), nil
}

// Resolve resolves a URL reference against the site's start page.
func (s *Site) Resolve(ref string) string {
	base, _ := url.Parse(s.URL)
	r, err := url.Parse(ref)
	if err != nil {
		return ref
	}
	return base.ResolveReference(r).String()
}
