package app

import (
	"fmt"
	"time"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// PlaybackBar runs the simulated clock of the traffic lab: pause and play,
// step one request, play at 1×, 10× or 100×, and fast-forward.
type PlaybackBar struct {
	app.Compo

	ILive                *liveFeed // the frame loop that refreshes the clock
	IRate                int       // 0 paused
	IOnSpeed             func(speed int)
	IOnPause             func()
	IOnStep              func()
	IOnFastForward       func(time.Duration)
	IOnCancelFastForward func()
}

// trafficJumps are the playback bar's fast-forwards.
var trafficJumps = []struct {
	id, label string
	d         time.Duration
}{{"ff-1m", "+1 min", time.Minute}, {"ff-10m", "+10 min", 10 * time.Minute}, {"ff-1h", "+1 hour", time.Hour}, {"ff-1d", "+1 day", 24 * time.Hour}}

// Render draws the bar.
func (p *PlaybackBar) Render() app.UI {
	paused := p.IRate == 0
	return app.Div().Class("clock", "playback").DataSet("testid", "playback").DataSet("rate", p.IRate).Body(
		&SimClock{Live: Live{ILive: p.ILive}, IOnCancelFastForward: p.IOnCancelFastForward},
		app.Span().Class("spacer"),
		app.Div().Class("btn-group").Role("group").Aria("label", "Play").Body(
			app.Button().Class("small").DataSet("testid", "pause").Disabled(paused).Title("Freeze the simulated clock").Text("Pause").OnClick(func(ctx app.Context, e app.Event) {
				if p.IOnPause != nil {
					p.IOnPause()
				}
				focusTestID(ctx, p, "play") // Pause is disabled now
			}),
			app.Button().Class("small").DataSet("testid", "play").Disabled(!paused).Title("Play at the chosen speed").Text("▶ Play").OnClick(func(ctx app.Context, e app.Event) {
				if p.IOnSpeed != nil {
					p.IOnSpeed(0)
				}
				focusTestID(ctx, p, "pause") // Play is disabled now
			}),
			app.Button().Class("small").DataSet("testid", "step").Title("Pause and run the simulation to its next request").Text("Step →").OnClick(func(ctx app.Context, e app.Event) {
				if p.IOnStep != nil {
					p.IOnStep()
				}
			}),
		),
		app.Div().Class("btn-group").Role("group").Aria("label", "Speed").Body(
			app.Range(Speeds).Slice(func(i int) app.UI {
				s := Speeds[i]
				return app.Button().Class("small", map[bool]string{true: "on", false: ""}[p.IRate == s]).DataSet("testid", fmt.Sprintf("speed-%d", s)).
					Aria("pressed", p.IRate == s).Title(fmt.Sprintf("Play %d simulated seconds per second", s)).Text(fmt.Sprintf("%d×", s)).
					OnClick(func(ctx app.Context, e app.Event) {
						if p.IOnSpeed != nil {
							p.IOnSpeed(s)
						}
					}, s)
			}),
		),
		app.Div().Class("btn-group").Role("group").Aria("label", "Fast-forward").Body(
			app.Range(trafficJumps).Slice(func(i int) app.UI {
				j := trafficJumps[i]
				return app.Button().Class("small").DataSet("testid", j.id).Title("Run the simulation "+j.label+" ahead, as fast as the browser can").Text(j.label).
					OnClick(func(ctx app.Context, e app.Event) {
						if p.IOnFastForward != nil {
							p.IOnFastForward(j.d)
						}
					}, j.id)
			}),
		),
	)
}
