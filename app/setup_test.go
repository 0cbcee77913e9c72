package app

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stickylab/stickylab/engine"
)

func TestDefaultSetup(t *testing.T) {
	s := DefaultSetup()
	want := Setup{Type: engine.ApplicationLoadBalancer, Stickiness: "off", Duration: 86400 * time.Second, Algorithm: engine.RoundRobin, Instances: 3, Seed: 1}
	if s != want {
		t.Errorf("DefaultSetup() = %+v, want %+v", s, want)
	}
	a := s.Attributes()
	if a.StickinessEnabled || a.Algorithm != engine.RoundRobin || a.LBCookieDuration != 86400*time.Second || a.AppCookieName != engine.SessionCookie {
		t.Errorf("default attributes = %+v", a)
	}
	if err := a.Validate(); err != nil {
		t.Errorf("default attributes do not validate: %v", err)
	}
}

// TestParseSetup checks every URL parameter with good, bad and edge values:
// a good value is used, a bad one keeps its default and gets a message that
// names the parameter, the value and the default used instead.
func TestParseSetup(t *testing.T) {
	def := DefaultSetup()
	with := func(f func(*Setup)) Setup {
		s := def
		f(&s)
		return s
	}
	classic := with(func(s *Setup) {
		s.Type, s.Duration, s.Algorithm = engine.ClassicLoadBalancer, 0, engine.LeastOutstandingRequests
	})
	classicWith := func(f func(*Setup)) Setup { s := classic; f(&s); return s }
	network := with(func(s *Setup) { s.Type = engine.NetworkLoadBalancer })
	networkWith := func(f func(*Setup)) Setup { s := network; f(&s); return s }
	tests := []struct {
		query string
		want  Setup
		// msgs holds, per expected message, substrings it must contain.
		msgs [][]string
	}{
		{"", def, nil},
		{"unknown=1&utm_source=course", def, nil},
		{"instance=4", def, [][]string{{"URL parameter instance is not one the lab reads: did you mean instances? It is ignored."}}},
		{"styckyness=lb_cookie&Stickiness=app_cookie", def, [][]string{{"Stickiness", "did you mean stickiness?"}, {"styckyness", "did you mean stickiness?"}}},
		{"fbclid=x&id=3", def, nil}, // a platform's own, or too short to guess
		{"lab=classic", def, [][]string{{"did you mean lb?"}}},

		{"stickiness=off", def, nil},
		{"stickiness=lb_cookie", with(func(s *Setup) { s.Stickiness = "lb_cookie" }), nil},
		{"stickiness=app_cookie", with(func(s *Setup) { s.Stickiness = "app_cookie" }), nil},
		{"stickiness=%20lb_cookie%20", with(func(s *Setup) { s.Stickiness = "lb_cookie" }), nil},
		{"stickiness=banana", def, [][]string{{`stickiness="banana"`, "off, lb_cookie or app_cookie", "Using off."}}},
		{"stickiness=LB_COOKIE", def, [][]string{{`stickiness="LB_COOKIE"`, "Using off."}}},
		{"stickiness=", def, [][]string{{`stickiness=""`, "Using off."}}},
		{"stickiness=source_ip", def, [][]string{{`stickiness="source_ip"`, "is not valid: an Application Load Balancer takes off, lb_cookie or app_cookie", "Using off."}}},
		// The first value of a repeated parameter counts, and is said.
		{"stickiness=lb_cookie&stickiness=banana", with(func(s *Setup) { s.Stickiness = "lb_cookie" }), [][]string{{"stickiness is given 2 times: the lab uses the first, \"lb_cookie\""}}},

		{"duration=1", with(func(s *Setup) { s.Duration = time.Second }), nil},
		{"duration=60", with(func(s *Setup) { s.Duration = time.Minute }), nil},
		{"duration=604800", with(func(s *Setup) { s.Duration = 604800 * time.Second }), nil},
		{"duration=0", def, [][]string{{`duration="0"`, "1 to 604800", "Using 86400 (1 day)."}}},
		{"duration=604801", def, [][]string{{`duration="604801"`, "1 to 604800", "Using 86400 (1 day)."}}},
		{"duration=-5", def, [][]string{{`duration="-5"`, "Using 86400 (1 day)."}}},
		{"duration=abc", def, [][]string{{`duration="abc"`, "whole seconds", "Using 86400 (1 day)."}}},
		{"duration=1.5", def, [][]string{{`duration="1.5"`, "Using 86400 (1 day)."}}},
		{"duration=30s", def, [][]string{{`duration="30s"`, "Using 86400 (1 day)."}}},
		{"duration=99999999999999999999", def, [][]string{{`duration="99999999999999999999"`, "Using 86400 (1 day)."}}},

		{"algorithm=round_robin", def, nil},
		{"algorithm=least_outstanding_requests", with(func(s *Setup) { s.Algorithm = engine.LeastOutstandingRequests }), nil},
		{"algorithm=weighted_random", with(func(s *Setup) { s.Algorithm = engine.WeightedRandom }), nil},
		{"algorithm=random", def, [][]string{{`algorithm="random"`, "round_robin, least_outstanding_requests or weighted_random", "Using round_robin."}}},
		{"algorithm=Round%20Robin", def, [][]string{{`algorithm="Round Robin"`, "Using round_robin."}}},

		{"instances=1", with(func(s *Setup) { s.Instances = 1 }), nil},
		{"instances=10", with(func(s *Setup) { s.Instances = 10 }), nil},
		{"instances=0", def, [][]string{{`instances="0"`, "from 1 to 10", "Using 3."}}},
		{"instances=11", def, [][]string{{`instances="11"`, "from 1 to 10", "Using 3."}}},
		{"instances=99", def, [][]string{{`instances="99"`, "Using 3."}}},
		{"instances=-1", def, [][]string{{`instances="-1"`, "Using 3."}}},
		{"instances=three", def, [][]string{{`instances="three"`, "Using 3."}}},

		{"seed=0", with(func(s *Setup) { s.Seed = 0 }), nil},
		{"seed=7", with(func(s *Setup) { s.Seed = 7 }), nil},
		{"seed=18446744073709551615", with(func(s *Setup) { s.Seed = 18446744073709551615 }), nil},
		{"seed=18446744073709551616", def, [][]string{{`seed="18446744073709551616"`, "Using 1."}}},
		{"seed=-1", def, [][]string{{`seed="-1"`, "Using 1."}}},
		{"seed=abc", def, [][]string{{`seed="abc"`, "whole number", "Using 1."}}},

		// AWS refuses stickiness with weighted random: the algorithm gives way.
		{"stickiness=lb_cookie&algorithm=weighted_random",
			with(func(s *Setup) { s.Stickiness = "lb_cookie" }),
			[][]string{{"stickiness=lb_cookie", "algorithm=weighted_random", "You cannot have both stickiness and weighted random algorithm enabled on the same target group", "Using round_robin."}}},
		{"stickiness=app_cookie&algorithm=weighted_random",
			with(func(s *Setup) { s.Stickiness = "app_cookie" }),
			[][]string{{"stickiness=app_cookie", "algorithm=weighted_random", "You cannot have both"}}},
		{"stickiness=off&algorithm=weighted_random", with(func(s *Setup) { s.Algorithm = engine.WeightedRandom }), nil},
		// A refused stickiness falls back to off, so weighted random stays.
		{"stickiness=banana&algorithm=weighted_random",
			with(func(s *Setup) { s.Algorithm = engine.WeightedRandom }),
			[][]string{{`stickiness="banana"`}}},

		// Every bad parameter gets its own message, in a stable order.
		{"stickiness=banana&instances=99&duration=0&algorithm=x&seed=y", def, [][]string{
			{`stickiness="banana"`}, {`duration="0"`}, {`algorithm="x"`}, {`instances="99"`}, {`seed="y"`},
		}},
		// Good and bad together: the good ones apply.
		{"stickiness=lb_cookie&duration=60&instances=5&seed=7", Setup{Type: engine.ApplicationLoadBalancer, Stickiness: "lb_cookie", Duration: time.Minute, Algorithm: engine.RoundRobin, Instances: 5, Seed: 7}, nil},
		{"stickiness=lb_cookie&duration=abc&instances=5",
			with(func(s *Setup) { s.Stickiness, s.Instances = "lb_cookie", 5 }),
			[][]string{{`duration="abc"`}}},

		// The load balancer type, and what each type takes.
		{"lb=application", def, nil},
		{"lb=classic", classic, nil},
		{"lb=network", network, nil},
		{"lb=gateway", def, [][]string{{`lb="gateway"`, "application, classic or network", "Using application."}}},
		{"lb=classic&stickiness=lb_cookie", classicWith(func(s *Setup) { s.Stickiness = "lb_cookie" }), nil},
		{"lb=classic&stickiness=lb_cookie&duration=300", classicWith(func(s *Setup) { s.Stickiness, s.Duration = "lb_cookie", 5*time.Minute }), nil},
		{"lb=classic&stickiness=app_cookie", classicWith(func(s *Setup) { s.Stickiness = "app_cookie" }), nil},
		{"lb=classic&duration=0", classic, nil},
		{"lb=classic&duration=-1", classic, [][]string{{`duration="-1"`, engine.MessageCookieExpirationPeriod, "browser-session cookie"}}},
		{"lb=classic&stickiness=source_ip", classic, [][]string{{`stickiness="source_ip"`, "is not valid: a Classic Load Balancer takes off, lb_cookie or app_cookie", "Using off."}}},
		{"lb=classic&algorithm=round_robin", classic, [][]string{{`algorithm="round_robin"`, engine.MessageClassicNoTargetGroup, "Using least_outstanding_requests."}}},
		{"lb=classic&algorithm=least_outstanding_requests", classic, nil},
		{"lb=network&stickiness=source_ip", networkWith(func(s *Setup) { s.Stickiness = "source_ip" }), nil},
		{"lb=network&stickiness=lb_cookie", network, [][]string{{`stickiness="lb_cookie"`, "Network Load Balancer takes off or source_ip", "Using off."}}},
		{"lb=network&duration=60", network, [][]string{{`duration="60"`, "sets no cookie"}}},
		{"lb=network&algorithm=least_outstanding_requests", network, [][]string{{"not supported: 'load_balancing.algorithm.type'", "Using round_robin."}}},
		{"lb=application&stickiness=source_ip", def, [][]string{{`stickiness="source_ip"`, "Using off."}}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) { checkParseSetup(t, tt.query, tt.want, tt.msgs) })
	}
}

