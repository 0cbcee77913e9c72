//go:build !(js && wasm)

package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// axeSource returns axe-core's axe.min.js: $E2E_AXE, or the copy `make test`
// installs into bin/node_modules (npm install --prefix bin axe-core).
func axeSource(t testing.TB) string {
	t.Helper()
	path := os.Getenv("E2E_AXE")
	if path == "" {
		path = filepath.Join(repoRoot, "bin", "node_modules", "axe-core", "axe.min.js")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("axe-core: %v (run `make axe`, or set E2E_AXE=/path/to/axe.min.js)", err)
	}
	return string(b)
}

// axeViolation is one rule axe-core found broken, with the elements at fault.
type axeViolation struct {
	ID, Impact, Help string
	Nodes            []struct {
		Target         []any
		HTML           string
		FailureSummary string
	}
}

// axe runs axe-core in the page (evaluated from disk: no request leaves the
// origin) and fails the test for each violation, of any impact.
func (p *Page) axe(what string) {
	p.T.Helper()
	if !Eval[bool](p, `typeof window.axe === "object"`) {
		src := axeSource(p.T)
		p.do("injecting axe-core", chromedp.Evaluate[chromedp.Void](src))
	}
	// The live views re-render during the run: a node axe looked at may
	// be gone when it reports, which throws; such a run is tried again.
	var out string
	for try := 0; ; try++ {
		var err error
		ctx, cancel := p.ctx()
		out, err = chromedp.Run(ctx, chromedp.Evaluate[string](`axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations))`, chromedp.EvalAwaitPromise))
		cancel()
		if err == nil {
			break
		}
		if try == 2 {
			p.T.Fatalf("axe-core on %s: %v", what, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	var vs []axeViolation
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		p.T.Fatalf("axe-core's answer on %s: %v", what, err)
	}
	for _, v := range vs {
		var b strings.Builder
		for i, n := range v.Nodes {
			if i == 5 {
				fmt.Fprintf(&b, "\n    … %d more", len(v.Nodes)-i)
				break
			}
			fmt.Fprintf(&b, "\n    %v %s\n      %s", n.Target, shortHTML(n.HTML), strings.ReplaceAll(n.FailureSummary, "\n", " "))
		}
		p.T.Errorf("axe-core on %s: %s (%s): %s%s", what, v.ID, v.Impact, v.Help, b.String())
	}
}

func shortHTML(s string) string {
	if len(s) > 160 {
		return s[:160] + "…"
	}
	return s
}

// TestAxe runs axe-core on the lab's views: the browser lab, the form's
// error, the traffic lab with a crowd and during a lesson with its prediction,
// and the guided lesson (done, with its questions: TestLesson).
func TestAxe(t *testing.T) {
	p := NewPage(t)
	p.OpenLab("stickiness=lb_cookie")
	for i := 0; i < 3; i++ {
		p.refresh()
	}
	p.WaitTestID("cookie-AWSALB")
	Eval[bool](p, `(document.querySelector('[data-testid="assumptions"]').open = true)`)
	p.axe("the browser lab after three sticky refreshes")
	p.Screenshot("a11y-browser")

	p.typeInto("stickiness-duration", "0")
	p.saveChanges()
	p.WaitText("attributes-error", NonEmpty)
	p.axe("the attributes form showing an error")

	p.importScenario(`{"stickylab": "scenario", "version": 2}`)
	p.WaitText("scenario-error", NonEmpty)
	p.axe("the share controls with a scenario file's error")

	p.Click("traffic-tab")
	p.WaitTestID("load-chart")
	p.trFill("crowd-clients", "300")
	p.trFill("crowd-think", "2")
	p.Click("crowd-start")
	p.trWaitText("crowd-status", func(s string) bool { return strings.HasPrefix(s, "Running: 300 clients") })
	p.trWait("the crowd's first requests", func() bool { return p.trNum("counters", "data-requests") > 100 })
	p.trFill("crowd-clients", "lots")
	p.Click("crowd-start")
	p.WaitText("crowd-error", NonEmpty)
	p.axe("the traffic lab with a running crowd and a crowd error")
	p.Screenshot("a11y-traffic")

	p.Click("preset-instance-fails")
	p.trWaitText("preset-lesson", NonEmpty)
	p.trWait("the lesson's first requests", func() bool { return p.trNum("counters", "data-requests") > 100 })
	p.axe("the traffic lab during a lesson")
	p.Click("prediction-choice-2")
	p.Click("predict")
	p.WaitTestID("prediction-result")
	p.axe("the traffic lab's lesson with a prediction")
	p.checkClean()

	p.OpenLab("lesson=article")
	p.WaitTestID("lesson")
	p.axe("the guided lesson")

	// The page as generated, before (here: without) the WebAssembly.
	p.Navigate(p.Site.URL + "?wasm=false")
	p.do("waiting for go-app to drop its loader", chromedp.WaitNotPresent(chromedp.ID("app-wasm-loader")))
	p.WaitTestID("refresh")
	p.axe("the pre-rendered page")
}

// key presses one key in the page (to the focused element).
func (p *Page) key(k string) {
	p.T.Helper()
	p.do("pressing a key", chromedp.KeyEvent(k))
}

// focused returns the data-testid (else the id) of the focused element.
func (p *Page) focused() string {
	p.T.Helper()
	return Eval[string](p, `((e) => e ? (e.dataset.testid || e.id || e.tagName) : "")(document.activeElement)`)
}

// tabTo presses Tab until the element with data-testid id has the focus.
func (p *Page) tabTo(id string) {
	p.T.Helper()
	var seen []string
	for i := 0; i < 80; i++ {
		if f := p.focused(); f == id {
			return
		} else {
			seen = append(seen, f)
		}
		p.key(kb.Tab)
	}
	p.T.Fatalf("80 Tabs never reached %s: %q", id, seen)
}

// waitAnnounced waits until the live region says something that ok accepts.
func (p *Page) waitAnnounced(ok func(string) bool) string {
	p.T.Helper()
	return p.trWaitText("announcer", ok)
}

// TestKeyboard drives the lab with the keyboard alone: the skip link, the
// tabs (arrow keys, Home, End; the URL follows and Back returns), Enter on
// Refresh, Enter in a form field; the live region says what happened.
func TestKeyboard(t *testing.T) {
	p := NewPage(t)
	p.OpenLab("stickiness=lb_cookie&duration=300")
	Eval[bool](p, `(document.activeElement && document.activeElement.blur(), true)`)

	// The first Tab reaches the skip link; Enter moves into the lab.
	p.key(kb.Tab)
	if f := p.focused(); f != "skip-link" {
		t.Errorf("the first Tab focuses %q, want the skip link", f)
	}
	if top := Eval[float64](p, `document.querySelector('[data-testid="skip-link"]').getBoundingClientRect().top`); top < 0 {
		t.Errorf("the focused skip link is off screen (top %v)", top)
	}
	p.Screenshot("a11y-skip-link")
	p.key(kb.Enter)
	if f := p.focused(); f != "panel-browser" {
		t.Errorf("the skip link moved the focus to %q, want panel-browser", f)
	}

	// Refresh with Enter: a request, announced.
	p.tabTo("refresh")
	before := p.pagesLoaded()
	p.key(kb.Enter)
	p.trWait("a page after Enter on Refresh", func() bool { return p.pagesLoaded() == before+1 })
	said := p.waitAnnounced(func(s string) bool { return strings.Contains(s, "answered. Welcome back, visit 2.") })
	if served := p.Text("served-by"); !strings.HasPrefix(said, strings.Replace(served, "Instance Number", "Instance", 1)+" answered") {
		t.Errorf("the live region says %q while the page shows %q", said, served)
	}
	p.key(kb.Enter)
	p.waitAnnounced(func(s string) bool { return strings.Contains(s, "Welcome back, visit 3. Why: sticky") })

	// The tabs: Shift+Tab back to the selected tab, arrows switch.
	Eval[bool](p, `(document.querySelector('[data-testid="browser-tab"]').focus(), true)`)
	if f := p.focused(); f != "browser-tab" {
		t.Fatalf("focus on %q", f)
	}
	p.key(kb.ArrowRight)
	p.WaitTestID("load-chart")
	if f := p.focused(); f != "traffic-tab" {
		t.Errorf("ArrowRight focuses %q, want traffic-tab", f)
	}
	if got := p.trAttr("traffic-tab", "aria-selected"); got != "true" {
		t.Errorf("traffic tab aria-selected=%q", got)
	}
	if q := Eval[string](p, `location.search`); !strings.Contains(q, "view=traffic") || !strings.Contains(q, "duration=300") {
		t.Errorf("the traffic tab's URL query is %q", q)
	}
	p.key(kb.Home)
	p.WaitTestID("cookie-panel")
	if f := p.focused(); f != "browser-tab" {
		t.Errorf("Home focuses %q", f)
	}
	p.key(kb.End)
	p.WaitTestID("load-chart")
	p.key(kb.ArrowLeft)
	p.WaitTestID("cookie-panel")
	if f := p.focused(); f != "browser-tab" {
		t.Errorf("ArrowLeft focuses %q", f)
	}
	// A Tab from the selected tab leaves the tab list (roving tabindex).
	p.key(kb.Tab)
	if f := p.focused(); f == "traffic-tab" {
		t.Error("Tab went to the unselected tab")
	}

	// Back shows the traffic tab again, in the same lab (no restart).
	Eval[bool](p, `(history.back(), true)`)
	p.WaitTestID("load-chart")
	if got := p.trAttr("traffic-tab", "aria-selected"); got != "true" {
		t.Errorf("after Back the traffic tab is not selected")
	}
	Eval[bool](p, `(history.back(), true)`)
	p.WaitTestID("cookie-panel")
	if n := p.pagesLoaded(); n != before+2 {
		t.Errorf("after Back the lab has loaded %d pages, want %d: it restarted", n, before+2)
	}
	// Reloading a tab's URL opens that tab.
	Eval[bool](p, `(history.forward(), true)`)
	p.WaitTestID("load-chart")
	p.Reload()
	p.WaitReady()
	p.WaitTestID("load-chart")

	// Enter in a field of the attributes form saves it.
	p.Click("browser-tab")
	p.WaitTestID("cookie-panel")
	p.typeInto("stickiness-duration", "0")
	p.key(kb.Enter)
	p.WaitText("attributes-error", NonEmpty)
	p.waitAnnounced(func(s string) bool {
		return strings.HasPrefix(s, "Attributes not saved: Stickiness duration must be between")
	})
	p.typeInto("stickiness-duration", "2")
	p.key(kb.Enter)
	p.WaitTestID("attributes-saved")
	p.waitAnnounced(func(s string) bool { return s == "Attributes saved: the load balancer uses them now." })

	// Stop an instance by keyboard: announced, and the focus moves to the
	// Start button that replaced Stop (not lost to the page).
	Eval[bool](p, `(document.querySelector('[data-testid="stop-1"]').focus(), true)`)
	p.key(kb.Enter)
	p.waitAnnounced(func(s string) bool {
		return strings.HasPrefix(s, "Instance 1 stopped: the load balancer keeps sending it requests")
	})
	p.trWait("the focus on Start instance", func() bool { return p.focused() == "start-1" })
	p.key(kb.Enter)
	p.waitAnnounced(func(s string) bool { return strings.HasPrefix(s, "Instance 1 started") })
	p.trWait("the focus back on Stop instance", func() bool { return p.focused() == "stop-1" })
	p.checkClean()
}

// TestAxeTypes runs axe-core on the Classic and Network panels (Edit
// stickiness with AWS's message, the connection, the NAT fields) and
// drives New connection and Edit stickiness by keyboard, announced.
func TestAxeTypes(t *testing.T) {
	p := NewPage(t)
	p.OpenLab("lb=classic&stickiness=app_cookie")
	p.refresh()
	p.trFill("listener-cookie", "")
	p.Click("save-listener")
	p.WaitText("listener-error", NonEmpty)
	p.axe("a Classic lab's Edit stickiness showing an error")
	Eval[bool](p, `(document.activeElement && document.activeElement.blur(), true)`)
	p.tabTo("listener-cookie")
	p.do("typing a cookie name", chromedp.SendKeys(ByTestID("listener-cookie"), "SESSIONID"))
	p.key(kb.Enter)
	p.waitAnnounced(func(s string) bool {
		return strings.Contains(s, "Stickiness saved: the listener uses AppCookieStickinessPolicy, cookie name SESSIONID")
	})
	p.typeInto("hc-healthy", "11")
	p.Click("save-health-check")
	p.WaitText("health-check-error", NonEmpty)
	p.axe("a Classic lab's Health check showing an error")
	Eval[bool](p, `(document.activeElement && document.activeElement.blur(), true)`)
	p.tabTo("hc-healthy")
	p.do("typing a healthy threshold", chromedp.SendKeys(ByTestID("hc-healthy"), kb.Backspace+kb.Backspace+"3"))
	p.key(kb.Enter)
	p.waitAnnounced(func(s string) bool { return strings.Contains(s, "InService after 3 passed") })
	p.checkClean()

	n := NewPage(t)
	n.OpenLab("lb=network&stickiness=source_ip")
	n.refresh()
	n.tabTo("new-connection")
	n.key(kb.Enter)
	n.waitAnnounced(func(s string) bool { return strings.Contains(s, "Connection closed") })
	n.tabTo("refresh")
	n.key(kb.Enter)
	n.waitAnnounced(func(s string) bool { return strings.Contains(s, "sticky: this source IP's target") })
	n.axe("a Network lab after a new connection")
	n.Click("traffic-tab")
	n.WaitTestID("crowd-nat")
	n.trFill("crowd-gateways", "500")
	n.Click("crowd-start")
	n.WaitText("crowd-error", NonEmpty)
	n.axe("a Network traffic lab with a NAT gateways error")
	n.checkClean()
}

// TestAxeWeighted runs axe on the weighted target groups' panels: the
// listener rule with an error, targets by group, served-group, the group
// cookies, and the blue/green and slow start lessons.
func TestAxeWeighted(t *testing.T) {
	p := NewPage(t)
	p.OpenLab("weights=80,20&group_stickiness=60&stickiness=lb_cookie")
	p.refresh()
	p.WaitTestID("cookie-AWSALBTGCORS")
	p.WaitTestID("served-group")
	p.axe("the browser lab with weighted target groups")
	p.typeInto("weight-green", "x")
	p.Click("save-rule")
	p.WaitText("rule-error", NonEmpty)
	p.axe("the listener rule showing an error")
	p.Click("traffic-tab")
	p.WaitTestID("load-chart")
	p.Click("preset-blue-green")
	p.trWaitText("preset-lesson", NonEmpty)
	p.trWait("the lesson's first requests", func() bool { return p.trNum("counters", "data-requests") > 100 })
	p.WaitTestID("group-load")
	p.axe("the traffic lab during the blue/green lesson")
	p.Click("preset-slow-start")
	p.trWaitText("preset-title", has("slow start"))
	p.trFastForwardMinutes(3) // slow start lasts 2 minutes: at 10× a stalled machine still sees it
	p.Click("speed-10")
	p.trWait("a target in slow start", func() bool { return p.trExists("instance-4-slow-start") })
	p.Click("pause")
	p.axe("the traffic lab with a target in slow start")
	p.checkClean()
}
