package app

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/maxence-charriere/go-app/v9/pkg/app"

	"github.com/stickylab/stickylab/engine"
)

// formHost renders an AttributesForm on a running load balancer, as the Lab
// does: each render passes the load balancer's attributes afresh (the Lab
// re-renders every second), and Save goes to the target group.
type formHost struct {
	app.Compo

	lb    *engine.LoadBalancer
	saves []engine.Attributes // what the form handed to IOnSave
	form  *AttributesForm     // the mounted form (the first one rendered)
}

// Render draws the form with the load balancer's current attributes.
func (h *formHost) Render() app.UI {
	f := &AttributesForm{IAttributes: h.lb.TargetGroup.Attributes(), IOnSave: h.save}
	if h.form == nil {
		h.form = f
	}
	return app.Div().Body(f)
}

func (h *formHost) save(a engine.Attributes) error {
	h.saves = append(h.saves, a)
	return h.lb.TargetGroup.SetAttributes(a)
}

// formTest is a mounted form on a load balancer started from a URL query.
type formTest struct {
	t    *testing.T
	m    *model
	host *formHost
	d    app.ClientDispatcher
}

func newFormTest(t *testing.T, q string) *formTest {
	t.Helper()
	m, _ := newTestModel(t, q, nil)
	h := &formHost{lb: m.lb}
	d := app.NewClientTester(h)
	t.Cleanup(d.Close)
	if h.form == nil || !h.form.Mounted() {
		t.Fatal("the form did not mount")
	}
	return &formTest{t: t, m: m, host: h, d: d}
}

// edit changes the draft through the dispatcher's Emit, as the form's input
// handlers do when the learner types or picks (natively there is no
// JavaScript element to read the value from).
func (ft *formTest) edit(f func(d *formDraft)) {
	form := ft.host.form
	ft.d.Emit(form, func() {
		f(&form.draft)
		form.saved = false
	})
	settleUpdates(ft.d)
}

// save presses Save changes, as its click handler does.
func (ft *formTest) save() {
	form := ft.host.form
	ft.d.Emit(form, form.save)
	settleUpdates(ft.d)
}

// tick re-renders the host, as the Lab's one-second tick does.
func (ft *formTest) tick() {
	ft.host.Update()
	settleUpdates(ft.d)
}

// settleUpdates runs the dispatcher until the dispatches that updates make
// (such as a child's OnUpdate) have run too: Consume stops after one frame.
func settleUpdates(d app.ClientDispatcher) {
	for i := 0; i < 3; i++ {
		d.Consume()
	}
}

func (ft *formTest) tree() *htmlNode { return renderTree(ft.t, ft.host.form) }

// errorText returns the form's error, "" when none is shown.
func (ft *formTest) errorText() string {
	if e := ft.tree().byTestID("attributes-error"); e != nil {
		return e.Text()
	}
	return ""
}

func (ft *formTest) value(id string) string {
	return ft.tree().mustTestID(ft.t, id).attrs["value"]
}

// TestAttributesFormLoads checks that the form shows the running
// attributes, with the duration in the largest whole unit.
func TestAttributesFormLoads(t *testing.T) {
	tests := []struct {
		query, amount, unit string
		enabled             bool
		kind                string
	}{
		{"", "1", "days", false, "lb_cookie"},
		{"stickiness=lb_cookie&duration=60", "1", "minutes", true, "lb_cookie"},
		{"stickiness=lb_cookie&duration=90", "90", "seconds", true, "lb_cookie"},
		{"stickiness=app_cookie&duration=7200", "2", "hours", true, "app_cookie"},
		{"stickiness=lb_cookie&duration=604800", "7", "days", true, "lb_cookie"},
		{"stickiness=lb_cookie&duration=1", "1", "seconds", true, "lb_cookie"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			ft := newFormTest(t, tt.query)
			tree := ft.tree()
			if got := tree.mustTestID(t, "stickiness-enabled").flag("checked"); got != tt.enabled {
				t.Errorf("stickiness box checked %v, want %v", got, tt.enabled)
			}
			if got := tree.mustTestID(t, "stickiness-type").selected(); got != tt.kind {
				t.Errorf("type %q, want %q", got, tt.kind)
			}
			if got := ft.value("stickiness-duration"); got != tt.amount {
				t.Errorf("duration %q, want %q", got, tt.amount)
			}
			if got := tree.mustTestID(t, "stickiness-duration-unit").selected(); got != tt.unit {
				t.Errorf("unit %q, want %q", got, tt.unit)
			}
			for _, id := range []string{"stickiness-type", "stickiness-duration", "stickiness-duration-unit"} {
				if got := tree.mustTestID(t, id).flag("disabled"); got == tt.enabled {
					t.Errorf("%s disabled %v with stickiness %v", id, got, tt.enabled)
				}
			}
			if got := tree.byTestID("app-cookie-name") != nil; got != (tt.kind == "app_cookie") {
				t.Errorf("app cookie name field shown %v for %s", got, tt.kind)
			}
			if tt.kind == "app_cookie" && ft.value("app-cookie-name") != engine.SessionCookie {
				t.Errorf("app cookie name %q", ft.value("app-cookie-name"))
			}
			if got := tree.mustTestID(t, "algorithm").selected(); got != "round_robin" {
				t.Errorf("algorithm %q", got)
			}
			if tree.byTestID("attributes-error") != nil || tree.byTestID("attributes-saved") != nil {
				t.Error("a fresh form shows an error or a saved note")
			}
		})
	}
}

