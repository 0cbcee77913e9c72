package engine

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"
)

// weightedLB returns a load balancer forwarding to blue and green with
// weights, target stickiness on in both, and group stickiness for
// groupSeconds (0: off, and target stickiness off too).
func weightedLB(tb testing.TB, seed uint64, blue, green, groupSeconds int) *LoadBalancer {
	tb.Helper()
	a := DefaultAttributes()
	a.StickinessEnabled = groupSeconds > 0
	lb, err := New(Config{
		Seed: seed,
		TargetGroups: []TargetGroupConfig{
			{Name: "blue", Weight: blue, Instances: 2, Attributes: &a},
			{Name: "green", Weight: green, Instances: 2, Attributes: &a},
		},
		TargetGroupStickiness: TargetGroupStickinessConfig{Enabled: groupSeconds > 0, DurationSeconds: groupSeconds},
	})
	if err != nil {
		tb.Fatal(err)
	}
	return lb
}

// TestWeightedSplit checks that without group stickiness each request goes
// to a target group in proportion to the weights, and never to weight 0.
func TestWeightedSplit(t *testing.T) {
	for _, w := range [][2]int{{80, 20}, {1, 1}, {0, 5}, {999, 0}} {
		lb := weightedLB(t, 3, w[0], w[1], 0)
		c := lb.NewClient("learner", nil, KeepCookies)
		const n = 20000
		got := map[string]int{}
		for range n {
			lb.Advance(10 * time.Millisecond)
			ex := lb.Do(c, "/")
			if ex.Status != 200 || ex.GroupReason != ReasonNoStickiness {
				t.Fatalf("weights %v: %s %s", w, ex.StatusText(), ex.GroupReason)
			}
			if g := lb.Instance(ex.TargetName).TargetGroup().Name; g != ex.TargetGroup {
				t.Fatalf("weights %v: %s served by %s of %s", w, ex.TargetGroup, ex.TargetName, g)
			}
			got[ex.TargetGroup]++
		}
		want := float64(n) * float64(w[0]) / float64(w[0]+w[1])
		if math.Abs(float64(got["blue"])-want) > 0.02*n {
			t.Errorf("weights %v: blue got %d of %d requests, want about %.0f", w, got["blue"], n, want)
		}
		if w[0] == 0 && got["blue"] != 0 || w[1] == 0 && got["green"] != 0 {
			t.Errorf("weights %v: a target group of weight 0 got requests: %v", w, got)
		}
	}
}

// TestGroupStickinessBlueGreen checks the blue/green lesson: after the
// weights shift from 100/0 to 0/100, a client with a valid AWSALBTG stays
// on blue while it keeps coming back within the duration, and goes to green
// once idle for longer.
func TestGroupStickinessBlueGreen(t *testing.T) {
	lb := weightedLB(t, 4, 100, 0, 60)
	c := lb.NewClient("learner", nil, KeepCookies)
	first := lb.Do(c, "/")
	if first.TargetGroup != "blue" || first.GroupReason != ReasonNewClient {
		t.Fatalf("first request: %s %s", first.TargetGroup, first.GroupReason)
	}
	var names []string
	for _, ck := range first.SetCookies {
		names = append(names, ck.Name)
		if ck.Name == CookieAWSALBTGCORS && (ck.SameSite != "None" || !ck.Secure) {
			t.Errorf("AWSALBTGCORS without SameSite=None; Secure: %+v", ck)
		}
	}
	if got := strings.Join(names, " "); !strings.Contains(got, "AWSALBTG AWSALBTGCORS") {
		t.Fatalf("first response sets %s, want AWSALBTG and AWSALBTGCORS", got)
	}
	if err := lb.SetTargetGroupWeights(0, 100); err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		lb.Advance(50 * time.Second)
		ex := lb.Do(c, "/")
		if ex.TargetGroup != "blue" || ex.GroupReason != ReasonSticky || ex.Reason != ReasonSticky || ex.TargetName != first.TargetName {
			t.Fatalf("request %d after the shift: %s %s, %s %s", i, ex.TargetGroup, ex.GroupReason, ex.TargetName, ex.Reason)
		}
	}
	if ex := lb.Do(lb.NewClient("new", nil, KeepCookies), "/"); ex.TargetGroup != "green" {
		t.Fatalf("a new client after the shift went to %s", ex.TargetGroup)
	}
	lb.Advance(61 * time.Second)
	if ex := lb.Do(c, "/"); ex.TargetGroup != "green" || ex.GroupReason != ReasonCookieExpired {
		t.Fatalf("idle past the duration: %s %s, want green cookie-expired", ex.TargetGroup, ex.GroupReason)
	}
}

