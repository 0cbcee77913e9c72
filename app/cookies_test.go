package app

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stickylab/stickylab/engine"
)

// findCookieView returns the view of the cookie called name, failing the test
// when the jar does not hold it.
func findCookieView(t *testing.T, m *model, name string) CookieView {
	t.Helper()
	for _, v := range viewCookies(m.lb, m.cookies(), m.sentCookies()) {
		if v.Name == name {
			return v
		}
	}
	t.Fatalf("no cookie %s in %+v", name, m.cookies())
	return CookieView{}
}

// TestViewCookies checks what the cookie panel says the load balancer reads
// from each cookie: valid, idle, expired, ignored with stickiness off,
// garbage, and not a stickiness cookie at all.
func TestViewCookies(t *testing.T) {
	jar := &engine.MemoryJar{}
	m, clock := newTestModel(t, "stickiness=lb_cookie&duration=60", jar)
	ex := m.refresh()
	target := m.lb.Instance(ex.TargetName)
	valid := regexp.QuoteMeta("Names "+target.Name+" ("+target.ID+") in my-target-group, issued ") + "%s" +
		regexp.QuoteMeta(" ago; sticky for ") + "%s" + regexp.QuoteMeta(" more unless refreshed (each response re-issues it).")
	want := func(v CookieView, accepted bool, pattern string) {
		t.Helper()
		if v.Accepted != accepted || !regexp.MustCompile("^"+pattern+"$").MatchString(v.Decoded) {
			t.Errorf("%s: Accepted %v, Decoded %q; want %v, /%s/", v.Name, v.Accepted, v.Decoded, accepted, pattern)
		}
	}

	want(findCookieView(t, m, "AWSALB"), true, fillPattern(valid, "0s", "1m0s"))
	want(findCookieView(t, m, "AWSALBCORS"), true, fillPattern(valid, "0s", "1m0s"))
	if v := findCookieView(t, m, "SESSIONID"); v.Decoded != "" || v.Accepted {
		t.Errorf("SESSIONID is not a stickiness cookie: %+v", v)
	}
	sess := findCookieView(t, m, "SESSIONID")
	if sess.Value == "" || sess.Path != "/" {
		t.Errorf("SESSIONID view %+v", sess)
	}

	clock.Advance(45 * time.Second)
	m.sync()
	want(findCookieView(t, m, "AWSALB"), true, fillPattern(valid, "45s", "15s"))

	clock.Advance(20 * time.Second)
	m.sync()
	want(findCookieView(t, m, "AWSALB"), false,
		fillPattern(regexp.QuoteMeta("Names "+target.Name+" ("+target.ID+") in my-target-group, issued ")+"%s"+
			regexp.QuoteMeta(" ago; expired: idle longer than the stickiness duration (1m0s)."), "1m5s"))

	// Stickiness off: the cookie is still held, and ignored.
	a := m.lb.TargetGroup.Attributes()
	a.StickinessEnabled = false
	if err := m.lb.TargetGroup.SetAttributes(a); err != nil {
		t.Fatal(err)
	}
	want(findCookieView(t, m, "AWSALB"), false, ".*"+regexp.QuoteMeta("; ignored: stickiness is off."))

	// Garbage, as a learner would type in DevTools.
	jar.Put(m.lb.Now(), engine.StoredCookie{Name: "AWSALB", Value: "garbage"})
	v := findCookieView(t, m, "AWSALB")
	want(v, false, regexp.QuoteMeta("Not accepted: ")+".+"+regexp.QuoteMeta(". The load balancer treats it as no cookie."))
	if v.Value != "garbage" {
		t.Errorf("value %q", v.Value)
	}
}

// TestViewCookiesApp checks the decoded view of AWSALBAPP-0.
func TestViewCookiesApp(t *testing.T) {
	m, _ := newTestModel(t, "stickiness=app_cookie&duration=120", nil)
	ex := m.refresh()
	v := findCookieView(t, m, "AWSALBAPP-0")
	if !v.Accepted || !strings.HasPrefix(v.Decoded, "Names "+ex.TargetName+" (") || !strings.Contains(v.Decoded, "sticky for 2m0s more") {
		t.Errorf("AWSALBAPP-0: %+v", v)
	}
}

