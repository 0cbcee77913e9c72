package app

import (
	"fmt"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v9/pkg/app"

	"github.com/stickylab/stickylab/engine"
)

// PresetPicker stages the classic lessons of sticky sessions in one click
// (engine.Presets): each button builds a new load balancer with the
// preset's attributes, fleet, crowd and incidents, and the lesson's
// paragraph says what to watch.
type PresetPicker struct {
	app.Compo

	IActive   string // the preset staged, "" for none
	IOnPreset func(id string)
}

// Render draws the buttons and the active lesson.
func (p *PresetPicker) Render() app.UI {
	active, ok := engine.PresetByID(p.IActive)
	return app.Section().Class("panel", "presets").Aria("label", "Lessons").Body(
		app.H2().Text("Lessons"),
		app.Div().Class("preset-list").Body(
			app.Range(engine.Presets).Slice(func(i int) app.UI {
				pr := engine.Presets[i]
				on := pr.ID == p.IActive
				return app.Button().Class("preset", map[bool]string{true: "on", false: ""}[on]).DataSet("testid", "preset-"+pr.ID).
					Aria("pressed", on).Title("Start this lesson: a new load balancer, its crowd and its incident").Text(pr.Title).
					OnClick(func(ctx app.Context, e app.Event) {
						if p.IOnPreset != nil {
							p.IOnPreset(pr.ID)
						}
						revealTestID(ctx, p, "preset-lesson") // below the nine buttons on a phone
					}, pr.ID)
			}),
		),
		when(ok, func() app.UI {
			return app.Div().Class("lesson").DataSet("testid", "preset-lesson").DataSet("preset", active.ID).Body(
				app.H3().DataSet("testid", "preset-title").Text(active.Title),
				app.P().Text(active.Lesson),
				app.P().Class("muted").Text(presetSetup(active)),
			)
		}),
		when(!ok, func() app.UI {
			return app.P().Class("muted").DataSet("testid", "preset-lesson").Text("Pick a lesson to stage it: a fresh load balancer with 300 clients and an incident to watch. Or set up your own crowd below.")
		}),
	)
}

// presetSetup says what a preset stages.
func presetSetup(p engine.Preset) string {
	var b strings.Builder
	if p.Type != "" && p.Type != engine.ApplicationLoadBalancer {
		b.WriteString(p.Type.Title() + ": ")
	}
	switch a := p.Attributes(); {
	case p.Type == engine.ClassicLoadBalancer:
		b.WriteString("listener stickiness " + p.ListenerStickiness().String())
	case a.StickinessEnabled && a.StickinessType == engine.SourceIP:
		b.WriteString("Stickiness on (source IP, no cookie)")
	case !a.StickinessEnabled:
		b.WriteString("Stickiness off")
	case a.StickinessType == engine.AppCookie:
		b.WriteString("Stickiness on (application cookie " + a.AppCookieName + ")")
	default:
		b.WriteString("Stickiness on (load balancer cookie, " + durationWords(a.LBCookieDuration) + ")")
	}
	if p.ExternalStore {
		b.WriteString(", external session store")
	}
	if p.SlowStart > 0 {
		b.WriteString(", slow start " + durationWords(p.SlowStart))
	}
	presetGroups(&b, p) // presetgroups.go
	fmt.Fprintf(&b, "; %s; %s.", plural(p.Instances, "instance"), describeCrowd(p.Crowd))
	for _, inc := range p.Incidents {
		switch inc.Action {
		case "stop":
			fmt.Fprintf(&b, " After %s: %s stops.", humanDuration(inc.After), inc.Target)
		case "launch":
			fmt.Fprintf(&b, " After %s: %s launched (scale out).", humanDuration(inc.After), plural(inc.Count, "instance"))
		case "weights":
			fmt.Fprintf(&b, " After %s: the weights shift to %s.", humanDuration(inc.After), strings.ReplaceAll(formatWeights(inc.Weights), ",", "/"))
		}
	}
	return b.String()
}

// humanDuration says d the way people do: "1 min", "90 s", "2 h".
func humanDuration(d time.Duration) string {
	switch {
	case d >= time.Hour && d%time.Hour == 0:
		return fmt.Sprintf("%d h", d/time.Hour)
	case d >= time.Minute && d%time.Minute == 0:
		return fmt.Sprintf("%d min", d/time.Minute)
	case d%time.Second == 0:
		return fmt.Sprintf("%d s", d/time.Second)
	}
	return d.String()
}
