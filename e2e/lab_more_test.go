//go:build !(js && wasm)

package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/stickylab/stickylab/engine"
)

// The tests of this file prove the rest of issue 3 in Chromium: URL
// parameters, the attributes form's validation, a stopped instance and the
// health checks, a short stickiness duration, application-based stickiness,
// the cookie panel following changes made outside the page, and the lab in
// a cross-site frame where the browser refuses first-party cookies.

// exists reports whether an element with data-testid=id is in the page now.
func (p *Page) exists(id string) bool {
	p.T.Helper()
	return Eval[bool](p, fmt.Sprintf(`document.querySelector('[data-testid=%q]') !== null`, id))
}

// waitGone waits until no element has data-testid=id and returns how long
// that took.
func (p *Page) waitGone(id string) time.Duration {
	p.T.Helper()
	start := time.Now()
	p.do("waiting for "+id+" to go", chromedp.WaitNotPresent(ByTestID(id)))
	return time.Since(start)
}

// prop returns the JavaScript property name (value, checked...) of the
// element with data-testid=id.
func prop[T any](p *Page, id, name string) T {
	p.T.Helper()
	return Eval[T](p, fmt.Sprintf(`document.querySelector('[data-testid=%q]')[%q]`, id, name))
}

// typeInto replaces the text of the input with data-testid=id by typing
// text, as a learner does: the field's text is selected, then keys are sent.
func (p *Page) typeInto(id, text string) {
	p.T.Helper()
	Eval[bool](p, fmt.Sprintf(`(() => { const e = document.querySelector('[data-testid=%q]'); e.focus(); e.select(); return true; })()`, id))
	p.do("typing into "+id, chromedp.SendKeys(ByTestID(id), text))
	if got := prop[string](p, id, "value"); got != text {
		p.T.Fatalf("typed %q into %s, it shows %q", text, id, got)
	}
}

// saveChanges clicks Save changes once the form shows the draft the test
// made (its unsaved note): the form's notes move the button as it renders.
func (p *Page) saveChanges() {
	p.T.Helper()
	p.WaitTestID("attributes-unsaved")
	p.Click("save-attributes")
}

// choose picks the option value of the select with data-testid=id and fires
// the change event the browser fires when a learner picks it.
func (p *Page) choose(id, value string) {
	p.T.Helper()
	ok := Eval[bool](p, fmt.Sprintf(`(() => {
		const e = document.querySelector('[data-testid=%q]');
		e.value = %q;
		e.dispatchEvent(new Event("change", {bubbles: true}));
		return e.value === %q;
	})()`, id, value, value))
	if !ok {
		p.T.Fatalf("%s has no option %q", id, value)
	}
}

// waitTick waits until the lab's one-second tick has re-rendered the page
// (the simulated clock shows another second).
func (p *Page) waitTick() {
	p.T.Helper()
	before := p.Text("clock")
	p.WaitText("clock", func(s string) bool { return s != before })
}

