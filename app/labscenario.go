package app

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/maxence-charriere/go-app/v9/pkg/app"

	"github.com/stickylab/stickylab/engine"
)

// The Lab's scenarios (scenario.go, scenariolink.go): the share link, the
// exported file, and loading one from a link, a file or the course page.

var (
	errTooLarge   = fmt.Errorf("it is larger than %d bytes", maxScenarioBytes)
	errUnreadable = errors.New("the browser could not read it")
)

// scenarioState is the Lab's state for sharing.
type scenarioState struct {
	lesson string // the lesson parameter the lab started with
	err    string // what was wrong with the latest scenario
	status string // how the latest Copy link went
	// cache holds the latest scenarioOf's actions, for the journal of
	// model m with n actions.
	cache struct {
		m       *model
		n       int
		actions []ScenarioAction
		err     error
	}
}

// startScenario loads the scenario of a shared link in the page's query q,
// if it has one; a bad one is said and the lab started from q is kept.
func (l *Lab) startScenario(q url.Values) {
	l.sc.lesson, _ = first(q, "lesson")
	s, ok, err := scenarioFromQuery(q)
	if !ok {
		return
	}
	if err == nil {
		err = l.loadScenario(s)
	}
	if err != nil {
		l.scenarioFailed("This shared link", err)
	}
}

// loadScenario replays s from a fresh start and makes it the lab: the
// learner's cookies become the ones the replay left in its browser, so the
// next requests route the same way. On error the lab is kept as it was.
func (l *Lab) loadScenario(s Scenario) error {
	m, err := replayScenario(s, l.opts)
	if err != nil {
		return err
	}
	now := m.lb.Now()
	// The cookies a lab sets or reads, of either lab, go; the replay's come.
	stale := map[string]bool{engine.CookieAWSALB: true, engine.CookieAWSALBCORS: true, engine.SessionCookie: true,
		m.lb.TargetGroup.Attributes().AppCookieName: true, l.m.lb.TargetGroup.Attributes().AppCookieName: true}
	for _, c := range l.m.shadow.All(now) {
		stale[c.Name] = true
	}
	for _, c := range m.jar.All(now) {
		if stale[c.Name] || engine.LoadBalancerCookie(c.Name) {
			m.jar.Delete(c.Name)
		}
	}
	_ = m.jar.SetCookies(now, m.shadow.All(now)) // refused cookies are noted on the next request
	if t := l.tl.stop; t != nil {
		t()
		l.tl.stop = nil
	}
	l.setModel(m)
	l.tl.tab = tabOfQuery(paramsQuery(s.Params))
	l.sc.lesson = s.Params["lesson"]
	l.sc.err, l.err = "", ""
	l.sc.cache.m = nil
	l.holdStill()
	l.adoptScenario()
	l.announce(fmt.Sprintf("Scenario loaded: %s replayed.", plural(len(s.Actions), "action")))
	return nil
}

// adoptScenario makes the loaded lab the one saved in the browser: the
// address becomes its link, so a reload goes on with it.
func (l *Lab) adoptScenario() {
	u, err := url.Parse(l.shareHref())
	if err != nil || u.RawQuery == "" {
		return
	}
	q := withPageParams(u.Query(), l.saved.query) // embed, parent: the page's own
	u.RawQuery = q.Encode()
	if l.embed.On && l.saved.opened == nil {
		// The course page's frame reopens at its first address.
		l.saved.opened = openedOf(l.saved.params)
	}
	l.saved.query, l.saved.params = q, labParams(q)
	if !app.IsServer {
		app.Window().Get("history").Call("replaceState", nil, "", u.String())
	}
	l.save()
}

// scenarioFailed shows and announces why the scenario from what could not
// be loaded.
func (l *Lab) scenarioFailed(what string, err error) {
	l.sc.err = fmt.Sprintf("%s cannot be loaded: %s. Your lab is kept as it was.", what, clause(err.Error()))
	l.announce(l.sc.err)
}

// shareParams are the parameters of a link to the lab: its setup where it
// differs from the defaults, the lesson staged, and the tab when the others
// do not imply it.
func (l *Lab) shareParams() map[string]string {
	s, def := l.m.journal.Setup, DefaultSetup()
	ps := map[string]string{}
	set := func(k, v, d string) {
		if v != d {
			ps[k] = v
		}
	}
	set("lb", string(s.Type), string(def.Type))
	set("stickiness", s.Stickiness, def.Stickiness)
	set("duration", strconv.FormatInt(int64(s.Duration.Seconds()), 10), strconv.FormatInt(int64(def.Duration.Seconds()), 10))
	set("algorithm", string(s.Algorithm), string(def.Algorithm))
	set("instances", strconv.Itoa(s.Instances), strconv.Itoa(def.Instances))
	set("seed", strconv.FormatUint(s.Seed, 10), strconv.FormatUint(def.Seed, 10))
	set("weights", s.Weights, def.Weights)
	set("group_stickiness", strconv.FormatInt(int64(s.GroupStickiness/time.Second), 10), "0")
	set("preset", l.m.preset, "")
	set("lesson", l.sc.lesson, "")
	set("view", l.tab(), tabOfQuery(paramsQuery(ps)))
	return ps
}

