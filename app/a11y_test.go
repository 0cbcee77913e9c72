package app

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v9/pkg/app"

	"github.com/stickylab/stickylab/engine"
)

// TestAnnouncerSaysRefresh checks the live region: stable, polite, and
// saying who answered, the session and why, once per Refresh.
func TestAnnouncerSaysRefresh(t *testing.T) {
	lt := mountLab(t, "stickiness=lb_cookie", nil)
	region := lt.tree().mustTestID(t, "announcer")
	if region.attrs["role"] != "status" || region.attrs["aria-live"] != "polite" || region.Text() != "" {
		t.Fatalf("live region before any request: %v %q", region.attrs, region.Text())
	}
	lt.refresh()
	first := lt.text("announcer")
	if !strings.HasPrefix(first, "Instance ") || !strings.Contains(first, "answered. New session. Why: no stickiness cookie") {
		t.Errorf("first refresh says %q", first)
	}
	lt.refresh()
	if got := lt.text("announcer"); !strings.Contains(got, "Welcome back, visit 2. Why: sticky: the cookie names this target.") {
		t.Errorf("second refresh says %q", got)
	}
	lt.do(func(l *Lab) { l.m.jar.Delete(engine.SessionCookie) })
	lt.do(func(l *Lab) { l.m.lb.StopInstance(l.m.last.TargetName) })
	lt.refresh()
	if got := lt.text("announcer"); !strings.HasPrefix(got, "502 Bad Gateway from Instance") {
		t.Errorf("a stopped instance's answer says %q", got)
	}
	lt.do(func(l *Lab) { l.openDirect("Instance 2") })
	if got := lt.text("announcer"); got != "Instance 2 opened directly: no session, no cookie." {
		t.Errorf("opening an instance directly says %q", got)
	}
}

// TestAnnouncerSaysSessionLost: without stickiness the legacy app loses the
// session on another instance, and the live region says so.
func TestAnnouncerSaysSessionLost(t *testing.T) {
	lt := mountLab(t, "", nil)
	lost := false
	for i := 0; i < 4 && !lost; i++ {
		lt.refresh()
		lost = strings.Contains(lt.text("announcer"), "Session lost: you are logged out. Why: stickiness off")
	}
	if !lost {
		t.Errorf("four refreshes without stickiness never announced a lost session: %q", lt.text("announcer"))
	}
}

// TestAnnouncerRepeats: the same news twice still changes the region's text.
func TestAnnouncerRepeats(t *testing.T) {
	lt := mountLab(t, "", nil)
	lt.do(func(l *Lab) { l.attributesSaved(nil) })
	a := lt.tree().mustTestID(t, "announcer")
	lt.do(func(l *Lab) { l.attributesSaved(nil) })
	b := lt.tree().mustTestID(t, "announcer")
	raw := func(n *htmlNode) string { // Text trims the no-break space
		if len(n.children) != 1 {
			return ""
		}
		return n.children[0].text
	}
	if raw(a) != "Attributes saved: the load balancer uses them now." || raw(b) != raw(a)+"\u00a0" {
		t.Errorf("two saves say %q then %q", raw(a), raw(b))
	}
	lt.do(func(l *Lab) {
		l.attributesSaved(errors.New("Stickiness duration must be between 1 and 604800 seconds"))
	})
	if got := lt.text("announcer"); got != "Attributes not saved: Stickiness duration must be between 1 and 604800 seconds" {
		t.Errorf("a refused save says %q", got)
	}
}

// savedHost renders an AttributesForm that reports each Save's end.
type savedHost struct {
	app.Compo
	lb    *engine.LoadBalancer
	form  *AttributesForm
	ended []error
}

func (h *savedHost) Render() app.UI {
	f := &AttributesForm{IAttributes: h.lb.TargetGroup.Attributes(), IOnSave: h.lb.TargetGroup.SetAttributes,
		IOnSaved: func(err error) { h.ended = append(h.ended, err) }}
	if h.form == nil {
		h.form = f
	}
	return app.Div().Body(f)
}

