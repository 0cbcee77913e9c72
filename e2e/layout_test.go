//go:build !(js && wasm)

package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/accessibility"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// The tests of this file check the lab's layout in Chromium (issue 10): no
// sideways scrolling from 320 to 1280 px on both tabs, every table and form
// readable at phone width, zoom allowed, the dark theme, reduced motion.

// layoutWidths are the viewport widths the lab must fit without scrolling
// sideways (WCAG 1.4.10 reflow asks for 320 CSS px).
var layoutWidths = []int64{320, 390, 768, 1280}

// setViewport makes the tab's viewport w×h CSS pixels and waits for the
// layout that follows.
func (p *Page) setViewport(w, h int64) {
	p.T.Helper()
	p.do(fmt.Sprintf("emulating a %d×%d viewport", w, h), chromedp.EmulateViewport(w, h))
	Eval[bool](p, `new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))`)
}

// emulateMedia emulates media features given as name, value pairs
// (prefers-color-scheme, dark); the next page load sees them too.
func (p *Page) emulateMedia(pairs ...string) {
	p.T.Helper()
	var fs []*emulation.MediaFeature
	for i := 0; i+1 < len(pairs); i += 2 {
		fs = append(fs, &emulation.MediaFeature{Name: pairs[i], Value: pairs[i+1]})
	}
	ctx, cancel := p.ctx()
	defer cancel()
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Features: fs}); err != nil {
		p.T.Fatalf("emulating media %v: %v", pairs, err)
	}
}

// ScreenshotOf saves a PNG of the first element matching the CSS selector
// sel, as Screenshot saves the page.
func (p *Page) ScreenshotOf(name, sel string) {
	p.T.Helper()
	p.saveScreenshot(name, run(p, "taking a screenshot of "+sel, chromedp.Screenshot(chromedp.CSS(sel))))
}

// layoutProblemsJS lists what does not fit: the page wider than the window, a
// control outside it or its panel, a table wider than its panel, text or a
// select's option cut, the flow's columns or the crowd's inputs overlapping.
const layoutProblemsJS = `(() => {
	const out = [], W = window.innerWidth, doc = document.documentElement;
	const name = e => e.tagName.toLowerCase() + (e.dataset && e.dataset.testid ? "[" + e.dataset.testid + "]" : "") +
		(typeof e.className === "string" && e.className ? "." + e.className.trim().replace(/ +/g, ".") : "") + ' "' + (e.textContent || "").trim().slice(0, 20) + '"';
	const shown = e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
	const overlap = (a, b) => a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
	if (doc.scrollWidth > W) out.push("the page is " + doc.scrollWidth + " px wide in a " + W + " px window");
	for (const e of document.querySelectorAll("main button, main input, main select")) {
		if (!shown(e)) continue;
		const r = e.getBoundingClientRect();
		if (r.left < -0.5 || r.right > doc.clientWidth + 0.5) out.push(name(e) + " spans " + Math.round(r.left) + ".." + Math.round(r.right));
		if (r.width < 12) out.push(name(e) + " is squeezed to " + r.width.toFixed(1) + " px");
		const panel = e.closest(".panel, .clock");
		if (panel) {
			const pr = panel.getBoundingClientRect();
			if (r.left < pr.left - 0.5 || r.right > pr.right + 0.5) out.push(name(e) + " sticks out of its panel");
		}
	}
	for (const t of document.querySelectorAll("main table")) {
		const pr = t.closest(".panel").getBoundingClientRect(), r = t.getBoundingClientRect();
		if (r.right > pr.right + 0.5 || t.scrollWidth > t.clientWidth + 1) out.push("a table of " + Math.round(r.width) + " px in a panel of " + Math.round(pr.width));
	}
	for (const e of document.querySelectorAll("main td, main .flow-row > span, main .flow-head > span, main label, main .counter")) {
		if (shown(e) && e.scrollWidth > e.clientWidth + 1 && !e.classList.contains("flow-client")) out.push(name(e) + " is cut: " + e.scrollWidth + " px of text in " + e.clientWidth);
	}
	// A select cannot wrap: its longest option, in the select's font, must fit beside the arrow.
	const ctx2d = document.createElement("canvas").getContext("2d");
	for (const e of document.querySelectorAll("main select")) {
		if (!shown(e)) continue;
		const cs = getComputedStyle(e);
		ctx2d.font = cs.font;
		const room = e.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - 16;
		for (const o of e.options) {
			const w = ctx2d.measureText(o.text).width;
			if (w > room) out.push(name(e) + ' cuts its option "' + o.text + '": ' + Math.round(w) + " px of text in " + Math.round(room));
		}
	}
	for (const sel of [".flow-head > span", ".flow-rows > li:first-child > span", ".crowd-form input"]) {
		const es = [...document.querySelectorAll(sel)].filter(shown);
		for (let i = 0; i < es.length; i++)
			for (let j = i + 1; j < es.length; j++)
				if (overlap(es[i].getBoundingClientRect(), es[j].getBoundingClientRect())) out.push(name(es[i]) + " overlaps " + name(es[j]));
	}
	for (const e of document.querySelectorAll("main .flow-reason, main .flow-head > span:nth-child(6)"))
		if (shown(e) === false && e.textContent.trim() !== "") out.push(name(e) + " has no room");
	return out.slice(0, 15).join("\n");
})()`

