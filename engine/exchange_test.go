package engine

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestExchangeStart checks that start clears every field a request sets,
// so that a field added to Exchange cannot leak from one request into the
// next.
func TestExchangeStart(t *testing.T) {
	var ex Exchange
	v := reflect.ValueOf(&ex).Elem()
	for i := range v.NumField() {
		f := v.Field(i)
		if !f.CanSet() { // unexported: start sets it from its arguments
			continue
		}
		switch f.Kind() {
		case reflect.String:
			f.SetString("x")
		case reflect.Int, reflect.Int64:
			f.SetInt(7)
		case reflect.Uint8, reflect.Uint64:
			f.SetUint(7)
		case reflect.Bool:
			f.SetBool(true)
		case reflect.Slice: // cookies
			f.Set(reflect.MakeSlice(f.Type(), 1, 1))
		case reflect.Struct: // Time
			f.Set(reflect.ValueOf(time.Unix(1, 0)))
		default:
			t.Fatalf("field %s of kind %s: teach this test to set it", v.Type().Field(i).Name, f.Kind())
		}
	}
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	c := &Client{Name: "client-0001", IP: "10.0.0.1"}
	r := &Request{Time: now, Client: c, SourceIP: c.IP, Path: "/cart", Cookies: []StoredCookie{{Name: "a", Value: "1"}}}
	var sent []StoredCookie
	ex.start(r, false, &sent)
	want := Exchange{Seq: 8, Time: now, Client: c.Name, SourceIP: c.IP, Path: "/cart"}
	if !reflect.DeepEqual(ex, want) {
		t.Fatalf("after start:\n%+v\nwant\n%+v", ex, want)
	}
	// Recording, the request's cookies are copied, not shared.
	ex.start(r, true, &sent)
	if len(ex.Cookies) != 1 || &ex.Cookies[0] == &r.Cookies[0] || ex.Cookies[0] != r.Cookies[0] {
		t.Fatalf("recorded cookies %+v of %+v: want a copy", ex.Cookies, r.Cookies)
	}
	want.Seq, want.Cookies, want.recording = 9, ex.Cookies, true
	if !reflect.DeepEqual(ex, want) {
		t.Fatalf("after start:\n%+v\nwant\n%+v", ex, want)
	}
}

// TestExchangePage checks the page's words: a cart counts its items in
// the right plural, and a 502 or 503 says why without repeating its status.
func TestExchangePage(t *testing.T) {
	ok := Exchange{Status: 200, TargetName: "Instance 2", Session: SessionResumed, User: "ana", Visits: 3}
	for cart, want := range map[int]string{0: "cart: 0 items", 1: "cart: 1 item", 2: "cart: 2 items"} {
		ok.Cart = cart
		if got := ok.Page(); !strings.HasSuffix(got, want) {
			t.Errorf("cart %d: %q, want it to end %q", cart, got, want)
		}
	}
	for _, ex := range []Exchange{
		{Status: 502, TargetName: "Instance 2", Reason: ReasonSticky},
		{Status: 502, TargetName: "Instance 2", Reason: ReasonDirect},
		{Status: 503, Reason: ReasonNoTargets},
	} {
		page := ex.Page()
		if strings.Contains(page, ex.StatusText()) || strings.Contains(page, fmt.Sprint(ex.Status)) {
			t.Errorf("%d page %q repeats its status %q", ex.Status, page, ex.StatusText())
		}
		if ex.Status == 502 && !strings.HasPrefix(page, "Instance 2 did not answer: the instance is stopped.") {
			t.Errorf("502 page %q does not say why", page)
		}
	}
	if page := (&Exchange{Status: 502, TargetName: "Instance 2", Reason: ReasonSticky}).Page(); !strings.Contains(page, "health checks") {
		t.Errorf("502 page %q does not say the load balancer keeps routing there until health checks fail", page)
	}
	// No HTTP answer at all: a Network Load Balancer's, or an instance
	// opened directly while stopped.
	for _, c := range []struct {
		ex        Exchange
		status    string
		page, why string
	}{
		{Exchange{Failure: FailureTimedOut, TargetName: "Instance 2", Reason: ReasonSameConnection}, "Connection timed out", "no 502 page", "same TCP connection"},
		{Exchange{Failure: FailureTimedOut, TargetName: "Instance 2", Reason: ReasonDirect}, "Connection timed out", "so the connection timed out.", "opened directly"},
		{Exchange{Failure: FailureReset, Reason: ReasonNoTargets}, "Connection reset", "resets it", "the connection is reset"},
	} {
		if got := c.ex.StatusText(); got != c.status {
			t.Errorf("%s %s: StatusText %q, want %q", c.ex.Failure, c.ex.Reason, got, c.status)
		}
		if got := c.ex.Page(); !strings.Contains(got, c.page) || strings.Contains(got, "502 Bad") {
			t.Errorf("%s %s: Page %q, want it to say %q", c.ex.Failure, c.ex.Reason, got, c.page)
		}
		if got := c.ex.Why(); !strings.Contains(got, c.why) || strings.Contains(got, "503") {
			t.Errorf("%s %s: Why %q, want it to say %q", c.ex.Failure, c.ex.Reason, got, c.why)
		}
	}
}

