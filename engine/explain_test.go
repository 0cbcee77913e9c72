package engine

import (
	"strings"
	"testing"
	"time"
)

// explainLB returns a load balancer with lb_cookie stickiness (seed 5),
// edited by edit if not nil, and a learner that keeps cookies.
func explainLB(t *testing.T, edit func(*Attributes)) (*LoadBalancer, *Client) {
	t.Helper()
	a := DefaultAttributes()
	a.StickinessEnabled = true
	if edit != nil {
		edit(&a)
	}
	lb := newTyped(t, Config{Seed: 5, Attributes: &a})
	return lb, lb.NewClient("learner", nil, KeepCookies)
}

// TestExplainCookies checks the verdict on each cookie of a request in the
// situations the cookie panel shows, against the reason routing gives.
func TestExplainCookies(t *testing.T) {
	lb, c := explainLB(t, nil)
	a := lb.TargetGroup.Attributes() // edited below, section by section
	first := lb.Do(c, "/")
	jar := c.Jar.(*MemoryJar)
	roles := func(cs []StoredCookie) map[string]CookieVerdict {
		out := map[string]CookieVerdict{}
		for _, v := range lb.ExplainCookies(cs) {
			if _, ok := out[v.Name]; !ok {
				out[v.Name] = v
			}
		}
		return out
	}
	sent := func() []StoredCookie { return append([]StoredCookie(nil), jar.Cookies(lb.Now())...) }

	// Both AWSALB and AWSALBCORS, same value: one sticky decision.
	v := roles(sent())
	for _, n := range []string{CookieAWSALB, CookieAWSALBCORS} {
		if v[n].Role != RoleFollowed || v[n].Reason != ReasonSticky || v[n].Target == nil || v[n].Target.Name != first.TargetName || v[n].Left != a.LBCookieDuration {
			t.Errorf("%s: %+v; want followed, sticky, %s, %s left", n, v[n], first.TargetName, a.LBCookieDuration)
		}
	}
	if v[SessionCookie].Role != RoleOther {
		t.Errorf("SESSIONID: %+v; want other", v[SessionCookie])
	}

	// A tampered AWSALBCORS is followed and invalid; AWSALB is skipped.
	cs := sent()
	for i := range cs {
		if cs[i].Name == CookieAWSALBCORS {
			cs[i].Value = "garbage"
		}
	}
	v = roles(cs)
	if v[CookieAWSALBCORS].Role != RoleFollowed || v[CookieAWSALBCORS].Reason != ReasonCookieInvalid || v[CookieAWSALBCORS].Err == nil {
		t.Errorf("tampered AWSALBCORS: %+v", v[CookieAWSALBCORS])
	}
	if v[CookieAWSALB].Role != RoleShadowed {
		t.Errorf("AWSALB beside a tampered AWSALBCORS: %+v; want shadowed", v[CookieAWSALB])
	}

	// The verdict's reason is routing's: the target turns unhealthy.
	if err := lb.SetFailHealthChecks(first.TargetName, true); err != nil {
		t.Fatal(err)
	}
	lb.Advance(2 * time.Minute)
	v = roles(sent())
	ex := lb.Do(c, "/")
	if v[CookieAWSALBCORS].Reason != ReasonTargetUnhealthy || v[CookieAWSALBCORS].Reason != ex.Reason {
		t.Errorf("unhealthy target: verdict %s, routing %s; want both target-unhealthy", v[CookieAWSALBCORS].Reason, ex.Reason)
	}

	// app_cookie: AWSALB is of the other type; SESSIONID is the app cookie.
	a.StickinessType, a.AppCookieName = AppCookie, SessionCookie
	if err := lb.TargetGroup.SetAttributes(a); err != nil {
		t.Fatal(err)
	}
	v = roles(sent())
	if v[CookieAWSALB].Role != RoleOtherType || v[SessionCookie].Role != RoleAppCookie {
		t.Errorf("app_cookie: AWSALB %+v, SESSIONID %+v; want other type, app cookie", v[CookieAWSALB], v[SessionCookie])
	}
	ex = lb.Do(c, "/")
	v = roles(sent())
	if v[CookieAWSALBAPP].Role != RoleFollowed || v[CookieAWSALBAPP].Reason != ReasonSticky || v[CookieAWSALBAPP].Target.Name != ex.TargetName {
		t.Errorf("AWSALBAPP-0 after %s: %+v; want followed, sticky", ex.TargetName, v[CookieAWSALBAPP])
	}
	jar.Delete(SessionCookie)
	if got := roles(sent())[CookieAWSALBAPP]; got.Reason != ReasonAppCookieMissing {
		t.Errorf("AWSALBAPP-0 without SESSIONID: %+v; want app-cookie-missing", got)
	}

	// Stickiness off: every stickiness cookie is ignored.
	a.StickinessEnabled = false
	if err := lb.TargetGroup.SetAttributes(a); err != nil {
		t.Fatal(err)
	}
	for n, got := range roles(sent()) {
		if lb.isStickinessCookie(n) && got.Role != RoleDisabled {
			t.Errorf("stickiness off: %s %+v; want disabled", n, got)
		}
	}

	// A second cookie of the same name is skipped.
	dup := append(sent(), StoredCookie{Name: CookieAWSALBAPP, Value: "x"})
	vs := lb.ExplainCookies(dup)
	if last := vs[len(vs)-1]; last.Role != RoleShadowed {
		t.Errorf("second AWSALBAPP-0: %+v; want shadowed", last)
	}
}

