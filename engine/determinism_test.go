package engine

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"
)

// replay runs one fixed script — the learner's refreshes, configuration
// changes, failures and a crowd — and returns everything observable: every
// exchange with its raw Cookie and Set-Cookie headers, and every event.
func replay(t *testing.T, seed uint64) []byte {
	t.Helper()
	return replayWith(t, seed, true, false)
}

// replayWith is replay; without headers, it subscribes without the cookies
// and leaves them out of the trace; with text, every jar goes through
// Cookie and Set-Cookie header text (textJar).
func replayWith(t *testing.T, seed uint64, headers, text bool) []byte {
	t.Helper()
	var out bytes.Buffer
	lb, err := New(Config{Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	subscribe := lb.Subscribe
	if !headers {
		subscribe = lb.SubscribeWithoutHeaders
	}
	subscribe(func(e Event) {
		fmt.Fprintf(&out, "%d %s %s\n", e.Seq, e.Time.Format(time.RFC3339Nano), e)
		if x := e.Exchange; x != nil {
			cookie, setCookie := x.CookieHeader(), strings.Join(x.SetCookieHeaders(), "\n")
			if !headers {
				cookie, setCookie = "-", "-"
			}
			fmt.Fprintf(&out, "  %s %s|%s|%s|%d|%s|%s|%d\n", x.SourceIP, cookie, setCookie, x.TargetID, x.Status, x.Reason, x.SessionID, x.Visits)
		}
	})
	var learner *Client
	if text {
		learner = lb.NewClient("learner", textJar{new(MemoryJar)}, KeepCookies)
	} else {
		learner = lb.NewClient("learner", nil, KeepCookies)
	}
	step := func(n int) {
		for i := 0; i < n; i++ {
			lb.Do(learner, "/")
			lb.Advance(700 * time.Millisecond)
		}
	}
	step(4)
	a := lb.TargetGroup.Attributes()
	a.StickinessEnabled = true
	a.LBCookieDuration = 20 * time.Second
	if err := lb.TargetGroup.SetAttributes(a); err != nil {
		t.Fatal(err)
	}
	step(5)
	cr, err := lb.StartCrowd(CrowdConfig{Clients: 200, ThinkTime: 2 * time.Second, ClearShare: 0.2, BlockShare: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	if text {
		useTextJars(cr)
	}
	lb.Advance(30 * time.Second)
	if err := lb.StopInstance("Instance 2"); err != nil {
		t.Fatal(err)
	}
	lb.Advance(90 * time.Second)
	a.Algorithm = LeastOutstandingRequests
	if err := lb.TargetGroup.SetAttributes(a); err != nil {
		t.Fatal(err)
	}
	if _, err := lb.LaunchInstance(); err != nil {
		t.Fatal(err)
	}
	lb.Advance(200 * time.Second)
	step(3)
	a.StickinessType, a.AppCookieName = AppCookie, SessionCookie
	if err := lb.TargetGroup.SetAttributes(a); err != nil {
		t.Fatal(err)
	}
	lb.Advance(60 * time.Second)
	step(3)
	return out.Bytes()
}

// TestDeterminism checks that the same seed and script give the same trace,
// byte for byte, and that another seed gives another trace.
func TestDeterminism(t *testing.T) {
	a, b := replay(t, 42), replay(t, 42)
	if len(a) < 50000 {
		t.Fatalf("trace suspiciously short: %d bytes", len(a))
	}
	if !bytes.Equal(a, b) {
		i := 0
		for i < len(a) && i < len(b) && a[i] == b[i] {
			i++
		}
		lo := max(0, i-200)
		t.Fatalf("same seed, different traces; first difference at byte %d:\n%s\n---\n%s", i, a[lo:min(len(a), i+200)], b[lo:min(len(b), i+200)])
	}
	if c := replay(t, 43); bytes.Equal(a, c) {
		t.Fatal("seeds 42 and 43 gave the same trace")
	}
}

// textJar is a jar that takes and returns cookies only through Cookie and
// Set-Cookie header text, as a browser's document.cookie does: the plain
// path the typed jars' shortcuts must match.
type textJar struct{ j *MemoryJar }

func (t textJar) Cookies(now time.Time) []StoredCookie { return ParseCookieHeader(t.j.Header(now)) }
func (t textJar) Clear()                               { t.j.Clear() }
func (t textJar) SetCookies(now time.Time, cs []StoredCookie) error {
	for _, c := range cs {
		if err := t.j.Store(now, FormatSetCookie(c)); err != nil {
			return err
		}
	}
	return nil
}

// useTextJars makes every client of cr use a textJar around its MemoryJar.
func useTextJars(cr *Crowd) {
	for _, c := range cr.Clients {
		if b, ok := c.Jar.(blockingJar); ok {
			c.Jar = blockingJar{textJar{b.CookieJar.(*MemoryJar)}}
		} else {
			c.Jar = textJar{c.Jar.(*MemoryJar)}
		}
	}
}

// TestTypedJarsMatchText checks that handing jars typed cookies, and the
// crowd's MemoryJar shortcuts, give the same run as going through Cookie
// and Set-Cookie header text, with and without recorded cookies.
func TestTypedJarsMatchText(t *testing.T) {
	for _, headers := range []bool{true, false} {
		typed, text := replayWith(t, 7, headers, false), replayWith(t, 7, headers, true)
		if !bytes.Equal(typed, text) {
			i := 0
			for i < len(typed) && i < len(text) && typed[i] == text[i] {
				i++
			}
			lo := max(0, i-200)
			t.Fatalf("headers %v: typed jars and header text gave different runs; first difference at byte %d:\n%s\n---\n%s", headers, i, typed[lo:min(len(typed), i+200)], text[lo:min(len(text), i+200)])
		}
	}
}

// TestCrowdSkipsHeaders checks that the crowd's requests carry their
// Cookie and Set-Cookie headers only when a subscriber reads them, and the
// learner's always.
func TestCrowdSkipsHeaders(t *testing.T) {
	for _, headers := range []bool{false, true} {
		a := DefaultAttributes()
		a.StickinessEnabled = true
		lb, err := New(Config{Seed: 3, Attributes: &a})
		if err != nil {
			t.Fatal(err)
		}
		var crowdWith, crowdWithout, learnerWith, learnerWithout int
		f := func(e Event) {
			x := e.Exchange
			if x == nil {
				return
			}
			// A first visit sends no cookie either way; every response
			// sets AWSALB.
			with := len(x.SetCookies) > 0 && (len(x.Cookies) > 0 || x.Session == SessionNew)
			without := len(x.Cookies) == 0 && len(x.SetCookies) == 0
			switch {
			case x.Client == "learner" && with:
				learnerWith++
			case x.Client == "learner":
				learnerWithout++
			case with:
				crowdWith++
			case without:
				crowdWithout++
			default:
				t.Errorf("headers %v: request %d carries half its cookies: Cookie %q, Set-Cookie %q", headers, x.Seq, x.CookieHeader(), x.SetCookieHeaders())
			}
		}
		if headers {
			lb.Subscribe(f)
		} else {
			lb.SubscribeWithoutHeaders(f)
		}
		if _, err := lb.StartCrowd(CrowdConfig{Clients: 50, ThinkTime: time.Second}); err != nil {
			t.Fatal(err)
		}
		learner := lb.NewClient("learner", nil, KeepCookies)
		for range 5 {
			lb.Do(learner, "/")
			lb.Advance(2 * time.Second)
		}
		if learnerWith != 5 || learnerWithout != 0 {
			t.Errorf("headers %v: %d learner requests with their headers, %d without; want 5 with", headers, learnerWith, learnerWithout)
		}
		if headers && (crowdWithout != 0 || crowdWith == 0) {
			t.Errorf("Subscribe: %d crowd requests with headers, %d without; want all with", crowdWith, crowdWithout)
		}
		if !headers && (crowdWith != 0 || crowdWithout == 0) {
			t.Errorf("SubscribeWithoutHeaders: %d crowd requests with headers, %d without; want none with", crowdWith, crowdWithout)
		}
	}
}

// TestCrowdJarsMatchHeaderPath runs a small crowd for longer than a
// cookie's 7-day Expires twice, reading and storing cookies through the
// jars' fast paths and through the headers, and compares what every jar
// holds at the end, attributes and expiry included.
func TestCrowdJarsMatchHeaderPath(t *testing.T) {
	run := func(text bool) []string {
		a := DefaultAttributes()
		a.StickinessEnabled = true
		lb, err := New(Config{Seed: 11, Attributes: &a})
		if err != nil {
			t.Fatal(err)
		}
		cr, err := lb.StartCrowd(CrowdConfig{Clients: 6, ThinkTime: time.Hour, ClearShare: 0.34})
		if err != nil {
			t.Fatal(err)
		}
		jars := make([]*MemoryJar, len(cr.Clients))
		for i, c := range cr.Clients {
			jars[i] = c.Jar.(*MemoryJar)
		}
		if text {
			useTextJars(cr)
		}
		lb.Advance(9 * 24 * time.Hour)
		var out []string
		for i, c := range cr.Clients {
			for _, ck := range jars[i].All(lb.Now()) {
				out = append(out, fmt.Sprintf("%s %+v", c.Name, ck))
			}
		}
		return out
	}
	fast, slow := run(false), run(true)
	if len(fast) == 0 || strings.Join(fast, "\n") != strings.Join(slow, "\n") {
		t.Fatalf("jars after 9 days:\nfast paths:\n%s\nheaders:\n%s", strings.Join(fast, "\n"), strings.Join(slow, "\n"))
	}
}