// TestAttributesFormRejects checks that a bad value gets AWS's message under
// the form, keeps what the learner typed and applies nothing.
func TestAttributesFormRejects(t *testing.T) {
	tests := []struct {
		name  string
		query string
		edit  func(*formDraft)
		// the message must contain every string of want
		want []string
		// field and typed: an input that must still show what was typed
		field, typed string
	}{
		{"duration 0", "", func(d *formDraft) { d.enabled, d.amount, d.unit = true, "0", "seconds" },
			[]string{"Stickiness duration must be between 1 and 604800 seconds"}, "stickiness-duration", "0"},
		{"duration abc", "", func(d *formDraft) { d.enabled, d.amount = true, "abc" },
			[]string{"Stickiness duration", `"abc"`}, "stickiness-duration", "abc"},
		{"duration empty", "", func(d *formDraft) { d.enabled, d.amount = true, "" },
			[]string{"Stickiness duration"}, "stickiness-duration", ""},
		{"duration negative", "", func(d *formDraft) { d.enabled, d.amount, d.unit = true, "-5", "minutes" },
			[]string{"Stickiness duration must be between 1 and 604800 seconds"}, "stickiness-duration", "-5"},
		{"duration 604801 s", "", func(d *formDraft) { d.enabled, d.amount, d.unit = true, "604801", "seconds" },
			[]string{"Stickiness duration must be between 1 and 604800 seconds"}, "stickiness-duration", "604801"},
		{"duration 8 days", "", func(d *formDraft) { d.enabled, d.amount, d.unit = true, "8", "days" },
			[]string{"Stickiness duration must be between 1 and 604800 seconds"}, "stickiness-duration", "8"},
		{"duration huge", "", func(d *formDraft) { d.enabled, d.amount, d.unit = true, "9999999999999", "days" },
			[]string{"Stickiness duration must be between 1 and 604800 seconds"}, "stickiness-duration", "9999999999999"},
		// Whole, but too big for a number: out of range, not "must be a whole number".
		{"duration 20 digits", "", func(d *formDraft) { d.enabled, d.amount, d.unit = true, "99999999999999999999", "seconds" },
			[]string{"Stickiness duration must be between 1 and 604800 seconds"}, "stickiness-duration", "99999999999999999999"},
		{"duration 20 digits in days", "", func(d *formDraft) { d.enabled, d.amount, d.unit = true, "99999999999999999999", "days" },
			[]string{"Stickiness duration must be between 1 and 604800 seconds (1 second to 7 days); you entered 99999999999999999999 days."}, "stickiness-duration", "99999999999999999999"},
		{"duration -20 digits", "", func(d *formDraft) { d.enabled, d.amount = true, "-99999999999999999999" },
			[]string{"Stickiness duration must be between 1 and 604800 seconds"}, "stickiness-duration", "-99999999999999999999"},
		{"slow start 20 digits", "", func(d *formDraft) { d.slowStart = "99999999999999999999" },
			[]string{"Slow start duration must be 0 (disabled) or between 30 and 900 seconds"}, "slow-start-duration", "99999999999999999999"},
		{"app cookie duration 0", "stickiness=app_cookie", func(d *formDraft) { d.amount, d.unit = "0", "seconds" },
			[]string{"Application cookie stickiness duration must be between 1 and 604800 seconds"}, "stickiness-duration", "0"},
		{"weighted random", "stickiness=lb_cookie", func(d *formDraft) { d.algorithm = engine.WeightedRandom },
			[]string{"You cannot have both stickiness and weighted random algorithm enabled on the same target group"}, "stickiness-duration", "1"},
		{"stickiness on with weighted random", "algorithm=weighted_random", func(d *formDraft) { d.enabled = true },
			[]string{"You cannot have both stickiness and weighted random algorithm enabled on the same target group"}, "", ""},
		{"app cookie name empty", "stickiness=app_cookie", func(d *formDraft) { d.cookie = "" },
			[]string{"App cookie name is required when stickiness type is 'app_cookie'"}, "app-cookie-name", ""},
		// go-app trims attribute values: the input keeps what the browser has.
		{"app cookie name blank", "stickiness=app_cookie", func(d *formDraft) { d.cookie = "   " },
			[]string{"App cookie name is required"}, "app-cookie-name", ""},
		{"app cookie name AWSALB", "stickiness=app_cookie", func(d *formDraft) { d.cookie = "AWSALBmine" },
			[]string{"App cookie name cannot start with 'AWSALB'", "reserved for use by the load balancer"}, "app-cookie-name", "AWSALBmine"},
		{"app cookie name awsalbtg", "", func(d *formDraft) { d.enabled, d.kind, d.cookie = true, engine.AppCookie, "awsalbtg-x" },
			[]string{"App cookie name cannot start with", "reserved"}, "app-cookie-name", "awsalbtg-x"},
		{"app cookie name with a space", "stickiness=app_cookie", func(d *formDraft) { d.cookie = "MY COOKIE" },
			[]string{"App cookie name contains an invalid character"}, "app-cookie-name", "MY COOKIE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ft := newFormTest(t, tt.query)
			before := ft.m.lb.TargetGroup.Attributes()
			ft.edit(tt.edit)
			ft.save()
			got := ft.errorText()
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("error %q, want it to contain %q", got, w)
				}
			}
			if strings.HasPrefix(got, "ValidationError") {
				t.Errorf("error %q shows the Go error prefix", got)
			}
			if after := ft.m.lb.TargetGroup.Attributes(); after != before {
				t.Errorf("a refused save changed the load balancer:\n%+v\nto\n%+v", before, after)
			}
			if len(ft.host.saves) != 0 {
				t.Errorf("a refused draft reached IOnSave: %+v", ft.host.saves)
			}
			if ft.tree().byTestID("attributes-saved") != nil {
				t.Error("a refused save says Saved")
			}
			if tt.field != "" {
				if v := ft.value(tt.field); v != tt.typed {
					t.Errorf("%s shows %q after the refused save, want %q as typed", tt.field, v, tt.typed)
				}
			}
			typed := ft.host.form.draft
			// The Lab re-renders every second: the draft and the error stay.
			ft.tick()
			if got2 := ft.errorText(); got2 != got {
				t.Errorf("after a tick the error is %q, want %q", got2, got)
			}
			if tt.field != "" {
				if v := ft.value(tt.field); v != tt.typed {
					t.Errorf("after a tick %s shows %q, want %q as typed", tt.field, v, tt.typed)
				}
			}
			if ft.host.form.draft != typed {
				t.Errorf("after a tick the draft is %+v, want %+v", ft.host.form.draft, typed)
			}
			if ft.m.lb.TargetGroup.Attributes() != before {
				t.Error("the load balancer changed after a tick")
			}
		})
	}
}

