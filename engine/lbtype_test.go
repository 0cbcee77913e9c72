package engine

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
)

func newTyped(t *testing.T, cfg Config) *LoadBalancer {
	t.Helper()
	lb, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return lb
}

func TestLoadBalancerTypes(t *testing.T) {
	for _, typ := range LoadBalancerTypes {
		lb := newTyped(t, Config{Type: typ, Seed: 1})
		if name, _ := defaultName(typ); lb.Type != typ || !strings.HasPrefix(lb.DNSName, name+"-") || typ.Title() == string(typ) {
			t.Errorf("%s: type %s, DNS name %s, title %q", typ, lb.Type, lb.DNSName, typ.Title())
		}
	}
	if lb := newTyped(t, Config{}); lb.Type != ApplicationLoadBalancer {
		t.Errorf("zero Config: %s, want application", lb.Type)
	}
	if _, err := New(Config{Type: "gateway"}); !errors.Is(err, ErrLoadBalancerType) {
		t.Errorf("unknown type: %v", err)
	}
	clb := newTyped(t, Config{Type: ClassicLoadBalancer})
	if tg := clb.TargetGroup; tg.Name != "" || tg.ARN != "" || tg.Attributes().Algorithm != LeastOutstandingRequests || tg.Attributes().HealthyThresholdCount != ClassicHealthyThreshold {
		t.Errorf("Classic: instances named %q %q, %+v", tg.Name, tg.ARN, tg.Attributes())
	}
	for _, s := range ClassicHealthCheckSpecs() {
		if got := clb.TargetGroup.Attributes().Value(s.Key); got != s.Default {
			t.Errorf("Classic: %s (%s) is %s, want the console's default %s", s.Label, s.Key, got, s.Default)
		}
	}
	nlb := newTyped(t, Config{Type: NetworkLoadBalancer})
	if nlb.Listener.Protocol != "TCP" || nlb.TargetGroup.Attributes().StickinessType != SourceIP {
		t.Errorf("Network: listener %s, %+v", nlb.Listener.Protocol, nlb.TargetGroup.Attributes())
	}
	// A listener policy belongs to Classic only.
	if _, err := New(Config{ListenerStickiness: ClassicStickiness{Type: LBCookieStickinessPolicyType}}); err == nil {
		t.Errorf("an ALB accepted a listener stickiness policy")
	}
	if err := nlb.SetListenerStickiness(ClassicStickiness{}); err == nil {
		t.Errorf("an NLB accepted a listener stickiness policy")
	}
}

