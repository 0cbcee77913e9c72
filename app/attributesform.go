package app

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v9/pkg/app"

	"github.com/stickylab/stickylab/engine"
)

// durationUnits are the units of the console's stickiness duration field.
var durationUnits = []struct {
	name string
	d    time.Duration
}{{"seconds", time.Second}, {"minutes", time.Minute}, {"hours", time.Hour}, {"days", 24 * time.Hour}}

// AttributesForm is the target group's "Edit attributes" form, as in the
// AWS console: stickiness on or off, its type, duration and app cookie
// name, and the algorithm. Save applies the attributes to the running load
// balancer; AWS's validation message appears on a bad value and nothing
// the learner typed is lost.
type AttributesForm struct {
	app.Compo

	IAttributes engine.Attributes
	// INetwork makes it a Network Load Balancer's TCP target group: its
	// one stickiness type, source_ip, and no duration, cookie, algorithm
	// or slow start.
	INetwork bool
	IGroup   string // the target group's name; a new one reloads the form
	// IOnSave applies attributes; its error is shown under the form.
	IOnSave func(engine.Attributes) error
	// IOnSaved hears how each Save ended: nil, or the message shown.
	IOnSaved func(err error)

	draft    formDraft
	loaded   bool
	err      string
	errKey   string
	saved    bool
	lastSeen engine.Attributes
	group    string // IGroup when last loaded
}

// formDraft is what the learner has typed, before Save.
type formDraft struct {
	enabled   bool
	kind      engine.StickinessType
	amount    string
	unit      string
	cookie    string
	algorithm engine.Algorithm
	slowStart string // seconds, 0 for off
}

func draftOf(a engine.Attributes) formDraft {
	d := a.StickinessDuration()
	amount, unit := strconv.FormatInt(int64(d/time.Second), 10), "seconds"
	for i := len(durationUnits) - 1; i > 0; i-- {
		if u := durationUnits[i]; d%u.d == 0 {
			amount, unit = strconv.FormatInt(int64(d/u.d), 10), u.name
			break
		}
	}
	cookie := a.AppCookieName
	if cookie == "" {
		cookie = engine.SessionCookie
	}
	return formDraft{enabled: a.StickinessEnabled, kind: a.StickinessType, amount: amount, unit: unit, cookie: cookie, algorithm: a.Algorithm,
		slowStart: strconv.FormatInt(int64(a.SlowStart/time.Second), 10)}
}

// OnMount loads the current attributes into the form.
func (f *AttributesForm) OnMount(ctx app.Context) { f.reload() }

// OnUpdate reloads the form when the running attributes change from
// elsewhere, unless the learner has changed the form since it last loaded
// or saved (a change made right after a Save is kept).
func (f *AttributesForm) OnUpdate(ctx app.Context) {
	if f.IGroup != f.group { // another target group picked: its own form
		f.reload()
		f.err, f.errKey, f.saved = "", "", false
		return
	}
	if f.IAttributes != f.lastSeen && f.err == "" && f.draft == draftOf(f.lastSeen) {
		f.reload()
	}
}

func (f *AttributesForm) reload() {
	f.draft = draftOf(f.IAttributes)
	f.lastSeen = f.IAttributes
	f.group = f.IGroup
	f.loaded = true
}

// durationSpec is the engine's spec of the duration the form edits for a
// stickiness type: its key, range and AWS's message.
func durationSpec(kind engine.StickinessType) engine.AttributeSpec {
	key := engine.KeyLBCookieDuration
	if kind == engine.AppCookie {
		key = engine.KeyAppCookieDuration
	}
	s, _ := engine.LookupAttribute(key)
	return s
}

// durationHint says the duration's range as the learner counts it.
func durationHint(s engine.AttributeSpec) string {
	return durationWords(s.MinDuration()) + " to " + durationWords(s.MaxDuration())
}