// chartTextJS returns the smallest size, in CSS px, of the chart's labels
// shown, and the text of the smallest.
const chartTextJS = `(() => {
	const svg = document.querySelector('[data-testid="load-chart"]');
	const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
	let min = 1e9, what = "";
	for (const t of svg.querySelectorAll("text")) {
		if (t.getBoundingClientRect().width === 0) continue;
		const px = parseFloat(getComputedStyle(t).fontSize) * scale;
		if (px < min) { min = px; what = t.textContent; }
	}
	return [min, what];
})()`

// checkLayout checks the page (the tab view) at each of layoutWidths and
// takes a screenshot of it at 320 px.
func (p *Page) checkLayout(view string) {
	p.T.Helper()
	for _, w := range layoutWidths {
		p.setViewport(w, 800)
		if got := Eval[string](p, layoutProblemsJS); got != "" {
			p.T.Errorf("%s at %d px:\n%s", view, w, got)
		}
		if p.exists("load-chart") {
			if got := Eval[[]any](p, chartTextJS); got[0].(float64) < 9.5 {
				p.T.Errorf("%s at %d px: the chart's label %q is %.1f px", view, w, got[1], got[0])
			}
		}
		if w == 320 {
			p.Screenshot("layout-" + view + "-320")
		}
	}
}