func TestValidateFor(t *testing.T) {
	for _, tt := range []struct {
		typ   LoadBalancerType
		pairs []string
		want  string // "" for valid
	}{
		{NetworkLoadBalancer, []string{KeyStickinessEnabled, "true"}, ""},
		{NetworkLoadBalancer, []string{KeyStickinessType, "lb_cookie"}, "Stickiness type 'lb_cookie' is not supported for target groups with the TCP protocol"},
		{NetworkLoadBalancer, []string{KeyStickinessType, "app_cookie"}, "not supported for target groups with the TCP protocol"},
		{NetworkLoadBalancer, []string{KeyAlgorithm, "least_outstanding_requests"}, "not supported: 'load_balancing.algorithm.type'"},
		{NetworkLoadBalancer, []string{KeySlowStart, "30"}, "not supported: 'slow_start.duration_seconds'"},
		{NetworkLoadBalancer, []string{KeyHealthyThresholdCount, "11"}, "Healthy threshold count must be between 2 and 10"},
		{ClassicLoadBalancer, []string{KeyDeregistrationDelay, "60"}, ""},
		{ClassicLoadBalancer, []string{KeyStickinessEnabled, "true"}, MessageClassicNoTargetGroup},
		{ClassicLoadBalancer, []string{KeyAlgorithm, "round_robin"}, MessageClassicNoTargetGroup},
		// The Classic health check: the ELB API's ranges, in the console's words.
		{ClassicLoadBalancer, []string{KeyHealthCheckInterval, "300", KeyHealthCheckTimeout, "60", KeyUnhealthyThresholdCount, "10", KeyHealthyThresholdCount, "2"}, ""},
		{ClassicLoadBalancer, []string{KeyHealthCheckInterval, "5", KeyHealthCheckTimeout, "2"}, ""},
		{ClassicLoadBalancer, []string{KeyHealthCheckInterval, "300", KeyHealthCheckTimeout, "61"}, "Response Timeout must be between 2 and 60 seconds"},
		{ApplicationLoadBalancer, []string{KeyHealthCheckInterval, "300", KeyHealthCheckTimeout, "61"}, ""}, // an ALB's timeout goes to 120 s
		{ClassicLoadBalancer, []string{KeyHealthCheckTimeout, "1"}, "Response Timeout must be between 2 and 60 seconds"},
		{ClassicLoadBalancer, []string{KeyHealthCheckInterval, "10", KeyHealthCheckTimeout, "10"}, MessageClassicTimeout},
		{ClassicLoadBalancer, []string{KeyHealthCheckInterval, "4", KeyHealthCheckTimeout, "2"}, "Health Check Interval must be between 5 and 300 seconds"},
		{ClassicLoadBalancer, []string{KeyHealthCheckInterval, "301"}, "Health Check Interval must be between 5 and 300 seconds"},
		{ClassicLoadBalancer, []string{KeyUnhealthyThresholdCount, "1"}, "Unhealthy Threshold must be between 2 and 10"},
		{ClassicLoadBalancer, []string{KeyHealthyThresholdCount, "11"}, "Healthy Threshold must be between 2 and 10"},
		{ApplicationLoadBalancer, []string{KeyStickinessType, "source_ip"}, "not supported for target groups with the HTTP protocol"},
	} {
		a := DefaultAttributesFor(tt.typ)
		for i := 0; i < len(tt.pairs); i += 2 {
			if err := a.Set(tt.pairs[i], tt.pairs[i+1]); err != nil {
				t.Fatal(err)
			}
		}
		err := a.ValidateFor(tt.typ)
		if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%s %v: %v, want %q", tt.typ, tt.pairs, err, tt.want)
		}
	}
	if got := StickinessChoicesFor(NetworkLoadBalancer); strings.Join(got, ",") != "off,source_ip" {
		t.Errorf("NLB stickiness choices %v", got)
	}
	a := DefaultAttributesFor(NetworkLoadBalancer)
	for _, choice := range StickinessChoicesFor(NetworkLoadBalancer) {
		if err := a.SetStickinessFor(NetworkLoadBalancer, choice); err != nil || a.Stickiness() != choice || a.ValidateFor(NetworkLoadBalancer) != nil {
			t.Errorf("SetStickinessFor(network, %s): %v, %s", choice, err, a.Stickiness())
		}
	}
	if err := a.SetStickinessFor(NetworkLoadBalancer, "lb_cookie"); err == nil {
		t.Errorf("an NLB accepted lb_cookie")
	}
}

