package app

import (
	"time"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// fastForwards are the clock bar's jumps.
var fastForwards = []struct {
	label string
	d     time.Duration
}{{"+30 s", 30 * time.Second}, {"+1 min", time.Minute}, {"+5 min", 5 * time.Minute}, {"+1 hour", time.Hour}, {"+1 day", 24 * time.Hour}}

// ClockBar shows the simulated time, which runs at wall-clock speed, and
// fast-forwards it so nobody waits for health checks or a stickiness
// duration to run out.
type ClockBar struct {
	app.Compo

	INow           time.Time
	IAhead         time.Duration // how far the simulation is ahead of the wall clock
	IOnFastForward func(time.Duration)
}

// Render draws the clock and its buttons.
func (c *ClockBar) Render() app.UI {
	ahead := ""
	if c.IAhead > 0 {
		ahead = " (fast-forwarded " + c.IAhead.String() + ")"
	}
	return app.Div().Class("clock").Body(
		app.Span().Text("Simulated time "),
		app.Strong().DataSet("testid", "clock").Text(c.INow.Format("15:04:05")),
		app.Span().Class("muted").Text(ahead),
		app.Span().Class("spacer"),
		app.Range(fastForwards).Slice(func(i int) app.UI {
			ff := fastForwards[i]
			return app.Button().Class("small").DataSet("testid", "ff-"+ff.d.String()).Text(ff.label).OnClick(func(ctx app.Context, e app.Event) {
				if c.IOnFastForward != nil {
					c.IOnFastForward(ff.d)
				}
			})
		}),
	)
}
