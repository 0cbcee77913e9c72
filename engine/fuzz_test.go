package engine

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"
)

// fuzzFixture is a load balancer with stickiness on that has issued
// stickiness cookies to real clients over several days (several key
// epochs), then seen its targets change state: Instance 1 healthy,
// Instance 2 stopped but not yet found unhealthy (502), Instance 3
// draining, Instance 4 unhealthy.
type fuzzFixture struct {
	lb *LoadBalancer
	// kind is the cookie the load balancer reads: lb_cookie or app_cookie.
	kind StickinessType
	// issued maps every stickiness cookie value the load balancer has set
	// to the name of the target it names.
	issued map[string]string
	// headers are Cookie headers real clients sent.
	headers []string
	// setCookies are Set-Cookie headers the load balancer sent.
	setCookies []string
	// fuzzer is the client that sends the fuzzed Cookie headers.
	fuzzer *Client
	jar    *headerJar
}

// headerJar is a CookieJar that always sends one fixed Cookie header and
// stores nothing: an attacker's hand-made requests.
type headerJar struct{ header string }

func (j *headerJar) Cookies(time.Time) []StoredCookie           { return ParseCookieHeader(j.header) }
func (j *headerJar) SetCookies(time.Time, []StoredCookie) error { return nil }
func (j *headerJar) Clear()                                     {}

// newFuzzFixture builds the fixture for stickiness type kind. It is
// deterministic, so every fuzzing worker builds the same one.
func newFuzzFixture(tb testing.TB, kind StickinessType) *fuzzFixture {
	tb.Helper()
	a := DefaultAttributes()
	a.StickinessEnabled = true
	a.StickinessType = kind
	a.AppCookieName = SessionCookie
	seed := uint64(101)
	if kind == AppCookie {
		seed = 102
	}
	lb, err := New(Config{Seed: seed, Instances: 4, Attributes: &a})
	if err != nil {
		tb.Fatal(err)
	}
	fx := &fuzzFixture{lb: lb, kind: kind, issued: make(map[string]string)}
	var clients []*Client
	for _, name := range []string{"ana", "ben", "chloe", "dan", "eve", "fay"} {
		clients = append(clients, lb.NewClient(name, nil, KeepCookies))
	}
	request := func(c *Client) {
		fx.headers = append(fx.headers, jarHeader(c, lb.Now()))
		ex := lb.Do(c, "/")
		fx.record(&ex)
	}
	// Cookies issued over four days: some are past the one-day stickiness
	// duration, all are within the keys' lifetime.
	for _, step := range []time.Duration{0, time.Second, time.Hour, 20 * time.Hour, 30 * time.Hour, 48 * time.Hour, 24 * time.Hour} {
		lb.Advance(step)
		for _, c := range clients {
			request(c)
		}
	}
	// Change the targets' states.
	must := func(err error) {
		tb.Helper()
		if err != nil {
			tb.Fatal(err)
		}
	}
	must(lb.SetFailHealthChecks("Instance 4", true))
	lb.Advance(2 * time.Minute)
	must(lb.StopInstance("Instance 2"))
	must(lb.DeregisterTarget("Instance 3"))
	for _, c := range clients {
		request(c)
	}
	want := map[string]TargetState{"Instance 1": StateHealthy, "Instance 2": StateHealthy, "Instance 3": StateDraining, "Instance 4": StateUnhealthy}
	for name, st := range want {
		if got := lb.Instance(name).State; got != st {
			tb.Fatalf("fixture: %s is %s, want %s", name, got, st)
		}
	}
	// Requests complete at once and nothing runs while fuzzing: the clock
	// stands still.
	for _, t := range lb.Instances() {
		must(lb.SetLatency(t.Name, 0))
	}
	fx.jar = &headerJar{}
	fx.fuzzer = lb.NewClient("fuzzer", fx.jar, KeepCookies)
	if len(fx.issued) < 20 {
		tb.Fatalf("fixture issued only %d cookies", len(fx.issued))
	}
	return fx
}

