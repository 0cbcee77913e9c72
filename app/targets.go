package app

import (
	"fmt"
	"slices"
	"time"

	"github.com/maxence-charriere/go-app/v9/pkg/app"

	"github.com/stickylab/stickylab/engine"
)

// TargetView is one instance as the targets panel shows it.
type TargetView struct {
	Number        int
	Name, ID      string
	Zone          string
	State         engine.TargetState
	Running       bool
	FailingChecks bool
	Requests      int64
	Sessions      int
	SharedStore   bool
	Passes        int
	Failures      int
	HealthyNeed   int
	UnhealthyNeed int
	NextCheck     time.Duration // until the next health check, -1 when none
	CheckInterval time.Duration // between two health checks
	// UnhealthyAfter is the longest a target failing its checks stays in service.
	UnhealthyAfter time.Duration
	UnhealthyIn    time.Duration // until unhealthy if its checks keep failing, -1 when not in service
	DrainLeft      time.Duration
	Latency        time.Duration // how long the instance takes to answer
	InFlight       int           // requests it is answering now
	// InstanceState is a Classic Load Balancer's word for it (InService,
	// OutOfService); "" for a target group's target.
	InstanceState string
	// StoppedAnswer is what a request sent to it gets while it is stopped
	// (engine.Counters.Stopped): a 502, or a connection that times out.
	StoppedAnswer string
	// Group is its target group behind a weighted rule, "" with one.
	Group string
	// SlowStart is its share of a full target's requests in percent while
	// in slow start, until SlowStartUntil; -1 outside slow start.
	SlowStart      int
	SlowStartUntil time.Time
}

// viewTargets returns the panel's rows for every instance.
func viewTargets(lb *engine.LoadBalancer) []TargetView {
	_, shared := lb.ExternalSessionStore()
	now := lb.Now()
	several := weighted(lb)
	var out []TargetView
	for _, t := range lb.Instances() {
		tg := lb.TargetGroup
		if g := t.TargetGroup(); g != nil {
			tg = g
		}
		a := tg.Attributes()
		v := TargetView{
			Number: t.Number, Name: t.Name, ID: t.ID, Zone: t.Zone, State: t.State,
			Running: t.Running, FailingChecks: t.FailHealthChecks,
			Requests: t.Metrics.Requests, Sessions: t.Sessions().Len(), SharedStore: shared,
			Passes: t.ConsecutivePasses, Failures: t.ConsecutiveFailures,
			HealthyNeed: a.HealthyThresholdCount, UnhealthyNeed: a.UnhealthyThresholdCount,
			NextCheck: -1, CheckInterval: a.HealthCheckInterval, UnhealthyAfter: a.UnhealthyAfter(), UnhealthyIn: -1, Latency: t.Latency, InFlight: t.InFlight,
			StoppedAnswer: lb.Type.Counters().Stopped,
		}
		// To the second, as shown: the view changes when the card does.
		if !t.NextHealthCheck.IsZero() {
			v.NextCheck = t.NextHealthCheck.Sub(now).Round(time.Second)
		}
		if at, ok := lb.UnhealthyAt(t); ok {
			v.UnhealthyIn = at.Sub(now).Round(time.Second)
		}
		if t.State == engine.StateDraining {
			v.DrainLeft = t.DrainingUntil.Sub(now).Round(time.Second)
		}
		if lb.Type == engine.ClassicLoadBalancer {
			v.InstanceState = t.InstanceState()
		}
		if several {
			v.Group = tg.Name
		}
		v.SlowStart = -1
		if t.InSlowStart(now) {
			v.SlowStart, v.SlowStartUntil = int(t.SlowStartShare(now)*100), t.SlowStartUntil
		}
		out = append(out, v)
	}
	return out
}

// TargetsPanel lists the target group's instances with their health, the
// requests they served and their session store, and lets the learner stop,
// start or break them. The frame loop refreshes it too (ITargets anew).
type TargetsPanel struct {
	app.Compo
	Live

	ITargets      []TargetView
	IOnStop       func(name string)
	IOnStart      func(name string)
	IOnFailChecks func(name string, fail bool)
	// The fleet's actions of the traffic lab (fleet.go); a nil one has no
	// button.
	IOnDeregister func(name string)
	IOnRegister   func(name string)
	IOnSlow       func(name string, slow bool)
	// IOnLaunch launches an instance into the target group named (""
	// with one target group).
	IOnLaunch func(group string)

	at    time.Time // wall clock of the latest refresh by the frame loop
	ffing bool      // a fast-forward ran at the latest poll
}