// TestReflow checks both tabs (cookies and requests; a running crowd) at
// 320, 390, 768 and 1280 px: nothing scrolls sideways, every control (each
// Delete) is in view, no table is wider than its panel, no text is cut.
func TestReflow(t *testing.T) {
	p := NewPage(t)
	p.OpenLab("stickiness=lb_cookie")
	for i := 0; i < 3; i++ {
		p.refresh()
	}
	if n := Eval[int](p, `document.querySelectorAll('[data-testid^="delete-cookie-"]').length`); n != 3 {
		t.Fatalf("%d cookies' Delete buttons, want 3 (AWSALB, AWSALBCORS, SESSIONID)", n)
	}
	p.checkLayout("browser")
	p.setViewport(320, 800)
	// Stacked rows name their columns.
	if got := Eval[string](p, `getComputedStyle(document.querySelector('[data-testid="cookie-AWSALB"] td'), "::before").content`); got != `"Name"` {
		t.Errorf("a cookie's first cell at 320 px is labelled %s, want \"Name\"", got)
	}
	// Stacked, the tables are still tables to a screen reader.
	ctx, cancel := p.ctx()
	ax, err := chromedp.Call(ctx, accessibility.GetFullAXTree, accessibility.GetFullAXTreeParams{})
	cancel()
	if err != nil {
		t.Fatal(err)
	}
	roles := map[string]int{}
	for _, n := range ax.Nodes {
		if n.Role != nil && !n.Ignored {
			roles[strings.Trim(string(n.Role.Value), `"`)]++
		}
	}
	if rows := p.logRows(); roles["table"] != 2 || roles["columnheader"] != 13 || roles["cell"] != 3*7+rows*6 {
		t.Errorf("stacked at 320 px, the accessibility tree has %d tables, %d column headers, %d cells; want 2, 13 and %d",
			roles["table"], roles["columnheader"], roles["cell"], 3*7+rows*6)
	}
	p.ScreenshotOf("layout-cookies-320", ".cookies")
	p.ScreenshotOf("layout-log-320", ".log")

	p.setViewport(1280, 900)
	p.Click("traffic-tab")
	p.WaitTestID("load-chart")
	p.Click("crowd-start")
	p.trWait("requests flowing", func() bool {
		return p.trNum("counter-requests", "data-value") > 50 && Eval[int](p, `document.querySelectorAll('[data-testid="flow-row"]').length`) >= 10
	})
	p.Click("pause") // the flow and chart hold still while measured
	p.checkLayout("traffic")
	p.setViewport(320, 800)
	p.ScreenshotOf("layout-flow-320", ".flow")
	p.ScreenshotOf("layout-chart-320", ".chart")
	p.checkClean()

	// The share controls with a bad link's error, in dark mode too.
	bad := NewPage(t)
	bad.OpenLab("stickiness=lb_cookie&actions=1.R.Rjg.Z1b2c3")
	bad.WaitTestID("scenario-error")
	bad.checkLayout("scenario-error")
	bad.setViewport(320, 800)
	bad.ScreenshotOf("layout-share-320", ".share")
	bad.emulateMedia("prefers-color-scheme", "dark")
	bad.setViewport(1280, 800)
	bad.ScreenshotOf("layout-share-dark", ".share")
	bad.checkClean()

	// A lesson after its incident, with a notice about a bad URL parameter.
	lesson := NewPage(t)
	lesson.OpenLab("preset=instance-fails&view=graph")
	lesson.WaitTestID("notices")
	lesson.Click("speed-100")
	lesson.trWaitText("instance-2-state", func(s string) bool { return s == "unhealthy" })
	lesson.Click("pause")
	lesson.checkLayout("lesson")
	lesson.checkClean()

	// The guided lesson's guide above the browser lab (done, with its
	// questions: TestLesson).
	guide := NewPage(t)
	guide.OpenLab("lesson=article")
	guide.WaitTestID("lesson")
	guide.checkLayout("lesson-start")
	guide.checkClean()
}

// TestZoomAllowed checks the page lets people zoom (WCAG 1.4.4): its
// viewport has no maximum-scale and no user-scalable=no.
func TestZoomAllowed(t *testing.T) {
	p := NewPage(t)
	p.OpenLab("")
	content := Eval[string](p, `document.querySelector('meta[name="viewport"]').content`)
	if !strings.Contains(content, "width=device-width") || strings.Contains(content, "maximum-scale") || strings.Contains(content, "user-scalable") {
		t.Errorf("viewport %q", content)
	}
}

// contrastJS returns the WCAG contrast ratio of the colours a and b
// ("rgb(r, g, b)") and the relative luminance of each.
const contrastJS = `((a, b) => {
	const lum = c => { const v = c.match(/[\d.]+/g).slice(0, 3).map(x => { x /= 255; return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; });
		return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
	const la = lum(a), lb = lum(b);
	return [(Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05), la, lb];
})`

// contrast returns the contrast ratio of the computed colour prop of the
// element matching fg against the computed background of bg, with the
// luminance of each.
func (p *Page) contrast(fg, prop, bg string) (ratio, lf, lb float64) {
	p.T.Helper()
	v := Eval[[]float64](p, fmt.Sprintf(`%s(getComputedStyle(document.querySelector(%q))[%q], getComputedStyle(document.querySelector(%q)).backgroundColor)`, contrastJS, fg, prop, bg))
	return v[0], v[1], v[2]
}

