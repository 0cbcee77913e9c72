package app

import (
	"fmt"

	"github.com/maxence-charriere/go-app/v9/pkg/app"

	"github.com/stickylab/stickylab/engine"
)

// The Lab's panels that change with the load balancer's type (lb.Type: a
// preset may bring another type than the URL's).

// typePicker offers a new lab of each load balancer type, as links (the
// URL's lb=).
func (l *Lab) typePicker() app.UI {
	current := l.m.lb.Type
	return app.Div().Class("lb-types").Role("navigation").Aria("label", "Load balancer type").DataSet("testid", "lb-type").DataSet("current", string(current)).Body(
		app.Span().Class("muted").Text("Load balancer type: "),
		app.Range(engine.LoadBalancerTypes).Slice(func(i int) app.UI {
			t := engine.LoadBalancerTypes[i]
			// A new lab: the browser loads the page (go-app would navigate
			// in place and keep this lab).
			return app.A().Class("lb-type", map[bool]string{true: "on", false: ""}[t == current]).DataSet("testid", "lb-type-"+string(t)).
				Href(l.typeHref(t)).Aria("current", map[bool]string{true: "page", false: "false"}[t == current]).
				Title("Start a new lab with a " + t.Title()).Text(t.Title()).OnClick(func(ctx app.Context, e app.Event) { e.Call("stopPropagation") })
		}),
	)
}

// typeHref is the address of a new lab of type t, on the open tab.
func (l *Lab) typeHref(t engine.LoadBalancerType) string {
	ps := map[string]string{"lb": string(t)}
	if l.tab() != tabBrowser {
		ps["view"] = l.tab()
	}
	return l.embed.newLabHref(ps)
}

// settingsPanel is where stickiness is set: the target group's attributes
// (a Network one's TCP target group), or a Classic listener's Edit stickiness.
func (l *Lab) settingsPanel() app.UI {
	lb := l.m.lb
	if lb.Type == engine.ClassicLoadBalancer {
		return &ListenerStickinessForm{IPolicy: lb.ListenerStickiness(), IOnSave: l.editStickiness, IOnSaved: l.listenerSaved}
	}
	return l.attributesForm() // labgroups.go: the target group picked
}

// healthCheckPanel is a Classic Load Balancer's Health check tab, nil for
// the other types (their health checks are a target group's).
func (l *Lab) healthCheckPanel() app.UI {
	lb := l.m.lb
	if lb.Type != engine.ClassicLoadBalancer {
		return nil
	}
	return &HealthCheckForm{IAttributes: lb.TargetGroup.Attributes(), IOnSave: l.saveAttributes, IOnSaved: l.healthCheckSaved}
}

// healthCheckSaved announces how a Save of the health check ended.
func (l *Lab) healthCheckSaved(err error) {
	if err != nil {
		l.announce("Health check not saved: " + err.Error())
		return
	}
	a := l.m.lb.TargetGroup.Attributes()
	l.announce(fmt.Sprintf("Health check saved: every %s, OutOfService after %d failed checks, InService after %d passed.",
		durationWords(a.HealthCheckInterval), a.UnhealthyThresholdCount, a.HealthyThresholdCount))
}

// browserPane is the learner's browser, with New connection on a Network
// Load Balancer.
func (l *Lab) browserPane() app.UI {
	m := l.m
	lb := m.lb
	b := &BrowserPane{
		IDNSName: lb.DNSName, IInstances: instanceNames(lb),
		IExchange: m.shown(), IDirect: m.direct != nil, IRequests: m.requests,
		IGroup: servedGroup(lb, m.shown()), IGroupWhy: servedGroupWhy(m.shown()),
		IOnRefresh: l.refresh, IOnDirect: l.openDirect,
	}
	if lb.Type == engine.NetworkLoadBalancer {
		b.IOnNewConnection = l.newConnection
	}
	return b
}

// noLBCookie says why a Network Load Balancer's lab holds no stickiness cookie.
const noLBCookie = "A Network Load Balancer sets no cookie at all: it forwards TCP connections without reading HTTP. " +
	"It keeps each connection on one target (the flow hash), and with source_ip stickiness each source IP. " +
	"A SESSIONID below is the application's own session cookie."

// cookiePanel is the browser's cookies with the load balancer's reading.
func (l *Lab) cookiePanel() app.UI {
	m := l.m
	all, sent := m.cookieViews()
	p := &CookiePanel{ICookies: viewCookies(m.lb, all, sent), INotice: m.jarNotice(), IOnDelete: l.deleteCookie}
	if m.lb.Type == engine.NetworkLoadBalancer {
		p.INoLBCookie = noLBCookie
	}
	return p
}

// requestLog is the learner's requests, with their connections on a
// Network Load Balancer.
func (l *Lab) requestLog() app.UI {
	return &RequestLog{IEntries: l.m.log, INetwork: l.m.lb.Type == engine.NetworkLoadBalancer}
}

func (l *Lab) newConnection() {
	err := l.m.newConnection()
	l.act(err)
	if err == nil {
		l.announce("Connection closed: your next Refresh opens a new TCP connection, from a new source port.")
	}
}

func (l *Lab) editStickiness(s engine.ClassicStickiness) error { return l.m.editStickiness(s) }

// listenerSaved announces how a Save of Edit stickiness ended.
func (l *Lab) listenerSaved(err error) {
	if err != nil {
		l.announce("Stickiness not saved: " + err.Error())
		return
	}
	l.announce("Stickiness saved: the listener uses " + l.m.lb.ListenerStickiness().String() + " now.")
}

// forwardWords says where the listener forwards, for the footer.
func forwardWords(lb *engine.LoadBalancer) string {
	if lb.Type == engine.ClassicLoadBalancer {
		return "instances registered with the load balancer"
	}
	return "target group " + lb.TargetGroup.Name
}

// typeAbbr is the usual abbreviation of a load balancer type: ALB, CLB, NLB.
func typeAbbr(t engine.LoadBalancerType) string {
	switch t {
	case engine.ClassicLoadBalancer:
		return "CLB"
	case engine.NetworkLoadBalancer:
		return "NLB"
	}
	return "ALB"
}