func TestClassicStickinessValidate(t *testing.T) {
	for _, tt := range []struct {
		s    ClassicStickiness
		key  string
		want string
	}{
		{ClassicStickiness{}, "", ""},
		{ClassicStickiness{Type: LBCookieStickinessPolicyType}, "", ""},
		{ClassicStickiness{Type: LBCookieStickinessPolicyType, CookieExpirationPeriod: MaxCookieExpirationPeriod}, "", ""},
		{ClassicStickiness{Type: LBCookieStickinessPolicyType, CookieExpirationPeriod: -time.Second}, KeyCookieExpirationPeriod, MessageCookieExpirationPeriod},
		{ClassicStickiness{Type: LBCookieStickinessPolicyType, CookieExpirationPeriod: 1500 * time.Millisecond}, KeyCookieExpirationPeriod, MessageCookieExpirationPeriod},
		{ClassicStickiness{Type: LBCookieStickinessPolicyType, CookieExpirationPeriod: MaxCookieExpirationPeriod + time.Second}, KeyCookieExpirationPeriod, MessageCookieExpirationPeriod},
		{ClassicStickiness{Type: AppCookieStickinessPolicyType, CookieName: "JSESSIONID"}, "", ""},
		{ClassicStickiness{Type: AppCookieStickinessPolicyType}, KeyCookieName, MessageCookieNameRequired},
		{ClassicStickiness{Type: AppCookieStickinessPolicyType, CookieName: "awselbcors"}, KeyCookieName, MessageCookieNameReserved},
		{ClassicStickiness{Type: AppCookieStickinessPolicyType, CookieName: "a b"}, KeyCookieName, "CookieName contains an invalid character ' '"},
		{ClassicStickiness{Type: "ProxyProtocolPolicyType"}, KeyStickinessType, "PolicyTypeName must be"},
	} {
		err := tt.s.Validate()
		var ve *ValidationError
		if tt.want == "" && err != nil || tt.want != "" && (!errors.As(err, &ve) || ve.Key != tt.key || !strings.Contains(ve.Message, tt.want)) {
			t.Errorf("%+v: %v, want %s: %q", tt.s, err, tt.key, tt.want)
		}
	}
	var s ClassicStickiness
	for _, choice := range StickinessChoices() {
		if err := s.SetChoice(choice); err != nil || s.Choice() != choice {
			t.Errorf("SetChoice(%s): %v, Choice %s", choice, err, s.Choice())
		}
	}
	if err := s.SetChoice("source_ip"); err == nil {
		t.Errorf("a Classic listener accepted source_ip")
	}
}

// TestClassicCookies checks each Classic policy's AWSELB and AWSELBCORS:
// one uppercase hexadecimal value, Expires from the period or the app
// cookie's (none here), and the app policy's only beside a new app cookie.
func TestClassicCookies(t *testing.T) {
	lb := newTyped(t, Config{Type: ClassicLoadBalancer, Seed: 5,
		ListenerStickiness: ClassicStickiness{Type: LBCookieStickinessPolicyType, CookieExpirationPeriod: time.Minute}})
	if p := lb.ListenerStickiness(); !strings.HasPrefix(p.PolicyName, "AWSConsole-LBCookieStickinessPolicy-my-clb-") {
		t.Errorf("policy name %q", p.PolicyName)
	}
	c := lb.NewClient("c", nil, KeepCookies)
	ex := lb.Do(c, "/")
	elb, ok1 := lookupCookie(ex.SetCookies, CookieAWSELB)
	cors, ok2 := lookupCookie(ex.SetCookies, CookieAWSELBCORS)
	if !ok1 || !ok2 || elb != cors || len(elb) != ELBCookieLen || strings.Trim(elb, upperHex) != "" {
		t.Fatalf("Set-Cookie %v", ex.SetCookieHeaders())
	}
	for _, sc := range ex.SetCookies {
		if sc.Name == CookieAWSELB && (sc.Secure || !sc.Expires.Equal(lb.Now().Add(time.Minute))) {
			t.Errorf("AWSELB %+v: want no Secure flag, Expires in the period", sc)
		}
	}
	if ex := lb.Do(c, "/"); ex.Reason != ReasonSticky {
		t.Errorf("second request %s", ex.Reason)
	}
	if _, err := lb.DecodeCookie(CookieAWSELB, elb); err != nil {
		t.Errorf("DecodeCookie: %v", err)
	}
	// ExplainCookies: AWSELBCORS followed, AWSELB with the same value too,
	// an ALB's cookie not read.
	vs := lb.ExplainCookies([]StoredCookie{{Name: CookieAWSELB, Value: elb}, {Name: CookieAWSELBCORS, Value: cors}, {Name: CookieAWSALB, Value: "x"}})
	if vs[0].Role != RoleFollowed || vs[1].Role != RoleFollowed || vs[2].Role != RoleOther || vs[1].Left != time.Minute || vs[1].BrowserSession {
		t.Errorf("verdicts %+v", vs)
	}

	// The app policy: no AWSELB while the application sets no new cookie.
	if err := lb.SetListenerStickiness(ClassicStickiness{Type: AppCookieStickinessPolicyType, CookieName: SessionCookie}); err != nil {
		t.Fatal(err)
	}
	lb.Advance(time.Second)
	c2 := lb.NewClient("c2", nil, KeepCookies)
	first := lb.Do(c2, "/")
	if _, ok := lookupCookie(first.SetCookies, CookieAWSELB); !ok || first.Reason != ReasonNewClient {
		t.Fatalf("first response %s %v", first.Reason, first.SetCookieHeaders())
	}
	for _, sc := range first.SetCookies {
		if !sc.Expires.IsZero() {
			t.Errorf("%s has Expires, but SESSIONID has none", sc.Name)
		}
	}
	if again := lb.Do(c2, "/"); again.Reason != ReasonSticky || len(again.SetCookies) != 0 {
		t.Errorf("sticky response %s sets %v", again.Reason, again.SetCookieHeaders())
	}
	vs = lb.ExplainCookies(c2.Jar.Cookies(lb.Now()))
	for _, v := range vs {
		if v.Name == CookieAWSELB && !v.BrowserSession {
			t.Errorf("app policy AWSELB %+v: want BrowserSession", v)
		}
	}
}