// scenario returns the lab as a scenario.
func (l *Lab) scenario() (Scenario, error) {
	m := l.m
	c := &l.sc.cache
	if c.m != m || c.n != len(m.journal.Actions) {
		s, err := scenarioOf(m, nil, l.opts)
		c.m, c.n, c.actions, c.err = m, len(m.journal.Actions), s.Actions, err
	}
	elapsed := m.lb.Now().Sub(m.journal.Start).Milliseconds()
	s := Scenario{Params: l.shareParams(), Actions: c.actions, ElapsedMs: elapsed, AheadMs: min(m.player.ahead().Milliseconds(), elapsed)}
	return s, c.err
}

// shareHref returns the link to the lab: absolute in the browser.
func (l *Lab) shareHref() string {
	s, err := l.scenario()
	if err != nil {
		return ""
	}
	base := Href("/")
	if !app.IsServer {
		if u := app.Window().URL(); u != nil {
			base = u.Scheme + "://" + u.Host + u.Path
		}
	}
	return base + "?" + scenarioQuery(s)
}

// fullHref is the embedded lab's "Open the full lab" address: its share
// link (setup, actions, lesson, tab), which opens this very lab, with the
// learner's work, outside the frame; the frame's setup if it cannot be written.
func (l *Lab) fullHref() string {
	if h := l.shareHref(); h != "" {
		return h
	}
	return l.full
}

// sharePanel is the Share this lab panel.
func (l *Lab) sharePanel() app.UI {
	p := &SharePanel{IError: l.sc.err, IEmbedded: l.embed.On, IStatus: l.sc.status,
		IOnCopy: l.copyLink, IOnExport: l.exportScenario, IOnImport: l.importScenario}
	if !l.embed.On {
		p.IHref = l.shareHref()
	}
	return p
}

// importScenario loads an imported file's scenario.
func (l *Lab) importScenario(name string, data []byte, err error) {
	if err == nil {
		var s Scenario
		if s, err = UnmarshalScenario(data); err == nil {
			err = l.loadScenario(s)
		}
	}
	if err != nil {
		l.scenarioFailed(fmt.Sprintf("The file %q", name), err)
	}
}

// loadScenarioCommand runs the course page's load-scenario command (its
// scenario: the file's JSON).
func (l *Lab) loadScenarioCommand(data []byte) error {
	s, err := UnmarshalScenario(data)
	if err == nil {
		err = l.loadScenario(s)
	}
	if err != nil {
		l.scenarioFailed("The course page's scenario", err)
		return fmt.Errorf("the scenario cannot be loaded: %v", err)
	}
	return nil
}

// copyLink puts the share link on the clipboard, or says how to copy it.
func (l *Lab) copyLink() {
	href := l.shareHref()
	fallback := "Your browser did not let the lab copy: right-click the link and choose Copy link address."
	if app.IsServer || href == "" {
		return
	}
	clip := app.Window().Get("navigator").Get("clipboard")
	if !clip.Truthy() {
		l.copied(fallback)
		return
	}
	ctx := l.tl.ctx
	var ok, fail app.Func
	settle := func(msg string) {
		if ctx != nil {
			ctx.Dispatch(func(app.Context) { l.copied(msg) })
		}
		ok.Release()
		fail.Release()
	}
	ok = app.FuncOf(func(app.Value, []app.Value) any { settle("Link copied."); return nil })
	fail = app.FuncOf(func(app.Value, []app.Value) any { settle(fallback); return nil })
	clip.Call("writeText", href).Call("then", ok, fail)
}

func (l *Lab) copied(msg string) {
	l.sc.status = msg
	l.announce(msg)
}

// exportScenario downloads the lab as a scenario file.
func (l *Lab) exportScenario() {
	s, err := l.scenario()
	var data []byte
	if err == nil {
		data, err = MarshalScenario(s)
	}
	if err != nil {
		l.scenarioFailed("This lab", err)
		return
	}
	if app.IsServer {
		return
	}
	w := app.Window()
	blob := w.Get("Blob").New([]any{string(data)}, map[string]any{"type": "application/json"})
	href := w.Get("URL").Call("createObjectURL", blob)
	// An anchor outside the document: go-app's click handler never sees it.
	a := w.Get("document").Call("createElement", "a")
	a.Set("href", href)
	a.Set("download", "stickylab-scenario.json")
	a.Call("click")
	var revoke app.Func
	revoke = app.FuncOf(func(app.Value, []app.Value) any {
		w.Get("URL").Call("revokeObjectURL", href)
		revoke.Release()
		return nil
	})
	w.Call("setTimeout", revoke, 10000)
	l.announce("Scenario file downloaded: stickylab-scenario.json.")
}