// waitCookie polls the browser's cookie store until the cookie called name
// is there (want) or gone (!want).
func (p *Page) waitCookie(name string, want bool) {
	p.T.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, ok := p.Cookie(name); ok == want {
			return
		}
		if time.Now().After(deadline) {
			p.T.Fatalf("cookie %s present=%v after 5s, want %v; the store has %v", name, !want, want, cookieNames(p))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// instanceNumber returns N of "Instance Number N".
func instanceNumber(t testing.TB, servedBy string) int {
	t.Helper()
	s, ok := strings.CutPrefix(servedBy, "Instance Number ")
	n, err := strconv.Atoi(s)
	if !ok || err != nil {
		t.Fatalf("served-by %q is not an instance's page", servedBy)
	}
	return n
}

// checkClean fails the test on a console error or a request that left the
// allowed origins (the page's own site when none is given).
func (p *Page) checkClean(origins ...string) {
	p.T.Helper()
	if errs := p.ConsoleErrors(); len(errs) > 0 {
		p.T.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
	}
	if len(origins) == 0 {
		origins = []string{p.Site.Origin}
	}
	var foreign []string
	for _, r := range p.Requests() {
		if strings.HasPrefix(r, "data:") || strings.HasPrefix(r, "blob:") {
			continue
		}
		ok := false
		for _, o := range origins {
			ok = ok || SameOrigin(r, o)
		}
		if !ok {
			foreign = append(foreign, r)
		}
	}
	if len(foreign) > 0 {
		p.T.Errorf("requests outside %v: %q", origins, foreign)
	}
}

// TestURLParameters opens prepared labs: good parameters set the starting
// state, bad ones get a notice naming each and the lab runs on defaults.
func TestURLParameters(t *testing.T) {
	p := NewPage(t)
	p.OpenLab("stickiness=lb_cookie&duration=60&instances=5&seed=7")
	if !prop[bool](p, "stickiness-enabled", "checked") {
		t.Error("stickiness box not checked")
	}
	if got := Eval[string](p, `document.querySelector('[data-testid="stickiness-type"] input:checked').value`); got != "lb_cookie" {
		t.Errorf("stickiness type %q", got)
	}
	amount, unit := prop[string](p, "stickiness-duration", "value"), prop[string](p, "stickiness-duration-unit", "value")
	if amount+" "+unit != "1 minutes" && amount+" "+unit != "60 seconds" {
		t.Errorf("duration shows %s %s, want 1 minutes", amount, unit)
	}
	if !p.exists("instance-5") || p.exists("instance-6") {
		t.Error("want exactly 5 instance cards")
	}
	if p.exists("notices") {
		t.Errorf("good parameters give notices: %q", p.Text("notices"))
	}
	if reason := p.lastReason(); reason != "new-client" {
		t.Errorf("the page load: reason %q, want new-client", reason)
	}
	if _, ok := p.Cookie("AWSALB"); !ok {
		t.Errorf("no AWSALB after the page load; the store has %v", cookieNames(p))
	}
	p.Screenshot("url-prepared")

	const bad = "stickiness=banana&instances=99&instance=4&utm_source=course"
	wants := []string{`stickiness="banana"`, "Using off.", `instances="99"`, "Using 3.", "instance is not one the lab reads: did you mean instances?"}
	// Beside the saved lab, the bad link leaves it running, and says why.
	p.OpenLab(bad)
	notices := p.Text("notices")
	for _, want := range []string{`stickiness="banana"`, `instances="99"`, "instance is not one the lab reads: did you mean instances?",
		"This link cannot set up a lab: ", "The lab saved in this browser (duration=60&instances=5&seed=7&stickiness=lb_cookie) goes on."} {
		if !strings.Contains(notices, want) {
			t.Errorf("notices %q do not say %q", notices, want)
		}
	}
	if strings.Contains(notices, "Using ") {
		t.Errorf("notices %q say what a new lab would use, beside the saved lab that goes on", notices)
	}
	if !p.exists("instance-5") || !prop[bool](p, "stickiness-enabled", "checked") {
		t.Error("the saved lab (5 instances, stickiness on) did not go on")
	}
	p.checkClean()

	// In a browser with no saved lab, the bad link's lab runs on defaults.
	f := NewPage(t)
	f.OpenLab(bad)
	notices = f.Text("notices")
	for _, want := range wants {
		if !strings.Contains(notices, want) {
			t.Errorf("notices %q do not say %q", notices, want)
		}
	}
	if !f.exists("instance-3") || f.exists("instance-4") {
		t.Error("want the default 3 instances")
	}
	if prop[bool](f, "stickiness-enabled", "checked") {
		t.Error("stickiness on after stickiness=banana")
	}
	if got, reason := f.refresh(); !strings.HasPrefix(got, "Instance Number ") || reason != "no-stickiness" {
		t.Errorf("refresh on defaults: %q (%s), want an instance, no-stickiness", got, reason)
	}
	f.Screenshot("url-bad-values")
	f.checkClean()
}

// TestCookieFromBiggerLab opens a lab after one with the same seed and more
// instances: the browser still holds that lab's cookie, which names an
// instance the new lab lacks. The page keeps working (it used to panic),
// says the cookie is not accepted, and the load balancer rewrites it.
func TestCookieFromBiggerLab(t *testing.T) {
	p := NewPage(t)
	p.OpenLab("stickiness=lb_cookie&instances=10")
	stuck := 0
	for i := 0; i < 10 && stuck <= 3; i++ {
		p.DeleteCookie("AWSALB")
		p.DeleteCookie("AWSALBCORS")
		got, _ := p.refresh()
		stuck = instanceNumber(t, got)
	}
	if stuck <= 3 {
		t.Fatalf("no refresh went to an instance above 3")
	}
	old, _ := p.Cookie("AWSALB")
	p.OpenLab("stickiness=lb_cookie")
	// The replaced lab's cookies went with it: the new lab's page load is a new client.
	if reason := p.lastReason(); reason != "new-client" {
		t.Errorf("the new lab's page load: %s, want new-client (the old lab's cookies gone)", reason)
	}
	p.SetCookie("AWSALB", old.Value) // put back, as in DevTools
	p.SetCookie("AWSALBCORS", old.Value)
	p.waitTick()
	p.WaitText("decoded-AWSALB", func(s string) bool {
		return strings.HasPrefix(s, "Not accepted: it names an instance this load balancer does not have")
	})
	got, reason := p.refresh()
	if reason != "target-deregistered" || instanceNumber(t, got) > 3 {
		t.Errorf("refresh with the old cookie: %q (%s), want an instance of 1-3, target-deregistered", got, reason)
	}
	p.WaitText("decoded-AWSALB", func(s string) bool { return strings.HasPrefix(s, "Names Instance ") })
	p.Screenshot("cookie-from-bigger-lab")
	p.checkClean()
}

// TestAttributesValidation types bad values into the attributes form: AWS's
// message, what was typed stays, the load balancer keeps its attributes.
func TestAttributesValidation(t *testing.T) {
	p := NewPage(t)
	p.OpenLab("stickiness=lb_cookie")
	first, _ := p.refresh()

	p.typeInto("stickiness-duration", "0")
	p.choose("stickiness-duration-unit", "seconds")
	p.saveChanges()
	spec, _ := engine.LookupAttribute(engine.KeyLBCookieDuration)
	durationMsg := spec.Message() // "Stickiness duration must be between 1 and 604800 seconds"
	if got := p.WaitText("attributes-error", NonEmpty); got != durationMsg {
		t.Errorf("attributes-error %q, want %q", got, durationMsg)
	}
	p.waitTick() // the lab re-renders every second: the draft stays
	if got := prop[string](p, "stickiness-duration", "value"); got != "0" {
		t.Errorf("after the refused save the duration shows %q, want 0 as typed", got)
	}
	if got := prop[string](p, "stickiness-duration-unit", "value"); got != "seconds" {
		t.Errorf("after the refused save the unit shows %q", got)
	}
	if p.exists("attributes-saved") {
		t.Error("a refused save says Saved")
	}
	if got, reason := p.refresh(); got != first || reason != "sticky" {
		t.Errorf("after the refused save: %q (%s), want still sticky to %q", got, reason, first)
	}
	p.Screenshot("validation-duration")

	// Fixed: saved, the error goes.
	p.typeInto("stickiness-duration", "30")
	p.saveChanges()
	p.WaitTestID("attributes-saved")
	if p.exists("attributes-error") {
		t.Errorf("error still shown after a good save: %q", p.Text("attributes-error"))
	}

	// Weighted random with stickiness on.
	p.choose("algorithm", "weighted_random")
	p.saveChanges()
	const weightedMsg = engine.MessageStickinessWithWeightedRandom
	if got := p.WaitText("attributes-error", NonEmpty); got != weightedMsg {
		t.Errorf("attributes-error %q, want %q", got, weightedMsg)
	}
	p.waitTick()
	if got := prop[string](p, "algorithm", "value"); got != "weighted_random" {
		t.Errorf("algorithm shows %q after the refused save, want weighted_random as picked", got)
	}
	if got, reason := p.refresh(); got != first || reason != "sticky" {
		t.Errorf("after the refused weighted random: %q (%s), want still sticky to %q", got, reason, first)
	}
	p.Screenshot("validation-weighted-random")
	p.checkClean()
}

// TestStoppedInstance stops the instance the learner is stuck to: 502 until
// health checks mark it unhealthy (fast-forwarded), then another instance
// and a lost session; started again, five passed checks make it healthy.
func TestStoppedInstance(t *testing.T) {
	p := NewPage(t)
	p.OpenLab("stickiness=lb_cookie")
	first, _ := p.refresh()
	if got, reason := p.refresh(); got != first || reason != "sticky" {
		t.Fatalf("not stuck: %q (%s)", got, reason)
	}
	n := strconv.Itoa(instanceNumber(t, first))
	state := "instance-" + n + "-state"

	p.Click("stop-" + n)
	p.WaitTestID("start-" + n)
	if got, reason := p.refresh(); got != "502 Bad Gateway" || reason != "sticky" {
		t.Errorf("after the stop: %q (%s), want 502 Bad Gateway", got, reason)
	}
	if s := p.Text(state); s != "healthy" {
		t.Errorf("right after the stop the state is %q, want healthy until the checks fail", s)
	}
	p.Screenshot("stopped-502")

	p.Click("ff-1m0s")
	p.WaitText(state, func(s string) bool { return s == "unhealthy" })
	got, reason := p.refresh()
	if got == first || !strings.HasPrefix(got, "Instance Number ") || reason != "target-unhealthy" {
		t.Errorf("after unhealthy: %q (%s), want another instance, target-unhealthy", got, reason)
	}
	if s := p.Text("session-view"); !strings.HasPrefix(s, "Session lost!") || !strings.Contains(s, "created on Instance "+n) {
		t.Errorf("session view %q, want the session lost", s)
	}
	p.Screenshot("stopped-unhealthy")

	p.Click("start-" + n)
	p.WaitTestID("stop-" + n)
	for i := 0; i < 5; i++ {
		p.Click("ff-30s")
	}
	p.WaitText(state, func(s string) bool { return s == "healthy" })
	p.Screenshot("restarted-healthy")

	// Fail health checks, and pass them again before they count.
	p.Click("fail-checks-" + n)
	p.WaitText("fail-checks-"+n, func(s string) bool { return s == "Pass health checks" })
	p.Click("fail-checks-" + n)
	p.WaitText("fail-checks-"+n, func(s string) bool { return s == "Fail health checks" })
	p.Click("ff-1m0s")
	p.refresh() // clicks are handled in order: the fast-forward is done
	if s := p.Text(state); s != "healthy" {
		t.Errorf("after failing then passing health checks again and +1 min, the state is %q, want healthy", s)
	}
	p.checkClean()
}

// TestShortDurationExpires sets a 30 s stickiness duration by URL and lets
// it run out with the fast-forward.
func TestShortDurationExpires(t *testing.T) {
	p := NewPage(t)
	p.OpenLab("stickiness=lb_cookie&duration=30")
	first, _ := p.refresh()
	if got, reason := p.refresh(); got != first || reason != "sticky" {
		t.Fatalf("not stuck: %q (%s)", got, reason)
	}
	p.Click("ff-1m0s")
	p.WaitText("decoded-AWSALB", func(s string) bool { return strings.Contains(s, "expired") })
	if _, reason := p.refresh(); reason != "cookie-expired" {
		t.Errorf("after +1 min: reason %q, want cookie-expired", reason)
	}
	p.Screenshot("short-duration-expired")
	p.checkClean()
}

// TestAppCookie runs application-based stickiness: the browser's store holds
// the app's SESSIONID and AWSALBAPP-0, no AWSALB; without SESSIONID the
// load balancer re-establishes stickiness.
func TestAppCookie(t *testing.T) {
	p := NewPage(t)
	p.OpenLab("stickiness=app_cookie")
	first, reason := p.Text("served-by"), p.lastReason()
	if reason != "new-client" {
		t.Errorf("the page load: %s, want new-client", reason)
	}
	for _, name := range []string{"SESSIONID", "AWSALBAPP-0"} {
		if c, ok := p.Cookie(name); !ok || c.Path != Base {
			t.Errorf("%s in the browser's store: %+v (present %v), want Path %s", name, c, ok, Base)
		}
	}
	for _, name := range []string{"AWSALB", "AWSALBCORS"} {
		if _, ok := p.Cookie(name); ok {
			t.Errorf("%s exists with application-based stickiness", name)
		}
	}
	for i := 0; i < 3; i++ {
		if got, reason := p.refresh(); got != first || reason != "sticky" {
			t.Fatalf("refresh %d: %q (%s), want sticky to %q", i, got, reason, first)
		}
	}
	p.DeleteCookie("SESSIONID")
	if _, reason := p.refresh(); reason != "app-cookie-missing" {
		t.Errorf("without SESSIONID: %s, want app-cookie-missing", reason)
	}
	p.Screenshot("app-cookie")
	p.checkClean()
}

// TestAppCookieWrongName opens app_cookie naming a cookie the application
// never sets (the usual slip): no AWSALBAPP-0 reaches the browser, and the
// request log says none was set instead of "cookie set".
func TestAppCookieWrongName(t *testing.T) {
	p := NewPage(t)
	p.OpenLab("stickiness=app_cookie")
	p.DeleteCookie("AWSALBAPP-0")
	p.trFill("app-cookie-name", "JSESSIONID")
	p.saveChanges()
	p.WaitTestID("attributes-saved")
	for i := 0; i < 2; i++ {
		if _, reason := p.refresh(); reason != "new-client" {
			t.Fatalf("refresh %d: %s, want new-client (no stickiness cookie)", i, reason)
		}
	}
	if c, ok := p.Cookie("AWSALBAPP-0"); ok {
		t.Errorf("AWSALBAPP-0 set though the application sets no JSESSIONID: %+v", c)
	}
	why := Eval[string](p, `document.querySelector('[data-testid="log-row"] td[data-label="Why"]').textContent`)
	if !strings.Contains(why, "none was set") || strings.Contains(why, "cookie set") {
		t.Errorf("the request log's Why: %q, want it to say no stickiness cookie was set", why)
	}
	p.checkClean()
}

// TestCookiePanelFollowsOutside deletes and edits the cookie through the
// DevTools protocol: the panel follows within about two seconds (the lab
// re-reads document.cookie every second). The panel's Delete button removes
// the cookie from the browser's store.
func TestCookiePanelFollowsOutside(t *testing.T) {
	p := NewPage(t)
	p.OpenLab("stickiness=lb_cookie")
	p.refresh()
	p.WaitTestID("cookie-AWSALB")

	p.DeleteCookie("AWSALB")
	// No action of the lab's: the panel follows by itself (measured, not asserted: machines vary).
	took := p.waitGone("cookie-AWSALB")
	t.Logf("the panel followed the deletion in %s", took)
	p.SetCookie("AWSALBCORS", "edited-in-devtools")
	p.WaitText("decoded-AWSALBCORS", func(s string) bool { return strings.HasPrefix(s, "Not accepted") })
	p.Screenshot("cookie-changed-outside")

	p.Click("delete-cookie-AWSALBCORS")
	p.waitCookie("AWSALBCORS", false)
	p.waitGone("cookie-AWSALBCORS")
	if _, reason := p.refresh(); reason != "new-client" {
		t.Errorf("after both deletions: %s, want new-client", reason)
	}
	p.checkClean()
}

// TestCrossSiteFrame embeds the lab in a page of another site (localhost
// around 127.0.0.1): the browser only keeps partitioned cookies there, or
// none. The lab still answers Refresh and says where its cookies are kept.
func TestCrossSiteFrame(t *testing.T) {
	outer := crossSiteHost(t)
	p := NewPageOn(t, outer)
	p.Navigate(outer.URL)
	fp := attachFrame(t, p, lab.URL)
	fp.WaitReady()

	first, reason := fp.refresh()
	if !strings.HasPrefix(first, "Instance Number ") || reason != "no-stickiness" {
		t.Errorf("refresh in the frame: %q (%s)", first, reason)
	}
	notice := fp.WaitText("cookie-notice", NonEmpty)
	if !strings.Contains(notice, "partitioned") && !strings.Contains(notice, "memory") {
		t.Errorf("cookie notice %q does not say where the cookies are kept", notice)
	}
	t.Logf("cookie notice: %s", notice)

	fp.setStickiness(true)
	stuck, _ := fp.refresh()
	for i := 0; i < 3; i++ {
		if got, reason := fp.refresh(); got != stuck || reason != "sticky" {
			t.Errorf("sticky refresh %d in the frame: %q (%s), want %q", i, got, reason, stuck)
		}
	}
	fp.WaitTestID("cookie-AWSALB")
	if strings.Contains(notice, "partitioned") {
		c, ok := fp.Cookie("AWSALB")
		if !ok || c.PartitionKey == nil || !c.Secure || c.SameSite != network.CookieSameSiteNone {
			t.Errorf("the frame's AWSALB in the browser: %+v (present %v), want partitioned, Secure, SameSite=None", c, ok)
		} else {
			t.Logf("AWSALB partitioned under %+v", *c.PartitionKey)
		}
	}
	// The top-level site never sees the frame's cookies.
	if c, ok := p.Cookie("AWSALB"); ok && c.PartitionKey == nil {
		t.Errorf("an unpartitioned AWSALB exists: %+v", c)
	}
	p.Screenshot("cross-site-frame")
	p.checkClean(outer.Origin, lab.Origin)
	fp.checkClean()
}

// crossSiteHost serves a page on http://localhost:PORT/ that embeds the lab
// (served on 127.0.0.1, another site) in an iframe.
func crossSiteHost(t *testing.T) *Site {
	t.Helper()
	page := `<!DOCTYPE html><html><head><meta charset="utf-8"><title>A course page</title>
<link rel="icon" href="data:,"></head>
<body style="margin:0;font-family:sans-serif"><p>A course page on another site, with the lab embedded:</p>
<iframe id="lab" src="` + lab.URL + `" style="width:1260px;height:820px;border:1px solid #888"></iframe></body></html>`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, page)
	}))
	t.Cleanup(srv.Close)
	origin := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
	if strings.Contains(lab.Origin, "localhost") {
		origin = strings.Replace(srv.URL, "localhost", "127.0.0.1", 1)
	}
	return &Site{Server: srv, URL: origin + "/", Origin: origin}
}

