package engine

import (
	"strings"
	"testing"
	"time"
)

// classicFuzzFixture is a Classic Load Balancer with a duration-based
// policy that has issued AWSELB cookies to real clients over two days, then
// seen its instances change state; issued maps each value to its instance.
func classicFuzzFixture(tb testing.TB) (*LoadBalancer, *Client, *headerJar, map[string]string, []string) {
	tb.Helper()
	lb, err := New(Config{Type: ClassicLoadBalancer, Seed: 103, Instances: 4,
		ListenerStickiness: ClassicStickiness{Type: LBCookieStickinessPolicyType, CookieExpirationPeriod: 6 * time.Hour}})
	if err != nil {
		tb.Fatal(err)
	}
	issued := map[string]string{}
	var headers []string
	var clients []*Client
	for _, name := range []string{"ana", "ben", "chloe", "dan"} {
		clients = append(clients, lb.NewClient(name, nil, KeepCookies))
	}
	request := func() {
		for _, c := range clients {
			headers = append(headers, jarHeader(c, lb.Now()))
			ex := lb.Do(c, "/")
			if v, ok := lookupCookie(ex.SetCookies, CookieAWSELB); ok {
				issued[v] = ex.TargetName
			}
		}
	}
	for _, step := range []time.Duration{0, time.Second, time.Hour, 7 * time.Hour, 20 * time.Hour} {
		lb.Advance(step)
		request()
	}
	for _, err := range []error{lb.SetFailHealthChecks("Instance 4", true), lb.StopInstance("Instance 2"), lb.DeregisterTarget("Instance 3")} {
		if err != nil {
			tb.Fatal(err)
		}
	}
	lb.Advance(2 * time.Minute)
	request()
	for _, t := range lb.Instances() {
		if err := lb.SetLatency(t.Name, 0); err != nil {
			tb.Fatal(err)
		}
	}
	jar := &headerJar{}
	return lb, lb.NewClient("fuzzer", jar, KeepCookies), jar, issued, headers
}

// FuzzClassicCookieHeader sends arbitrary Cookie headers to a Classic Load
// Balancer: none panics it or draws a status but 200, 502 or 503, and one is
// sticky only to the instance named by an AWSELB(CORS) value it issued.
func FuzzClassicCookieHeader(f *testing.F) {
	lb, fuzzer, jar, issued, headers := classicFuzzFixture(f)
	for _, h := range headers {
		f.Add(h)
	}
	for v := range issued {
		f.Add("AWSELB=" + v)
		f.Add("AWSELBCORS=" + v + "; AWSELB=" + strings.ToLower(v))
		f.Add("AWSELB=" + v[:len(v)/2] + "F" + v[len(v)/2+1:])
	}
	for _, g := range garbageSeeds {
		f.Add(g)
	}
	f.Fuzz(func(t *testing.T, header string) {
		jar.header = header
		ex := lb.Do(fuzzer, "/")
		switch ex.Status {
		case 200, 502, 503:
		default:
			t.Fatalf("Cookie %q: status %d", header, ex.Status)
		}
		if ex.Reason == ReasonSticky {
			v, ok := CookieValue(header, CookieAWSELBCORS)
			if !ok {
				v, _ = CookieValue(header, CookieAWSELB)
			}
			if target, ok := issued[v]; !ok || target != ex.TargetName {
				t.Fatalf("Cookie %q routed sticky to %s by %q (issued for %q, %v)", header, ex.TargetName, v, target, ok)
			}
		}
		// The cookies this response set are authentic from now on.
		if v, ok := lookupCookie(ex.SetCookies, CookieAWSELB); ok {
			issued[v] = ex.TargetName
		}
		(&fuzzFixture{lb: lb}).tidy()
	})
}
