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
	return replayWith(t, seed, true)
}

// replayWith is replay; without headers, it subscribes without the Cookie
// and Set-Cookie headers and leaves them out of the trace.
func replayWith(t *testing.T, seed uint64, headers bool) []byte {
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
			cookie, setCookie := x.Cookie, x.SetCookie
			if !headers {
				cookie, setCookie = "-", "-"
			}
			fmt.Fprintf(&out, "  %s %s|%s|%s|%d|%s|%s|%d\n", x.SourceIP, cookie, setCookie, x.TargetID, x.Status, x.Reason, x.SessionID, x.Visits)
		}
	})
	learner := lb.NewClient("learner", nil, KeepCookies)
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
	if _, err := lb.StartCrowd(CrowdConfig{Clients: 200, ThinkTime: 2 * time.Second, ClearShare: 0.2, BlockShare: 0.1}); err != nil {
		t.Fatal(err)
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

// TestPutCookieMatchesStore checks that handing jars parsed cookies
// (CookiePutter) gives the same run as handing them Set-Cookie headers.
func TestPutCookieMatchesStore(t *testing.T) {
	put := replay(t, 7)
	parseSetCookies = true
	defer func() { parseSetCookies = false }()
	if parsed := replay(t, 7); !bytes.Equal(put, parsed) {
		t.Fatal("PutCookie and Store paths gave different traces")
	}
}

// TestJarLookupMatchesHeader checks that reading the crowd's cookies from
// their jars gives the same run as parsing their Cookie headers.
func TestJarLookupMatchesHeader(t *testing.T) {
	lookup := replayWith(t, 7, false)
	readHeaders = true
	defer func() { readHeaders = false }()
	if parsed := replayWith(t, 7, false); !bytes.Equal(lookup, parsed) {
		i := 0
		for i < len(lookup) && i < len(parsed) && lookup[i] == parsed[i] {
			i++
		}
		lo := max(0, i-200)
		t.Fatalf("jar lookups and Cookie headers gave different runs; first difference at byte %d:\n%s\n---\n%s", i, lookup[lo:min(len(lookup), i+200)], parsed[lo:min(len(parsed), i+200)])
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
			with := x.SetCookie != "" && (x.Cookie != "" || x.Session == SessionNew)
			without := x.Cookie == "" && x.SetCookie == ""
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
				t.Errorf("headers %v: request %d carries half its headers: Cookie %q, Set-Cookie %q", headers, x.Seq, x.Cookie, x.SetCookie)
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
	run := func() []string {
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
		lb.Advance(9 * 24 * time.Hour)
		var out []string
		for _, c := range cr.Clients {
			for _, ck := range c.Jar.(*MemoryJar).Cookies(lb.Now()) {
				out = append(out, fmt.Sprintf("%s %+v", c.Name, ck))
			}
		}
		return out
	}
	fast := run()
	readHeaders = true
	defer func() { readHeaders = false }()
	slow := run()
	if len(fast) == 0 || strings.Join(fast, "\n") != strings.Join(slow, "\n") {
		t.Fatalf("jars after 9 days:\nfast paths:\n%s\nheaders:\n%s", strings.Join(fast, "\n"), strings.Join(slow, "\n"))
	}
}