// TestWhyNewClientWithoutCookie checks that a new client's explanation
// says "cookie set" only when the response set a stickiness cookie: under
// app_cookie naming a cookie the application never sets, none is set.
func TestWhyNewClientWithoutCookie(t *testing.T) {
	for _, tt := range []struct {
		typ    StickinessType
		cookie string
		set    bool
	}{
		{LBCookie, "", true},
		{AppCookie, "SESSIONID", true},   // the application's own cookie
		{AppCookie, "JSESSIONID", false}, // a name the application never sets
	} {
		a := DefaultAttributes()
		a.StickinessEnabled, a.StickinessType, a.AppCookieName = true, tt.typ, tt.cookie
		lb, err := New(Config{Seed: 5, Attributes: &a})
		if err != nil {
			t.Fatal(err)
		}
		ex := lb.Do(lb.NewClient("learner", nil, KeepCookies), "/")
		if ex.Reason != ReasonNewClient || ex.StickinessSet != tt.set {
			t.Fatalf("%s %q: reason %s, stickiness cookie set %v; want new-client, %v", tt.typ, tt.cookie, ex.Reason, ex.StickinessSet, tt.set)
		}
		if got := strings.Contains(ex.Why(), "cookie set"); got != tt.set {
			t.Errorf("%s %q: Why() = %q", tt.typ, tt.cookie, ex.Why())
		}
		if !tt.set && !strings.Contains(ex.Why(), "none was set") {
			t.Errorf("%s %q: Why() = %q, want it to say no cookie was set", tt.typ, tt.cookie, ex.Why())
		}
	}
}

// TestNetworkNoTargetResets checks a Network Load Balancer with no target
// registered: the connection is reset, with no HTTP status, and the next
// request opens a new one.
func TestNetworkNoTargetResets(t *testing.T) {
	a := DefaultAttributesFor(NetworkLoadBalancer)
	a.DeregistrationDelay = 0
	lb, err := New(Config{Seed: 3, Type: NetworkLoadBalancer, Attributes: &a})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range lb.Instances() {
		if err := lb.DeregisterTarget(x.Name); err != nil {
			t.Fatal(err)
		}
	}
	c := lb.NewClient("learner", nil, KeepCookies)
	for i := range 2 {
		ex := lb.Do(c, "/")
		if ex.Status != 0 || ex.Failure != FailureReset || ex.Reason != ReasonNoTargets || !ex.NewConnection {
			t.Errorf("request %d: status %d, failure %q, %s, new connection %v; want a reset, then a new connection", i+1, ex.Status, ex.Failure, ex.Reason, ex.NewConnection)
		}
	}
	if m := lb.Metrics(); m.FailedConnections != 2 || m.ELB503 != 0 {
		t.Errorf("metrics %+v", m)
	}
}
