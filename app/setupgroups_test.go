package app

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stickylab/stickylab/engine"
)

// TestParseSetupGroups checks weights and group_stickiness: each value by
// the engine's messages, and the combinations AWS refuses.
func TestParseSetupGroups(t *testing.T) {
	def := DefaultSetup()
	with := func(f func(*Setup)) Setup {
		s := def
		f(&s)
		return s
	}
	tests := []struct {
		query string
		want  Setup
		msgs  [][]string
	}{
		{"weights=80,20", with(func(s *Setup) { s.Weights = "80,20" }), nil},
		{"weights=%2080%2C%2020%20", with(func(s *Setup) { s.Weights = "80,20" }), nil},
		{"weights=1,2,3,4,5&instances=4", with(func(s *Setup) { s.Weights, s.Instances = "1,2,3,4,5", 4 }), nil},
		{"weights=100,0&group_stickiness=300&stickiness=lb_cookie",
			with(func(s *Setup) { s.Weights, s.GroupStickiness, s.Stickiness = "100,0", 300*time.Second, "lb_cookie" }), nil},
		{"weights=100", def, [][]string{{`weights="100"`, "2 to 5", "Using one target group."}}},
		{"weights=1,2,3,4,5,6", def, [][]string{{`weights="1,2,3,4,5,6"`, "2 to 5"}}},
		{"weights=80,x", def, [][]string{{`weights="80,x"`, `weight 2 ("x")`}}},
		{"weights=1000,1", def, [][]string{{"Target group weight must be between 0 and 999, not 1000"}}},
		{"weights=0,0", def, [][]string{{"At least one target group of the forward action must have a weight above 0"}}},
		{"weights=50,50&group_stickiness=0", with(func(s *Setup) { s.Weights = "50,50" }),
			[][]string{{`group_stickiness="0"`, "Target group stickiness duration must be between 1 and 604800 seconds", "Using group stickiness off."}}},
		{"weights=50,50&group_stickiness=604801", with(func(s *Setup) { s.Weights = "50,50" }), [][]string{{"between 1 and 604800"}}},
		{"weights=50,50&group_stickiness=abc", with(func(s *Setup) { s.Weights = "50,50" }), [][]string{{`group_stickiness="abc"`}}},
		{"group_stickiness=60", def, [][]string{{"group_stickiness=\"60\" needs weights"}}},
		// Target stickiness needs group stickiness; app_cookie is refused.
		{"weights=50,50&stickiness=lb_cookie", with(func(s *Setup) { s.Stickiness = "lb_cookie" }),
			[][]string{{engine.MessageGroupStickinessRequired, "Using one target group."}}},
		{"weights=50,50&stickiness=app_cookie&group_stickiness=60", with(func(s *Setup) { s.Stickiness = "app_cookie" }),
			[][]string{{engine.MessageAppCookieWithWeightedGroups}}},
		// Application only: the engine's message, and one target group.
		{"lb=classic&weights=80,20", defaultSetupFor(engine.ClassicLoadBalancer, def),
			[][]string{{`weights="80,20" does not apply to a Classic Load Balancer`, fmt.Sprintf(engine.MessageWeightedNotALB, "Classic Load Balancer"), "Using one target group."}}},
		{"lb=network&stickiness=source_ip&weights=80,20&group_stickiness=60",
			with(func(s *Setup) { *s = defaultSetupFor(engine.NetworkLoadBalancer, def); s.Stickiness = "source_ip" }),
			[][]string{{`weights="80,20"`, fmt.Sprintf(engine.MessageWeightedNotALB, "Network Load Balancer"), "Using one target group."},
				{`group_stickiness="60"`, fmt.Sprintf(engine.MessageWeightedNotALB, "Network Load Balancer"), "Using group stickiness off."}}},
		{"weights=1,1,1,1,1&instances=10", with(func(s *Setup) { s.Weights, s.Instances = "1,1,1,1,1", 4 }), [][]string{{"at most 20", "Using 4 per target group."}}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			m := checkParseSetup(t, tt.query, tt.want, tt.msgs)
			if n := len(m.lb.TargetGroups()); tt.want.Weights != "" && n != strings.Count(tt.want.Weights, ",")+1 {
				t.Errorf("%d target groups for weights %s", n, tt.want.Weights)
			}
		})
	}
}

// TestSetupGroupsLab checks the lab a weighted setup builds: its groups,
// weights, instances and group stickiness.
func TestSetupGroupsLab(t *testing.T) {
	s, _ := ParseSetup(url.Values{"weights": {"80,20"}, "group_stickiness": {"120"}, "stickiness": {"lb_cookie"}, "instances": {"2"}})
	m, err := newModel(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := m.lb.Forward()
	if len(f.TargetGroups) != 2 || f.TargetGroups[0].TargetGroup.Name != "blue" || f.TargetGroups[0].Weight != 80 ||
		f.TargetGroups[1].TargetGroup.Name != "green" || f.TargetGroups[1].Weight != 20 {
		t.Errorf("forward action %+v", f)
	}
	if g := f.TargetGroupStickinessConfig; !g.Enabled || g.DurationSeconds != 120 {
		t.Errorf("group stickiness %+v", g)
	}
	if n := len(m.lb.Instances()); n != 4 {
		t.Errorf("%d instances, want 2 per target group", n)
	}
	ex := m.refresh()
	if ex.TargetGroup == "" || !strings.Contains(strings.Join(ex.SetCookieHeaders(), "\n"), "AWSALBTGCORS=") {
		t.Errorf("a refresh went to group %q, setting %q", ex.TargetGroup, ex.SetCookieHeaders())
	}
}

// TestShareParamsKeepType checks that a link to a Classic or Network lab,
// or to weighted target groups, names its setup: the type travels.
func TestShareParamsKeepType(t *testing.T) {
	for q, want := range map[string]map[string]string{
		"lb=classic&stickiness=lb_cookie&duration=600": {"lb": "classic", "stickiness": "lb_cookie", "duration": "600", "algorithm": "least_outstanding_requests"},
		"lb=network&stickiness=source_ip":              {"lb": "network", "stickiness": "source_ip"},
		"weights=80,20&group_stickiness=60":            {"weights": "80,20", "group_stickiness": "60"},
	} {
		lt := mountLab(t, q, nil)
		got := lt.lab.shareParams()
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s: share params %v, want %s=%s", q, got, k, v)
			}
		}
		s, msgs := ParseSetup(paramsQuery(got))
		if len(msgs) > 0 || s != lt.lab.m.journal.Setup {
			t.Errorf("%s: the link's setup %+v %v, want %+v", q, s, msgs, lt.lab.m.journal.Setup)
		}
	}
}