// targetsMinGap spaces the frame loop's refreshes of the cards' numbers
// while the simulation runs; a change of the fleet shows at once.
const targetsMinGap = 100 * time.Millisecond

// poll reads the fleet as the Lab would pass it: a fleet changed (an
// instance, a state) or a fast-forward ended shows in this very frame.
func (p *TargetsPanel) poll(pl *player) bool {
	ff := pl.fastForwarding()
	ended := p.ffing && !ff
	p.ffing = ff
	v := viewTargets(pl.lb)
	if slices.Equal(v, p.ITargets) {
		return false
	}
	now := pl.now()
	busy := pl.rate != 0 || ff
	if !ended && busy && sameFleet(v, p.ITargets) && now.Sub(p.at) < targetsMinGap && !now.Before(p.at) {
		return false
	}
	p.ITargets, p.at = v, now
	return true
}

// sameFleet reports whether a and b show the same instances in the same
// states: only their numbers differ.
func sameFleet(a, b []TargetView) bool {
	return slices.EqualFunc(a, b, func(x, y TargetView) bool {
		return x.Number == y.Number && x.State == y.State && x.Running == y.Running && x.FailingChecks == y.FailingChecks && x.Latency == y.Latency
	})
}

// Render draws one card per instance, grouped by target group behind a
// weighted rule.
func (p *TargetsPanel) Render() app.UI {
	title := "Targets"
	if len(p.ITargets) > 0 && p.ITargets[0].InstanceState != "" {
		title = "Instances"
	}
	groups := targetGroupsOf(p.ITargets)
	return app.Section().Class("panel", "targets").Aria("label", title).Body(
		app.H2().Body(app.Text(title+" "), termLink("target")),
		when(title == "Instances", func() app.UI {
			return app.P().Class("muted").Text("Registered with the load balancer (a Classic Load Balancer has no target group); InService or OutOfService by its health check.")
		}),
		app.If(len(groups) == 0,
			app.Div().Class("target-list").Body(
				app.Range(p.ITargets).Slice(func(i int) app.UI { return p.card(p.ITargets[i]) }),
			),
		).Else(
			app.Range(groups).Slice(func(i int) app.UI {
				g := groups[i]
				return app.Div().Class("target-group").DataSet("testid", "targets-"+g).Body(
					app.H3().Text("Target group "+g),
					app.Div().Class("target-list").Body(
						app.Range(p.ITargets).Slice(func(j int) app.UI {
							if t := p.ITargets[j]; t.Group == g {
								return p.card(t)
							}
							return nil
						}),
					),
					p.launchButton(g),
				)
			}),
		),
		when(len(groups) == 0, func() app.UI { return p.launchButton("") }),
	)
}

// targetGroupsOf returns the target groups of ts in order of appearance,
// none when they have no group.
func targetGroupsOf(ts []TargetView) []string {
	var out []string
	for _, t := range ts {
		if t.Group != "" && !slices.Contains(out, t.Group) {
			out = append(out, t.Group)
		}
	}
	return out
}

// slowStartLine says how far a target in slow start is, nil outside it.
func slowStartLine(t TargetView) app.UI {
	if t.SlowStart < 0 {
		return nil
	}
	return app.Div().Class("slow-start").DataSet("testid", fmt.Sprintf("instance-%d-slow-start", t.Number)).DataSet("share", t.SlowStart).Body(
		app.Text(fmt.Sprintf("Slow start: %d%% of a full share, until %s ", t.SlowStart, t.SlowStartUntil.Format(time.TimeOnly))), termLink("slow-start"))
}

