package app

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/stickylab/stickylab/engine"
)

// A scenario is a lab that travels: a shared link (scenariolink.go), an
// exported file or an embed command. README, "Scenarios that travel",
// documents both forms.

// ScenarioVersion is the version of the scenario formats, link and file.
const ScenarioVersion = 1

// ScenarioKind is the file's "stickylab" field.
const ScenarioKind = "scenario"

// maxScenarioBytes bounds a scenario file or command; maxScenarioActions
// bounds its actions.
const (
	maxScenarioBytes   = 1 << 20
	maxScenarioActions = 10000
)

// Scenario is a lab as it travels: the URL parameters it started from, the
// learner's actions and the simulated clock when it was made.
type Scenario struct {
	Params  map[string]string // setup parameters (setupParams) and view
	Actions []ScenarioAction
	// ElapsedMs is the simulated time since the start, in milliseconds, and
	// AheadMs how much of it was fast-forwarded.
	ElapsedMs int64
	AheadMs   int64
}

// ScenarioAction is an Action as it travels: the attributes a save changed
// and, for a request, how the cookies it carried differ from the ones the
// load balancer and the lab left in the browser.
type ScenarioAction struct {
	At         int64             `json:"at"`
	Do         string            `json:"do"`
	Instance   string            `json:"instance,omitempty"`
	Name       string            `json:"name,omitempty"`
	Attributes map[string]string `json:"attributes,omitempty"`
	Crowd      *CrowdSettings    `json:"crowd,omitempty"`
	// WithoutCookies are cookies the lab had set that the request did not
	// carry; WithCookies replace, by name, the ones it carried otherwise.
	WithoutCookies []string      `json:"withoutCookies,omitempty"`
	WithCookies    []CookieValue `json:"withCookies,omitempty"`
}

// scenarioFile is the exported file's JSON.
type scenarioFile struct {
	Kind          string            `json:"stickylab"`
	Version       int               `json:"version"`
	Params        map[string]string `json:"params"`
	ElapsedMs     int64             `json:"elapsedMs,omitempty"`
	FastForwarded int64             `json:"fastForwardedMs,omitempty"`
	Actions       []ScenarioAction  `json:"actions"`
}

// MarshalScenario returns s as the exported file, indented.
func MarshalScenario(s Scenario) ([]byte, error) {
	f := scenarioFile{Kind: ScenarioKind, Version: ScenarioVersion, Params: s.Params,
		ElapsedMs: s.ElapsedMs, FastForwarded: s.AheadMs, Actions: s.Actions}
	if f.Params == nil {
		f.Params = map[string]string{}
	}
	if f.Actions == nil {
		f.Actions = []ScenarioAction{}
	}
	return json.MarshalIndent(f, "", "  ")
}

