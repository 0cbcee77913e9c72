package app

import (
	"errors"

	"github.com/maxence-charriere/go-app/v9/pkg/app"

	"github.com/stickylab/stickylab/engine"
)

// NetworkAttributesForm is a Network Load Balancer's TCP target group
// attributes, as the console's Edit attributes page has them: stickiness
// on or off, of the one type a TCP target group takes, source_ip.
type NetworkAttributesForm struct {
	app.Compo

	IAttributes engine.Attributes
	// IOnSave applies attributes; its error shows under the form.
	IOnSave func(engine.Attributes) error
	// IOnSaved hears how each Save ended: nil, or the message shown.
	IOnSaved func(err error)

	enabled bool
	loaded  bool
	seen    bool
	err     string
	saved   bool
}

// OnUpdate reloads the form when stickiness changed elsewhere and the
// learner has not changed the form since.
func (f *NetworkAttributesForm) OnUpdate(ctx app.Context) {
	if f.IAttributes.StickinessEnabled != f.seen && f.enabled == f.seen {
		f.enabled, f.seen = f.IAttributes.StickinessEnabled, f.IAttributes.StickinessEnabled
	}
}

// Render draws the form.
func (f *NetworkAttributesForm) Render() app.UI {
	if !f.loaded {
		f.enabled, f.seen, f.loaded = f.IAttributes.StickinessEnabled, f.IAttributes.StickinessEnabled, true
	}
	spec, _ := engine.LookupAttribute(engine.KeyStickinessType)
	return app.Form().Class("panel", "attributes").Aria("label", "Target group attributes").DataSet("testid", "network-attributes").OnSubmit(func(ctx app.Context, e app.Event) {
		e.PreventDefault()
		f.save()
	}).Body(
		app.H2().Text("Target group attributes"),
		app.P().Class("muted").Text("Like the console's Edit attributes page of my-target-group, a TCP target group of a Network Load Balancer. It works below HTTP: no cookie is read or set."),
		app.Label().Class("check").Body(
			app.Input().Type("checkbox").DataSet("testid", "stickiness-enabled").Checked(f.enabled).OnChange(func(ctx app.Context, e app.Event) {
				f.enabled, f.saved = ctx.JSSrc().Get("checked").Bool(), false
			}),
			app.Text(" Stickiness (turn on sticky sessions)"),
		),
		app.Label().Body(
			app.Span().Text(spec.Label),
			app.Select().DataSet("testid", "stickiness-type").Disabled(!f.enabled).Body(
				app.Option().Value(string(engine.SourceIP)).Selected(true).Text("Source IP ("+string(engine.SourceIP)+")"),
			),
		),
		termNote(string(engine.SourceIP)),
		app.P().Class("muted").Text("Without stickiness, each TCP connection goes to the target the flow hash picks (protocol, source and destination IP and port, sequence number) and stays there until it closes. With source_ip, every connection from one source IP goes to one target."),
		app.Div().Class("row").Body(
			app.Button().Type("submit").Class("primary").DataSet("testid", "save-attributes").Text("Save changes"),
			app.If(f.err == "" && f.saved, app.Span().Class("ok").DataSet("testid", "attributes-saved").Text("Saved: the load balancer uses these attributes now.")),
		),
		app.If(f.err != "", app.P().Class("error").ID("attributes-error").DataSet("testid", "attributes-error").Text(f.err)),
	)
}

// save hands the attributes to IOnSave; on error the message shows.
func (f *NetworkAttributesForm) save() {
	a := f.IAttributes
	a.StickinessEnabled = f.enabled
	var err error
	if f.IOnSave != nil {
		err = f.IOnSave(a)
	}
	f.err, f.saved = "", err == nil
	if err != nil {
		f.err, _ = errorMessage(err)
		err = errors.New(f.err)
	} else {
		f.seen = f.enabled
	}
	if f.IOnSaved != nil {
		f.IOnSaved(err)
	}
}