// TestAttributesFormSaves checks that a good save applies the attributes to
// the running load balancer, says so, and that the requests follow.
func TestAttributesFormSaves(t *testing.T) {
	ft := newFormTest(t, "")
	if ex := ft.m.refresh(); ex.Reason != engine.ReasonNoStickiness {
		t.Fatalf("before: %s", ex.Reason)
	}
	ft.edit(func(d *formDraft) { d.enabled, d.amount, d.unit = true, "30", "seconds" })
	// Unsaved changes survive a tick and change nothing yet.
	ft.tick()
	if v := ft.value("stickiness-duration"); v != "30" {
		t.Errorf("unsaved duration after a tick: %q", v)
	}
	if ft.m.lb.TargetGroup.Attributes().StickinessEnabled {
		t.Fatal("the draft was applied before Save")
	}
	ft.save()
	a := ft.m.lb.TargetGroup.Attributes()
	if !a.StickinessEnabled || a.StickinessType != engine.LBCookie || a.LBCookieDuration != 30*time.Second {
		t.Errorf("after Save the load balancer has %+v", a)
	}
	if len(ft.host.saves) != 1 {
		t.Errorf("IOnSave called %d times", len(ft.host.saves))
	}
	tree := ft.tree()
	if tree.byTestID("attributes-saved") == nil || tree.byTestID("attributes-error") != nil {
		t.Errorf("after a good save: %s", tree.Text())
	}
	if ex := ft.m.refresh(); ex.Reason != engine.ReasonNewClient {
		t.Errorf("first request after Save: %s, want new-client", ex.Reason)
	}
	if ex := ft.m.refresh(); ex.Reason != engine.ReasonSticky {
		t.Errorf("second request after Save: %s, want sticky", ex.Reason)
	}
	ft.tick()
	if v := ft.value("stickiness-duration"); v != "30" || ft.tree().mustTestID(t, "stickiness-duration-unit").selected() != "seconds" {
		t.Errorf("after a tick the form shows %q", v)
	}

	// An error, then the learner fixes the value: saved, error gone.
	ft.edit(func(d *formDraft) { d.amount = "0" })
	ft.save()
	if ft.errorText() == "" {
		t.Fatal("no error for 0")
	}
	ft.edit(func(d *formDraft) { d.amount, d.unit = "2", "minutes" })
	ft.save()
	if e := ft.errorText(); e != "" {
		t.Errorf("error %q after a good save", e)
	}
	if d := ft.m.lb.TargetGroup.Attributes().LBCookieDuration; d != 2*time.Minute {
		t.Errorf("duration %s, want 2m", d)
	}

	// Application-based stickiness with the legacy app's cookie.
	ft.edit(func(d *formDraft) { d.kind, d.cookie = engine.AppCookie, " SESSIONID " })
	ft.save()
	a = ft.m.lb.TargetGroup.Attributes()
	if ft.errorText() != "" || a.StickinessType != engine.AppCookie || a.AppCookieName != "SESSIONID" || a.AppCookieDuration != 2*time.Minute {
		t.Errorf("app_cookie save: error %q, attributes %+v", ft.errorText(), a)
	}

	// Stickiness off and another algorithm.
	ft.edit(func(d *formDraft) { d.enabled, d.algorithm = false, engine.WeightedRandom })
	ft.save()
	a = ft.m.lb.TargetGroup.Attributes()
	if ft.errorText() != "" || a.StickinessEnabled || a.Algorithm != engine.WeightedRandom {
		t.Errorf("stickiness off + weighted random: error %q, attributes %+v", ft.errorText(), a)
	}
}

