package app

import (
	"strconv"
	"time"

	"github.com/maxence-charriere/go-app/v9/pkg/app"

	"github.com/stickylab/stickylab/engine"
)

// RequestFlow shows the latest requests flowing from clients (the crowd's
// and yours) through the load balancer to an instance, with the routing
// reason and what became of the session. The frame loop refreshes it.
type RequestFlow struct {
	app.Compo
	Live

	seen    uint64
	rows    []flowEntry
	showing bool
	at      time.Time // wall clock of the latest refresh
}

// flowMinGap spaces the flow's refreshes while the simulation plays or
// fast-forwards: ten a second are as many as anyone can read.
const flowMinGap = 100 * time.Millisecond

func (f *RequestFlow) poll(p *player) bool {
	if f.showing && p.rec.flowN == f.seen {
		return false
	}
	now := p.now()
	if f.showing && (p.rate != 0 || p.fastForwarding()) && now.Sub(f.at) < flowMinGap && !now.Before(f.at) {
		return false
	}
	f.seen, f.showing, f.at = p.rec.flowN, true, now
	f.rows = p.rec.recentFlow(f.rows[:0])
	return true
}

// Render draws the flow.
func (f *RequestFlow) Render() app.UI {
	abbr := typeAbbr(engine.ApplicationLoadBalancer)
	if p := f.source(); p != nil {
		if !f.showing {
			f.poll(p)
		}
		abbr = typeAbbr(p.lb.Type)
	}
	return app.Section().Class("panel", "flow").DataSet("testid", "request-flow").DataSet("seen", f.seen).Aria("label", "Requests flowing").Body(
		app.H2().Text("Requests flowing"),
		app.Div().Class("flow-head").Body(
			app.Span().Text("Client"), app.Span(), app.Span().Text("Load balancer"), app.Span(), app.Span().Text("Instance"), app.Span().Text("Why"), app.Span().Text("Session"),
		),
		when(len(f.rows) == 0, func() app.UI {
			return app.P().Class("empty").Text("No request yet: start a crowd or a lesson, or press Refresh in your browser.")
		}),
		app.Ol().Class("flow-rows").Body(
			app.Range(f.rows).Slice(func(i int) app.UI { return flowRow(&f.rows[i], abbr) }),
		),
	)
}

func flowRow(r *flowEntry, abbr string) app.UI {
	target, status := r.target, strconv.Itoa(r.status)
	if r.failure != "" {
		status = r.failure // a connection that timed out or was reset
	}
	if target == "" {
		target = "—"
	}
	session := r.session.String()
	switch r.session {
	case engine.SessionLost:
		session = "lost!"
	case engine.SessionNone:
		session = status
	}
	client := r.client
	if client == "student" {
		client = "you"
	}
	return app.Li().Class("flow-row", "reason-"+r.reason.String(), "session-"+r.session.String(), map[bool]string{true: "you", false: ""}[client == "you"]).
		DataSet("testid", "flow-row").DataSet("target", r.target).DataSet("reason", r.reason.String()).DataSet("session", r.session.String()).
		Title(r.time.Format("15:04:05.000")+" · "+r.reason.Text()).Body(
		app.Span().Class("flow-client").Text(client),
		app.Span().Class("flow-arrow").Text("→"),
		app.Span().Class("flow-alb").Text(abbr),
		app.Span().Class("flow-arrow").Text("→"),
		app.Span().Class("flow-target").Text(target),
		app.Span().Class("flow-reason").Text(r.reason.String()),
		app.Span().Class("flow-session").Text(session),
	)
}