// attachFrame returns a Page that drives the cross-site iframe of p whose
// URL starts with prefix. Chromium runs a cross-site frame in its own
// process, as a target of its own: the Page attaches to that target, so its
// helpers, console errors and requests are the frame's.
func attachFrame(t *testing.T, p *Page, prefix string) *Page {
	t.Helper()
	var id target.ID
	deadline := time.Now().Add(Timeout)
	for id == "" {
		infos, err := chromedp.Targets(p.Ctx)
		if err != nil {
			t.Fatalf("listing targets: %v", err)
		}
		for _, info := range infos {
			if info.Type == "iframe" && strings.HasPrefix(info.URL, prefix) {
				id = info.TargetID
			}
		}
		if id == "" {
			if time.Now().After(deadline) {
				t.Fatalf("no cross-site iframe target at %s (site isolation off?)", prefix)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	fp := &Page{T: t, Site: lab}
	ctx, cancel := chromedp.NewContext(p.Ctx, chromedp.WithTargetID(id), chromedp.WithListener(fp.listen))
	fp.Ctx = ctx
	attach, stop := context.WithTimeout(context.Background(), Timeout)
	defer stop()
	done := make(chan error, 1)
	go func() { done <- chromedp.Do(ctx) }()
	select {
	case err := <-done:
		if err != nil {
			cancel()
			t.Fatalf("attaching to the frame: %v", err)
		}
	case <-attach.Done():
		cancel()
		t.Fatal("attaching to the frame timed out")
	}
	t.Cleanup(cancel)
	return fp
}

// TestAppCookieMoveWithExternalStore fails the learner's target under
// app_cookie with the external session store on: the new target knows the
// session and sets no cookie, yet AWSALBAPP-0 is re-issued for it, and the
// learner stays there once the old target is healthy again (REFERENCE.md §3).
func TestAppCookieMoveWithExternalStore(t *testing.T) {
	p := NewPage(t)
	p.OpenLab("stickiness=app_cookie")
	p.Click("traffic-tab")
	p.WaitTestID("external-store")
	p.SetChecked("external-store", true)
	p.Click("browser-tab")
	// The tab's panels are back, and its own switch shows the store on.
	p.WaitTestID("cookie-panel")
	deadline := time.Now().Add(Timeout)
	for !Eval[bool](p, `document.querySelector('[data-testid="browser-tab"]').getAttribute('aria-selected') === 'true' && !document.querySelector('[data-testid="load-chart"]') && document.querySelector('[data-testid="external-store"]').checked`) {
		if time.Now().After(deadline) {
			t.Fatal("the browser tab is not selected with the external store on")
		}
		time.Sleep(20 * time.Millisecond)
	}
	first, _ := p.refresh()
	if got, reason := p.refresh(); got != first || reason != "sticky" {
		t.Fatalf("not stuck: %q (%s)", got, reason)
	}
	n := strconv.Itoa(instanceNumber(t, first))
	p.Click("fail-checks-" + n)
	p.Click("ff-1m0s")
	p.WaitText("instance-"+n+"-state", func(s string) bool { return s == "unhealthy" })
	moved, reason := p.refresh()
	if moved == first || reason != "target-unhealthy" {
		t.Fatalf("after unhealthy: %q (%s), want another instance, target-unhealthy", moved, reason)
	}
	if s := p.Text("session-view"); strings.HasPrefix(s, "Session lost!") {
		t.Errorf("session view %q: the external store should keep the session", s)
	}
	target := "Instance " + strconv.Itoa(instanceNumber(t, moved))
	p.WaitText("decoded-AWSALBAPP-0", func(s string) bool { return strings.HasPrefix(s, "Names "+target+" (") })
	p.Click("fail-checks-" + n)
	for i := 0; i < 5; i++ {
		p.Click("ff-30s")
	}
	p.WaitText("instance-"+n+"-state", func(s string) bool { return s == "healthy" })
	for i := 0; i < 2; i++ {
		if got, reason := p.refresh(); got != moved || reason != "sticky" {
			t.Errorf("refresh %d with %s healthy again: %q (%s), want sticky to %q", i, "Instance "+n, got, reason, moved)
		}
	}
	p.Screenshot("app-cookie-moved")
	p.checkClean()
}

// TestStickinessTypeChoice picks the stickiness type as the AWS console does,
// with radio buttons, by keyboard: the arrow key moves to Application-based
// cookie, its cookie name field appears, and once saved the browser holds AWSALBAPP-0.
func TestStickinessTypeChoice(t *testing.T) {
	p := NewPage(t)
	p.OpenLab("stickiness=lb_cookie")
	p.WaitText("served-by", NonEmpty)
	p.tabTo("stickiness-type-lb_cookie")
	p.key(kb.ArrowDown)
	p.WaitTestID("app-cookie-name")
	if !prop[bool](p, "stickiness-type-app_cookie", "checked") || prop[bool](p, "stickiness-type-lb_cookie", "checked") {
		t.Error("the arrow key did not move the choice to app_cookie")
	}
	if got := p.focused(); got != "stickiness-type-app_cookie" {
		t.Errorf("focus on %q after the arrow key", got)
	}
	p.saveChanges()
	p.WaitTestID("attributes-saved")
	p.refresh()
	p.refresh() // the first answer sets SESSIONID; the application's cookie is what AWSALBAPP-0 follows
	if _, ok := p.Cookie("AWSALBAPP-0"); !ok {
		var names []string
		for _, c := range p.Cookies() {
			names = append(names, c.Name)
		}
		t.Errorf("no AWSALBAPP-0 after app_cookie was saved; cookies %q", names)
	}
	p.setViewport(320, 800)
	if got := Eval[string](p, layoutProblemsJS); got != "" {
		t.Errorf("at 320 px:\n%s", got)
	}
	p.ScreenshotOf("stickiness-type-320", ".attributes")
	p.checkClean()
}