// TestAttributesFormAccessible: the form is a form whose Save is its submit
// button; a bad duration is marked invalid, described by the error, and the
// host hears the same message.
func TestAttributesFormAccessible(t *testing.T) {
	m, _ := newTestModel(t, "stickiness=lb_cookie", nil)
	h := &savedHost{lb: m.lb}
	d := app.NewClientTester(h)
	t.Cleanup(d.Close)
	form := h.form
	tree := renderTree(t, form)
	if root := tree.children[0]; root.tag != "form" || root.attrs["aria-label"] != "Target group attributes" {
		t.Errorf("the attributes are in a %s %v", root.tag, root.attrs)
	}
	if b := tree.mustTestID(t, "save-attributes"); b.attrs["type"] != "submit" {
		t.Errorf("Save changes has type %q", b.attrs["type"])
	}
	if _, ok := tree.mustTestID(t, "stickiness-duration").attr("aria-describedby"); ok {
		t.Error("a good duration is described by an error")
	}
	d.Emit(form, func() { form.draft.amount = "8"; form.draft.unit = "days" })
	d.Emit(form, form.save)
	settleUpdates(d)
	tree = renderTree(t, form)
	in := tree.mustTestID(t, "stickiness-duration")
	msg := tree.mustTestID(t, "attributes-error")
	if in.attrs["aria-invalid"] != "" && in.attrs["aria-invalid"] != "true" || in.attrs["aria-describedby"] != "attributes-error" || msg.attrs["id"] != "attributes-error" {
		t.Errorf("bad duration: input %v, error %v", in.attrs, msg.attrs)
	}
	if len(h.ended) != 1 || h.ended[0] == nil || h.ended[0].Error() != msg.Text() {
		t.Errorf("the host heard %v, the form shows %q", h.ended, msg.Text())
	}
	d.Emit(form, func() { form.draft.amount = "2" })
	d.Emit(form, form.save)
	settleUpdates(d)
	if len(h.ended) != 2 || h.ended[1] != nil {
		t.Errorf("a good save ended with %v", h.ended)
	}
}

// TestTabsPattern checks the WAI-ARIA tabs: roles, ids, the selected tab
// alone in the Tab order, the panel labelled by it, and the arrow keys.
func TestTabsPattern(t *testing.T) {
	lt := mountLab(t, "", nil)
	check := func(selected string) {
		t.Helper()
		tree := lt.tree()
		list := tree.find(func(n *htmlNode) bool { return n.attrs["role"] == "tablist" })
		if len(list) != 1 {
			t.Fatalf("%d tablists", len(list))
		}
		for _, tab := range []string{tabBrowser, tabTraffic} {
			b := tree.mustTestID(t, tab+"-tab")
			on := tab == selected
			want := map[string]string{"role": "tab", "id": "tab-" + tab, "aria-controls": "panel-" + tab,
				"aria-selected": map[bool]string{true: "", false: "false"}[on], "tabindex": map[bool]string{true: "0", false: "-1"}[on]}
			for k, v := range want {
				if b.attrs[k] != v {
					t.Errorf("%s tab: %s=%q, want %q", tab, k, b.attrs[k], v)
				}
			}
		}
		panels := tree.find(func(n *htmlNode) bool { return n.attrs["role"] == "tabpanel" })
		if len(panels) != 1 || panels[0].attrs["id"] != "panel-"+selected || panels[0].attrs["aria-labelledby"] != "tab-"+selected {
			t.Errorf("panels %v", panels)
		}
		if link := tree.mustTestID(t, "skip-link"); link.attrs["href"] != "#panel-"+selected {
			t.Errorf("skip link to %q", link.attrs["href"])
		}
	}
	check(tabBrowser)
	lt.do(func(l *Lab) { l.selectTab(tabTraffic) })
	check(tabTraffic)
	lt.do(func(l *Lab) { l.setTab(tabBrowser) })
	check(tabBrowser)

	for _, c := range []struct{ from, key, want string }{
		{tabBrowser, "ArrowRight", tabTraffic}, {tabTraffic, "ArrowRight", tabBrowser},
		{tabBrowser, "ArrowLeft", tabTraffic}, {tabTraffic, "ArrowLeft", tabBrowser},
		{tabTraffic, "Home", tabBrowser}, {tabBrowser, "End", tabTraffic}, {tabBrowser, "Enter", ""}, {tabBrowser, "a", ""},
	} {
		if got := tabAfterKey(c.from, c.key); got != c.want {
			t.Errorf("%s on the %s tab selects %q, want %q", c.key, c.from, got, c.want)
		}
	}
}