// TestViewCookiesUnknownTarget decodes a cookie that a lab with the same
// seed but more instances wrote (the browser keeps it for 7 days under the
// same path): it names an instance this lab does not have, and the panel
// must say so, not crash.
func TestViewCookiesUnknownTarget(t *testing.T) {
	big, _ := newTestModel(t, "stickiness=lb_cookie&instances=10", nil)
	var value string
	for i := 0; i < 10 && value == ""; i++ {
		big.jar.Clear()
		ex := big.refresh()
		if n := big.lb.Instance(ex.TargetName).Number; n > 3 {
			value = findCookieView(t, big, "AWSALB").Value
		}
	}
	if value == "" {
		t.Fatal("no cookie for an instance above 3")
	}
	jar := &engine.MemoryJar{}
	small, _ := newTestModel(t, "stickiness=lb_cookie", jar)
	jar.Put(small.lb.Now(), engine.StoredCookie{Name: "AWSALB", Value: value})
	v := findCookieView(t, small, "AWSALB")
	if v.Accepted || !strings.HasPrefix(v.Decoded, "Not accepted: it names an instance this load balancer does not have") {
		t.Errorf("a cookie naming a missing instance: %+v", v)
	}
	if ex := small.refresh(); ex.Reason != engine.ReasonTargetDeregistered || ex.Status != 200 {
		t.Errorf("the load balancer reads it as %s (%s)", ex.Reason, ex.StatusText())
	}
}

// TestViewCookiesFromTheFuture checks the cookie an earlier lab issued after
// a fast-forward, seen by a new lab (the page reloaded) whose clock starts
// at the wall clock again: the panel says it comes from the future, and
// the load balancer replaces it.
func TestViewCookiesFromTheFuture(t *testing.T) {
	ahead, _ := newTestModel(t, "stickiness=lb_cookie", nil)
	ahead.lb.Advance(26 * time.Hour)
	ahead.refresh()
	value := findCookieView(t, ahead, "AWSALB").Value

	jar := &engine.MemoryJar{}
	m, _ := newTestModel(t, "stickiness=lb_cookie", jar)
	jar.Put(m.lb.Now(), engine.StoredCookie{Name: "AWSALB", Value: value})
	v := findCookieView(t, m, "AWSALB")
	if v.Accepted || !strings.HasPrefix(v.Decoded, "Not accepted: issued later than this load balancer's clock says it is") {
		t.Errorf("a cookie from the future: %+v", v)
	}
	if ex := m.refresh(); ex.Reason != engine.ReasonCookieInvalid || ex.Status != 200 {
		t.Errorf("the load balancer reads it as %s (%s)", ex.Reason, ex.StatusText())
	}
	if v := findCookieView(t, m, "AWSALB"); !v.Accepted || v.Value == value {
		t.Errorf("after a refresh: %+v, want a new accepted cookie", v)
	}
}

// fillPattern fills the %s of a pattern with the quoted args, in order.
func fillPattern(pattern string, args ...string) string {
	for _, a := range args {
		pattern = strings.Replace(pattern, "%s", regexp.QuoteMeta(a), 1)
	}
	return pattern
}