// record adds the stickiness cookies of one response to fx.issued.
func (fx *fuzzFixture) record(ex *Exchange) {
	for _, h := range ex.SetCookieHeaders() {
		fx.setCookies = append(fx.setCookies, h)
		name, rest, _ := strings.Cut(h, "=")
		value, _, _ := strings.Cut(rest, ";")
		switch name {
		case CookieAWSALB, CookieAWSALBCORS, CookieAWSALBAPP:
			fx.issued[value] = ex.TargetName
		}
	}
}

// stickyValue returns the stickiness cookie value the load balancer reads
// from a Cookie header: AWSALBCORS before AWSALB, or AWSALBAPP-0.
func (fx *fuzzFixture) stickyValue(header string) (string, bool) {
	if fx.kind == AppCookie {
		return CookieValue(header, CookieAWSALBAPP)
	}
	if v, ok := CookieValue(header, CookieAWSALBCORS); ok {
		return v, true
	}
	return CookieValue(header, CookieAWSALB)
}

// containsIssued reports whether header holds, anywhere, a value fx's load
// balancer issued for target. It does not parse the header, so it does
// not share the engine's parsing mistakes.
func (fx *fuzzFixture) containsIssued(header, target string) bool {
	for i := 0; i+b64Len <= len(header); i++ {
		if t, ok := fx.issued[header[i:i+b64Len]]; ok && t == target {
			return true
		}
	}
	return false
}

// tidy drops the sessions that fuzzed requests pile up, so that long runs
// do not grow without bound. Routing does not depend on them.
func (fx *fuzzFixture) tidy() {
	n := 0
	for _, t := range fx.lb.Instances() {
		n += t.own.Len()
	}
	if n < 1<<14 {
		return
	}
	for _, t := range fx.lb.Instances() {
		t.own.reset()
	}
	clear(fx.lb.origins)
}

// garbageSeeds are hand-made inputs for the fuzzers' seed corpora.
var garbageSeeds = []string{
	"",
	" ",
	";",
	"=",
	"==",
	"\x00",
	"\xff\xfe",
	"AWSALB",
	"AWSALB=",
	"AWSALB=;AWSALBCORS=",
	"AWSALB=\"\"",
	strings.Repeat("A", b64Len),
	strings.Repeat("A", b64Len-2) + "==",
	strings.Repeat("/", b64Len),
	strings.Repeat("=", b64Len),
	"AWSALBAPP-0=" + strings.Repeat("A", b64Len) + "; SESSIONID=x",
	"AWSALBCORS=" + strings.Repeat("+", b64Len) + "; AWSALB=" + strings.Repeat("B", b64Len),
	strings.Repeat("a=b; ", 2000),
	strings.Repeat("AWSALB=", 1000),
	strings.Repeat("x", 1<<16),
}

// mutations returns variants of an issued value: each a one-character
// change the codec must reject.
func mutations(v string) []string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	last := strings.IndexByte(alphabet, v[len(v)-3])
	out := []string{
		// The same bytes spelled with an unused low bit of the last
		// character set: lax base64 decodes it to the issued cookie.
		v[:len(v)-3] + string(alphabet[last^1]) + v[len(v)-2:],
		v[:len(v)-1],       // one short
		v + "A",            // one long
		"\"" + v + "\"",    // quoted
		" " + v,            // leading space
		strings.ToLower(v), // case changed
		v[1:] + v[:1],      // rotated
		v[:b64Len/2] + "A" + v[b64Len/2+1:],
	}
	raw, err := base64.StdEncoding.DecodeString(v)
	if err == nil {
		raw[len(raw)-1] ^= 0x80
		out = append(out, base64.StdEncoding.EncodeToString(raw))
	}
	return out
}