// apply returns the attributes the draft describes, or the error of the
// first bad value: the engine's Validate, so AWS's message.
func (f *AttributesForm) apply() (engine.Attributes, error) {
	a := f.IAttributes
	a.StickinessEnabled = f.draft.enabled
	a.Algorithm = f.draft.algorithm
	if f.draft.enabled {
		a.StickinessType = f.draft.kind
	}
	switch {
	case f.INetwork: // no duration: the TCP target group's rules
		return a, a.ValidateFor(engine.NetworkLoadBalancer)
	case !f.draft.enabled: // the disabled fields are ignored, as in the console: the saved values stay
		return a, f.validateSlowStart(&a)
	}
	spec := durationSpec(a.StickinessType)
	amount := strings.TrimSpace(f.draft.amount)
	n, err := strconv.ParseInt(amount, 10, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) { // a whole number too big for int64 is out of range below
		return a, &engine.ValidationError{Key: spec.Key, Message: spec.Label + " must be a whole number, not \"" + f.draft.amount + "\""}
	}
	unit := durationUnits[0]
	for _, u := range durationUnits {
		if u.name == f.draft.unit {
			unit = u
		}
	}
	d := time.Duration(n) * unit.d
	if n < 0 || n > int64(spec.MaxDuration()/unit.d) {
		d = spec.MaxDuration() + time.Second // out of range, maybe too big to multiply: Validate gives AWS's message
	}
	if a.StickinessType == engine.AppCookie {
		a.AppCookieDuration = d
	} else {
		a.LBCookieDuration = d
	}
	a.AppCookieName = strings.TrimSpace(f.draft.cookie)
	err = f.validateSlowStart(&a)
	var v *engine.ValidationError
	if errors.As(err, &v) && v.Key == spec.Key && unit.d != time.Second {
		// AWS counts in seconds; say the range in the learner's unit too.
		err = &engine.ValidationError{Key: v.Key, Message: fmt.Sprintf("%s (%s); you entered %s %s.", v.Message, durationHint(spec), amount, unit.name)}
	}
	return a, err
}

// validateSlowStart reads the slow start draft into a, then validates a:
// the engine's Validate, so AWS's message.
func (f *AttributesForm) validateSlowStart(a *engine.Attributes) error {
	ss, _ := engine.LookupAttribute(engine.KeySlowStart)
	if n, err := strconv.ParseInt(strings.TrimSpace(f.draft.slowStart), 10, 64); err != nil && !errors.Is(err, strconv.ErrRange) {
		return &engine.ValidationError{Key: ss.Key, Message: ss.Label + " must be a whole number of seconds, not \"" + f.draft.slowStart + "\""}
	} else if n < 0 || n > ss.Max {
		a.SlowStart = time.Duration(ss.Max+1) * time.Second // Validate gives AWS's message
	} else {
		a.SlowStart = time.Duration(n) * time.Second
	}
	return a.Validate()
}

// unsaved reports whether Save changes would change the running attributes
// (or refuse a value): the draft differs from them.
func (f *AttributesForm) unsaved() bool {
	if f.draft == draftOf(f.IAttributes) {
		return false
	}
	a, err := f.apply()
	running := f.IAttributes
	if running.AppCookieName == "" {
		running.AppCookieName = draftOf(running).cookie
	}
	return err != nil || a != running
}

