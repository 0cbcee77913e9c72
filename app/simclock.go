package app

import (
	"fmt"
	"time"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// SimClock is the traffic lab's clock: the simulated time, the play speed
// and the progress of a fast-forward. The frame loop refreshes it.
type SimClock struct {
	app.Compo

	IModel *model

	v simClockView
}

type simClockView struct {
	clock  string
	day    string
	status string
	ff     bool
}

// OnMount joins the frame loop.
func (c *SimClock) OnMount(ctx app.Context) {
	if c.IModel != nil {
		c.IModel.watch(c)
	}
}

// OnDismount leaves it.
func (c *SimClock) OnDismount() {
	if c.IModel != nil {
		c.IModel.unwatch(c)
	}
}

func (c *SimClock) poll(m *model) bool {
	v := simClockOf(m)
	if v == c.v {
		return false
	}
	c.v = v
	return true
}

// simClockOf describes the model's clock.
func simClockOf(m *model) simClockView {
	now := m.lb.Now()
	v := simClockView{clock: now.Format("15:04:05"), day: now.Format("Mon 2 Jan")}
	rate := m.player.rate
	switch {
	case m.player.fastForwarding():
		v.ff = true
		v.status = "fast-forwarding: " + m.player.fastForwardLeft().Round(time.Second).String() + " to go"
		if m.player.speed > 0 {
			v.status += fmt.Sprintf(" (%s× real time)", formatRate(m.player.speed))
		}
	case rate == 0:
		v.status = "paused"
	default:
		v.status = fmt.Sprintf("playing at %d×", rate)
		if eff := m.player.speed; rate > 1 && eff > 0 && eff < 0.8*float64(rate) {
			v.status += fmt.Sprintf(" (the browser keeps up with %s×)", formatRate(eff))
		}
	}
	return v
}

// Render draws the clock.
func (c *SimClock) Render() app.UI {
	if c.v.clock == "" && c.IModel != nil {
		c.v = simClockOf(c.IModel)
	}
	return app.Span().Class("sim-clock").Body(
		app.Span().Text("Simulated time "),
		app.Strong().DataSet("testid", "clock").Text(c.v.clock),
		app.Span().Class("muted").Text(" "+c.v.day+" · "),
		app.Span().Class("sim-status").DataSet("testid", "sim-status").DataSet("ff", c.v.ff).Text(c.v.status),
		when(c.v.ff, func() app.UI {
			return app.Button().Class("small").DataSet("testid", "ff-cancel").Text("Stop fast-forward").OnClick(func(ctx app.Context, e app.Event) {
				if c.IModel != nil {
					c.IModel.player.cancelFastForward()
					c.poll(c.IModel)
				}
			})
		}),
	)
}