// FuzzDecodeCookie checks that the load balancer never accepts a cookie
// value it did not issue: whatever the value, DecodeCookie does not panic,
// and it succeeds only for a value byte-identical to one it set, under that
// value's own cookie name.
func FuzzDecodeCookie(f *testing.F) {
	fixtures := [2]*fuzzFixture{newFuzzFixture(f, LBCookie), newFuzzFixture(f, AppCookie)}
	names := [3]string{CookieAWSALB, CookieAWSALBCORS, CookieAWSALBAPP}
	for which, fx := range fixtures {
		for v := range fx.issued {
			for n := range names {
				f.Add(uint8(which*3+n), v)
			}
			for _, m := range mutations(v) {
				f.Add(uint8(which*3+which*2), m)
			}
		}
		for _, g := range garbageSeeds {
			f.Add(uint8(which*3), g)
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, value string) {
		fx := fixtures[which/3%2]
		name := names[which%3]
		info, err := fx.lb.DecodeCookie(name, value)
		if err != nil {
			return
		}
		target, ok := fx.issued[value]
		if !ok {
			t.Fatalf("%s=%q decoded as %+v, but the load balancer never issued it", name, value, info)
		}
		if (fx.kind == AppCookie) != (name == CookieAWSALBAPP) {
			t.Fatalf("%s cookie %q accepted under the name %s", fx.kind, value, name)
		}
		if got := fx.lb.TargetByUID(info.Target); got == nil || got.Name != target || info.TargetGroup != fx.lb.TargetGroup.id {
			t.Fatalf("%s=%q decoded as %+v, issued for %s", name, value, info, target)
		}
	})
}

// FuzzCookieHeader sends arbitrary Cookie headers to load balancers with
// lb_cookie and app_cookie stickiness. No header may panic the engine or
// draw a status other than 200, 502 or 503, and a request is routed by
// stickiness only to the target named by an authentic cookie the load
// balancer issued (copying a real client's cookie is legitimate).
func FuzzCookieHeader(f *testing.F) {
	fixtures := [2]*fuzzFixture{newFuzzFixture(f, LBCookie), newFuzzFixture(f, AppCookie)}
	for _, fx := range fixtures {
		for _, h := range fx.headers {
			f.Add(h)
		}
		n := 0
		for v := range fx.issued {
			if n++; n > 8 {
				break
			}
			f.Add("AWSALB=" + v)
			f.Add("AWSALBCORS=" + v + "; AWSALB=" + v)
			f.Add("SESSIONID=s-0; AWSALBAPP-0=" + v)
			for _, m := range mutations(v) {
				f.Add("AWSALB=" + m + "; SESSIONID=x; AWSALBAPP-0=" + m)
			}
		}
	}
	for _, g := range garbageSeeds {
		f.Add(g)
	}
	f.Fuzz(func(t *testing.T, header string) {
		for _, fx := range fixtures {
			fx.jar.header = header
			ex := fx.lb.Do(fx.fuzzer, "/")
			switch ex.Status {
			case 200, 502, 503:
			default:
				t.Fatalf("%s: Cookie %q: status %d", fx.kind, header, ex.Status)
			}
			if ex.Status != 503 && ex.TargetName == "" {
				t.Fatalf("%s: Cookie %q: status %d from no target", fx.kind, header, ex.Status)
			}
			if ex.Reason == ReasonSticky {
				v, _ := fx.stickyValue(header)
				if target, ok := fx.issued[v]; !ok || target != ex.TargetName {
					t.Fatalf("%s: Cookie %q routed sticky to %s by %q (issued for %q, %v)", fx.kind, header, ex.TargetName, v, target, ok)
				}
				if !fx.containsIssued(header, ex.TargetName) {
					t.Fatalf("%s: Cookie %q routed sticky to %s, but holds no cookie issued for it", fx.kind, header, ex.TargetName)
				}
			}
			// The cookies this response set are authentic from now on.
			fx.record(&ex)
			fx.setCookies = fx.setCookies[:0]
			fx.tidy()
		}
	})
}