// checkParseSetup checks the setup and messages of query (msgs holds, per
// message, substrings it must contain) and returns the lab it starts.
func checkParseSetup(t *testing.T, query string, want Setup, wantMsgs [][]string) *model {
	t.Helper()
	q, err := url.ParseQuery(query)
	if err != nil {
		t.Fatal(err)
	}
	got, msgs := ParseSetup(q)
	if got != want {
		t.Errorf("setup = %+v, want %+v", got, want)
	}
	if len(msgs) != len(wantMsgs) {
		t.Fatalf("messages = %q, want %d", msgs, len(wantMsgs))
	}
	for i, subs := range wantMsgs {
		for _, sub := range subs {
			if !strings.Contains(msgs[i], sub) {
				t.Errorf("message %d = %q, want it to contain %q", i, msgs[i], sub)
			}
		}
	}
	// Whatever the URL says, the lab can start from it.
	m, err := newModel(got, Options{})
	if err != nil {
		t.Fatalf("newModel(%+v): %v", got, err)
	}
	return m
}

// TestSetupAttributes checks the target group attributes a setup asks for.
func TestSetupAttributes(t *testing.T) {
	tests := []struct {
		stickiness string
		enabled    bool
		kind       engine.StickinessType
	}{
		{"off", false, engine.LBCookie},
		{"lb_cookie", true, engine.LBCookie},
		{"app_cookie", true, engine.AppCookie},
	}
	for _, tt := range tests {
		s := DefaultSetup()
		s.Stickiness, s.Duration, s.Algorithm = tt.stickiness, 30*time.Second, engine.LeastOutstandingRequests
		a := s.Attributes()
		if a.StickinessEnabled != tt.enabled || a.StickinessType != tt.kind {
			t.Errorf("%s: enabled %v type %s, want %v %s", tt.stickiness, a.StickinessEnabled, a.StickinessType, tt.enabled, tt.kind)
		}
		if a.LBCookieDuration != 30*time.Second || a.AppCookieDuration != 30*time.Second || a.StickinessDuration() != 30*time.Second {
			t.Errorf("%s: durations %s, %s", tt.stickiness, a.LBCookieDuration, a.AppCookieDuration)
		}
		if a.AppCookieName != engine.SessionCookie || a.Algorithm != engine.LeastOutstandingRequests {
			t.Errorf("%s: app cookie %q, algorithm %s", tt.stickiness, a.AppCookieName, a.Algorithm)
		}
		if err := a.Validate(); err != nil {
			t.Errorf("%s: %v", tt.stickiness, err)
		}
	}
}

