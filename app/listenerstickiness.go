package app

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v9/pkg/app"

	"github.com/stickylab/stickylab/engine"
)

// ListenerStickinessForm is a Classic Load Balancer's "Edit stickiness" on
// its HTTP listener, in the console's words: none, load balancer generated
// cookies with an expiration period, or application generated cookies.
type ListenerStickinessForm struct {
	app.Compo

	IPolicy engine.ClassicStickiness // the listener's policy now
	// IOnSave applies a policy; its error shows under the form.
	IOnSave func(engine.ClassicStickiness) error
	// IOnSaved hears how each Save ended: nil, or the message shown.
	IOnSaved func(err error)

	draft  listenerDraft
	loaded bool
	seen   engine.ClassicStickiness
	err    string
	errKey string
	saved  bool
}

// listenerDraft is what the learner has chosen and typed, before Save.
type listenerDraft struct {
	choice string // engine.StickinessChoices
	period string // seconds, "" for the browser session
	cookie string
}

func listenerDraftOf(s engine.ClassicStickiness) listenerDraft {
	d := listenerDraft{choice: s.Choice(), cookie: s.CookieName}
	if s.CookieExpirationPeriod > 0 {
		d.period = strconv.FormatInt(int64(s.CookieExpirationPeriod/time.Second), 10)
	}
	if d.cookie == "" {
		d.cookie = engine.SessionCookie
	}
	return d
}

// OnUpdate reloads the form when the policy changed elsewhere (a preset, a
// loaded scenario) and the learner has not changed the form since.
func (f *ListenerStickinessForm) OnUpdate(ctx app.Context) {
	if listenerDraftOf(f.IPolicy) != listenerDraftOf(f.seen) && f.err == "" && f.draft == listenerDraftOf(f.seen) {
		f.draft, f.seen = listenerDraftOf(f.IPolicy), f.IPolicy
	}
}

// policy returns the policy the draft describes, validated by the engine.
func (f *ListenerStickinessForm) policy() (engine.ClassicStickiness, error) {
	s := engine.ClassicStickiness{CookieName: strings.TrimSpace(f.draft.cookie)}
	if err := s.SetChoice(f.draft.choice); err != nil {
		return s, err
	}
	if p := strings.TrimSpace(f.draft.period); p != "" && s.Type == engine.LBCookieStickinessPolicyType {
		n, err := strconv.ParseInt(p, 10, 64)
		if err != nil || n < 0 || n > int64(engine.MaxCookieExpirationPeriod/time.Second) {
			return s, &engine.ValidationError{Key: engine.KeyCookieExpirationPeriod, Message: engine.MessageCookieExpirationPeriod}
		}
		s.CookieExpirationPeriod = time.Duration(n) * time.Second
	}
	return s, s.Validate()
}

// Render draws the form.
func (f *ListenerStickinessForm) Render() app.UI {
	if !f.loaded {
		f.draft, f.seen, f.loaded = listenerDraftOf(f.IPolicy), f.IPolicy, true
	}
	d := f.draft
	choices := []struct{ value, label string }{
		{engine.StickinessOff, engine.LabelNoStickiness},
		{string(engine.LBCookie), engine.LabelLBCookieStickiness},
		{string(engine.AppCookie), engine.LabelAppCookieStickiness},
	}
	return app.Form().Class("panel", "attributes", "listener").Aria("label", "Edit stickiness").DataSet("testid", "listener-stickiness").OnSubmit(func(ctx app.Context, e app.Event) {
		e.PreventDefault()
		f.save()
	}).Body(
		app.H2().Text("Listener HTTP:80: Edit stickiness"),
		app.P().Class("muted").Text("A Classic Load Balancer has no target group: its instances are registered with the load balancer, and stickiness is a policy of its listener, as in the console's Listeners tab."),
		app.P().DataSet("testid", "listener-policy").Body(app.Strong().Text("Stickiness: "), app.Text(f.IPolicy.String())),
		// A radio group without fieldset and legend, whose types would add to the wasm.
		app.Div().Class("choices").Role("radiogroup").Aria("labelledby", "listener-choices").Body(
			app.Span().ID("listener-choices").Class("legend-text").Text("Stickiness"),
			app.Range(choices).Slice(func(i int) app.UI {
				c := choices[i]
				return app.Label().Class("check").Body(
					app.Input().Type("radio").Name("listener-stickiness").Value(c.value).DataSet("testid", "listener-"+c.value).Checked(d.choice == c.value).
						OnChange(func(ctx app.Context, e app.Event) { f.draft.choice, f.saved = c.value, false }, c.value),
					app.Text(" "+c.label),
				)
			}),
		),
		f.field(),
		app.Div().Class("row").Body(
			app.Button().Type("submit").Class("primary").DataSet("testid", "save-listener").Text("Save"),
			app.If(f.err == "" && f.saved, app.Span().Class("ok").DataSet("testid", "listener-saved").Text("Saved: the listener uses this policy now.")),
		),
		app.If(f.err != "", app.P().Class("error").ID("listener-error").DataSet("testid", "listener-error").Text(f.err)),
	)
}

// field is the chosen policy's one field: the expiration period or the
// cookie name; nothing without a policy.
func (f *ListenerStickinessForm) field() app.UI {
	label, id, key, value, hint := engine.LabelCookieExpirationPeriod+" (seconds)", "listener-period", engine.KeyCookieExpirationPeriod, &f.draft.period,
		"Empty: "+engine.CookieAWSELB+" is a browser-session cookie, gone when the browser closes."
	switch f.draft.choice {
	case string(engine.AppCookie):
		label, id, key, value, hint = engine.LabelCookieName, "listener-cookie", engine.KeyCookieName, &f.draft.cookie,
			"The legacy app's own session cookie is "+engine.SessionCookie+": "+engine.CookieAWSELB+" follows its lifetime."
	case string(engine.LBCookie):
	default:
		return nil
	}
	return app.Label().Body(
		app.Span().Text(label),
		describedByError(app.Input().Type("text").DataSet("testid", id).Value(*value).
			OnInput(func(ctx app.Context, e app.Event) { *value, f.saved = ctx.JSSrc().Get("value").String(), false }, id), f.err != "" && f.errKey == key, "listener-error"),
		app.Small().Class("muted").Text(hint),
	)
}

// save validates the draft and hands it to IOnSave; on error the message
// shows and the draft stays as typed.
func (f *ListenerStickinessForm) save() {
	s, err := f.policy()
	if err == nil && f.IOnSave != nil {
		err = f.IOnSave(s)
	}
	f.err, f.errKey, f.saved = "", "", err == nil
	if err != nil {
		f.err, f.errKey = errorMessage(err)
	}
	if err == nil {
		f.seen = s
	}
	if f.IOnSaved != nil {
		if err != nil {
			err = errors.New(f.err)
		}
		f.IOnSaved(err)
	}
}