// TestNetworkConnections checks a Network Load Balancer without
// stickiness: no stickiness cookie, one target per connection, a new
// source port per connection, and new connections spread over targets.
func TestNetworkConnections(t *testing.T) {
	lb := newTyped(t, Config{Type: NetworkLoadBalancer, Seed: 3})
	c := lb.NewClient("c", nil, KeepCookies)
	seen := map[string]int{}
	ports := map[int]bool{}
	for i := range 300 {
		ex := lb.Do(c, "/")
		if ex.SourcePort < MinSourcePort || ex.SourcePort > MaxSourcePort || ex.NewConnection != (i%3 == 0) {
			t.Fatalf("request %d: port %d, new connection %v", i, ex.SourcePort, ex.NewConnection)
		}
		for _, sc := range ex.SetCookies {
			if sc.Name != SessionCookie {
				t.Fatalf("an NLB set %s", sc.Name)
			}
		}
		conn, ok := c.Connection()
		if !ok || conn.Target() == nil || conn.Target().Name != ex.TargetName || conn.String() != c.IP+":"+strconv.Itoa(ex.SourcePort) {
			t.Fatalf("connection %+v after %s", conn, ex.TargetName)
		}
		if i%3 == 0 {
			seen[ex.TargetName]++
			ports[ex.SourcePort] = true
		} else if ex.Reason != ReasonSameConnection {
			t.Fatalf("request %d on an open connection: %s", i, ex.Reason)
		}
		lb.Advance(time.Second)
		if i%3 == 2 {
			c.NewConnection()
		}
	}
	if len(seen) != 3 || len(ports) < 90 {
		t.Errorf("100 connections went to %v from %d ports", seen, len(ports))
	}
	for name, n := range seen {
		if n < 20 {
			t.Errorf("%s got %d of 100 connections", name, n)
		}
	}
	// Idle for the idle timeout: a new connection.
	lb.Do(c, "/")
	lb.Advance(IdleTimeout)
	if ex := lb.Do(c, "/"); !ex.NewConnection {
		t.Errorf("after the idle timeout: %+v", ex)
	}
}

