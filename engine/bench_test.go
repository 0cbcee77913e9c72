package engine

import (
	"encoding/base64"
	"math"
	"testing"
	"time"
)

// benchLB returns a load balancer with lb_cookie stickiness and a learner
// who already holds a valid cookie.
func benchLB(b *testing.B) (*LoadBalancer, *Client) {
	b.Helper()
	a := DefaultAttributes()
	a.StickinessEnabled = true
	lb, err := New(Config{Seed: 1, Attributes: &a})
	if err != nil {
		b.Fatal(err)
	}
	c := lb.NewClient("learner", nil, KeepCookies)
	if ex := lb.Do(c, "/"); ex.Status != 200 {
		b.Fatal(ex.StatusText())
	}
	return lb, c
}

// BenchmarkStickyDecision measures the routing decision for a request
// carrying a valid AWSALB/AWSALBCORS cookie: cookie lookup, base64, AES-GCM
// open, duration and target checks. The load balancer's codec is rebuilt
// without its cache of opened values, so every iteration opens the cookie.
func BenchmarkStickyDecision(b *testing.B) {
	lb, c := benchLB(b)
	r := Request{Time: lb.now, Client: c, Cookies: c.Jar.Cookies(lb.now)}
	tg := lb.TargetGroup
	lb.codec = newUncachedCodec(lb.DNSName, lb.codec.secret)
	b.ReportAllocs()
	for b.Loop() {
		if _, reason := tg.stickiness.Route(&r); reason != ReasonSticky {
			b.Fatal(reason)
		}
	}
}

// BenchmarkStickyDecisionHeader is BenchmarkStickyDecision for a request
// whose cookies come as a Cookie header, as a browser's document.cookie
// does: the header is parsed first.
func BenchmarkStickyDecisionHeader(b *testing.B) {
	lb, c := benchLB(b)
	header := CookieHeader(c.Jar.Cookies(lb.now))
	r := Request{Time: lb.now, Client: c}
	tg := lb.TargetGroup
	lb.codec = newUncachedCodec(lb.DNSName, lb.codec.secret)
	b.ReportAllocs()
	for b.Loop() {
		r.Cookies = appendCookies(r.Cookies[:0], header, false)
		if _, reason := tg.stickiness.Route(&r); reason != ReasonSticky {
			b.Fatal(reason)
		}
	}
}

// BenchmarkStickyDecisionCached is BenchmarkStickyDecision for a cookie
// the codec opened before, as in a crowd.
func BenchmarkStickyDecisionCached(b *testing.B) {
	lb, c := benchLB(b)
	r := Request{Time: lb.now, Client: c, Cookies: c.Jar.Cookies(lb.now)}
	tg := lb.TargetGroup
	b.ReportAllocs()
	for b.Loop() {
		if _, reason := tg.stickiness.Route(&r); reason != ReasonSticky {
			b.Fatal(reason)
		}
	}
}

// BenchmarkAESGCMOpen measures one AES-GCM open of the same cookie: the
// physical floor of an encrypted cookie's decision.
func BenchmarkAESGCMOpen(b *testing.B) {
	lb, c := benchLB(b)
	v, _ := lookupCookie(c.Jar.Cookies(lb.Now()), CookieAWSALBCORS)
	cd := lb.codec
	sealed, err := base64.StdEncoding.DecodeString(v)
	if err != nil || len(sealed) != sealedLen {
		b.Fatal(err)
	}
	aead := cd.key(epochOf(lb.now))
	aad := cd.aadFor(kindLB)
	scratch := make([]byte, 0, plainLen)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := aead.Open(scratch, sealed[5:17], sealed[17:], aad); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStickyRequest measures a whole request of a returning user:
// cookie jar, decision, application session, cookie re-issue, jar update.
func BenchmarkStickyRequest(b *testing.B) {
	lb, c := benchLB(b)
	b.ReportAllocs()
	for b.Loop() {
		// 50 ms between requests: the previous one (20 ms) completes.
		lb.Advance(50 * time.Millisecond)
		if ex := lb.serve(c, "/", true); ex.Reason != ReasonSticky {
			b.Fatal(ex.Reason)
		}
	}
}

// BenchmarkClassicStickyRequest is BenchmarkStickyRequest on a Classic
// Load Balancer with a duration-based policy: AWSELB, in hexadecimal.
func BenchmarkClassicStickyRequest(b *testing.B) {
	// The longest period: AWSELB is set once and a run of millions of
	// requests 50 ms apart must stay within it.
	benchTypedRequest(b, Config{Type: ClassicLoadBalancer, Seed: 1,
		ListenerStickiness: ClassicStickiness{Type: LBCookieStickinessPolicyType, CookieExpirationPeriod: math.MaxInt32 * time.Second}}, ReasonSticky)
}

// BenchmarkNetworkRequest is BenchmarkStickyRequest on a Network Load
// Balancer with source IP stickiness: no cookie, one open connection.
func BenchmarkNetworkRequest(b *testing.B) {
	a := DefaultAttributesFor(NetworkLoadBalancer)
	a.StickinessEnabled = true
	benchTypedRequest(b, Config{Type: NetworkLoadBalancer, Seed: 1, Attributes: &a}, ReasonSourceIP)
}

func benchTypedRequest(b *testing.B, cfg Config, want Reason) {
	lb, err := New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	benchReturning(b, lb, want, false)
}

// benchReturning measures a returning client's request to lb every 50 ms,
// each routed for reason want: the target's, or with group the target
// group's (Exchange.GroupReason).
func benchReturning(b *testing.B, lb *LoadBalancer, want Reason, group bool) {
	c := lb.NewClient("learner", nil, KeepCookies)
	lb.Do(c, "/")
	b.ReportAllocs()
	for b.Loop() {
		lb.Advance(50 * time.Millisecond)
		ex := lb.serve(c, "/", true)
		got := ex.Reason
		if group {
			got = ex.GroupReason
		}
		if got != want {
			b.Fatal(got)
		}
	}
}

// BenchmarkNewClient measures a first visit: algorithm pick, new session,
// new cookies.
func BenchmarkNewClient(b *testing.B) {
	lb, c := benchLB(b)
	b.ReportAllocs()
	for b.Loop() {
		lb.Advance(50 * time.Millisecond)
		c.Jar.Clear()
		if ex := lb.serve(c, "/", true); ex.Reason != ReasonNewClient {
			b.Fatal(ex.Reason)
		}
	}
}

// BenchmarkCrowd runs 1,000,000 requests from 2,000 sticky clients (10%
// clear their cookies) and reports requests per second of wall time.
func BenchmarkCrowd(b *testing.B) { benchCrowd(b, 2000) }

// BenchmarkCrowd10k is BenchmarkCrowd with 10,000 clients, the most the lab
// runs: their jars and sessions no longer fit in the CPU caches.
func BenchmarkCrowd10k(b *testing.B) { benchCrowd(b, 10000) }

func benchCrowd(b *testing.B, clients int) {
	const requests = 1_000_000
	for b.Loop() {
		b.StopTimer()
		a := DefaultAttributes()
		a.StickinessEnabled = true
		lb, err := New(Config{Seed: 7, Attributes: &a, Instances: 5})
		if err != nil {
			b.Fatal(err)
		}
		// One request per client every 2 s on average.
		if _, err := lb.StartCrowd(CrowdConfig{Clients: clients, ThinkTime: 2 * time.Second, ClearShare: 0.1}); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		for lb.metrics.Requests < requests {
			lb.Advance(time.Second)
		}
	}
	b.ReportMetric(float64(requests)*float64(b.N)/b.Elapsed().Seconds(), "req/s")
}
