package app

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v9/pkg/app"

	"github.com/stickylab/stickylab/engine"
)

// RuleGroup is one target group of the listener rule as its panel shows it.
type RuleGroup struct {
	Name      string
	Weight    int
	Instances int
}

// defaultGroupStickiness is the duration the form offers when group
// stickiness is turned on: the console's default, 1 hour.
const defaultGroupStickiness = 3600

// ListenerRulePanel is the console's "Edit rule" of the listener's forward
// action: each target group with its weight, and target group stickiness
// with its duration. Save applies both; AWS's message shows on a bad
// value and nothing typed is lost. Each group's "Edit attributes" picks the
// target group the attributes form edits.
type ListenerRulePanel struct {
	app.Compo

	IGroups     []RuleGroup
	IStickiness engine.TargetGroupStickinessConfig
	IEditing    string // the target group the attributes form edits
	// IOnSave applies weights and group stickiness; its error is shown.
	IOnSave  func(weights []int, s engine.TargetGroupStickinessConfig) error
	IOnSaved func(err error)
	IOnEdit  func(name string)

	draft    ruleDraft
	lastSeen ruleDraft // the draft of the props last loaded or saved
	err      string
	errKey   string
	saved    bool
}

// ruleDraft is what the learner has typed, before Save.
type ruleDraft struct {
	n        int
	weights  [engine.MaxForwardTargetGroups]string
	sticky   bool
	duration string
}

// ruleDraftOf returns the draft of a rule.
func ruleDraftOf(groups []RuleGroup, s engine.TargetGroupStickinessConfig) ruleDraft {
	d := ruleDraft{n: min(len(groups), engine.MaxForwardTargetGroups), sticky: s.Enabled, duration: strconv.Itoa(s.DurationSeconds)}
	for i := range d.n {
		d.weights[i] = strconv.Itoa(groups[i].Weight)
	}
	if s.DurationSeconds == 0 {
		d.duration = strconv.Itoa(defaultGroupStickiness)
	}
	return d
}

// OnMount loads the rule into the form.
func (p *ListenerRulePanel) OnMount(ctx app.Context) { p.reload() }

// OnUpdate reloads the form when the rule changed elsewhere (a lesson's
// weight shift), unless the learner has typed since it last loaded.
func (p *ListenerRulePanel) OnUpdate(ctx app.Context) {
	if now := ruleDraftOf(p.IGroups, p.IStickiness); now != p.lastSeen && p.draft == p.lastSeen && p.err == "" {
		p.reload()
	}
}

func (p *ListenerRulePanel) reload() {
	p.draft = ruleDraftOf(p.IGroups, p.IStickiness)
	p.lastSeen = p.draft
}

// parse returns the weights and group stickiness the draft describes, or
// the error of a value that is not a whole number.
func (p *ListenerRulePanel) parse() ([]int, engine.TargetGroupStickinessConfig, error) {
	d := p.draft
	ws := make([]int, d.n)
	for i := range d.n {
		n, err := strconv.Atoi(strings.TrimSpace(d.weights[i]))
		if err != nil {
			return nil, engine.TargetGroupStickinessConfig{}, &engine.ValidationError{Key: weightKey(p.IGroups[i].Name),
				Message: fmt.Sprintf("Target group weight must be a whole number from 0 to %d, not %q ('%s')", engine.MaxTargetGroupWeight, d.weights[i], p.IGroups[i].Name)}
		}
		ws[i] = n
	}
	s := engine.TargetGroupStickinessConfig{Enabled: d.sticky}
	if d.sticky {
		n, err := strconv.Atoi(strings.TrimSpace(d.duration))
		if err != nil && !errors.Is(err, strconv.ErrRange) { // too big a whole number: the engine says its range
			return nil, s, &engine.ValidationError{Key: engine.KeyGroupStickinessDuration,
				Message: fmt.Sprintf("Target group stickiness duration must be a whole number of seconds, not %q", d.duration)}
		}
		s.DurationSeconds = n
	}
	return ws, s, nil
}

// weightKey is the error key of one group's weight field.
func weightKey(group string) string { return engine.KeyTargetGroupWeight + "/" + group }

