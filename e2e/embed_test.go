//go:build !(js && wasm)

package e2e

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The tests of this file embed the lab (?embed=1) in a course page of
// another site, as README's snippet does, and check the postMessage format
// and its origin checks (app/embed.go, app/parent.go).

// courseSandbox is the sandbox attribute README's snippet gives the frame.
const courseSandbox = "allow-scripts allow-same-origin allow-forms allow-popups allow-popups-to-escape-sandbox"

// coursePage serves on http://localhost:PORT/ (the lab is on 127.0.0.1,
// another site) a page embedding the lab at its ?src= in an 800×600 frame
// as README's snippet does; window.msgs keeps every message it receives.
func coursePage(t *testing.T) *Site {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!DOCTYPE html><html><head><meta charset="utf-8"><title>A course page</title>
<link rel="icon" href="data:,">
<script>window.msgs = []; addEventListener("message", e => msgs.push({origin: e.origin, data: e.data}));</script></head>
<body style="margin:0;font-family:sans-serif"><p>A course page on another site, with the lab embedded:</p>
<iframe id="lab" title="stickylab: sticky sessions lab" src="`+html.EscapeString(lab.Resolve(r.URL.Query().Get("src")))+`"
 width="800" height="600" style="border:0" sandbox="`+courseSandbox+`"`+onload(r.URL.Query().Get("onload"))+`></iframe></body></html>`)
	}))
	t.Cleanup(srv.Close)
	origin := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
	return &Site{Server: srv, URL: origin + "/", Origin: origin}
}

// onload returns the frame's onload attribute posting the commands cmds
// (JavaScript objects, ";"-separated) to the lab, or "" for none.
func onload(cmds string) string {
	if cmds == "" {
		return ""
	}
	var js []string
	for _, c := range strings.Split(cmds, ";") {
		js = append(js, "this.contentWindow.postMessage("+c+", '"+lab.Origin+"')")
	}
	return ` onload="` + html.EscapeString(strings.Join(js, "; ")) + `"`
}

// openCourse opens course page c embedding the lab at src, and returns the
// course page and the lab's frame, started.
func openCourse(t *testing.T, c *Site, src string) (p, fp *Page) {
	t.Helper()
	p = NewPageOn(t, c)
	p.Navigate(c.URL + "?src=" + url.QueryEscape(src))
	fp = attachFrame(t, p, lab.URL)
	fp.WaitReady()
	return p, fp
}

// hasPage reports whether the browser context of p has a tab at url.
func hasPage(t *testing.T, p *Page, url string) bool {
	t.Helper()
	infos, err := chromedp.Targets(p.Ctx)
	if err != nil {
		t.Fatalf("listing targets: %v", err)
	}
	for _, info := range infos {
		if info.Type == "page" && info.URL == url {
			return true
		}
	}
	return false
}

// message is one message the course page received.
type message struct {
	Origin string         `json:"origin"`
	Data   map[string]any `json:"data"`
}

// messages returns the messages the course page p received so far.
func messages(p *Page) []message {
	p.T.Helper()
	var out []message
	if err := json.Unmarshal([]byte(Eval[string](p, `JSON.stringify(window.msgs)`)), &out); err != nil {
		p.T.Fatalf("reading the course page's messages: %v", err)
	}
	return out
}

// ofType returns the messages whose data.type is typ.
func ofType(ms []message, typ string) []message {
	var out []message
	for _, m := range ms {
		if m.Data["type"] == typ {
			out = append(out, m)
		}
	}
	return out
}

// waitMessages waits until the course page p has n messages of type typ.
func waitMessages(p *Page, typ string, n int) []message {
	p.T.Helper()
	deadline := time.Now().Add(Timeout)
	for {
		ms := ofType(messages(p), typ)
		if len(ms) >= n {
			return ms
		}
		if time.Now().After(deadline) {
			p.T.Fatalf("waiting for %d %s messages: %d, all: %+v", n, typ, len(ms), messages(p))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// sendCommand posts cmd (a JavaScript object) from the course page p to
// the lab's frame.
func sendCommand(p *Page, cmd string) {
	p.T.Helper()
	Eval[bool](p, `document.getElementById("lab").contentWindow.postMessage(`+cmd+`, "`+lab.Origin+`"), true`)
}

// waitPages waits until the lab p has loaded n pages.
func (p *Page) waitPages(n int) {
	p.T.Helper()
	deadline := time.Now().Add(Timeout)
	for p.pagesLoaded() < n {
		if time.Now().After(deadline) {
			p.T.Fatalf("waiting for %d pages: %d", n, p.pagesLoaded())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// ignored sends cmd from the course page p and checks that the lab fp
// loads no page: half a second later, and after a Refresh clicked in it.
func ignored(p, fp *Page, cmd string) {
	p.T.Helper()
	before := fp.pagesLoaded()
	sendCommand(p, cmd)
	time.Sleep(500 * time.Millisecond)
	fp.refresh()
	if got := fp.pagesLoaded(); got != before+1 {
		p.T.Errorf("after %s from %s and one click: %d pages, want %d", cmd, p.Site.Origin, got, before+1)
	}
}

// TestEmbedCommandsOnLoad posts commands on the frame's load event, before
// app.wasm has started, as a course page naturally does: the lab runs them
// once it has started, in order, after its ready message (the page load's
// own request may come before or after them).
func TestEmbedCommandsOnLoad(t *testing.T) {
	course := coursePage(t)
	cmds := `{type: "stickylab:set-attributes", attributes: {"stickiness.enabled": "true"}};{type: "stickylab:refresh"}`
	p := NewPageOn(t, course)
	p.Navigate(course.URL + "?src=" + url.QueryEscape("?embed=1&parent="+url.QueryEscape(course.Origin)) + "&onload=" + url.QueryEscape(cmds))
	fp := attachFrame(t, p, lab.URL)
	fp.WaitReady()
	fp.waitPages(2) // the page load's request, then the course page's Refresh
	reqs := waitMessages(p, "stickylab:request", 2)
	// The page load's request may come before the commands or after them.
	if got := reqs[1].Data["reason"]; got != "new-client" && got != "sticky" {
		t.Errorf("the second request's reason %v: want new-client or sticky (stickiness on)", got)
	}
	if !Eval[bool](fp, `document.querySelector('[data-testid="stickiness-enabled"]').checked`) {
		t.Error("the early set-attributes did not turn stickiness on")
	}
	if errs := ofType(messages(p), "stickylab:error"); len(errs) > 0 {
		t.Errorf("errors: %+v", errs)
	}
}

// TestEmbedTooManyCommandsOnLoad posts 70 commands on the frame's load
// event: the lab runs the 64 it kept and answers that 6 were not run.
func TestEmbedTooManyCommandsOnLoad(t *testing.T) {
	course := coursePage(t)
	cmds := strings.Repeat(`{type: "stickylab:refresh"};`, 70)
	p := NewPageOn(t, course)
	p.Navigate(course.URL + "?src=" + url.QueryEscape("?embed=1&parent="+url.QueryEscape(course.Origin)) + "&onload=" + url.QueryEscape(strings.TrimSuffix(cmds, ";")))
	fp := attachFrame(t, p, lab.URL)
	fp.WaitReady()
	errs := waitMessages(p, "stickylab:error", 1)
	if got := errs[0].Data["message"]; got != "6 commands sent before the lab was ready were not run: it keeps the first 64 messages; send commands after stickylab:ready" {
		t.Errorf("the error: %v", got)
	}
	fp.waitPages(65) // the page load's request and the 64 kept refreshes
	if n := len(waitMessages(p, "stickylab:request", 65)); n != 65 {
		t.Errorf("%d requests, want 65", n)
	}
}

// TestEmbed embeds the lab with ?embed=1&parent= in a course page of another
// site: no site chrome, 800×600 without scrolling sideways, stickiness,
// where the cookies are, and the messages both ways, without cookie values.
func TestEmbed(t *testing.T) {
	course := coursePage(t)
	p, fp := openCourse(t, course, "?embed=1&parent="+url.QueryEscape(course.Origin))

	ready := waitMessages(p, "stickylab:ready", 1)
	if m := ready[0]; m.Origin != lab.Origin || m.Data["version"] != 1.0 {
		t.Errorf("ready message %+v", m)
	}
	for _, id := range []string{"home", "glossary", "assumptions"} {
		if fp.exists(id) {
			t.Errorf("the embedded lab shows %s", id)
		}
	}
	href := Eval[string](fp, `(a => a.target + " " + a.rel + " " + a.href)(document.querySelector('[data-testid="full-lab"]'))`)
	if !strings.HasPrefix(href, "_blank noopener "+lab.URL+"?actions=1.") {
		t.Errorf("Open the full lab: %q, want _blank noopener %s?actions=1.… (the frame's lab)", href, lab.URL)
	}
	if got := fp.Text("full-lab"); !strings.Contains(got, "Open the full lab") {
		t.Errorf("full-lab says %q", got)
	}
	for _, tab := range []string{"traffic", "browser"} {
		fp.Click(tab + "-tab")
		fp.WaitTestID(tab + "-tab")
		Eval[bool](fp, `new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))`)
		if w := Eval[string](fp, `innerWidth + "x" + innerHeight`); w != "800x600" {
			t.Errorf("the frame's window is %s", w)
		}
		if problems := Eval[string](fp, layoutProblemsJS); problems != "" {
			t.Errorf("the %s tab in an 800×600 frame:\n%s", tab, problems)
		}
	}

	// The course page turns stickiness on; a bad value gets AWS's message.
	sendCommand(p, `{type: "stickylab:set-attributes", version: 1, attributes: {"stickiness.lb_cookie.duration_seconds": "0"}}`)
	errs := waitMessages(p, "stickylab:error", 1)
	if m := errs[0].Data; m["message"] != "Stickiness duration must be between 1 and 604800 seconds" || m["attribute"] != "stickiness.lb_cookie.duration_seconds" {
		t.Errorf("error message %+v", m)
	}
	sendCommand(p, `{type: "stickylab:set-attributes", version: 1, attributes: {"stickiness.enabled": "true"}}`)
	deadline := time.Now().Add(Timeout)
	for !Eval[bool](fp, `document.querySelector('[data-testid="stickiness-enabled"]').checked`) {
		if time.Now().After(deadline) {
			t.Fatal("set-attributes did not turn stickiness on")
		}
		time.Sleep(20 * time.Millisecond)
	}

	// The frame's page load, a click, then the course page's Refresh: sticky.
	first, reason := fp.refresh()
	if reason != "new-client" {
		t.Errorf("first refresh: %q (%s)", first, reason)
	}
	sendCommand(p, `{type: "stickylab:refresh"}`)
	fp.waitPages(3)
	if got := fp.Text("served-by"); got != first {
		t.Errorf("refresh command: %q, want %q", got, first)
	}
	reqs := waitMessages(p, "stickylab:request", 3)
	target := strings.Replace(first, "Instance Number ", "Instance ", 1)
	for i, want := range []string{"no-stickiness", "new-client", "sticky"} {
		m := reqs[i]
		if m.Origin != lab.Origin || m.Data["version"] != 1.0 || (i > 0 && m.Data["target"] != target) || m.Data["reason"] != want ||
			m.Data["status"] != 200.0 || len(m.Data) != 6 {
			t.Errorf("request message %d: %+v, want target %q, reason %s, status 200", i, m, target, want)
		}
	}
	if s := reqs[0].Data["session"]; s != "new" {
		t.Errorf("the page load's session %v", s)
	}
	if s := reqs[2].Data["session"]; s != "resumed" {
		t.Errorf("the sticky request's session %v", s)
	}

	// Where the cookies are: partitioned in the browser, or the notice says memory.
	notice := fp.WaitText("cookie-notice", NonEmpty)
	switch {
	case strings.Contains(notice, "partitioned"):
		c, ok := fp.Cookie("AWSALB")
		if !ok || c.PartitionKey == nil {
			t.Errorf("the notice says partitioned, the AWSALB cookie is %+v (present %v)", c, ok)
		}
		if ready[0].Data["cookies"] != "partitioned" {
			t.Errorf("ready says cookies %v", ready[0].Data["cookies"])
		}
	case strings.Contains(notice, "memory"):
		if ready[0].Data["cookies"] != "memory" {
			t.Errorf("ready says cookies %v", ready[0].Data["cookies"])
		}
	default:
		t.Errorf("cookie notice %q says neither partitioned nor memory", notice)
	}
	t.Logf("cookie notice: %s", notice)

	// No message carries a cookie, by name or value.
	all, _ := json.Marshal(messages(p))
	for _, c := range fp.Cookies() {
		if strings.Contains(string(all), c.Value) {
			t.Errorf("a message carries the value of %s", c.Name)
		}
	}
	for _, name := range []string{"AWSALB", "SESSIONID", "cookie\":"} {
		if strings.Contains(string(all), name) {
			t.Errorf("the messages mention %s: %s", name, all)
		}
	}

	// A frame of the course page's own origin that is not the parent is
	// ignored; so is a message that is no command.
	before := fp.pagesLoaded()
	Eval[bool](p, `(() => { const f = document.createElement("iframe");
		f.srcdoc = '<script>parent.document.getElementById("lab").contentWindow.postMessage({type: "stickylab:refresh"}, "*"); parent.postMessage({type: "sibling-sent"}, "*")<\/script>';
		document.body.append(f); return true; })()`)
	waitMessages(p, "sibling-sent", 1)
	sendCommand(p, `{type: "hello"}`)
	time.Sleep(500 * time.Millisecond)
	if got := fp.pagesLoaded(); got != before {
		t.Errorf("a sibling frame's refresh or a foreign message loaded %d pages", got-before)
	}
	if n := len(ofType(messages(p), "stickylab:error")); n != 1 {
		t.Errorf("%d error messages, want the one of the bad duration", n)
	}
	fp.axe("the embedded lab")
	p.Screenshot("embed")
	// The snippet's sandbox lets the attributes form submit (allow-forms).
	fp.setStickiness(false)

	// Open the full lab: a new tab (last, as the course page's tab is then
	// in the background, where animation frames stop).
	pages := fp.pagesLoaded()
	full := Eval[string](fp, `document.querySelector('[data-testid="full-lab"]').href`)
	if !strings.HasPrefix(full, lab.URL+"?actions=1.") {
		t.Errorf("Open the full lab links to %q, want the frame's lab with its actions", full)
	}
	fp.Click("full-lab")
	deadline = time.Now().Add(Timeout)
	for !hasPage(t, p, full) {
		if time.Now().After(deadline) {
			t.Fatal("Open the full lab opened no tab at " + full)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !fp.exists("full-lab") || fp.pagesLoaded() != pages {
		t.Error("Open the full lab changed the frame")
	}
	// A "?" term link opens its glossary entry in the full lab, in a new tab.
	term := Eval[string](fp, `document.querySelector(".attributes a.term-help").dataset.term`)
	fp.do("clicking a term link", chromedp.Click(`.attributes a.term-help`, chromedp.NodeVisible))
	for !hasPage(t, p, lab.URL+"#term-"+term) {
		if time.Now().After(deadline) {
			t.Fatalf("the %s term link opened no tab at %s#term-%s", term, lab.URL, term)
		}
		time.Sleep(20 * time.Millisecond)
	}
	p.checkClean(course.Origin, lab.Origin)
	fp.checkClean()
}

// TestEmbedOtherOrigins checks that a course page whose origin is not the
// ?parent= one, or a lab with no ?parent=, gets no message and cannot
// command the lab.
func TestEmbedOtherOrigins(t *testing.T) {
	course, third := coursePage(t), coursePage(t)
	for name, c := range map[string]struct {
		host *Site
		src  string
	}{
		"third origin": {third, "?embed=1&parent=" + url.QueryEscape(course.Origin)},
		"no parent":    {course, "?embed=1"},
		"bad parent":   {course, "?embed=1&parent=*"},
	} {
		t.Run(name, func(t *testing.T) {
			p, fp := openCourse(t, c.host, c.src)
			ignored(p, fp, `{type: "stickylab:refresh"}`)
			ignored(p, fp, `{type: "stickylab:set-attributes", attributes: {"stickiness.enabled": "true"}}`)
			if Eval[bool](fp, `document.querySelector('[data-testid="stickiness-enabled"]').checked`) {
				t.Error("set-attributes from " + c.host.Origin + " turned stickiness on")
			}
			if ms := messages(p); len(ms) != 0 {
				t.Errorf("the course page received %+v", ms)
			}
			fp.checkClean()
		})
	}
}