// UnmarshalScenario reads an exported file, saying what is wrong with a
// bad, truncated or newer one.
func UnmarshalScenario(data []byte) (Scenario, error) {
	if len(data) > maxScenarioBytes {
		return Scenario{}, fmt.Errorf("it is larger than %d bytes", maxScenarioBytes)
	}
	var probe struct {
		Kind    *string      `json:"stickylab"`
		Version *json.Number `json:"version"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return Scenario{}, jsonProblem(err)
	}
	switch {
	case probe.Kind == nil:
		return Scenario{}, errors.New(`it is not a stickylab scenario: it has no "stickylab": "scenario" field`)
	case *probe.Kind != ScenarioKind:
		return Scenario{}, fmt.Errorf(`it is not a stickylab scenario: its "stickylab" field is %q, not "scenario"`, *probe.Kind)
	case probe.Version == nil:
		return Scenario{}, errors.New(`it has no "version" field (this lab reads version 1)`)
	}
	if err := checkVersion(probe.Version.String(), "scenario format"); err != nil {
		return Scenario{}, err
	}
	d := json.NewDecoder(bytes.NewReader(data))
	d.DisallowUnknownFields()
	var f scenarioFile
	if err := d.Decode(&f); err != nil {
		return Scenario{}, jsonProblem(err)
	}
	s := Scenario{Params: f.Params, Actions: f.Actions, ElapsedMs: f.ElapsedMs, AheadMs: f.FastForwarded}
	if s.Params == nil {
		s.Params = map[string]string{}
	}
	if s.ElapsedMs == 0 && len(s.Actions) > 0 {
		s.ElapsedMs = s.Actions[len(s.Actions)-1].At
	}
	return s, s.check()
}

// checkVersion refuses a format version other than ScenarioVersion, naming
// a newer one as such.
func checkVersion(v, what string) error {
	var n int
	if _, err := fmt.Sscan(v, &n); err != nil || fmt.Sprint(n) != v || n < 1 {
		return fmt.Errorf("its version %q is not a version of the %s (this lab reads %d)", v, what, ScenarioVersion)
	}
	if n > ScenarioVersion {
		return fmt.Errorf("it was made by a newer stickylab (%s %d; this lab reads %d): reload the page to get the latest version", what, n, ScenarioVersion)
	}
	if n != ScenarioVersion {
		return fmt.Errorf("its %s %d is not one this lab reads (%d)", what, n, ScenarioVersion)
	}
	return nil
}

// jsonProblem says what encoding/json found wrong, in the learner's words.
func jsonProblem(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF) || err.Error() == "unexpected end of JSON input":
		return errors.New("it is cut short: the JSON ends before its last closing brace")
	case errors.As(err, &syn):
		return fmt.Errorf("it is not valid JSON (at byte %d: %s)", syn.Offset, strings.TrimPrefix(syn.Error(), "invalid character "))
	case errors.As(err, &typ):
		return fmt.Errorf("its field %q should be %s, not a JSON %s", typ.Field, jsonTypeWords(typ.Type.String()), typ.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return fmt.Errorf("it has a field this version does not know: %s", strings.TrimPrefix(err.Error(), "json: unknown field "))
	}
	return fmt.Errorf("it is not a scenario (%v)", err)
}

func jsonTypeWords(t string) string {
	switch {
	case strings.HasPrefix(t, "int"), strings.HasPrefix(t, "float"):
		return "a number"
	case t == "string":
		return "a string"
	case strings.HasPrefix(t, "[]"):
		return "a list"
	case strings.HasPrefix(t, "map["), strings.Contains(t, "."):
		return "an object"
	}
	return "a " + t
}

// scenarioParamKeys are the parameters a scenario may carry.
func scenarioParamKeys() []string {
	return append(slices.DeleteFunc(slices.Clone(setupParams), func(k string) bool { return k == linkParam }), "view")
}

// check says what is wrong with s before it is replayed: its parameters,
// its clock and the order of its actions.
func (s Scenario) check() error {
	keys := scenarioParamKeys()
	for _, k := range slices.Sorted(maps.Keys(s.Params)) {
		if !slices.Contains(keys, k) {
			return fmt.Errorf("parameter %q is not one a scenario has (%s)", k, orList(keys))
		}
	}
	if _, msgs := ParseSetup(paramsQuery(s.Params)); len(msgs) > 0 {
		return errors.New(clause(msgs[0]))
	}
	if v, ok := s.Params["view"]; ok && v != tabBrowser && v != tabTraffic {
		return fmt.Errorf("parameter view=%q is not valid: use browser or traffic", v)
	}
	if id, ok := s.Params["preset"]; ok {
		if _, ok := engine.PresetByID(id); !ok {
			return fmt.Errorf("parameter preset=%q is not a lesson of the traffic lab", id)
		}
	}
	if len(s.Actions) > maxScenarioActions {
		return fmt.Errorf("it has %d actions, more than the %d a scenario may have", len(s.Actions), maxScenarioActions)
	}
	var last int64
	for i, a := range s.Actions {
		switch {
		case a.At < 0:
			return fmt.Errorf("action %d (%s) is at %d ms, before the lab started", i+1, a.Do, a.At)
		case a.At < last:
			return fmt.Errorf("action %d (%s) goes back in time (at %d ms, after %d ms)", i+1, a.Do, a.At, last)
		case (len(a.WithoutCookies) > 0 || len(a.WithCookies) > 0) && a.Do != DoRefresh && a.Do != DoOpen:
			return fmt.Errorf("action %d (%s) has cookies, which only refresh and open carry", i+1, a.Do)
		case len(a.Attributes) > 0 && a.Do != DoSaveAttributes && a.Do != DoEditStickiness:
			return fmt.Errorf("action %d (%s) has attributes, which only %s and %s have", i+1, a.Do, DoSaveAttributes, DoEditStickiness)
		case a.Crowd != nil && a.Do != DoStartCrowd:
			return fmt.Errorf("action %d (%s) has a crowd, which only %s has", i+1, a.Do, DoStartCrowd)
		}
		for _, c := range a.WithCookies {
			if !engine.ValidCookieName(c.Name) {
				return fmt.Errorf("action %d (%s) carries a cookie with the invalid name %q", i+1, a.Do, c.Name)
			}
		}
		last = a.At
	}
	switch {
	case s.ElapsedMs < last:
		return fmt.Errorf("its clock (%d ms) is before its last action (%d ms)", s.ElapsedMs, last)
	case s.ElapsedMs > maxSavedClock.Milliseconds():
		return fmt.Errorf("its clock (%d ms) is more than a year (%d ms) past its start", s.ElapsedMs, maxSavedClock.Milliseconds())
	case s.AheadMs < 0 || s.AheadMs > s.ElapsedMs:
		return fmt.Errorf("its fast-forwarded time (%d ms) is not between 0 and its clock (%d ms)", s.AheadMs, s.ElapsedMs)
	}
	return nil
}

// replayEach is replay (world.go) with before, if not nil, called ahead of
// each action, the clock at the action's time: it may complete the action,
// or stop the replay with an error.
func replayEach(setup Setup, start time.Time, actions []Action, opts Options, before func(m *model, i int, a *Action) error) (*model, error) {
	m, err := newModelAt(setup, opts, start)
	if err != nil {
		return nil, err
	}
	m.replaying = true
	m.learner.Jar = &m.shadow
	for i := range actions {
		a := actions[i]
		t := at(start, a.At)
		if t.Before(m.lb.Now()) {
			return nil, fmt.Errorf("action %d (%s) goes back in time", i+1, a.Do)
		}
		m.lb.AdvanceTo(t)
		if before != nil {
			if err := before(m, i, &a); err != nil {
				return nil, err
			}
		}
		if _, err := m.apply(&a); err != nil {
			return nil, fmt.Errorf("action %d (%s) failed: %v", i+1, a.Do, err)
		}
		m.journal.Actions = append(m.journal.Actions, a)
	}
	m.replaying = false
	m.learner.Jar = m.jar
	return m, nil
}

// replayScenario rebuilds s in a lab whose clock, after the replay, is the
// wall clock plus what s fast-forwarded: s happened just now.
func replayScenario(s Scenario, opts Options) (*model, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	setup, _ := ParseSetup(paramsQuery(s.Params))
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	wall := now().UTC()
	start := wall.Add(-time.Duration(s.ElapsedMs-s.AheadMs) * time.Millisecond).Truncate(time.Second)
	actions := make([]Action, len(s.Actions))
	for i, a := range s.Actions {
		actions[i] = Action{At: a.At, Do: a.Do, Instance: a.Instance, Name: a.Name, Crowd: a.Crowd}
		if a.Do == DoEditStickiness {
			actions[i].Attributes = a.Attributes
		}
	}
	m, err := replayEach(setup, start, actions, opts, func(m *model, i int, a *Action) error {
		sa := &s.Actions[i]
		if a.Do == DoSaveAttributes {
			// The changes over the running attributes, journaled whole as
			// the form saves them; a bad one fails in apply.
			tg, err := m.group(a.Name)
			if err != nil {
				a.Attributes = sa.Attributes
			} else if attrs, err := attributesFrom(m.lb.Type, tg.Attributes(), sa.Attributes); err == nil {
				a.Attributes = attributeValues(attrs)
			} else {
				a.Attributes = sa.Attributes
			}
		}
		if len(sa.WithoutCookies) > 0 || len(sa.WithCookies) > 0 {
			cs := withCookies(cookieValues(m.shadow.Cookies(m.lb.Now())), sa.WithoutCookies, sa.WithCookies)
			a.Cookies = &cs
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sim := at(start, s.ElapsedMs)
	m.lb.AdvanceTo(sim)
	m.player.resume(sim, time.Duration(s.AheadMs)*time.Millisecond)
	return m, nil
}

// withCookies returns the cookies expected without the named ones and
// with, by name, the ones given instead: a request's cookies, sorted.
func withCookies(expected []CookieValue, without []string, with []CookieValue) []CookieValue {
	out := slices.DeleteFunc(slices.Clone(expected), func(c CookieValue) bool {
		return slices.Contains(without, c.Name) || slices.ContainsFunc(with, func(w CookieValue) bool { return w.Name == c.Name })
	})
	out = append(out, with...)
	slices.SortFunc(out, compareCookies)
	return out
}

func compareCookies(a, b CookieValue) int {
	if c := strings.Compare(a.Name, b.Name); c != 0 {
		return c
	}
	return strings.Compare(a.Value, b.Value)
}

// cookieDiff is how the cookies a request carried differ from the expected
// ones, by name: the inverse of withCookies.
func cookieDiff(expected, carried []CookieValue) (without []string, with []CookieValue) {
	values := func(cs []CookieValue, name string) []string {
		var vs []string
		for _, c := range cs {
			if c.Name == name {
				vs = append(vs, c.Value)
			}
		}
		slices.Sort(vs)
		return vs
	}
	var names []string
	for _, c := range append(slices.Clone(expected), carried...) {
		if !slices.Contains(names, c.Name) {
			names = append(names, c.Name)
		}
	}
	slices.Sort(names)
	for _, n := range names {
		e, c := values(expected, n), values(carried, n)
		switch {
		case slices.Equal(e, c):
		case len(c) == 0:
			without = append(without, n)
		default:
			for _, v := range c {
				with = append(with, CookieValue{Name: n, Value: v})
			}
		}
	}
	return without, with
}

// scenarioOf returns m's lab as a scenario that starts from params. A
// request with cookies other than expected needs the expected ones: the
// journal is replayed up to the last such request.
func scenarioOf(m *model, params map[string]string, opts Options) (Scenario, error) {
	s := Scenario{Params: params, Actions: make([]ScenarioAction, len(m.journal.Actions)),
		ElapsedMs: m.lb.Now().Sub(m.journal.Start).Milliseconds(), AheadMs: m.player.ahead().Milliseconds()}
	s.AheadMs = min(s.AheadMs, s.ElapsedMs)
	lastCookies := -1
	// Every target group starts with the same attributes: those of the
	// setup, or of the preset staged. Saved ones go by group name.
	base, attrs, typ := m.journal.Setup.Attributes(), map[string]engine.Attributes{}, m.journal.Setup.Type
	for i, a := range m.journal.Actions {
		s.Actions[i] = ScenarioAction{At: a.At, Do: a.Do, Instance: a.Instance, Name: a.Name, Crowd: a.Crowd}
		switch a.Do {
		case DoSaveAttributes:
			prev, ok := attrs[a.Name]
			if !ok {
				prev = base
			}
			next, err := attributesFrom(typ, prev, a.Attributes)
			if err != nil {
				return s, fmt.Errorf("action %d (%s): %v", i+1, a.Do, err)
			}
			s.Actions[i].Attributes = changedAttributes(prev, next)
			attrs[a.Name] = next
		case DoPreset:
			if p, ok := engine.PresetByID(a.Name); ok {
				base, attrs, typ = p.Attributes(), map[string]engine.Attributes{}, p.Type
			}
		case DoEditStickiness:
			s.Actions[i].Attributes = a.Attributes
		}
		if a.Cookies != nil {
			lastCookies = i
		}
	}
	if lastCookies < 0 {
		return s, nil
	}
	replayOpts := opts
	replayOpts.Jar = &engine.MemoryJar{} // a replay never touches it; the learner's stays out of reach
	_, err := replayEach(m.journal.Setup, m.journal.Start, m.journal.Actions[:lastCookies+1], replayOpts, func(r *model, i int, a *Action) error {
		if a.Cookies != nil {
			s.Actions[i].WithoutCookies, s.Actions[i].WithCookies = cookieDiff(cookieValues(r.shadow.Cookies(r.lb.Now())), *a.Cookies)
		}
		return nil
	})
	return s, err
}

// changedAttributes returns the attributes of next that differ from prev,
// key to value; never nil.
func changedAttributes(prev, next engine.Attributes) map[string]string {
	out := map[string]string{}
	for _, s := range engine.AttributeSpecs() {
		if v := next.Value(s.Key); v != prev.Value(s.Key) {
			out[s.Key] = v
		}
	}
	return out
}