// TestAttributesFormIgnoresDisabledFields unticks Stickiness with a bad
// duration or cookie name typed: the disabled fields are not read, as in the
// console, so Save turns stickiness off and keeps the saved values.
func TestAttributesFormIgnoresDisabledFields(t *testing.T) {
	for _, tt := range []struct {
		query string
		edit  func(*formDraft)
	}{
		{"stickiness=lb_cookie&duration=60", func(d *formDraft) { d.amount, d.enabled = "abc", false }},
		{"stickiness=lb_cookie&duration=60", func(d *formDraft) { d.amount, d.unit, d.enabled = "99", "days", false }},
		{"stickiness=app_cookie&duration=60", func(d *formDraft) { d.cookie, d.kind, d.enabled = "", engine.LBCookie, false }},
	} {
		ft := newFormTest(t, tt.query)
		want := ft.m.lb.TargetGroup.Attributes()
		want.StickinessEnabled = false
		ft.edit(tt.edit)
		ft.save()
		if e := ft.errorText(); e != "" {
			t.Errorf("%s: saving stickiness off fails: %q", tt.query, e)
		}
		if a := ft.m.lb.TargetGroup.Attributes(); a != want {
			t.Errorf("%s: after Save the load balancer has\n%+v, want\n%+v", tt.query, a, want)
		}
		if v, u := ft.value("stickiness-duration"), ft.tree().mustTestID(t, "stickiness-duration-unit").selected(); v != "1" || u != "minutes" {
			t.Errorf("%s: the disabled duration shows %s %s, want the 1 minutes kept", tt.query, v, u)
		}
	}
}