// FuzzParseSetCookie checks that ParseSetCookie never panics and that a
// cookie it accepts has a name that can be sent back in a Cookie header.
func FuzzParseSetCookie(f *testing.F) {
	for _, fx := range []*fuzzFixture{newFuzzFixture(f, LBCookie), newFuzzFixture(f, AppCookie)} {
		n := 0
		for _, h := range fx.setCookies {
			if n++; n > 20 {
				break
			}
			f.Add(h)
		}
	}
	for _, h := range []string{
		"SESSIONID=s-1; Path=/",
		"a=1; Max-Age=60; Expires=Mon, 12 Jan 2026 09:00:00 GMT",
		"a=1; Max-Age=0",
		"a=1; Max-Age=99999999999",
		"a=1; Expires=Sat, 31 Feb 2026 09:00:00 GMT",
		"a=1; Expires=mon, 12 jan 2026 09:00:60 GMT",
		"a=1; SameSite=None; Secure; HttpOnly; Domain=x",
		" a = 1 ; path = / ",
		"a b=1",
		// Found by fuzzing: a control character in the name was accepted.
		"\x13=",
		"a\nb=1",
	} {
		f.Add(h)
	}
	for _, g := range garbageSeeds {
		f.Add(g)
	}
	f.Fuzz(func(t *testing.T, h string) {
		c, err := ParseSetCookie(Epoch, h)
		if err != nil {
			return
		}
		if c.Name == "" {
			t.Fatalf("ParseSetCookie(%q): empty name", h)
		}
		for i := 0; i < len(c.Name); i++ {
			if b := c.Name[i]; b == ';' || b == '=' || b == ' ' || b < 0x20 || b == 0x7f {
				t.Fatalf("ParseSetCookie(%q): name %q contains %q", h, c.Name, b)
			}
		}
		if strings.Contains(c.Value, ";") {
			t.Fatalf("ParseSetCookie(%q): value %q contains ';'", h, c.Value)
		}
		// The cookie, sent back and set again, keeps its name and value.
		again, err := ParseSetCookie(Epoch, c.Name+"="+c.Value)
		if err != nil || again.Name != c.Name || again.Value != c.Value {
			t.Fatalf("ParseSetCookie(%q) = %q=%q; set again: %q=%q, %v", h, c.Name, c.Value, again.Name, again.Value, err)
		}
		if v, ok := CookieValue(c.Name+"="+c.Value, c.Name); !ok || (v != c.Value && "\""+v+"\"" != c.Value) {
			t.Fatalf("ParseSetCookie(%q) = %q=%q, but CookieValue reads %q, %v", h, c.Name, c.Value, v, ok)
		}
	})
}

// FuzzParseHTTPDate checks the allocation-free Expires parser against
// time.Parse: both accept the same dates and read them alike.
func FuzzParseHTTPDate(f *testing.F) {
	for _, s := range []string{
		"Mon, 12 Jan 2026 09:00:00 GMT",
		"Thu, 01 Jan 1970 00:00:00 GMT",
		"Sat, 31 Feb 2026 09:00:00 GMT",
		"Mon, 12 Jan 2026 09:00:60 GMT",
		"mon, 12 JAN 2026 09:00:00 GMT",
		"Xyz, 12 Jan 2026 09:00:00 GMT",
		"Mon, 12 Jan 0000 00:00:00 GMT",
		"Mon, 12 Jan 2026 09:00:00 UTC",
		"Monday, 12-Jan-26 09:00:00 GMT",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := parseHTTPDate(s)
		want, err := time.Parse(TimeFormat, s)
		if ok != (err == nil) || ok && !got.Equal(want) {
			t.Fatalf("parseHTTPDate(%q) = %v, %v; time.Parse = %v, %v", s, got, ok, want, err)
		}
	})
}