// TestForwardErrors checks what a forward action refuses, and that a
// refused change leaves it as it was.
func TestForwardErrors(t *testing.T) {
	a := DefaultAttributes()
	if _, err := New(Config{Instances: 2, TargetGroups: []TargetGroupConfig{{Name: "blue", Weight: 1}}}); err == nil {
		t.Error("New accepted Instances beside TargetGroups")
	}
	if _, err := New(Config{TargetGroups: []TargetGroupConfig{{Name: "a", Weight: 1, Instances: 15}, {Name: "b", Weight: 1, Instances: 6}}}); err == nil {
		t.Error("New accepted 21 instances")
	}
	single, err := New(Config{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if single.SetTargetGroupWeights(1) == nil || single.SetTargetGroupStickiness(TargetGroupStickinessConfig{Enabled: true, DurationSeconds: 5}) == nil {
		t.Error("a listener with one target group accepted weights or group stickiness")
	}
	if f := single.Forward(); len(f.TargetGroups) != 1 || f.TargetGroups[0].TargetGroup != single.TargetGroup {
		t.Errorf("one target group's forward action: %+v", f)
	}
	if ex := single.Do(single.NewClient("learner", nil, KeepCookies), "/"); ex.TargetGroup != single.TargetGroup.Name {
		t.Errorf("one target group: the exchange names %q", ex.TargetGroup)
	}

	lb := weightedLB(t, 1, 50, 50, 0)
	if err := lb.SetTargetGroupWeights(0, 0); err == nil {
		t.Error("weights 0,0 accepted")
	}
	if err := lb.SetTargetGroupWeights(1, 2, 3); err == nil {
		t.Error("three weights for two target groups accepted")
	}
	if f := lb.Forward(); f.TargetGroups[0].Weight != 50 || f.TargetGroups[1].Weight != 50 {
		t.Errorf("a refused change altered the weights: %+v", f)
	}
	sticky := a
	sticky.StickinessEnabled = true
	green := lb.TargetGroupByName("green")
	var ve *ValidationError
	if err := green.SetAttributes(sticky); !errors.As(err, &ve) || !strings.HasSuffix(ve.Message, MessageEnableGroupStickinessFirst) || !strings.Contains(ve.Message, green.ARN) {
		t.Errorf("target stickiness without group stickiness: %v", err)
	}
	if err := lb.SetTargetGroupStickiness(TargetGroupStickinessConfig{Enabled: true, DurationSeconds: 30}); err != nil {
		t.Fatal(err)
	}
	if err := green.SetAttributes(sticky); err != nil {
		t.Errorf("target stickiness with group stickiness: %v", err)
	}
	if err := lb.SetTargetGroupStickiness(TargetGroupStickinessConfig{}); !errors.As(err, &ve) || ve.Message != MessageGroupStickinessRequired {
		t.Errorf("group stickiness off under target stickiness: %v", err)
	}
	app := sticky
	app.StickinessType, app.AppCookieName = AppCookie, SessionCookie
	if err := green.SetAttributes(app); !errors.As(err, &ve) || ve.Message != MessageAppCookieWithWeightedGroups {
		t.Errorf("app_cookie behind weighted target groups: %v", err)
	}
}

// TestExplainGroupCookies checks the cookie panel's verdicts on AWSALBTG
// and AWSALBTGCORS against the forward action's reasons.
func TestExplainGroupCookies(t *testing.T) {
	lb := weightedLB(t, 2, 50, 50, 60)
	c := lb.NewClient("learner", nil, KeepCookies)
	first := lb.Do(c, "/")
	verdicts := func() map[string]CookieVerdict {
		out := map[string]CookieVerdict{}
		for _, v := range lb.ExplainCookies(c.Jar.Cookies(lb.Now())) {
			out[v.Name] = v
		}
		return out
	}
	v := verdicts()
	for _, n := range []string{CookieAWSALBTG, CookieAWSALBTGCORS} {
		if v[n].Role != RoleFollowed || v[n].Reason != ReasonSticky || v[n].TargetGroup == nil || v[n].TargetGroup.Name != first.TargetGroup || v[n].Left != time.Minute {
			t.Errorf("%s: %+v; want followed, sticky, %s, 1m left", n, v[n], first.TargetGroup)
		}
	}
	if v[CookieAWSALB].Role != RoleFollowed || v[CookieAWSALB].Reason != ReasonSticky {
		t.Errorf("AWSALB beside the group cookies: %+v", v[CookieAWSALB])
	}
	lb.Advance(61 * time.Second)
	if v := verdicts()[CookieAWSALBTGCORS]; v.Reason != ReasonCookieExpired || !strings.Contains(v.Text(lb.TargetGroup), "group cookie expired") {
		t.Errorf("expired AWSALBTGCORS: %+v %q", v, v.Text(lb.TargetGroup))
	}
	if err := lb.TargetGroupByName("blue").SetAttributes(DefaultAttributes()); err != nil {
		t.Fatal(err)
	}
	if err := lb.TargetGroupByName("green").SetAttributes(DefaultAttributes()); err != nil {
		t.Fatal(err)
	}
	if err := lb.SetTargetGroupStickiness(TargetGroupStickinessConfig{}); err != nil {
		t.Fatal(err)
	}
	if v := verdicts()[CookieAWSALBTG]; v.Role != RoleDisabled {
		t.Errorf("AWSALBTG with group stickiness off: %+v", v)
	}
	if ex := lb.Do(c, "/"); ex.GroupReason != ReasonStickinessDisabled {
		t.Errorf("a group cookie sent with group stickiness off: %s", ex.GroupReason)
	}
}

// TestGroupStickyRequestAllocs checks that a returning client's request
// through group and target stickiness allocates nothing.
func TestGroupStickyRequestAllocs(t *testing.T) {
	lb := weightedLB(t, 1, 80, 20, 3600)
	c := lb.NewClient("learner", nil, KeepCookies)
	lb.Do(c, "/")
	allocs := testing.AllocsPerRun(200, func() {
		lb.Advance(50 * time.Millisecond)
		if ex := lb.serve(c, "/", true); ex.GroupReason != ReasonSticky || ex.Reason != ReasonSticky {
			t.Fatal(ex.GroupReason, ex.Reason)
		}
	})
	if allocs != 0 {
		t.Errorf("a group sticky request allocates %.1f times", allocs)
	}
}

// BenchmarkGroupStickyRequest is BenchmarkStickyRequest behind a weighted
// forward action with group stickiness: AWSALBTG, then AWSALB.
func BenchmarkGroupStickyRequest(b *testing.B) {
	benchReturning(b, weightedLB(b, 1, 80, 20, 3600), ReasonSticky, true)
}

// TestWeightedOnlyOnALB checks that weighted target groups and group
// stickiness are an Application Load Balancer's only: Classic and Network
// configs with them are refused, their listeners refuse weights, and a
// Classic or Network Load Balancer neither reads nor names group cookies.
func TestWeightedOnlyOnALB(t *testing.T) {
	groups := []TargetGroupConfig{{Name: "blue", Weight: 1}, {Name: "green", Weight: 1}}
	for _, typ := range []LoadBalancerType{ClassicLoadBalancer, NetworkLoadBalancer} {
		want := fmt.Sprintf(MessageWeightedNotALB, typ.Title())
		for _, cfg := range []Config{
			{Type: typ, TargetGroups: groups},
			{Type: typ, TargetGroupStickiness: TargetGroupStickinessConfig{Enabled: true, DurationSeconds: 60}},
		} {
			if _, err := New(cfg); err == nil || err.Error() != want {
				t.Errorf("%s with %+v: %v, want %q", typ, cfg, err, want)
			}
		}
		lb, err := New(Config{Type: typ, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		if err := lb.SetTargetGroupWeights(1); err == nil || err.Error() != want {
			t.Errorf("%s SetTargetGroupWeights: %v, want %q", typ, err, want)
		}
		if err := lb.SetTargetGroupStickiness(TargetGroupStickinessConfig{}); err == nil || err.Error() != want {
			t.Errorf("%s SetTargetGroupStickiness: %v, want %q", typ, err, want)
		}
		if got := lb.TargetGroups(); len(got) != 1 || got[0] != lb.TargetGroup {
			t.Errorf("%s target groups %v", typ, got)
		}
		c := lb.NewClient("c", nil, KeepCookies)
		ex := lb.Do(c, "/")
		if ex.TargetGroup != lb.TargetGroup.Name || ex.GroupReason != 0 {
			t.Errorf("%s exchange: group %q, %s", typ, ex.TargetGroup, ex.GroupReason)
		}
		for _, v := range lb.ExplainCookies([]StoredCookie{{Name: CookieAWSALBTG, Value: "x"}}) {
			if v.Role != RoleOther || v.Err != nil || v.Text(lb.TargetGroup) != "" {
				t.Errorf("%s: AWSALBTG %+v %q, want not read", typ, v, v.Text(lb.TargetGroup))
			}
		}
	}
	if lb, err := New(Config{Type: ClassicLoadBalancer}); err != nil || lb.TargetGroup.Name != "" || lb.TargetGroup.ARN != "" {
		t.Errorf("Classic: its one internal group %+v, %v", lb.TargetGroup, err)
	}
}

// TestWeightedImbalance checks Imbalance with weighted target groups: each
// group's own spread, the worst of them; a group the weights leave idle does
// not count (its instances are in service but get nothing on purpose).
func TestWeightedImbalance(t *testing.T) {
	lb := weightedLB(t, 3, 0, 100, 0)
	for i := range 30 {
		c := lb.NewClient(fmt.Sprint("c", i), nil, KeepCookies)
		lb.Do(c, "/")
		if i%3 == 0 {
			lb.Do(c, "/") // uneven: some clients come twice
		}
	}
	green := lb.TargetGroupByName("green")
	var counts []int64
	var sum, most int64
	for _, tg := range green.targets {
		n := lb.RecentRequests(tg, 60)
		counts, sum, most = append(counts, n), sum+n, max(most, n)
	}
	want := float64(most) / (float64(sum) / float64(len(counts)))
	if got := lb.Imbalance(60); sum == 0 || got != want {
		t.Errorf("imbalance %.3f, want green's %.3f (requests %v)", got, want, counts)
	}
}
