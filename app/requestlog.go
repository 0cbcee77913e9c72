package app

import (
	"fmt"
	"strings"

	"github.com/maxence-charriere/go-app/v9/pkg/app"

	"github.com/stickylab/stickylab/engine"
)

// RequestLog lists the learner's requests like DevTools' Network tab: when,
// the Cookie header sent, the target chosen and why, and the Set-Cookie
// headers returned. Newest first.
type RequestLog struct {
	app.Compo

	IEntries []engine.Exchange // oldest first
	// INetwork shows each request's TCP connection (a Network Load Balancer).
	INetwork bool
}

// Render draws the log table.
func (l *RequestLog) Render() app.UI {
	n := len(l.IEntries)
	return app.Section().Class("panel", "log").DataSet("testid", "request-log").Aria("label", "Request log").Body(
		app.H2().Text("Requests"),
		app.If(n == 0, app.P().Class("empty").Text("No request yet.")).Else(
			app.Table().Class("stack").Body(
				app.THead().Body(app.Tr().Body(
					app.Th().Text("Time"), when(l.INetwork, func() app.UI { return app.Th().Text("Connection") }), app.Th().Text("Cookie sent"), app.Th().Text("Target"), app.Th().Text("Status"), app.Th().Text("Why"), app.Th().Text("Set-Cookie"),
				)),
				app.TBody().Body(
					app.Range(l.IEntries).Slice(func(i int) app.UI { return l.row(&l.IEntries[n-1-i]) }),
				),
			),
		),
	)
}

func (l *RequestLog) row(ex *engine.Exchange) app.UI {
	return app.Tr().Class("reason-"+ex.Reason.String()).DataSet("testid", "log-row").DataSet("reason", ex.Reason.String()).Body(
		app.Td().DataSet("label", "Time").Text(ex.Time.Format("15:04:05")),
		when(l.INetwork, func() app.UI {
			return app.Td().DataSet("label", "Connection").DataSet("testid", "log-connection").Text(connectionWords(ex))
		}),
		app.Td().DataSet("label", "Cookie sent").Body(app.Code().Title(ex.CookieHeader()).Text(cookieNames(ex.Cookies))),
		app.Td().DataSet("testid", "log-target").DataSet("label", "Target").Text(ex.TargetName),
		app.Td().DataSet("label", "Status").Text(ex.StatusText()),
		app.Td().DataSet("label", "Why").Text(ex.Why()),
		app.Td().DataSet("label", "Set-Cookie").Body(app.Code().Title(strings.Join(ex.SetCookieHeaders(), "\n")).Text(setCookieNames(ex))),
	)
}

// connectionWords says a request's TCP connection to a Network Load
// Balancer: "198.51.100.7:40123, new connection" or "…, same connection".
func connectionWords(ex *engine.Exchange) string {
	if ex.SourcePort == 0 {
		return "—"
	}
	kind := "same connection"
	if ex.NewConnection {
		kind = "new connection"
	}
	return fmt.Sprintf("%s:%d, %s", ex.SourceIP, ex.SourcePort, kind)
}

// cookieNames lists the names of a request's cookies, "—" for none.
func cookieNames(cs []engine.StoredCookie) string {
	var names []string
	for _, c := range cs {
		names = append(names, c.Name)
	}
	if len(names) == 0 {
		return "—"
	}
	return strings.Join(names, ", ")
}

func setCookieNames(ex *engine.Exchange) string {
	var names []string
	for _, c := range ex.SetCookies {
		names = append(names, c.Name)
	}
	if len(names) == 0 {
		return "—"
	}
	if ex.StoreError != "" {
		return strings.Join(names, ", ") + " (refused: " + ex.StoreError + ")"
	}
	return strings.Join(names, ", ")
}