// TestAttributesFormFollowsOutsideChanges checks that the form reloads when
// the running attributes change elsewhere and no refused edit is pending.
func TestAttributesFormFollowsOutsideChanges(t *testing.T) {
	ft := newFormTest(t, "")
	a := ft.m.lb.TargetGroup.Attributes()
	a.StickinessEnabled, a.LBCookieDuration = true, 2*time.Hour
	if err := ft.m.lb.TargetGroup.SetAttributes(a); err != nil {
		t.Fatal(err)
	}
	ft.tick()
	tree := ft.tree()
	if !tree.mustTestID(t, "stickiness-enabled").flag("checked") || ft.value("stickiness-duration") != "2" || tree.mustTestID(t, "stickiness-duration-unit").selected() != "hours" {
		t.Errorf("the form did not follow the load balancer: %s", tree.Text())
	}
}

// TestOneSpecOneMessage checks that the engine's attribute table is what
// Validate, the form and the URL setup answer with: an out-of-range
// stickiness duration, or stickiness with weighted_random, gets the same
// AWS message from each, and each admits the same bounds.
func TestOneSpecOneMessage(t *testing.T) {
	for _, tt := range []struct {
		query string
		kind  engine.StickinessType
		key   string
	}{{"stickiness=lb_cookie", engine.LBCookie, engine.KeyLBCookieDuration}, {"stickiness=app_cookie", engine.AppCookie, engine.KeyAppCookieDuration}} {
		spec, ok := engine.LookupAttribute(tt.key)
		if !ok || durationSpec(tt.kind).Key != tt.key {
			t.Fatalf("the form edits %s for %s, want %s", durationSpec(tt.kind).Key, tt.kind, tt.key)
		}
		for _, n := range []int64{spec.Min - 1, spec.Min, spec.Max, spec.Max + 1} {
			v := strconv.FormatInt(n, 10)
			bad := n < spec.Min || n > spec.Max
			t.Run(tt.query+"&duration="+v, func(t *testing.T) {
				a := engine.DefaultAttributes()
				a.AppCookieName = engine.SessionCookie
				_ = a.SetStickiness(string(tt.kind))
				_, err := a.With(tt.key, v)
				var ve *engine.ValidationError
				if engineSays := errors.As(err, &ve); engineSays != bad || (bad && ve.Message != spec.Message()) {
					t.Errorf("engine: %v, want the spec's %q: %v", err, spec.Message(), bad)
				}

				ft := newFormTest(t, tt.query)
				ft.edit(func(d *formDraft) { d.amount, d.unit = v, "seconds" })
				ft.save()
				if got, want := ft.errorText(), map[bool]string{true: spec.Message()}[bad]; got != want {
					t.Errorf("form: error %q, want %q", got, want)
				}

				s, msgs := ParseSetup(url.Values{"stickiness": {string(tt.kind)}, "duration": {v}})
				if bad != (len(msgs) == 1) || (!bad && s.Attributes().StickinessDuration() != time.Duration(n)*time.Second) {
					t.Errorf("URL: %+v, %q", s, msgs)
				}
				if bad && !strings.Contains(msgs[0], fmt.Sprintf("from %d to %d (%s)", spec.Min, spec.Max, durationWords(spec.MaxDuration()))) {
					t.Errorf("URL: %q does not give the spec's range", msgs[0])
				}
			})
		}
	}

	t.Run("weighted_random", func(t *testing.T) {
		_, err := engine.DefaultAttributes().With(engine.KeyStickinessEnabled, "true", engine.KeyAlgorithm, string(engine.WeightedRandom))
		var ve *engine.ValidationError
		if !errors.As(err, &ve) || ve.Message != engine.MessageStickinessWithWeightedRandom {
			t.Errorf("engine: %v", err)
		}
		ft := newFormTest(t, "stickiness=lb_cookie")
		ft.edit(func(d *formDraft) { d.algorithm = engine.WeightedRandom })
		ft.save()
		if got := ft.errorText(); got != engine.MessageStickinessWithWeightedRandom {
			t.Errorf("form: %q", got)
		}
		_, msgs := ParseSetup(url.Values{"stickiness": {"lb_cookie"}, "algorithm": {"weighted_random"}})
		if len(msgs) != 1 || !strings.Contains(msgs[0], ": "+engine.MessageStickinessWithWeightedRandom+". ") {
			t.Errorf("URL: %q", msgs)
		}
	})
}

