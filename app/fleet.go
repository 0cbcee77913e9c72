package app

import (
	"fmt"
	"time"

	"github.com/maxence-charriere/go-app/v9/pkg/app"

	"github.com/stickylab/stickylab/engine"
)

// slowLatency is how long a slowed-down instance takes to answer: 50 times
// engine.DefaultLatency, still under the 5 s health check timeout, so it stays
// healthy while least outstanding requests sends it less.
const slowLatency = time.Second

// fleetRow is a target card's second row of buttons: deregister (drain for
// the deregistration delay) or register again, and slow down or speed up.
func (p *TargetsPanel) fleetRow(t TargetView) app.UI {
	if p.IOnDeregister == nil && p.IOnSlow == nil {
		return nil
	}
	name := t.Name
	slow := t.Latency >= slowLatency
	var reg app.UI
	switch {
	case t.State == engine.StateDraining || t.State == engine.StateUnused:
		if p.IOnRegister != nil {
			reg = app.Button().Class("small").DataSet("testid", fmt.Sprintf("register-%d", t.Number)).Text("Register").Aria("label", "Register "+name).
				Title("Register the instance with the target group again").
				OnClick(func(ctx app.Context, e app.Event) {
					call1(p.IOnRegister, name)
					focusTestID(ctx, p, fmt.Sprintf("deregister-%d", t.Number))
				}, name)
		}
	case p.IOnDeregister != nil:
		reg = app.Button().Class("small").DataSet("testid", fmt.Sprintf("deregister-%d", t.Number)).Text("Deregister").Aria("label", "Deregister "+name).
			Title("Remove the instance from the target group: it drains for the deregistration delay").
			OnClick(func(ctx app.Context, e app.Event) {
				call1(p.IOnDeregister, name)
				focusTestID(ctx, p, fmt.Sprintf("register-%d", t.Number))
			}, name)
	}
	var slowBtn app.UI
	if p.IOnSlow != nil {
		slowBtn = app.Button().Class("small").DataSet("testid", fmt.Sprintf("slow-%d", t.Number)).
			Text(map[bool]string{false: "Slow down", true: "Speed up"}[slow]).Aria("label", map[bool]string{false: "Slow down", true: "Speed up"}[slow]+" "+name).
			Title(fmt.Sprintf("Make the instance answer in %s instead of %s (least outstanding requests sends a slow instance less)", slowLatency, engine.DefaultLatency)).
			OnClick(func(ctx app.Context, e app.Event) {
				if p.IOnSlow != nil {
					p.IOnSlow(name, !slow)
				}
			}, name, slow)
	}
	var note app.UI
	if slow {
		note = app.Span().Class("muted").DataSet("testid", fmt.Sprintf("instance-%d-latency", t.Number)).
			Text(fmt.Sprintf("answers in %s · %s in flight", t.Latency, plural(t.InFlight, "request")))
	}
	return app.Div().Class("row").Body(reg, when(reg != nil, func() app.UI { return termLink("deregister") }), slowBtn, note)
}

// launchButton launches a new instance (scale out) into target group g,
// "" with one target group: one button per group section.
func (p *TargetsPanel) launchButton(g string) app.UI {
	if p.IOnLaunch == nil {
		return nil
	}
	full := len(p.ITargets) >= engine.MaxInstances
	id, label, title := "launch-instance", "+ Launch instance", "Scale out: launch a new instance and register it; it serves once it passes its health checks"
	if g != "" {
		id, label = "launch-instance-"+g, "+ Launch instance in "+g
		title = "Scale out target group " + g + ": launch a new instance and register it with " + g + "; it serves once it passes its health checks"
	}
	return app.Div().Class("row", "launch").Body(
		app.Button().Class("secondary").DataSet("testid", id).Disabled(full).Text(label).Title(title).
			OnClick(func(ctx app.Context, e app.Event) {
				if p.IOnLaunch != nil {
					p.IOnLaunch(g)
				}
			}, g),
		when(full, func() app.UI {
			return app.Span().Class("muted").Text(fmt.Sprintf("The lab runs at most %d instances.", engine.MaxInstances))
		}),
	)
}