// Render draws the form.
func (f *AttributesForm) Render() app.UI {
	if !f.loaded {
		f.reload()
	}
	d := f.draft
	bad := func(keys ...string) bool {
		for _, k := range keys {
			if f.err != "" && f.errKey == k {
				return true
			}
		}
		return false
	}
	badDuration := bad(engine.KeyLBCookieDuration, engine.KeyAppCookieDuration)
	badCookie := bad(engine.KeyAppCookieName)
	slow, _ := engine.LookupAttribute(engine.KeySlowStart)
	group := f.IGroup
	if group == "" {
		group = "my-target-group"
	}
	unsaved := f.unsaved()
	types, intro := stickinessTypes, "Like the console's Edit attributes page of "+group+". Change, then Save changes: traffic keeps flowing."
	if f.INetwork {
		types, intro = []string{string(engine.SourceIP)}, "Like the console's Edit attributes page of "+group+", a TCP target group of a Network Load Balancer. "+
			"It works below HTTP: no cookie is read or set. Without stickiness, each TCP connection stays on the target the flow hash picked until it closes; "+
			"with source_ip, every connection from one source IP goes to one target."
	}
	// A form, so Enter in a field saves; Save changes is its submit button.
	return app.Form().Class("panel", "attributes", map[bool]string{true: "unsaved", false: ""}[unsaved]).Aria("label", "Target group attributes").OnSubmit(f.onSave).Body(
		app.H2().Body(app.Text("Target group attributes "), termLink("target-group")),
		app.P().Class("muted").DataSet("testid", "attributes-group").Text(intro),
		app.Label().Class("check").Body(
			app.Input().Type("checkbox").DataSet("testid", "stickiness-enabled").Checked(d.enabled).OnChange(func(ctx app.Context, e app.Event) {
				f.draft.enabled = ctx.JSSrc().Get("checked").Bool()
				f.saved = false
			}),
			app.Text(" Stickiness (turn on sticky sessions)"),
		),
		// Radio buttons, as in the AWS console: a label wraps on a phone, a select's option is cut.
		app.FieldSet().Class("choices").DataSet("testid", "stickiness-type").Disabled(!d.enabled).Body(
			app.Legend().Text("Stickiness type"),
			app.Range(types).Slice(func(i int) app.UI {
				t := engine.StickinessType(types[i])
				return app.Label().Class("check").Body(
					app.Input().Type("radio").Name("stickiness-type-"+f.IGroup).Value(string(t)).DataSet("testid", "stickiness-type-"+string(t)).
						Checked(d.kind == t).OnChange(f.onSelect(func(v string) { f.draft.kind = engine.StickinessType(v) })),
					app.Text(" "+stickinessTypeLabel(t)),
				)
			}),
		),
		termNote(string(d.kind)),
		app.If(!f.INetwork, app.Div().Class("row").Body(
			app.Label().Body(
				app.Span().Text("Stickiness duration"),
				describedByError(app.Input().Type("text").Attr("inputmode", "numeric").DataSet("testid", "stickiness-duration").Disabled(!d.enabled).Value(d.amount).
					OnInput(f.onInput(func(v string) { f.draft.amount = v })), badDuration, "attributes-error"),
				app.Small().Class("muted").Text(durationHint(durationSpec(d.kind))),
			),
			app.Label().Body(
				app.Span().Text("Unit"),
				app.Select().DataSet("testid", "stickiness-duration-unit").Disabled(!d.enabled).OnChange(f.onSelect(func(v string) { f.draft.unit = v })).Body(
					app.Range(durationUnits).Slice(func(i int) app.UI {
						u := durationUnits[i]
						return app.Option().Value(u.name).Selected(d.unit == u.name).Text(u.name)
					}),
				),
			),
		)),
		app.If(d.kind == engine.AppCookie && !f.INetwork,
			app.Label().Body(
				app.Span().Text("App cookie name"),
				describedByError(app.Input().Type("text").DataSet("testid", "app-cookie-name").Disabled(!d.enabled).Value(d.cookie).
					OnInput(f.onInput(func(v string) { f.draft.cookie = v })), badCookie, "attributes-error"),
				app.Small().Class("muted").Text("The legacy app's own session cookie is "+engine.SessionCookie+"."),
			),
		),
		app.If(!f.INetwork, app.Label().Body(
			app.Span().Text("Load balancing algorithm"),
			app.Select().DataSet("testid", "algorithm").OnChange(f.onSelect(func(v string) { f.draft.algorithm = engine.Algorithm(v) })).Body(
				app.Range(engine.Algorithms).Slice(func(i int) app.UI {
					a := engine.Algorithms[i]
					return app.Option().Value(string(a)).Selected(d.algorithm == a).Text(algorithmLabel(a))
				}),
			),
		)),
		when(!f.INetwork, func() app.UI { return termNote(string(d.algorithm)) }),
		app.If(!f.INetwork, app.Label().Body(
			app.Span().Text(slow.Label+" (seconds)"),
			describedByError(app.Input().Type("text").Attr("inputmode", "numeric").DataSet("testid", "slow-start-duration").Value(d.slowStart).
				OnInput(f.onInput(func(v string) { f.draft.slowStart = v })), bad(engine.KeySlowStart), "attributes-error"),
			app.Small().Class("muted").Text(fmt.Sprintf("0 (off) or %d to %d seconds, round robin only: a target that becomes healthy gets a share of the requests that grows to a full one over this time", slow.Min, slow.Max)),
		)),
		app.Div().Class("row").Body(
			app.Button().Type("submit").Class("primary").DataSet("testid", "save-attributes").Text("Save changes"),
			app.If(f.err == "" && f.saved, app.Span().Class("ok").DataSet("testid", "attributes-saved").Text("Saved: the load balancer uses these attributes now.")),
			when(unsaved, func() app.UI {
				return app.Span().Class("warn").DataSet("testid", "attributes-unsaved").Text("Unsaved changes: Save changes applies them.")
			}),
		),
		// The Lab's live region says the error (IOnSaved); the field names it.
		app.If(f.err != "", app.P().Class("error").ID("attributes-error").DataSet("testid", "attributes-error").Text(f.err)),
	)
}

