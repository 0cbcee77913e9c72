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
	Live

	IOnCancelFastForward func()

	v simClockView
}

type simClockView struct {
	clock  string
	day    string
	status string
	ff     bool
}

func (c *SimClock) poll(p *player) bool {
	v := simClockOf(p)
	if v == c.v {
		return false
	}
	c.v = v
	return true
}

// simClockOf describes the player's clock.
func simClockOf(p *player) simClockView {
	now := p.lb.Now()
	v := simClockView{clock: now.Format("15:04:05"), day: now.Format("Mon 2 Jan")}
	rate := p.rate
	switch {
	case p.fastForwarding():
		v.ff = true
		v.status = "fast-forwarding: " + p.fastForwardLeft().Round(time.Second).String() + " to go"
		if p.speed > 0 {
			v.status += fmt.Sprintf(" (%s× real time)", formatRate(p.speed))
		}
	case rate == 0:
		v.status = "paused"
	case p.lb.Crowd() == nil:
		// Only the clock runs: nothing plays until a crowd does.
		v.status = "no crowd: start one or pick a lesson"
		if rate > 1 {
			v.status += fmt.Sprintf(" (the clock runs at %d×)", rate)
		}
	default:
		v.status = fmt.Sprintf("playing at %d×", rate)
		if eff := p.speed; rate > 1 && eff > 0 && eff < 0.8*float64(rate) {
			v.status += fmt.Sprintf(" (the browser keeps up with %s×)", formatRate(eff))
		}
	}
	return v
}

// status is the player's status; its data-ff is there only while a
// fast-forward runs.
func (c *SimClock) status() app.UI {
	s := app.Span().Class("sim-status").DataSet("testid", "sim-status")
	if c.v.ff {
		s = s.DataSet("ff", true)
	}
	return s.Text(c.v.status)
}

// Render draws the clock.
func (c *SimClock) Render() app.UI {
	if p := c.source(); c.v.clock == "" && p != nil {
		c.v = simClockOf(p)
	}
	return app.Span().Class("sim-clock").Body(
		app.Span().Text("Simulated time "),
		app.Strong().DataSet("testid", "clock").Text(c.v.clock),
		app.Span().Class("muted").Text(" "+c.v.day+" · "),
		c.status(),
		when(c.v.ff, func() app.UI {
			return app.Button().Class("small").DataSet("testid", "ff-cancel").Text("Stop fast-forward").OnClick(func(ctx app.Context, e app.Event) {
				if c.IOnCancelFastForward != nil {
					c.IOnCancelFastForward()
				}
				if p := c.source(); p != nil {
					c.poll(p)
				}
			})
		}),
	)
}
