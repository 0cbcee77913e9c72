//go:build !(js && wasm)

package e2e

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// logRows returns how many rows the request log shows.
func (p *Page) logRows() int {
	p.T.Helper()
	return Eval[int](p, `document.querySelectorAll('[data-testid="log-row"]').length`)
}

// lastReason returns the newest request log row's reason.
func (p *Page) lastReason() string {
	p.T.Helper()
	return Eval[string](p, `(document.querySelector('[data-testid="log-row"]') || {dataset: {}}).dataset.reason || ""`)
}

// TestReloadIsARequest: loading the page is one request through the load
// balancer with the browser's real cookies, and a reload goes on with the
// saved lab: sticky, not sticky, and with the cookie deleted in DevTools.
func TestReloadIsARequest(t *testing.T) {
	p := NewPage(t)
	p.OpenLab("stickiness=lb_cookie&duration=600")
	first := p.WaitText("served-by", NonEmpty)
	if p.pagesLoaded() != 1 || p.logRows() != 1 || p.lastReason() != "new-client" {
		t.Fatalf("the first page load: %d pages, %d log rows, reason %q; want one new pick", p.pagesLoaded(), p.logRows(), p.lastReason())
	}
	if _, ok := p.Cookie("AWSALB"); !ok {
		t.Fatal("the first page load set no AWSALB in the browser")
	}
	p.refresh()
	other := instanceNumber(t, first)%3 + 1
	p.Click(fmt.Sprintf("stop-%d", other))
	p.WaitTestID(fmt.Sprintf("start-%d", other))

	for i := 0; i < 2; i++ {
		p.Reload()
		p.WaitReady()
		if got := p.Text("served-by"); got != first || p.lastReason() != "sticky" {
			t.Errorf("reload %d: %q (%s), want %q, sticky", i+1, got, p.lastReason(), first)
		}
		if s := p.Text("session-view"); !strings.Contains(s, "Welcome back") || !strings.Contains(s, fmt.Sprintf("Visit %d", 3+i)) {
			t.Errorf("reload %d: session view %q, want welcome back with the visits going on", i+1, s)
		}
	}
	if p.pagesLoaded() != 4 || p.logRows() != 4 {
		t.Errorf("after two reloads: %d pages, %d log rows, want 4 and 4", p.pagesLoaded(), p.logRows())
	}
	if !strings.Contains(p.Text("saved-status"), "goes on where you left it") {
		t.Errorf("saved status: %q", p.Text("saved-status"))
	}
	if !p.exists(fmt.Sprintf("start-%d", other)) {
		t.Errorf("Instance %d, stopped before the reloads, runs again", other)
	}
	p.Screenshot("reload-sticky")

	// Deleted in DevTools between reloads: the next page load is a new pick.
	p.DeleteCookie("AWSALB")
	p.DeleteCookie("AWSALBCORS")
	p.Reload()
	p.WaitReady()
	if p.lastReason() != "new-client" {
		t.Errorf("the reload after deleting the cookies in DevTools: reason %q, want new-client", p.lastReason())
	}
	p.checkClean()
}

// TestReloadWithoutStickiness: each page load is a new round-robin pick and
// the session is lost, as the article's refreshes are.
func TestReloadWithoutStickiness(t *testing.T) {
	p := NewPage(t)
	p.OpenLab("")
	seen := []string{p.WaitText("served-by", NonEmpty)}
	for i := 0; i < 3; i++ {
		p.Reload()
		p.WaitReady()
		seen = append(seen, p.Text("served-by"))
		if p.lastReason() != "no-stickiness" {
			t.Errorf("reload %d: reason %q", i+1, p.lastReason())
		}
	}
	if distinct(seen) != 3 || seen[0] != seen[3] {
		t.Errorf("four page loads went to %v, want round robin over three instances", seen)
	}
	if !strings.Contains(p.Text("session-view"), "Session lost") {
		t.Errorf("session view: %q", p.Text("session-view"))
	}
}