// TestSourceIPStickiness checks source_ip: one target per source IP across
// connections, shared behind a NAT, forgotten when targets change.
func TestSourceIPStickiness(t *testing.T) {
	a := DefaultAttributesFor(NetworkLoadBalancer)
	a.StickinessEnabled = true
	lb := newTyped(t, Config{Type: NetworkLoadBalancer, Seed: 4, Attributes: &a, Instances: 5})
	office := lb.NewClient("office", nil, KeepCookies)
	first := lb.Do(office, "/")
	for i := range 20 {
		c := lb.NewClient("colleague", nil, KeepCookies)
		c.IP = office.IP
		if i%2 == 0 {
			office.NewConnection()
			c = office
		}
		if ex := lb.Do(c, "/"); ex.TargetName != first.TargetName || !ex.Sticky() {
			t.Fatalf("%s from the office's IP: %s %s, want %s", c.Name, ex.TargetName, ex.Reason, first.TargetName)
		}
	}
	p := lb.TargetGroup.stickiness.(*SourceIPStickiness)
	if p.Bound() != 1 {
		t.Errorf("%d source IPs bound, want 1", p.Bound())
	}
	if err := lb.SetFailHealthChecks(first.TargetName, true); err != nil {
		t.Fatal(err)
	}
	lb.Advance(2 * a.HealthCheckInterval)
	if p.Bound() != 0 {
		t.Errorf("after a health change: %d source IPs bound, want 0", p.Bound())
	}
	var reset bool
	for _, e := range lb.Events(0) {
		reset = reset || e.Kind == EventStickinessReset
	}
	if !reset {
		t.Errorf("no stickiness-reset event")
	}
	office.NewConnection()
	if ex := lb.Do(office, "/"); ex.TargetName == first.TargetName || ex.Reason != ReasonNewSourceIP {
		t.Errorf("after the reset: %s %s", ex.TargetName, ex.Reason)
	}
}

// TestCrowdNAT checks that a crowd's NAT share shares source IPs: one per
// gateway, and the rest of the crowd keeps its own.
func TestCrowdNAT(t *testing.T) {
	lb := newTyped(t, Config{Type: NetworkLoadBalancer, Seed: 6})
	cr, err := lb.StartCrowd(CrowdConfig{Clients: 100, NATShare: 0.3, NATGateways: 3})
	if err != nil {
		t.Fatal(err)
	}
	ips := map[string]int{}
	for _, c := range cr.Clients {
		ips[c.IP]++
	}
	behind := 0
	for ip, n := range ips {
		if strings.HasPrefix(ip, "203.0.113.") {
			behind += n
			if n != 10 {
				t.Errorf("gateway %s has %d clients, want 10", ip, n)
			}
		}
	}
	if behind != 30 {
		t.Errorf("%d clients behind NAT, want 30", behind)
	}
}

// TestTypesReplay checks that a Classic and a Network Load Balancer replay
// a crowd request for request from their seed, as an ALB does.
func TestTypesReplay(t *testing.T) {
	run := func(typ LoadBalancerType) string {
		cfg := Config{Type: typ, Seed: 8, Instances: 4}
		if typ == ClassicLoadBalancer {
			cfg.ListenerStickiness = ClassicStickiness{Type: LBCookieStickinessPolicyType, CookieExpirationPeriod: 30 * time.Second}
		}
		lb := newTyped(t, cfg)
		var b strings.Builder
		lb.Subscribe(func(e Event) {
			if e.Exchange != nil {
				b.WriteString(e.Exchange.TargetName + e.Exchange.Reason.String() + strconv.Itoa(e.Exchange.SourcePort))
			}
		})
		if _, err := lb.StartCrowd(CrowdConfig{Clients: 200, ThinkTime: time.Second, ClearShare: 0.2, NATShare: 0.5, NATGateways: 2}); err != nil {
			t.Fatal(err)
		}
		lb.Advance(20 * time.Second)
		if err := lb.StopInstance("Instance 2"); err != nil {
			t.Fatal(err)
		}
		lb.Advance(2 * time.Minute)
		return b.String()
	}
	for _, typ := range []LoadBalancerType{ClassicLoadBalancer, NetworkLoadBalancer} {
		a, b := run(typ), run(typ)
		if a != b || len(a) < 1000 {
			t.Errorf("%s: two runs of one seed differ (%d, %d bytes)", typ, len(a), len(b))
		}
	}
}