// TestDarkMode checks prefers-color-scheme: dark: light text on a dark page
// at AA contrast, and go-app's loader with the page's background (no flash),
// in dark and in light mode.
func TestDarkMode(t *testing.T) {
	p := NewPage(t)
	p.emulateMedia("prefers-color-scheme", "dark")
	p.OpenLab("stickiness=lb_cookie")
	p.refresh()
	p.refresh()
	r, text, bg := p.contrast("body", "color", "body")
	if bg > 0.05 || text < 0.7 || r < 7 {
		t.Errorf("dark mode: body text luminance %.2f on background %.2f (contrast %.1f); want light on dark", text, bg, r)
	}
	for _, c := range []struct{ fg, prop, bg string }{
		{".cookies .muted", "color", ".cookies"},
		{"[data-testid=refresh]", "color", "[data-testid=refresh]"},
		{"[data-testid=home]", "color", "body"},
		{".decoded.ok", "color", ".cookies"},
		{".log tr.reason-sticky td:nth-child(5)", "color", ".log"},
		{".badge", "color", ".badge"},
		{".session", "color", ".session"},
	} {
		if r, _, _ := p.contrast(c.fg, c.prop, c.bg); r < 4.5 {
			t.Errorf("dark mode: %s on %s has contrast %.2f, want 4.5 or more", c.fg, c.bg, r)
		}
	}
	loaderBg := `(() => { const d = document.createElement("aside"); d.className = "goapp-app-info"; document.body.append(d);
		const c = getComputedStyle(d).backgroundColor; d.remove(); return c === getComputedStyle(document.body).backgroundColor; })()`
	if !Eval[bool](p, loaderBg) {
		t.Error("dark mode: go-app's loader and the page have different backgrounds")
	}
	if got := Eval[string](p, `document.querySelector('meta[name="color-scheme"]').content`); got != "light dark" {
		t.Errorf("color-scheme meta %q", got)
	}
	p.Screenshot("layout-dark-browser")
	p.Click("traffic-tab")
	p.WaitTestID("load-chart")
	p.Click("crowd-start")
	p.trWait("requests", func() bool { return p.trNum("counter-requests", "data-value") > 50 })
	if r, _, _ := p.contrast(`[data-testid="load-chart"] text`, "fill", ".chart"); r < 4.5 {
		t.Errorf("dark mode: the chart's labels have contrast %.2f", r)
	}
	p.Screenshot("layout-dark-traffic")
	p.checkClean()

	light := NewPage(t)
	light.emulateMedia("prefers-color-scheme", "light")
	light.OpenLab("")
	if _, text, bg := light.contrast("body", "color", "body"); bg < 0.8 || text > 0.1 {
		t.Errorf("light mode: text luminance %.2f on %.2f", text, bg)
	}
	if !Eval[bool](light, loaderBg) {
		t.Error("light mode: go-app's loader and the page have different backgrounds")
	}
}

// TestReducedMotionPaused opens a lesson with prefers-reduced-motion:
// reduce: the traffic lab waits paused with Play enabled, nothing moves and
// no CSS animation runs (go-app's spinner included); Play starts it.
func TestReducedMotionPaused(t *testing.T) {
	p := NewPage(t)
	p.emulateMedia("prefers-reduced-motion", "reduce")
	p.OpenLab("preset=scale-out")
	p.WaitTestID("load-chart")
	if got := p.trText("sim-status"); got != "paused" {
		t.Errorf("status %q on opening with reduced motion", got)
	}
	if Eval[bool](p, `document.querySelector('[data-testid="play"]').disabled`) {
		t.Error("Play is disabled")
	}
	clock, before := p.trText("clock"), p.trNum("counter-requests", "data-value")
	time.Sleep(1500 * time.Millisecond)
	if got, reqs := p.trText("clock"), p.trNum("counter-requests", "data-value"); got != clock || reqs != before || before > 1 {
		t.Errorf("paused: the clock went %s → %s, %v → %v requests (the page load's 1 at most)", clock, got, before, reqs)
	}
	if n := Eval[int](p, `document.getAnimations().length`); n != 0 {
		t.Errorf("%d animations run", n)
	}
	spin := `(() => { const d = document.createElement("img"); d.className = "goapp-spin"; document.body.append(d);
		const s = getComputedStyle(d).animationName; d.remove(); return s; })()`
	if got := Eval[string](p, spin); got != "none" {
		t.Errorf("go-app's loader spins (%s)", got)
	}
	p.Click("play")
	p.trWaitText("sim-status", func(s string) bool { return s == "playing at 1×" })
	p.trWait("requests after Play", func() bool { return p.trNum("counter-requests", "data-value") > before })
	p.checkClean()
}