// TestAttributesFormFromSpecs checks that a duration out of range in minutes,
// hours or days keeps AWS's message in seconds and adds the learner's unit,
// and that the form's hint and choices come from the engine's specs.
func TestAttributesFormFromSpecs(t *testing.T) {
	spec := durationSpec(engine.LBCookie)
	ft := newFormTest(t, "stickiness=lb_cookie")
	if hint := ft.tree().Text(); !strings.Contains(hint, "1 second to 7 days") {
		t.Errorf("the form does not show the range 1 second to 7 days: %q", hint)
	}
	optionValues := func(id string) string { return strings.Join(ft.tree().mustTestID(t, id).choices(), " ") }
	for key, id := range map[string]string{engine.KeyStickinessType: "stickiness-type", engine.KeyAlgorithm: "algorithm"} {
		s, _ := engine.LookupAttribute(key)
		if got, want := optionValues(id), strings.Join(s.Values, " "); got != want {
			t.Errorf("%s offers %q, the engine's %s %q", id, got, key, want)
		}
	}
	ft.edit(func(d *formDraft) { d.amount, d.unit = "30", "days" })
	ft.save()
	want := spec.Message() + " (1 second to 7 days); you entered 30 days."
	if got := ft.errorText(); got != want {
		t.Errorf("30 days: %q, want %q", got, want)
	}
	ft.edit(func(d *formDraft) { d.amount, d.unit = "7", "days" })
	ft.save()
	if got := ft.errorText(); got != "" || ft.m.lb.TargetGroup.Attributes().LBCookieDuration != spec.MaxDuration() {
		t.Errorf("7 days: error %q, duration %v", got, ft.m.lb.TargetGroup.Attributes().LBCookieDuration)
	}
}

// TestAttributesFormUnsaved checks the unsaved-changes note: it shows (and
// the form is marked) while the form differs from the running attributes,
// not for the same value in another unit, and goes away on Save or undo.
func TestAttributesFormUnsaved(t *testing.T) {
	ft := newFormTest(t, "")
	unsaved := func() bool {
		tree := ft.tree()
		note := tree.byTestID("attributes-unsaved")
		class := tree.children[0].attrs["class"] // the form's section
		marked := strings.Contains(" "+class+" ", " unsaved ")
		if (note != nil) != marked {
			t.Errorf("note shown %v, form marked %v (class %q)", note != nil, marked, class)
		}
		if note != nil && note.Text() != "Unsaved changes: Save changes applies them." {
			t.Errorf("note %q", note.Text())
		}
		return note != nil
	}
	if unsaved() {
		t.Fatal("a fresh form says it has unsaved changes")
	}
	ft.edit(func(d *formDraft) { d.enabled = true })
	ft.tick()
	if !unsaved() {
		t.Error("stickiness ticked, not saved: no note")
	}
	ft.edit(func(d *formDraft) { d.enabled = false })
	if unsaved() {
		t.Error("stickiness unticked again: the note stays")
	}
	ft.edit(func(d *formDraft) { d.amount, d.unit = "86400", "seconds" }) // the running 1 day
	if unsaved() {
		t.Error("the running duration in seconds counts as a change")
	}
	ft.edit(func(d *formDraft) { d.enabled, d.algorithm = true, engine.LeastOutstandingRequests })
	ft.save()
	if unsaved() || ft.tree().byTestID("attributes-saved") == nil {
		t.Error("after Save: the note stays, or Saved is not said")
	}
	ft.edit(func(d *formDraft) { d.amount = "zero" })
	ft.save()
	if !unsaved() || ft.errorText() == "" {
		t.Error("a refused value: no error, or no unsaved note")
	}
}

// TestAttributesFormKeepsUnsavedEdits checks that a change the learner made
// in the form, right after a Save or at any time, is not reset when the
// running attributes change from elsewhere before they save it.
func TestAttributesFormKeepsUnsavedEdits(t *testing.T) {
	ft := newFormTest(t, "stickiness=lb_cookie")
	ft.edit(func(d *formDraft) { d.amount, d.unit = "30", "seconds" })
	ft.save()
	ft.edit(func(d *formDraft) { d.algorithm = engine.LeastOutstandingRequests })
	a := ft.m.lb.TargetGroup.Attributes()
	a.DeregistrationDelay = time.Minute
	if err := ft.m.lb.TargetGroup.SetAttributes(a); err != nil {
		t.Fatal(err)
	}
	ft.tick()
	if got := ft.tree().mustTestID(t, "algorithm").selected(); got != string(engine.LeastOutstandingRequests) {
		t.Errorf("the learner's unsaved algorithm was reset to %q", got)
	}
	ft.save()
	if got := ft.m.lb.TargetGroup.Attributes(); got.Algorithm != engine.LeastOutstandingRequests || got.DeregistrationDelay != time.Minute {
		t.Errorf("after saving: %+v", got)
	}
}
