package app

import (
	"strings"
	"testing"
	"time"

	"github.com/maxence-charriere/go-app/v9/pkg/app"

	"github.com/stickylab/stickylab/engine"
)

// TestClassicLab checks a Classic lab's panels: Edit stickiness instead of
// the target group's attributes, instances InService, AWSELB and AWSELBCORS
// as a browser-session cookie when the policy has no expiration period.
func TestClassicLab(t *testing.T) {
	lt := mountLab(t, "lb=classic&stickiness=lb_cookie", nil)
	tree := lt.tree()
	if tree.byTestID("stickiness-duration") != nil || tree.byTestID("stickiness-enabled") != nil {
		t.Error("a Classic lab shows a target group's attributes")
	}
	if got := lt.text("listener-policy"); !strings.Contains(got, "LBCookieStickinessPolicy, browser session") {
		t.Errorf("listener policy %q", got)
	}
	if got := tree.mustTestID(t, "lb-type").attrs["data-current"]; got != "classic" {
		t.Errorf("type picker on %q", got)
	}
	if a := tree.mustTestID(t, "lb-type-classic"); a.attrs["aria-current"] != "page" || !strings.Contains(a.attrs["href"], "lb=classic") {
		t.Errorf("classic link %v", a.attrs)
	}
	if got := lt.text("instance-1-state"); got != engine.InstanceInService {
		t.Errorf("instance 1 %q, want %s", got, engine.InstanceInService)
	}
	if steps := lt.text("steps"); !strings.Contains(steps, engine.LabelLBCookieStickiness) || strings.Contains(steps, "AWSALB") {
		t.Errorf("a Classic lab's steps: %q", steps)
	}
	if !strings.Contains(tree.Text(), "Instances") || tree.byTestID("new-connection") != nil {
		t.Error("no Instances heading, or a New connection button on a Classic lab")
	}
	lt.refresh()
	tree = lt.tree()
	for _, name := range []string{engine.CookieAWSELB, engine.CookieAWSELBCORS} {
		row := tree.mustTestID(t, "cookie-"+name)
		if !strings.Contains(row.Text(), "Session") {
			t.Errorf("%s: %q, want a session cookie", name, row.Text())
		}
	}
	if got := lt.text("decoded-" + engine.CookieAWSELBCORS); !strings.Contains(got, "sticky while your browser keeps it") {
		t.Errorf("AWSELBCORS decoded %q", got)
	}
	if !strings.Contains(lt.text("served-by"), "Instance Number") {
		t.Error("no page")
	}
	if _, reason := lt.refresh(); reason != "sticky" {
		t.Errorf("second refresh %s, want sticky", reason)
	}
}

// listenerHost renders Edit stickiness on a model, as the Lab does.
type listenerHost struct {
	app.Compo

	m    *model
	form *ListenerStickinessForm
}

func (h *listenerHost) Render() app.UI {
	f := &ListenerStickinessForm{IPolicy: h.m.lb.ListenerStickiness(), IOnSave: h.m.editStickiness}
	if h.form == nil {
		h.form = f
	}
	return app.Div().Body(f)
}

// TestListenerStickinessForm checks Edit stickiness: AWS's messages for a
// missing cookie name and a bad period, what was typed kept, and a saved
// policy journaled.
func TestListenerStickinessForm(t *testing.T) {
	m, _ := newTestModel(t, "lb=classic", nil)
	h := &listenerHost{m: m}
	d := app.NewClientTester(h)
	t.Cleanup(d.Close)
	f := h.form
	edit := func(dr listenerDraft) {
		d.Emit(f, func() { f.draft = dr })
		settleUpdates(d)
		d.Emit(f, f.save)
		settleUpdates(d)
	}
	tree := func() *htmlNode { return renderTree(t, f) }
	for _, tt := range []struct {
		draft       listenerDraft
		field, want string
	}{
		{listenerDraft{choice: "app_cookie"}, "listener-cookie", engine.MessageCookieNameRequired},
		{listenerDraft{choice: "app_cookie", cookie: "AWSELB"}, "listener-cookie", engine.MessageCookieNameReserved},
		{listenerDraft{choice: "lb_cookie", period: "abc"}, "listener-period", engine.MessageCookieExpirationPeriod},
		{listenerDraft{choice: "lb_cookie", period: "-1"}, "listener-period", engine.MessageCookieExpirationPeriod},
	} {
		edit(tt.draft)
		if got := tree().mustTestID(t, "listener-error").Text(); got != tt.want {
			t.Errorf("%+v: error %q, want %q", tt.draft, got, tt.want)
		}
		if in := tree().mustTestID(t, tt.field); !in.flag("aria-invalid") || in.attrs["aria-describedby"] != "listener-error" {
			t.Errorf("%+v: field %v not marked", tt.draft, in.attrs)
		}
		if len(m.journal.Actions) != 0 || m.lb.ListenerStickiness().Type != "" {
			t.Fatalf("a refused policy changed the lab: %+v", m.journal.Actions)
		}
	}
	edit(listenerDraft{choice: "lb_cookie", period: "60", cookie: engine.SessionCookie})
	if tree().byTestID("listener-error") != nil || tree().byTestID("listener-saved") == nil {
		t.Error("a good policy was not saved")
	}
	if p := m.lb.ListenerStickiness(); p.Type != engine.LBCookieStickinessPolicyType || p.CookieExpirationPeriod != time.Minute {
		t.Errorf("policy %+v", p)
	}
	if n := len(m.journal.Actions); n != 1 || m.journal.Actions[0].Do != DoEditStickiness {
		t.Errorf("journal %+v", m.journal.Actions)
	}
	h.Update()
	settleUpdates(d)
	if got := tree().mustTestID(t, "listener-policy").Text(); !strings.Contains(got, "expiration period 60 seconds") {
		t.Errorf("policy shown %q", got)
	}
	checkReplay(t, m)
}