// Render draws the rule.
func (p *ListenerRulePanel) Render() app.UI {
	if p.draft.n == 0 && len(p.IGroups) > 0 {
		p.reload()
	}
	d := p.draft
	bad := func(key string) bool {
		return p.err != "" && (p.errKey == key || p.errKey == engine.KeyTargetGroupWeight && strings.HasPrefix(key, engine.KeyTargetGroupWeight))
	}
	total := 0
	for _, g := range p.IGroups {
		total += g.Weight
	}
	spec, _ := engine.LookupAttribute(engine.KeyLBCookieDuration) // the same 1 s to 7 days
	return app.Form().Class("panel", "rule").Aria("label", "Listener rule").OnSubmit(p.onSave).DataSet("testid", "listener-rule").Body(
		app.H2().Body(app.Text("Listener rule: forward to target groups "), termLink("listener")),
		app.P().Class("muted").Text("Like the console's Edit rule page of the HTTP:80 listener: the weight of each target group, and target group stickiness. Change, then Save changes: traffic keeps flowing."),
		app.Ul().Class("rule-groups").Body(
			app.Range(p.IGroups).Slice(func(i int) app.UI {
				g := p.IGroups[i]
				share := 0
				if total > 0 {
					share = g.Weight * 100 / total
				}
				editing := g.Name == p.IEditing
				return app.Li().Class("rule-group").DataSet("testid", "rule-group-"+g.Name).Body(
					app.Label().Body(
						app.Span().Text("Weight of "+g.Name),
						describedBy(app.Input().Type("text").Attr("inputmode", "numeric").DataSet("testid", "weight-"+g.Name).Value(d.weights[i]).
							OnInput(p.onInput(func(v string) { p.draft.weights[i] = v }), i), bad(weightKey(g.Name)), "rule-error"),
					),
					app.Small().Class("muted").DataSet("testid", "share-"+g.Name).Text(fmt.Sprintf("%d%% of new requests · %s", share, plural(g.Instances, "instance"))),
					app.Button().Type("button").Class("small").DataSet("testid", "edit-group-"+g.Name).Aria("pressed", editing).
						Aria("label", "Edit attributes of target group "+g.Name).Text("Edit attributes").
						OnClick(func(ctx app.Context, e app.Event) { call1(p.IOnEdit, g.Name) }, g.Name),
				)
			}),
		),
		app.Small().Class("muted").Text(fmt.Sprintf("Weights from 0 to %d; a request without a valid group cookie goes to a target group at random by weight.", engine.MaxTargetGroupWeight)),
		app.Label().Class("check").Body(
			app.Input().Type("checkbox").DataSet("testid", "group-stickiness-enabled").Checked(d.sticky).OnChange(func(ctx app.Context, e app.Event) {
				p.draft.sticky = ctx.JSSrc().Get("checked").Bool()
				p.saved = false
			}),
			app.Text(" Turn on target group stickiness ("+engine.CookieAWSALBTG+")"),
		),
		app.Label().Body(
			app.Span().Text("Group stickiness duration (seconds)"),
			describedBy(app.Input().Type("text").Attr("inputmode", "numeric").DataSet("testid", "group-stickiness-duration").Disabled(!d.sticky).Value(d.duration).
				OnInput(p.onInput(func(v string) { p.draft.duration = v })), bad(engine.KeyGroupStickinessDuration), "rule-error"),
			app.Small().Class("muted").Text(durationHint(spec)+": how long "+engine.CookieAWSALBTG+" keeps a client on its target group after a response"),
		),
		app.Div().Class("row").Body(
			app.Button().Type("submit").Class("primary").DataSet("testid", "save-rule").Text("Save changes"),
			app.If(p.err == "" && p.saved, app.Span().Class("ok").DataSet("testid", "rule-saved").Text("Saved: the listener forwards with these settings now.")),
			when(p.err == "" && p.draft != p.lastSeen, func() app.UI {
				return app.Span().Class("warn").DataSet("testid", "rule-unsaved").Text("Unsaved changes: Save changes applies them.")
			}),
		),
		app.If(p.err != "", app.P().Class("error").ID("rule-error").DataSet("testid", "rule-error").Text(p.err)),
	)
}

func (p *ListenerRulePanel) onInput(set func(string)) app.EventHandler {
	return valueHandler(set, &p.saved)
}

func (p *ListenerRulePanel) onSave(ctx app.Context, e app.Event) {
	e.PreventDefault()
	p.save()
}

// valueHandler hands a field's new value to set and clears a form's saved
// note.
func valueHandler(set func(string), saved *bool) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		set(ctx.JSSrc().Get("value").String())
		*saved = false
	}
}

// save parses the draft and hands it to IOnSave; on error the message
// shows and the draft stays as typed.
func (p *ListenerRulePanel) save() {
	ws, s, err := p.parse()
	if err == nil && p.IOnSave != nil {
		err = p.IOnSave(ws, s)
	}
	p.err, p.errKey, p.saved = "", "", err == nil
	if err != nil {
		var v *engine.ValidationError
		if errors.As(err, &v) {
			p.err, p.errKey = v.Message, v.Key
		} else {
			p.err = err.Error()
		}
	} else {
		p.lastSeen = p.draft
	}
	if p.IOnSaved != nil {
		if err != nil {
			err = errors.New(p.err)
		}
		p.IOnSaved(err)
	}
}

// describedBy marks the field in as invalid, described by the element id,
// when bad holds.
func describedBy(in app.HTMLInput, bad bool, id string) app.HTMLInput {
	if bad {
		return in.Aria("invalid", true).Aria("describedby", id)
	}
	return in
}