// TestReflowTypes checks the Classic and Network panels at every width
// (nothing sideways at 320 px) and in dark mode (the cookie panel's note).
func TestReflowTypes(t *testing.T) {
	p := NewPage(t)
	p.OpenLab("lb=classic&stickiness=lb_cookie&duration=600")
	p.refresh()
	p.WaitTestID("cookie-AWSELB")
	p.checkLayout("classic")
	p.setViewport(320, 800)
	p.ScreenshotOf("layout-listener-320", ".listener")
	p.checkClean()

	n := NewPage(t)
	n.OpenLab("lb=network")
	n.Click("new-connection")
	n.refresh()
	n.checkLayout("network")
	n.setViewport(320, 800)
	n.ScreenshotOf("layout-browser-network-320", ".browser")
	n.ScreenshotOf("layout-log-network-320", ".log")
	n.emulateMedia("prefers-color-scheme", "dark")
	n.setViewport(1280, 900)
	if r, _, _ := n.contrast(`[data-testid="no-lb-cookie"]`, "color", `[data-testid="no-lb-cookie"]`); r < 4.5 {
		t.Errorf("dark mode: the no-cookie note has contrast %.2f", r)
	}
	if r, _, _ := n.contrast(`.lb-type.on`, "color", `.lb-type.on`); r < 4.5 {
		t.Errorf("dark mode: the current type has contrast %.2f", r)
	}
	n.Screenshot("layout-dark-network")
	n.Click("traffic-tab")
	n.WaitTestID("crowd-nat")
	n.setViewport(320, 800)
	n.checkLayout("network-traffic")
	n.checkClean()
}

// TestReflowWeighted checks the weighted target groups' panels from 320 to
// 1280 px, light and dark: the listener rule (with an error), targets by
// group, served-group, the blue/green lesson's chart.
func TestReflowWeighted(t *testing.T) {
	p := NewPage(t)
	p.OpenLab("weights=80,20&group_stickiness=60&stickiness=lb_cookie")
	p.refresh()
	p.WaitTestID("served-group")
	p.typeInto("weight-green", "1000")
	p.Click("save-rule")
	p.WaitText("rule-error", NonEmpty)
	p.checkLayout("weighted")
	p.setViewport(320, 800)
	p.ScreenshotOf("layout-rule-320", ".rule")
	p.ScreenshotOf("layout-targets-320", ".targets")
	p.ScreenshotOf("layout-browser-group-320", ".browser")
	p.emulateMedia("prefers-color-scheme", "dark")
	p.setViewport(1280, 900)
	p.ScreenshotOf("layout-rule-dark", ".rule")
	p.ScreenshotOf("layout-targets-dark", ".targets")
	p.checkClean()

	lesson := NewPage(t)
	lesson.OpenLab("preset=blue-green&view=traffic")
	lesson.WaitTestID("group-load")
	lesson.Click("speed-100")
	lesson.trWait("the weights' shift", func() bool { return strings.HasPrefix(lesson.trText("share-green"), "100%") })
	lesson.Click("pause")
	lesson.checkLayout("blue-green")
	lesson.setViewport(1280, 900)
	lesson.ScreenshotOf("layout-blue-green-chart", ".chart")
	lesson.checkClean()
}

// TestStagedLessonInViewOnPhone stages a traffic lesson on a 320 px phone,
// where its text sits below the nine lesson buttons: the page scrolls to it,
// and the focus stays on the button pressed.
func TestStagedLessonInViewOnPhone(t *testing.T) {
	p := NewPage(t)
	p.setViewport(320, 640)
	p.trOpen("view=traffic")
	p.Click("preset-scale-out")
	p.trWaitText("preset-title", has("Scale out"))
	p.trWait("the staged lesson in view", func() bool {
		return Eval[bool](p, `(r => r.top >= -1 && r.top < innerHeight / 2)(document.querySelector('[data-testid="preset-lesson"]').getBoundingClientRect())`)
	})
	if got := p.focused(); got != "preset-scale-out" {
		t.Errorf("focus on %q, want the lesson's button", got)
	}
	p.Screenshot("staged-lesson-320")
	p.checkClean()
}