func (p *TargetsPanel) card(t TargetView) app.UI {
	name := t.Name
	power := "running"
	if !t.Running {
		power = "stopped"
	}
	store := plural(t.Sessions, "session") + " in memory"
	if t.SharedStore {
		store = plural(t.Sessions, "session") + " in the external store"
	}
	badge := string(t.State)
	if t.InstanceState != "" {
		badge = t.InstanceState
	}
	return app.Div().Class("target", "state-"+string(t.State)).DataSet("testid", fmt.Sprintf("instance-%d", t.Number)).Body(
		app.Div().Class("target-head").Body(
			app.Strong().Text(t.Name),
			app.Span().Class("badge", "state-"+string(t.State)).DataSet("testid", fmt.Sprintf("instance-%d-state", t.Number)).DataSet("state", string(t.State)).Text(badge),
		),
		app.Div().Class("muted").Text(t.ID+" · "+t.Zone+" · "+power),
		app.Div().DataSet("testid", fmt.Sprintf("instance-%d-requests", t.Number)).Text(plural(int(t.Requests), "request")+" · "+store),
		app.Div().Class("health").Body(app.Text(healthLine(t)+" "), termLink(healthTerm(t))),
		slowStartLine(t),
		when(!t.Running && t.State == engine.StateHealthy && t.UnhealthyIn >= 0, func() app.UI {
			return app.P().Class("warn", "stopped-note").DataSet("testid", fmt.Sprintf("instance-%d-stopped-note", t.Number)).Body(app.Text(stoppedNote(t)+" "), termLink("health-thresholds"))
		}),
		app.Div().Class("row").Body(
			app.If(t.Running,
				app.Button().Class("small").DataSet("testid", fmt.Sprintf("stop-%d", t.Number)).Text("Stop instance").Aria("label", "Stop "+name).OnClick(func(ctx app.Context, e app.Event) {
					call1(p.IOnStop, name)
					focusTestID(ctx, p, fmt.Sprintf("start-%d", t.Number))
				}, name),
			).Else(
				app.Button().Class("small").DataSet("testid", fmt.Sprintf("start-%d", t.Number)).Text("Start instance").Aria("label", "Start "+name).OnClick(func(ctx app.Context, e app.Event) {
					call1(p.IOnStart, name)
					focusTestID(ctx, p, fmt.Sprintf("stop-%d", t.Number))
				}, name),
			),
			// go-app keeps a mounted handler whose code and scope are
			// unchanged, so the scope holds what the handler captures.
			app.Button().Class("small").DataSet("testid", fmt.Sprintf("fail-checks-%d", t.Number)).
				Text(map[bool]string{false: "Fail health checks", true: "Pass health checks"}[t.FailingChecks]).
				Aria("label", map[bool]string{false: "Fail health checks", true: "Pass health checks"}[t.FailingChecks]+" on "+name).
				OnClick(func(ctx app.Context, e app.Event) {
					if p.IOnFailChecks != nil {
						p.IOnFailChecks(name, !t.FailingChecks)
					}
					focusTestID(ctx, p, fmt.Sprintf("fail-checks-%d", t.Number))
				}, name, t.FailingChecks),
		),
		p.fleetRow(t),
	)
}

// healthLine says where the target stands in its health checks.
func healthLine(t TargetView) string {
	next := ""
	if t.NextCheck >= 0 {
		next = fmt.Sprintf(", next check in %s", t.NextCheck.Round(time.Second))
	}
	switch {
	case t.State == engine.StateDraining:
		return fmt.Sprintf("Draining: deregistration completes in %s", t.DrainLeft.Round(time.Second))
	case t.State == engine.StateUnused:
		return "Not registered"
	case t.Failures > 0 && t.State != engine.StateUnhealthy:
		return fmt.Sprintf("Health checks failing: %d of %d before unhealthy%s", t.Failures, t.UnhealthyNeed, next)
	case t.Passes > 0 && t.State != engine.StateHealthy:
		return fmt.Sprintf("Health checks passing: %d of %d before healthy%s", t.Passes, t.HealthyNeed, next)
	default:
		return "Health checks: " + string(t.State) + next
	}
}

// stoppedNote says why a stopped instance is still healthy: the load
// balancer learns it from failed health checks (simulated assumption).
func stoppedNote(t TargetView) string {
	return fmt.Sprintf("Stopped but still healthy: the load balancer keeps sending it requests (%s) "+
		"until it fails %d health checks in a row, one every %s (up to %s). Next check in %s; unhealthy in %s if it stays stopped.",
		t.StoppedAnswer, t.UnhealthyNeed, durationWords(t.CheckInterval), durationWords(t.UnhealthyAfter),
		t.NextCheck.Round(time.Second), t.UnhealthyIn.Round(time.Second))
}

// healthTerm is the glossary entry the health line uses, "" for none.
func healthTerm(t TargetView) string {
	switch {
	case t.State == engine.StateDraining:
		return "deregistration-delay"
	case t.State == engine.StateUnused:
		return "deregister"
	case t.Failures > 0 || t.Passes > 0 && t.State != engine.StateHealthy:
		return "health-thresholds"
	}
	return ""
}

func call1(f func(string), s string) {
	if f != nil {
		f(s)
	}
}

// plural returns "1 request", "2 requests".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
