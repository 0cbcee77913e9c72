package engine

import (
	"strings"
	"testing"
	"time"
)

// groupFuzzFixture is a load balancer forwarding to three target groups
// with group stickiness, that has issued AWSALBTG cookies to real clients
// over several days (several key epochs).
type groupFuzzFixture struct {
	lb *LoadBalancer
	// issued maps every group cookie value set to the target group it names.
	issued map[string]string
	// targetValues are AWSALB values set: never valid as group cookies.
	targetValues []string
	fuzzer       *Client
	jar          *headerJar
}

// newGroupFuzzFixture builds the fixture; it is deterministic, so every
// fuzzing worker builds the same one.
func newGroupFuzzFixture(tb testing.TB) *groupFuzzFixture {
	tb.Helper()
	a := DefaultAttributes()
	a.StickinessEnabled = true
	lb, err := New(Config{
		Seed: 103,
		TargetGroups: []TargetGroupConfig{
			{Name: "blue", Weight: 5, Instances: 2, Attributes: &a},
			{Name: "green", Weight: 3, Instances: 2, Attributes: &a},
			{Name: "red", Weight: 2, Instances: 1, Attributes: &a},
		},
		TargetGroupStickiness: TargetGroupStickinessConfig{Enabled: true, DurationSeconds: 86400},
	})
	if err != nil {
		tb.Fatal(err)
	}
	fx := &groupFuzzFixture{lb: lb, issued: make(map[string]string)}
	var clients []*Client
	for _, name := range []string{"ana", "ben", "chloe", "dan", "eve", "fay", "gil", "hal"} {
		clients = append(clients, lb.NewClient(name, nil, KeepCookies))
	}
	for _, step := range []time.Duration{0, time.Second, time.Hour, 20 * time.Hour, 30 * time.Hour, 48 * time.Hour, 24 * time.Hour} {
		lb.Advance(step)
		for _, c := range clients {
			ex := lb.Do(c, "/")
			fx.record(&ex)
		}
	}
	for _, t := range lb.Instances() {
		if err := lb.SetLatency(t.Name, 0); err != nil {
			tb.Fatal(err)
		}
	}
	if len(fx.issued) < 10 {
		tb.Fatalf("fixture issued only %d group cookies", len(fx.issued))
	}
	fx.jar = &headerJar{}
	fx.fuzzer = lb.NewClient("fuzzer", fx.jar, KeepCookies)
	return fx
}

// record adds the cookies of one response to the fixture.
func (fx *groupFuzzFixture) record(ex *Exchange) {
	for _, c := range ex.SetCookies {
		switch c.Name {
		case CookieAWSALBTG, CookieAWSALBTGCORS:
			fx.issued[c.Value] = ex.TargetGroup
		case CookieAWSALB:
			fx.targetValues = append(fx.targetValues, c.Value)
		}
	}
}

// FuzzGroupCookie checks the AWSALBTG cookie: a value the load balancer
// issued decodes to the target group it named and routes there; any other
// value (tampered, garbage, an AWSALB value, another load balancer's) is
// treated as absent, never as group sticky.
func FuzzGroupCookie(f *testing.F) {
	fx := newGroupFuzzFixture(f)
	for v := range fx.issued {
		f.Add(v)
		for _, m := range mutations(v) {
			f.Add(m)
		}
	}
	for _, v := range fx.targetValues[:4] {
		f.Add(v)
	}
	// Another load balancer's group cookie is foreign.
	foreign := weightedLB(f, 104, 1, 1, 60)
	ex := foreign.Do(foreign.NewClient("other", nil, KeepCookies), "/")
	for _, c := range ex.SetCookies {
		if c.Name == CookieAWSALBTG {
			f.Add(c.Value)
		}
	}
	for _, g := range garbageSeeds {
		f.Add(g)
	}
	f.Fuzz(func(t *testing.T, value string) {
		lb := fx.lb
		for _, name := range []string{CookieAWSALBTG, CookieAWSALBTGCORS} {
			info, err := lb.DecodeCookie(name, value)
			group, issued := fx.issued[value]
			if err == nil {
				tg := lb.Listener.weighted.group(info.TargetGroup)
				if !issued || tg == nil || tg.Name != group || info.Target != 0 {
					t.Fatalf("%s=%q decoded as %+v, issued %v for %q", name, value, info, issued, group)
				}
			} else if issued {
				t.Fatalf("%s=%q issued for %s does not decode: %v", name, value, group, err)
			}
			// Group and target cookies are sealed apart.
			if _, err := lb.DecodeCookie(CookieAWSALB, value); err == nil && issued {
				t.Fatalf("group cookie %q decoded as AWSALB", value)
			}
			if strings.ContainsAny(value, ";\x00\r\n\" ,\\") {
				continue // not a cookie value a header can carry as is
			}
			fx.jar.header = name + "=" + value
			ex := lb.Do(fx.fuzzer, "/")
			if ex.Status != 200 {
				t.Fatalf("%s=%q: %s", name, value, ex.StatusText())
			}
			switch {
			case ex.GroupReason == ReasonSticky && (!issued || ex.TargetGroup != group):
				t.Fatalf("%s=%q routed group sticky to %s (issued %v for %q)", name, value, ex.TargetGroup, issued, group)
			case issued && ex.GroupReason != ReasonSticky && ex.GroupReason != ReasonCookieExpired:
				t.Fatalf("%s=%q issued for %s: %s", name, value, group, ex.GroupReason)
			}
		}
		// Fuzzed requests each start a session: drop them now and then.
		if n := lb.metrics.SessionsCreated; n%(1<<14) == 0 {
			for _, t := range lb.Instances() {
				t.own.reset()
			}
			clear(lb.origins)
		}
	})
}