// TestViewCookiesAskTheEngine checks the verdicts the panel used to get
// wrong by deciding on its own: an AWSALB cookie while the target group uses
// app_cookie is not read, and one naming an unhealthy target does not stick.
func TestViewCookiesAskTheEngine(t *testing.T) {
	m, clock := newTestModel(t, "stickiness=lb_cookie", &engine.MemoryJar{})
	ex := m.refresh()
	if err := m.lb.SetFailHealthChecks(ex.TargetName, true); err != nil {
		t.Fatal(err)
	}
	clock.Advance(2 * time.Minute)
	m.sync()
	if v := findCookieView(t, m, "AWSALBCORS"); v.Accepted || !strings.HasSuffix(v.Decoded, "; "+engine.ReasonTargetUnhealthy.Text()+".") {
		t.Errorf("AWSALBCORS naming an unhealthy %s: %+v; want not accepted, %q", ex.TargetName, v, engine.ReasonTargetUnhealthy.Text())
	}
	a := m.lb.TargetGroup.Attributes()
	a.StickinessType, a.AppCookieName = engine.AppCookie, engine.SessionCookie
	if err := m.lb.TargetGroup.SetAttributes(a); err != nil {
		t.Fatal(err)
	}
	if v := findCookieView(t, m, "AWSALB"); v.Accepted || !strings.HasSuffix(v.Decoded, ". Not read: my-target-group uses app_cookie stickiness.") {
		t.Errorf("AWSALB under app_cookie: %+v; want not read", v)
	}
	if v := findCookieView(t, m, "SESSIONID"); !v.Accepted || !strings.HasPrefix(v.Decoded, "The application's cookie") {
		t.Errorf("SESSIONID under app_cookie: %+v; want the application's cookie", v)
	}
}

// TestViewCookiesNamesakes checks two cookies of one name (an AWSALB copied
// under "/" in DevTools beside the lab's): each row reads its own value, says
// which one the browser sends first, and has its own test id.
func TestViewCookiesNamesakes(t *testing.T) {
	m, _ := newTestModel(t, "stickiness=lb_cookie&instances=3", nil)
	first := m.refresh().TargetName
	firstValue := findCookieView(t, m, "AWSALB").Value
	var other, otherValue string
	for i := 0; i < 20 && other == ""; i++ {
		m.jar.Clear()
		if ex := m.refresh(); ex.TargetName != first {
			other, otherValue = ex.TargetName, findCookieView(t, m, "AWSALB").Value
		}
	}
	if other == "" {
		t.Fatal("no cookie for another instance")
	}
	sent := []engine.StoredCookie{{Name: "AWSALB", Value: firstValue}, {Name: "AWSALB", Value: otherValue}}
	lab := engine.StoredCookie{Name: "AWSALB", Value: firstValue, Path: "/stickylab/"}
	copied := engine.StoredCookie{Name: "AWSALB", Value: otherValue}
	for _, listed := range [][]engine.StoredCookie{{lab, copied}, {copied, lab}} {
		views := viewCookies(m.lb, listed, sent)
		byValue := map[string]CookieView{}
		for _, v := range views {
			byValue[v.Value] = v
		}
		read, skipped := byValue[firstValue], byValue[otherValue]
		if !read.Accepted || !strings.HasPrefix(read.Decoded, "Names "+first+" (") ||
			!strings.HasSuffix(read.Decoded, " 2 cookies are named AWSALB: your browser sends this one first, and the load balancer reads only the first.") {
			t.Errorf("the AWSALB sent first: %+v", read)
		}
		if skipped.Accepted || !strings.HasPrefix(skipped.Decoded, "Names "+other+" (") ||
			!strings.Contains(skipped.Decoded, "Not read: the load balancer reads only the first cookie of this name.") ||
			!strings.HasSuffix(skipped.Decoded, "of this name. 2 cookies are named AWSALB: your browser sends this one after another.") {
			t.Errorf("the AWSALB sent second: %+v", skipped)
		}
		if views[0].ID != "AWSALB" || views[1].ID != "AWSALB-2" {
			t.Errorf("row ids %q, %q; want AWSALB, AWSALB-2", views[0].ID, views[1].ID)
		}
		tree := renderTree(t, &CookiePanel{ICookies: views})
		for i, id := range []string{"AWSALB", "AWSALB-2"} {
			if got := tree.mustTestID(t, "decoded-"+id).Text(); got != views[i].Decoded || !tree.has("cookie-"+id) || !tree.has("delete-cookie-"+id) {
				t.Errorf("row %s shows %q, want %q", id, got, views[i].Decoded)
			}
			// Delete removes every cookie of the name, and says so.
			if b := tree.mustTestID(t, "delete-cookie-"+id); b.Text() != "Delete all 2" || b.attrs["aria-label"] != "Delete the 2 cookies named AWSALB" {
				t.Errorf("row %s's Delete: %q, %q", id, b.Text(), b.attrs["aria-label"])
			}
		}
	}
}
