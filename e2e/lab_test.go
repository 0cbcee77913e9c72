//go:build !(js && wasm)

package e2e

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"
)

// pagesLoaded returns how many pages the lab's browser pane has loaded.
func (p *Page) pagesLoaded() int {
	p.T.Helper()
	n, err := strconv.Atoi(Eval[string](p, `document.querySelector('[data-testid="page"]').dataset.requests`))
	if err != nil {
		p.T.Fatalf("reading data-requests: %v", err)
	}
	return n
}

// refresh clicks Refresh, waits for the answer and returns the page's
// "Instance Number N" and the reason the request log gives.
func (p *Page) refresh() (servedBy, reason string) {
	p.T.Helper()
	return p.load("refresh")
}

// load clicks the button with data-testid id and waits for a new page.
func (p *Page) load(id string) (servedBy, reason string) {
	p.T.Helper()
	before := p.pagesLoaded()
	p.Click(id)
	deadline := time.Now().Add(Timeout)
	for p.pagesLoaded() == before {
		if time.Now().After(deadline) {
			p.T.Fatalf("clicking %s: no new page after %s", id, Timeout)
		}
		time.Sleep(10 * time.Millisecond)
	}
	reason = Eval[string](p, `(document.querySelector('[data-testid="log-row"]') || {dataset: {}}).dataset.reason || ""`)
	return p.Text("served-by"), reason
}

// setStickiness ticks or unticks the Stickiness box and saves.
func (p *Page) setStickiness(on bool) {
	p.T.Helper()
	if Eval[bool](p, `document.querySelector('[data-testid="stickiness-enabled"]').checked`) != on {
		p.Click("stickiness-enabled")
		p.saveChanges()
	} else {
		p.Click("save-attributes")
	}
	p.WaitTestID("attributes-saved")
}

func distinct(xs []string) int {
	seen := map[string]bool{}
	for _, x := range xs {
		seen[x] = true
	}
	return len(seen)
}

// TestArticle replays the article's demonstration in Chromium against the
// site served under /stickylab/, reading the browser's own cookie store
// through the DevTools protocol.
func TestArticle(t *testing.T) {
	p := NewPage(t)
	p.OpenLab("")

	// Step 2: each instance opened directly shows its number.
	for n := 1; n <= 3; n++ {
		if got, _ := p.load(fmt.Sprintf("open-instance-%d", n)); got != fmt.Sprintf("Instance Number %d", n) {
			t.Errorf("opening instance %d directly shows %q", n, got)
		}
	}
	// Through the load balancer, refreshes spread over the instances and
	// no stickiness cookie exists.
	var seen []string
	for i := 0; i < 6; i++ {
		got, reason := p.refresh()
		if reason != "no-stickiness" {
			t.Errorf("refresh %d: reason %q, want no-stickiness", i, reason)
		}
		seen = append(seen, got)
	}
	if distinct(seen) != 3 {
		t.Errorf("without stickiness six refreshes went to %v, want all three instances", seen)
	}
	for _, name := range []string{"AWSALB", "AWSALBCORS"} {
		if _, ok := p.Cookie(name); ok {
			t.Errorf("%s exists before stickiness is enabled", name)
		}
	}
	if !strings.Contains(p.Text("session-view"), "Session lost") {
		t.Errorf("the legacy app should lose the session without stickiness: %q", p.Text("session-view"))
	}
	p.Screenshot("1-no-stickiness")

	// Step 3-4: stickiness on. The browser's cookie store holds AWSALB and
	// AWSALBCORS, under the site's base path, and ten refreshes stay on
	// one instance.
	p.setStickiness(true)
	first, reason := p.refresh()
	if reason != "new-client" {
		t.Errorf("first sticky refresh: reason %q, want new-client", reason)
	}
	alb, ok := p.Cookie("AWSALB")
	if !ok {
		t.Fatalf("no AWSALB in the browser's cookie store; it has %v", cookieNames(p))
	}
	cors, ok := p.Cookie("AWSALBCORS")
	if !ok {
		t.Fatalf("no AWSALBCORS in the browser's cookie store")
	}
	if alb.Path != Base || cors.Path != Base {
		t.Errorf("cookie paths %q, %q, want %q", alb.Path, cors.Path, Base)
	}
	if !cors.Secure || cors.SameSite != "None" {
		t.Errorf("AWSALBCORS Secure=%v SameSite=%q, want Secure and None", cors.Secure, cors.SameSite)
	}
	if days := time.Until(time.Unix(int64(alb.Expires), 0)).Hours() / 24; days < 6.9 || days > 7.1 {
		t.Errorf("AWSALB expires in %.2f days, want 7", days)
	}
	if alb.Value != cors.Value || len(alb.Value) < 40 {
		t.Errorf("AWSALB %q and AWSALBCORS %q should carry the same opaque value", alb.Value, cors.Value)
	}
	for i := 0; i < 10; i++ {
		got, reason := p.refresh()
		if got != first || reason != "sticky" {
			t.Fatalf("sticky refresh %d went to %q (%s), want %q", i, got, reason, first)
		}
	}
	if !strings.Contains(p.Text("session-view"), "Welcome back") {
		t.Errorf("with stickiness the session is kept: %q", p.Text("session-view"))
	}
	p.WaitText("decoded-AWSALB", func(s string) bool {
		return strings.Contains(s, "Names "+strings.Replace(first, "Instance Number", "Instance", 1))
	})
	p.Screenshot("2-sticky")

	// Deleting the cookie, as in DevTools, spreads the requests again.
	seen = nil
	for i := 0; i < 3; i++ {
		p.DeleteCookie("AWSALB")
		p.DeleteCookie("AWSALBCORS")
		got, reason := p.refresh()
		if reason != "new-client" {
			t.Errorf("after deleting the cookie: reason %q, want new-client", reason)
		}
		seen = append(seen, got)
	}
	if distinct(seen) < 2 {
		t.Errorf("with the cookie deleted before each refresh, requests went to %v", seen)
	}
	p.WaitTestID("cookie-AWSALB")

	// A garbage value is rerouted and rewritten.
	p.SetCookie("AWSALB", "garbage")
	p.SetCookie("AWSALBCORS", "garbage")
	if _, reason := p.refresh(); reason != "cookie-invalid" {
		t.Errorf("garbage cookie: reason %q, want cookie-invalid", reason)
	}
	if c, _ := p.Cookie("AWSALBCORS"); c == nil || c.Value == "garbage" {
		t.Errorf("the garbage cookie was not rewritten: %+v", c)
	}
	p.Screenshot("3-cookie-rewritten")

	// Step 5: stickiness off. The cookie still held is ignored, requests
	// spread again.
	p.setStickiness(false)
	seen = nil
	for i := 0; i < 3; i++ {
		got, reason := p.refresh()
		if reason != "stickiness-disabled" {
			t.Errorf("stickiness off with a cookie held: reason %q, want stickiness-disabled", reason)
		}
		seen = append(seen, got)
	}
	if distinct(seen) != 3 {
		t.Errorf("stickiness off: requests went to %v", seen)
	}
	p.Screenshot("4-stickiness-off")

	if errs := p.ConsoleErrors(); len(errs) > 0 {
		t.Errorf("console errors: %q", errs)
	}
	if foreign := p.ForeignRequests(); len(foreign) > 0 {
		t.Errorf("requests outside the origin: %q", foreign)
	}
}

func cookieNames(p *Page) []string {
	var names []string
	for _, c := range p.Cookies() {
		names = append(names, c.Name)
	}
	return names
}