// TestTabInURL: the view parameter names the tab, a preset opens the
// traffic lab unless view says otherwise, and the other parameters stay.
func TestTabInURL(t *testing.T) {
	for q, want := range map[string]string{
		"": tabBrowser, "view=traffic": tabTraffic, "view=browser": tabBrowser, "preset=scale-out": tabTraffic,
		"preset=scale-out&view=browser": tabBrowser, "view=graph": tabBrowser,
	} {
		v, _ := url.ParseQuery(q)
		if got := tabOfQuery(v); got != want {
			t.Errorf("tabOfQuery(%q) = %q, want %q", q, got, want)
		}
	}
	u, _ := url.Parse("https://x.test/stickylab/?stickiness=lb_cookie&duration=60&view=browser")
	got := withTab(*u, tabTraffic)
	if q := got.Query(); got.Path != "/stickylab/" || q.Get("view") != tabTraffic || q.Get("stickiness") != "lb_cookie" || q.Get("duration") != "60" {
		t.Errorf("withTab: %s", got)
	}
	if u.Query().Get("view") != tabBrowser {
		t.Errorf("withTab changed its argument: %s", u)
	}
	lt := mountLab(t, "preset=scale-out&view=browser", nil)
	if lt.lab.tab() != tabBrowser || lt.lab.m.preset != "scale-out" {
		t.Errorf("preset=scale-out&view=browser: tab %q, preset %q", lt.lab.tab(), lt.lab.m.preset)
	}
}

// TestRepeatedButtonsNamed: each instance's and cookie's buttons say which
// one they act on; the cookie table's last header and the counters have a
// name and role.
func TestRepeatedButtonsNamed(t *testing.T) {
	tl := trMountLab(t, "view=traffic&stickiness=lb_cookie")
	tl.do(func(l *Lab) { l.refresh() })
	tree := tl.tree()
	for id, want := range map[string]string{
		"stop-2": "Stop Instance 2", "fail-checks-2": "Fail health checks on Instance 2",
		"deregister-3": "Deregister Instance 3", "slow-1": "Slow down Instance 1",
	} {
		b := tree.mustTestID(t, id)
		if b.attrs["aria-label"] != want || !strings.Contains(strings.ToLower(want), strings.ToLower(b.Text())) {
			t.Errorf("%s: aria-label %q (text %q), want %q", id, b.attrs["aria-label"], b.Text(), want)
		}
	}
	if c := tree.mustTestID(t, "counters"); c.attrs["role"] != "group" || c.attrs["aria-label"] != "Counters" {
		t.Errorf("counters %v", c.attrs)
	}
	tl.do(func(l *Lab) {
		l.act(l.m.lb.StopInstance("Instance 2"))
		l.deregister("Instance 3")
		l.slowDown("Instance 1", true)
	})
	tree = tl.tree()
	for id, want := range map[string]string{"start-2": "Start Instance 2", "register-3": "Register Instance 3", "slow-1": "Speed up Instance 1"} {
		if got := tree.mustTestID(t, id).attrs["aria-label"]; got != want {
			t.Errorf("%s: aria-label %q, want %q", id, got, want)
		}
	}

	lt := mountLab(t, "stickiness=lb_cookie", nil)
	lt.refresh()
	tree = lt.tree()
	if got := tree.mustTestID(t, "delete-cookie-AWSALB").attrs["aria-label"]; got != "Delete cookie AWSALB" {
		t.Errorf("delete AWSALB: aria-label %q", got)
	}
	ths := tree.mustTestID(t, "cookie-panel").find(func(n *htmlNode) bool { return n.tag == "th" })
	if len(ths) == 0 || ths[len(ths)-1].Text() != "Actions" {
		t.Errorf("cookie table headers %v", ths)
	}
}
