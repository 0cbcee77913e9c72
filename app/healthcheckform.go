package app

import (
	"errors"
	"fmt"
	"strings"

	"github.com/maxence-charriere/go-app/v9/pkg/app"

	"github.com/stickylab/stickylab/engine"
)

// classicHealth are the Classic health check's fields, in the console's
// order, with the engine's labels, ranges and defaults.
var classicHealth = engine.ClassicHealthCheckSpecs()

// healthCheckIDs are the test ids of classicHealth's inputs, by key.
var healthCheckIDs = map[string]string{
	engine.KeyHealthCheckTimeout: "hc-timeout", engine.KeyHealthCheckInterval: "hc-interval",
	engine.KeyUnhealthyThresholdCount: "hc-unhealthy", engine.KeyHealthyThresholdCount: "hc-healthy",
}

// HealthCheckForm is a Classic Load Balancer's "Health check" tab: the
// ping target, the response timeout, the interval and the thresholds, as
// the console's Edit health check sets them.
type HealthCheckForm struct {
	app.Compo

	IAttributes engine.Attributes // the instances' settings now
	// IOnSave applies the settings; its error shows under the form.
	IOnSave func(engine.Attributes) error
	// IOnSaved hears how each Save ended: nil, or the message shown.
	IOnSaved func(err error)

	draft  []string // by classicHealth, as typed
	seen   engine.Attributes
	err    string
	errKey string
	saved  bool
}

func healthDraftOf(a engine.Attributes) []string {
	d := make([]string, len(classicHealth))
	for i, s := range classicHealth {
		d[i] = a.Value(s.Key)
	}
	return d
}

func sameDraft(a, b []string) bool { return strings.Join(a, ",") == strings.Join(b, ",") }

// OnUpdate reloads the form when the settings changed elsewhere (a loaded
// scenario) and the learner has not changed the form since.
func (f *HealthCheckForm) OnUpdate(ctx app.Context) {
	if f.draft != nil && f.err == "" && sameDraft(f.draft, healthDraftOf(f.seen)) && !sameDraft(healthDraftOf(f.IAttributes), f.draft) {
		f.draft, f.seen = healthDraftOf(f.IAttributes), f.IAttributes
	}
}

// Render draws the form.
func (f *HealthCheckForm) Render() app.UI {
	if f.draft == nil {
		f.draft, f.seen = healthDraftOf(f.IAttributes), f.IAttributes
	}
	return app.Form().Class("panel", "attributes", "health-check").Aria("label", "Health check").DataSet("testid", "health-check").OnSubmit(func(ctx app.Context, e app.Event) {
		e.PreventDefault()
		f.save()
	}).Body(
		app.H2().Body(app.Text("Health check "), termLink("health-check")),
		app.P().Class("muted").Text("The load balancer checks each registered instance every interval: after the unhealthy threshold of failed checks in a row it is OutOfService, after the healthy threshold of passed ones InService again."),
		app.P().DataSet("testid", "hc-ping-target").Body(app.Strong().Text(engine.LabelPingTarget+": "), app.Text(engine.ClassicPingTarget)),
		app.Range(classicHealth).Slice(func(i int) app.UI {
			s := classicHealth[i]
			label, hint := s.Label, fmt.Sprintf("%d to %d", s.Min, s.Max)
			if s.Key == engine.KeyHealthCheckTimeout || s.Key == engine.KeyHealthCheckInterval {
				label, hint = label+" (seconds)", hint+" seconds"
			}
			if s.Key == engine.KeyHealthCheckTimeout {
				hint += ", less than the interval"
			}
			id := healthCheckIDs[s.Key]
			return app.Label().Body(
				app.Span().Text(label),
				describedByError(app.Input().Type("text").Attr("inputmode", "numeric").DataSet("testid", id).Value(f.draft[i]).
					OnInput(func(ctx app.Context, e app.Event) { f.draft[i], f.saved = ctx.JSSrc().Get("value").String(), false }, id),
					f.err != "" && f.errKey == s.Key, "health-check-error"),
				app.Small().Class("muted").Text(hint+" (default "+s.Default+")"),
			)
		}),
		app.Div().Class("row").Body(
			app.Button().Type("submit").Class("primary").DataSet("testid", "save-health-check").Text("Save changes"),
			app.If(f.err == "" && f.saved, app.Span().Class("ok").DataSet("testid", "health-check-saved").Text("Saved: the load balancer checks the instances this way now.")),
		),
		app.If(f.err != "", app.P().Class("error").ID("health-check-error").DataSet("testid", "health-check-error").Text(f.err)),
	)
}

// settings returns the settings the draft describes over IAttributes, or
// the first value that does not parse; IOnSave validates them.
func (f *HealthCheckForm) settings() (engine.Attributes, error) {
	a := f.IAttributes
	for i, s := range classicHealth {
		if err := a.Set(s.Key, f.draft[i]); err != nil {
			return a, &engine.ValidationError{Key: s.Key, Message: s.Message()}
		}
	}
	return a, nil
}

// save hands the draft to IOnSave; on error the message shows and the
// draft stays as typed.
func (f *HealthCheckForm) save() {
	a, err := f.settings()
	if err == nil && f.IOnSave != nil {
		err = f.IOnSave(a)
	}
	f.err, f.errKey, f.saved = "", "", err == nil
	if err != nil {
		f.err, f.errKey = errorMessage(err)
	} else {
		f.seen = a
	}
	if f.IOnSaved != nil {
		if err != nil {
			err = errors.New(f.err)
		}
		f.IOnSaved(err)
	}
}