// stickinessTypes are the stickiness types the engine's spec of
// stickiness.type accepts, in its order.
var stickinessTypes = func() []string {
	s, _ := engine.LookupAttribute(engine.KeyStickinessType)
	return s.Values
}()

// stickinessTypeLabel is the AWS console's name of a stickiness type; the
// term note under the choices gives its API value (lb_cookie, app_cookie).
func stickinessTypeLabel(t engine.StickinessType) string {
	switch t {
	case engine.LBCookie:
		return "Load balancer generated cookie"
	case engine.AppCookie:
		return "Application-based cookie"
	case engine.SourceIP:
		return "Source IP"
	}
	return string(t)
}

func algorithmLabel(a engine.Algorithm) string {
	switch a {
	case engine.RoundRobin:
		return "Round robin"
	case engine.LeastOutstandingRequests:
		return "Least outstanding requests"
	case engine.WeightedRandom:
		return "Weighted random"
	}
	return string(a)
}

// termNote explains the value chosen in a select (a stickiness type, an
// algorithm) with its glossary entry, beside the select's label.
func termNote(value string) app.UI {
	g, ok := lookupTerm(strings.ReplaceAll(value, "_", "-"))
	if !ok {
		return nil
	}
	return app.P().Class("muted", "term-note").DataSet("term-note", g.ID).Body(app.Text(g.Term+": "+g.Text+" "), termLink(g.ID))
}

func (f *AttributesForm) onSelect(set func(string)) app.EventHandler {
	return valueHandler(set, &f.saved)
}

func (f *AttributesForm) onInput(set func(string)) app.EventHandler {
	return valueHandler(set, &f.saved)
}

func (f *AttributesForm) onSave(ctx app.Context, e app.Event) {
	e.PreventDefault()
	f.save()
}

// describedByError marks the field in as invalid, described by the form's
// error (the element errID), when bad holds.
func describedByError(in app.HTMLInput, bad bool, errID string) app.HTMLInput {
	return describedBy(in, bad, errID) // listenerrule.go
}

// errorMessage returns what a form shows for err: AWS's message and its
// field's key for a *engine.ValidationError, else the error's text.
func errorMessage(err error) (msg, key string) {
	var v *engine.ValidationError
	if errors.As(err, &v) {
		return v.Message, v.Key
	}
	return err.Error(), ""
}

// save validates the draft and hands it to IOnSave; on error the message
// shows and the draft stays as typed.
func (f *AttributesForm) save() {
	a, err := f.apply()
	if err == nil && f.IOnSave != nil {
		err = f.IOnSave(a)
	}
	if err != nil {
		f.err, f.errKey = errorMessage(err)
		f.saved = false
		if f.IOnSaved != nil {
			f.IOnSaved(errors.New(f.err))
		}
		return
	}
	f.err, f.errKey, f.saved = "", "", true
	if !f.draft.enabled { // the disabled fields show the values kept
		kept := draftOf(a)
		f.draft.kind, f.draft.amount, f.draft.unit, f.draft.cookie = kept.kind, kept.amount, kept.unit, kept.cookie
	}
	f.IAttributes = a
	f.lastSeen = a
	if f.IOnSaved != nil {
		f.IOnSaved(nil)
	}
}