// TestNetworkLab checks a Network lab: no cookie of the load balancer and
// why, the connection in the page and the log, New connection moving it.
func TestNetworkLab(t *testing.T) {
	lt := mountLab(t, "lb=network", nil)
	tree := lt.tree()
	if tree.byTestID("stickiness-type").selected() != "source_ip" || tree.byTestID("algorithm") != nil || tree.byTestID("stickiness-duration") != nil || tree.byTestID("listener-stickiness") != nil {
		t.Error("a Network lab without its TCP target group attributes (source_ip, no algorithm, no duration)")
	}
	if steps := lt.text("steps"); !strings.Contains(steps, "New connection") || strings.Contains(steps, "AWSALB") {
		t.Errorf("a Network lab's steps: %q", steps)
	}
	if got := lt.text("no-lb-cookie"); !strings.Contains(got, "sets no cookie at all") {
		t.Errorf("cookie panel says %q", got)
	}
	_, reason := lt.refresh()
	if reason != "new-connection" || !strings.Contains(lt.text("connection"), "new connection") {
		t.Errorf("first refresh %s, %q", reason, lt.text("connection"))
	}
	first := lt.text("log-connection")
	served, reason := lt.refresh()
	if reason != "same-connection" || !strings.Contains(lt.text("connection"), "same connection") {
		t.Errorf("second refresh %s, %q", reason, lt.text("connection"))
	}
	if strings.Contains(setCookieNames(lt.lab.m.last), "AWS") {
		t.Errorf("a Network Load Balancer set %s", setCookieNames(lt.lab.m.last))
	}
	port := strings.Split(first, ",")[0]
	for i := 0; i < 12; i++ {
		lt.do((*Lab).newConnection)
		got, reason := lt.refresh()
		if reason != "new-connection" || strings.HasPrefix(lt.text("log-connection"), port+",") {
			t.Fatalf("after New connection: %s from %s, first was %s", reason, lt.text("log-connection"), first)
		}
		if got != served {
			break // the flow hash placed the new connection elsewhere
		}
		if i == 11 {
			t.Errorf("12 new connections all landed on %s", served)
		}
	}
	if n := len(lt.lab.m.journal.Actions); lt.lab.m.journal.Actions[n-2].Do != DoNewConnection {
		t.Errorf("New connection not journaled: %+v", lt.lab.m.journal.Actions[n-2])
	}
	a := lt.lab.m.lb.TargetGroup.Attributes()
	a.StickinessEnabled = true
	lt.do(func(l *Lab) {
		if err := l.saveAttributes(a); err != nil {
			t.Fatal(err)
		}
	})
	if got := lt.lab.m.lb.TargetGroup.Attributes(); !got.StickinessEnabled || got.StickinessType != engine.SourceIP {
		t.Errorf("saved %+v", got)
	}
}

// TestCrowdNAT checks the crowd form's NAT fields: shown for a Network Load
// Balancer only, read into the crowd, the engine's bounds and messages.
func TestCrowdNAT(t *testing.T) {
	d := defaultCrowdDraft()
	d.nat, d.gateway = "50 %", "2"
	c, err := parseCrowd(d)
	if err != nil || c.NATShare != 0.5 || c.NATGateways != 2 {
		t.Errorf("parseCrowd = %+v, %v", c, err)
	}
	for _, tt := range []struct{ nat, gateway, field, want string }{
		{"150", "", "nat", "The share of clients behind NAT gateways must be from 0% to 100%, not 150%."},
		{"x", "", "nat", `"x" is not`},
		{"10", "101", "gateways", "NAT gateways must be from 1 to 100, not 101."},
		{"10", "1.5", "gateways", `"1.5" is not`},
	} {
		d.nat, d.gateway = tt.nat, tt.gateway
		_, err := parseCrowd(d)
		ce, ok := err.(*crowdError)
		if !ok || ce.Field != tt.field || !strings.Contains(ce.Message, tt.want) {
			t.Errorf("nat %q gateways %q: %v, want %s: %q", tt.nat, tt.gateway, err, tt.field, tt.want)
		}
	}
	if got := describeCrowd(engine.CrowdConfig{Clients: 10, ThinkTime: time.Second, NATShare: 0.5, NATGateways: 1}); !strings.Contains(got, "50% behind 1 NAT gateway") {
		t.Errorf("describeCrowd %q", got)
	}
	for q, want := range map[string]bool{"lb=network&view=traffic": true, "view=traffic": false} {
		lt := mountLab(t, q, nil)
		if got := lt.tree().byTestID("crowd-nat") != nil; got != want {
			t.Errorf("%s: NAT field shown %v", q, got)
		}
	}
}

// TestTypePresets checks the Classic and Network lessons stage their type.
func TestTypePresets(t *testing.T) {
	for id, typ := range map[string]engine.LoadBalancerType{"classic-duration": engine.ClassicLoadBalancer, "nlb-office-nat": engine.NetworkLoadBalancer} {
		lt := mountLab(t, "preset="+id, nil)
		if lt.lab.m.lb.Type != typ {
			t.Errorf("%s runs a %s", id, lt.lab.m.lb.Type)
		}
		tree := lt.tree()
		if got := tree.mustTestID(t, "lb-type").attrs["data-current"]; got != string(typ) {
			t.Errorf("%s: type picker on %s", id, got)
		}
		if got := lt.text("preset-lesson"); !strings.Contains(got, typ.Title()) {
			t.Errorf("%s: lesson %q does not name its type", id, got)
		}
	}
}