// FuzzExplainCookies checks that the verdict on the cookie routing follows
// carries the reason routing gives, for any Cookie header.
func FuzzExplainCookies(f *testing.F) {
	fx := newFuzzFixture(f, LBCookie)
	for _, h := range fx.headers {
		f.Add(h)
	}
	f.Fuzz(func(t *testing.T, h string) {
		cs := ParseCookieHeader(h)
		r := Request{Time: fx.lb.now, Cookies: cs}
		tg := fx.lb.TargetGroup
		_, reason := tg.stickiness.Route(&r)
		followed := tg.stickiness.Follows(&r)
		n := 0
		for _, v := range fx.lb.ExplainCookies(cs) {
			if v.Role == RoleFollowed {
				n++
				if v.Reason != reason {
					t.Fatalf("header %q: verdict on %s is %s, routing says %s", h, v.Name, v.Reason, reason)
				}
			}
		}
		if followed != "" && n == 0 || followed == "" && n != 0 {
			t.Fatalf("header %q: follows %q, %d cookies judged followed", h, followed, n)
		}
	})
}

// TestExplainCookieLastSecond checks the verdict's age and time left in the
// whole seconds routing counts: a cookie issued in the middle of a second
// still routes through the whole second its duration ends in, with 0 left,
// and expires the second after, never "sticky for -1s".
func TestExplainCookieLastSecond(t *testing.T) {
	lb, c := explainLB(t, func(a *Attributes) { a.LBCookieDuration = 30 * time.Second })
	lb.AdvanceTo(lb.Now().Add(600 * time.Millisecond))
	lb.Do(c, "/")
	verdict := func() CookieVerdict {
		for _, v := range lb.ExplainCookies(c.Jar.Cookies(lb.Now())) {
			if v.Name == CookieAWSALB {
				return v
			}
		}
		t.Fatal("no AWSALB verdict")
		return CookieVerdict{}
	}
	lb.AdvanceTo(lb.Now().Add(30*time.Second + 300*time.Millisecond)) // 30.3 s later, in the issue second + 30
	if v := verdict(); v.Reason != ReasonSticky || v.Age != 30*time.Second || v.Left != 0 {
		t.Errorf("30.3 s after: %s, age %s, left %s; want sticky, 30s, 0s", v.Reason, v.Age, v.Left)
	}
	lb.AdvanceTo(lb.Now().Add(200 * time.Millisecond)) // the next second
	if v := verdict(); v.Reason != ReasonCookieExpired || v.Age != 31*time.Second || v.Left != -time.Second {
		t.Errorf("30.5 s after: %s, age %s, left %s; want expired, 31s, -1s", v.Reason, v.Age, v.Left)
	}
	// Routing agrees with the verdict.
	if ex := lb.Do(c, "/"); ex.Reason != ReasonCookieExpired {
		t.Errorf("routing after 30.5 s: %s, want expired", ex.Reason)
	}
}

// TestExplainNamesakes checks a request with two AWSALB cookies beside
// AWSALBCORS: the second is skipped for being second (not for AWSALBCORS),
// and each verdict says its place among its namesakes.
func TestExplainNamesakes(t *testing.T) {
	lb, c := explainLB(t, nil)
	lb.Do(c, "/")
	var cs []StoredCookie
	for _, k := range c.Jar.(*MemoryJar).Cookies(lb.Now()) {
		cs = append(cs, k)
		if k.Name == CookieAWSALB {
			cs = append(cs, StoredCookie{Name: CookieAWSALB, Value: k.Value}, StoredCookie{Name: CookieAWSALB, Value: "copied"})
		}
	}
	var albs []CookieVerdict
	for _, v := range lb.ExplainCookies(cs) {
		if v.Name == CookieAWSALB {
			albs = append(albs, v)
		} else if v.Namesakes != 1 || v.Nth != 0 || v.NamesakeText() != "" {
			t.Errorf("%s alone of its name: %+v", v.Name, v)
		}
	}
	want := []struct {
		role      CookieRole
		text, its string
	}{
		{RoleFollowed, "Read by the load balancer", "3 cookies are named AWSALB: your browser sends this one first, and the load balancer reads only the first."},
		{RoleShadowed, "Not read: the load balancer reads only the first cookie of this name.", "3 cookies are named AWSALB: your browser sends this one after another."},
		{RoleShadowed, "Not read: the load balancer reads only the first cookie of this name.", "3 cookies are named AWSALB: your browser sends this one after 2 others."},
	}
	if len(albs) != len(want) {
		t.Fatalf("%d AWSALB verdicts: %+v", len(albs), albs)
	}
	for i, w := range want {
		v := albs[i]
		if v.Role != w.role || v.Nth != i || v.Namesakes != 3 || !strings.HasPrefix(v.Text(lb.TargetGroup), w.text) || v.NamesakeText() != w.its {
			t.Errorf("AWSALB %d: %+v, %q, %q; want role %d, %q, %q", i+1, v, v.Text(lb.TargetGroup), v.NamesakeText(), w.role, w.text, w.its)
		}
	}
}