// TestSetupPerType checks what a Classic and a Network setup give the
// engine: the listener's policy, the target group's source_ip.
func TestSetupPerType(t *testing.T) {
	q, _ := url.ParseQuery("lb=classic&stickiness=lb_cookie&duration=120")
	s, msgs := ParseSetup(q)
	if len(msgs) > 0 {
		t.Fatal(msgs)
	}
	if l := s.ListenerStickiness(); l.Type != engine.LBCookieStickinessPolicyType || l.CookieExpirationPeriod != 2*time.Minute {
		t.Errorf("classic listener policy %+v", l)
	}
	if a := s.Attributes(); a.StickinessEnabled || a.ValidateFor(engine.ClassicLoadBalancer) != nil {
		t.Errorf("classic attributes %+v: %v", a, a.ValidateFor(engine.ClassicLoadBalancer))
	}
	m, err := newModel(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ex := m.refresh()
	if names := setCookieNames(&ex); !strings.Contains(names, engine.CookieAWSELB) || !strings.Contains(names, engine.CookieAWSELBCORS) {
		t.Errorf("a Classic lab's first response sets %s", names)
	}
	q, _ = url.ParseQuery("lb=network&stickiness=source_ip")
	s, _ = ParseSetup(q)
	if a := s.Attributes(); !a.StickinessEnabled || a.StickinessType != engine.SourceIP || s.ListenerStickiness() != (engine.ClassicStickiness{}) {
		t.Errorf("network attributes %+v", a)
	}
	if m, err = newModel(s, Options{}); err != nil {
		t.Fatal(err)
	}
	if ex := m.refresh(); ex.SourcePort == 0 || !ex.NewConnection || strings.Contains(setCookieNames(&ex), "AWS") {
		t.Errorf("a Network lab's first request: port %d, new %v, sets %s", ex.SourcePort, ex.NewConnection, setCookieNames(&ex))
	}
}

// TestLongValuesAreClipped: a huge bad value is quoted cut short, in the
// setup's message and in the replaced lab's words.
func TestLongValuesAreClipped(t *testing.T) {
	huge := strings.Repeat("x", 100_000)
	_, msgs := ParseSetup(url.Values{"stickiness": {huge}, "instances": {"4"}})
	if len(msgs) != 1 || len(msgs[0]) > 400 || !strings.Contains(msgs[0], `stickiness="`+strings.Repeat("x", maxShownValue)+`…"`) {
		t.Errorf("messages %.300q (%d bytes)", msgs, len(strings.Join(msgs, "")))
	}
	if w := paramsWords(map[string]string{"stickiness": huge}); len(w) > 3*maxShownValue || !strings.HasSuffix(w, "…") {
		t.Errorf("paramsWords: %d bytes", len(w))
	}
	q := url.Values{"stickiness": {"lb_cookie"}}
	if s, msgs := ParseSetup(q); len(msgs) != 0 || s.Stickiness != "lb_cookie" {
		t.Errorf("a short value: %v %q", s.Stickiness, msgs)
	}
}

// TestDuplicatedParams: a parameter given twice with another value says
// which the lab uses; twice the same value says nothing.
func TestDuplicatedParams(t *testing.T) {
	s, msgs := ParseSetup(url.Values{"stickiness": {"lb_cookie", "off"}, "instances": {"4", "4"}})
	if want := `URL parameter stickiness is given 2 times: the lab uses the first, "lb_cookie".`; len(msgs) != 1 || msgs[0] != want || s.Stickiness != "lb_cookie" {
		t.Errorf("messages %q, stickiness %q; want %q", msgs, s.Stickiness, want)
	}
}