// TestHardReloadCarriesTheCookie: a hard reload (Ctrl+Shift+R) bypasses the
// service worker, and the page's own request carries the real Cookie header,
// since the cookies' Path is the site's base path.
func TestHardReloadCarriesTheCookie(t *testing.T) {
	p := NewPage(t)
	p.OpenLab("stickiness=lb_cookie")
	alb, ok := p.Cookie("AWSALB")
	if !ok {
		t.Fatal("no AWSALB after the first page load")
	}
	var mu sync.Mutex
	var docs []network.RequestID
	cookies := map[network.RequestID]string{}
	fromWorker := map[network.RequestID]bool{}
	err := chromedp.Listen(p.Ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			if ev.Type == network.ResourceTypeDocument {
				docs = append(docs, ev.RequestID)
			}
		case *network.EventRequestWillBeSentExtraInfo:
			if c, ok := ev.Headers["Cookie"].(string); ok {
				cookies[ev.RequestID] = c
			}
		case *network.EventResponseReceived:
			fromWorker[ev.RequestID] = ev.Response.FromServiceWorker
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	// reload reloads the page and returns the Cookie header its document
	// request carried to the server, and whether the worker answered it.
	reload := func(hard bool) (cookie string, worker bool) {
		mu.Lock()
		docs = nil
		mu.Unlock()
		ctx, cancel := p.ctx()
		defer cancel()
		if _, err := chromedp.Call(ctx, page.Reload, page.ReloadParams{IgnoreCache: new(hard)}); err != nil {
			t.Fatalf("reload: %v", err)
		}
		p.WaitReady()
		mu.Lock()
		defer mu.Unlock()
		for _, id := range docs {
			cookie += cookies[id]
			worker = worker || fromWorker[id]
		}
		return cookie, worker
	}
	// What the README says DevTools shows: a reload is the worker's, with no
	// request to the server; a hard reload carries the real Cookie header.
	p.WaitTestID("reset-lab")
	Eval[bool](p, `navigator.serviceWorker.ready.then(() => true)`)
	if cookie, worker := reload(false); !worker || cookie != "" {
		t.Errorf("a reload: answered by the service worker %v, Cookie header to the server %q; want the worker, none", worker, cookie)
	}
	alb, _ = p.Cookie("AWSALB") // the reload's response re-issued it
	cookie, worker := reload(true)
	if worker || !strings.Contains(cookie, "AWSALB="+alb.Value) {
		t.Errorf("the hard reload's document request: worker %v, Cookie %q; want the network, AWSALB=%s…", worker, cookie, alb.Value[:10])
	}
	if p.lastReason() != "sticky" {
		t.Errorf("the hard reload's own request: %q, want sticky", p.lastReason())
	}
}

// TestResetLabStartsFresh: Reset lab forgets the saved lab and the cookies.
func TestResetLabStartsFresh(t *testing.T) {
	p := NewPage(t)
	p.OpenLab("stickiness=lb_cookie")
	p.refresh()
	p.Click("reset-lab")
	p.WaitText("announcer", func(s string) bool { return strings.Contains(s, "reset") })
	if p.logRows() != 0 {
		t.Errorf("%d log rows after Reset lab", p.logRows())
	}
	p.waitCookie("AWSALB", false)
	p.Reload()
	p.WaitReady()
	if p.logRows() != 1 || p.lastReason() != "new-client" {
		t.Errorf("the reload after a reset: %d rows, reason %q, want the page load's new pick only", p.logRows(), p.lastReason())
	}
}

// TestAnotherLinkReplacesTheSavedLab: a link with another setup starts its
// own lab and says the saved one is replaced.
func TestAnotherLinkReplacesTheSavedLab(t *testing.T) {
	p := NewPage(t)
	p.OpenLab("stickiness=lb_cookie")
	p.refresh()
	p.OpenLab("instances=2")
	if n := p.Text("notices"); !strings.Contains(n, "replaces the one saved in this browser (stickiness=lb_cookie)") {
		t.Errorf("notices: %q", n)
	}
	if p.logRows() != 1 {
		t.Errorf("the new link's lab has %d log rows, want its page load's", p.logRows())
	}
}

// TestSecondTab: a second tab of the same lab says another tab runs it and
// offers to take over; taking over tells the first tab.
func TestSecondTab(t *testing.T) {
	p := NewPage(t)
	p.OpenLab("stickiness=lb_cookie")
	p.refresh()
	q := &Page{T: t, Site: p.Site}
	ctx, cancel := chromedp.NewContext(p.Ctx, chromedp.WithListener(q.listen)) // a tab in the same browser context
	defer cancel()
	q.Ctx = ctx
	if err := chromedp.Do(ctx); err != nil { // attaches the tab, with no timeout (see OpenPage)
		t.Fatalf("opening a second tab: %v", err)
	}
	q.OpenLab("stickiness=lb_cookie")
	if hold := Eval[string](q, `document.querySelector('[data-testid="saved-lab"]').dataset.hold`); hold != "other" {
		t.Fatalf("the second tab's hold: %q, want other", hold)
	}
	if !strings.Contains(q.Text("saved-status"), "open in another tab") {
		t.Errorf("second tab: %q", q.Text("saved-status"))
	}
	if q.logRows() != 2 {
		t.Errorf("the second tab shows %d log rows, want the saved lab's 2 and no page load of its own", q.logRows())
	}
	q.Click("take-over")
	q.do("waiting for the take-over", chromedp.WaitVisible(`[data-testid="saved-lab"][data-hold="held"]`))
	p.do("waiting for the first tab to hear", chromedp.WaitVisible(`[data-testid="saved-lab"][data-hold="lost"]`))
	if !strings.Contains(p.Text("saved-status"), "took this lab over") {
		t.Errorf("first tab: %q", p.Text("saved-status"))
	}
	q.refresh()
	p.Reload() // the first tab reloads: the second runs the lab, so it waits
	p.WaitReady()
	if hold := Eval[string](p, `document.querySelector('[data-testid="saved-lab"]').dataset.hold`); hold != "other" {
		t.Errorf("the first tab after its reload: %q, want other", hold)
	}
	if p.logRows() != 3 {
		t.Errorf("the first tab after its reload shows %d rows, want the 3 the second tab saved", p.logRows())
	}
}

// TestLoadedScenarioSurvivesReload: an imported scenario becomes the saved
// lab and the address its link, so a reload goes on with it.
func TestLoadedScenarioSurvivesReload(t *testing.T) {
	teacher := NewPage(t)
	teacher.OpenLab("stickiness=lb_cookie&seed=9")
	teacher.refresh()
	data := teacher.exportScenario()

	learner := NewPage(t)
	learner.OpenLab("")
	learner.importScenario(string(data))
	checkLoaded(t, teacher, learner)
	if q := Eval[string](learner, `location.search`); !strings.Contains(q, "seed=9") || !strings.Contains(q, "actions=") {
		t.Errorf("the address after the import: %q, want the scenario's link", q)
	}
	pages, served := learner.pagesLoaded(), learner.Text("served-by")
	learner.Reload()
	learner.WaitReady()
	if learner.exists("notices") {
		t.Errorf("notices after the reload: %q", learner.Text("notices"))
	}
	if got := learner.pagesLoaded(); got != pages+1 || learner.Text("served-by") != served || learner.lastReason() != "sticky" {
		t.Errorf("the reload: %d pages (%q, %s), want %d, sticky to %q", got, learner.Text("served-by"), learner.lastReason(), pages+1, served)
	}
}

// blockedStorageJS makes the page as Chromium makes it when the learner
// blocks cookies and site data: localStorage and sessionStorage throw
// SecurityError, navigator.cookieEnabled is false and document.cookie keeps nothing.
const blockedStorageJS = `for (const name of ["localStorage", "sessionStorage"]) {
  Object.defineProperty(window, name, { configurable: true,
    get() { throw new DOMException("Failed to read the '" + name + "' property from 'Window': Access is denied for this document.", "SecurityError"); } });
}
Object.defineProperty(Navigator.prototype, "cookieEnabled", { configurable: true, get: () => false });
Object.defineProperty(Document.prototype, "cookie", { configurable: true, get: () => "", set: () => {} });`

// TestStorageBlocked opens the lab in a browser that blocks cookies and site
// data: the lab starts, says it cannot keep its state or cookies, and works.
func TestStorageBlocked(t *testing.T) {
	p := NewPage(t)
	p.do("blocking storage and cookies", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: blockedStorageJS})
		return err
	}))
	p.OpenLab("stickiness=lb_cookie")
	notices := p.WaitText("notices", has("does not let the lab keep its state"))
	if !strings.Contains(notices, "Access is denied for this document") {
		t.Errorf("the store notice does not give the browser's reason: %q", notices)
	}
	p.WaitText("cookie-notice", NonEmpty)
	first, _ := p.refresh()
	if second, reason := p.refresh(); second != first || reason != "sticky" {
		t.Errorf("refresh with cookies kept in memory: %q then %q (%s), want sticky", first, second, reason)
	}
	p.Screenshot("storage-blocked")
	p.checkClean()
}
