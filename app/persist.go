package app

import (
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// The tab's hold on the saved world (TabLock).
const (
	holdUnknown = iota // asked, not answered yet: nothing is saved
	holdHeld           // this tab runs and saves the world
	holdOther          // another tab runs it
	holdLost           // another tab took it over
)

// labSaved is the Lab's saved world: where it lives, whether this tab may
// write it, and what became of the last save.
type labSaved struct {
	key    string
	query  url.Values        // the page's URL query
	params map[string]string // its setup parameters (setupParams)
	opened map[string]string // an embedded lab's first ones, when a scenario replaced them (World.Opened)
	fresh  bool              // a saved lab was replaced or dropped: its cookies go with it
	link   error             // why the page's shared link did not replace the saved lab
	hold   int
	err    string        // the last save's failure, "" when it worked
	at     time.Time     // the wall clock of the restored world's save, zero for a new lab
	took   time.Duration // how long reading and replaying the saved world took
	ctx    app.Context   // the Lab's mount context, for the lock's answers
}

// startWorld restores the world saved for the page's URL, or returns nil
// and what became of the saved one (another setup replaces it; another
// version or a broken save is dropped).
func (l *Lab) startWorld(q url.Values) (*model, []string) {
	l.saved = labSaved{key: worldKey(BasePath()), query: q, params: labParams(q), hold: holdHeld, ctx: l.saved.ctx}
	if l.opts.Lock != nil {
		l.saved.hold = holdUnknown
	}
	st := l.opts.Store
	if st == nil {
		return nil, nil
	}
	t0 := l.wall()
	raw, ok, err := st.Load(l.saved.key)
	if err != nil {
		return nil, []string{fmt.Sprintf("The lab saved in this browser could not be read (%v): a new lab starts.", err)}
	}
	if !ok {
		return nil, nil
	}
	w, err := decodeWorld(raw)
	var kept string // why a link that cannot set a lab up leaves the saved one running
	var scenErr error
	own := false // the lab goes on at its own address, not the page's
	switch {
	case err != nil:
	case maps.Equal(w.Params, l.saved.params):
	case w.Opened != nil && maps.Equal(openedSetup(w.Opened), l.saved.params):
		// The course page reloaded the frame a scenario was loaded into:
		// the lab is the scenario's, at the frame's address.
		own = true
	default:
		if kept, scenErr = linkProblem(q, l.opts); kept == "" && scenErr == nil {
			l.saved.fresh = true
			return nil, []string{"This link sets up another lab: it replaces the one saved in this browser (" +
				paramsWords(w.Params) + "). Reloading this page goes on with the new one."}
		}
		own = true
	}
	var m *model
	var msgs []string
	if err == nil {
		m, msgs, err = restoreWorld(w, l.opts)
	}
	l.saved.took = l.wall().Sub(t0)
	if err != nil {
		_ = st.Remove(l.saved.key)
		l.saved.fresh = true
		return nil, []string{fmt.Sprintf("The lab saved in this browser was dropped: %s. A new lab starts.", clause(err.Error()))}
	}
	// Restored: the lab's address is its own now.
	l.saved.opened, l.saved.link = w.Opened, scenErr // a shared link's problem is said where those are (scenarioFailed)
	if own {
		l.saved.query, l.saved.params = withPageParams(paramsQuery(w.Params), l.saved.query), w.Params
	}
	l.saved.at = w.Wall
	said := misspelledParams(q) // the saved lab's own parameters do not hold the page's typos
	if kept != "" {
		said = append(said, "This link cannot set up a lab: "+kept+" The lab saved in this browser ("+paramsWords(w.Params)+") goes on.")
	}
	return m, append(said, msgs...)
}

// linkProblem says what is wrong with a link's setup values (without what a
// new lab would use instead), or why its shared scenario does not replay: a
// bad link does not replace the saved lab (a misspelled parameter is only
// ignored: the link's lab is still the one it sets up).
func linkProblem(q url.Values, opts Options) (string, error) {
	_, msgs := ParseSetup(q) // its misspelledParams first, then the refused values
	if reasons := msgs[len(misspelledParams(q)):]; len(reasons) > 0 {
		for i, r := range reasons {
			reasons[i] = withoutFallback(r)
		}
		return strings.Join(reasons, " "), nil
	}
	s, ok, err := scenarioFromQuery(q)
	if ok && err == nil {
		_, err = replayScenario(s, opts) // checks it, then replays it: an action may fail
	}
	return "", err
}

// withoutFallback drops from a setup message what a new lab would use
// instead ("Using off."), untrue of the saved lab that goes on.
func withoutFallback(msg string) string {
	for _, tail := range []string{" Using ", " Ignoring it."} {
		if i := strings.LastIndex(msg, tail); i > 0 {
			return msg[:i]
		}
	}
	return msg
}

// openedMark is the key World.Opened always holds beside the frame's setup
// parameters, so that a frame opened with none is told from no frame.
const openedMark = "embed"

// openedOf returns World.Opened for an embedded frame's setup parameters.
func openedOf(params map[string]string) map[string]string {
	o := maps.Clone(params)
	if o == nil {
		o = map[string]string{}
	}
	o[openedMark] = "1"
	return o
}

// openedSetup returns the frame's setup parameters World.Opened holds.
func openedSetup(opened map[string]string) map[string]string {
	p := maps.Clone(opened)
	delete(p, openedMark)
	return p
}

// withPageParams adds to a lab's query q the page's own parameters (embed,
// parent) from page, which a lab's setup does not hold.
func withPageParams(q, page url.Values) url.Values {
	for k, vs := range page {
		if _, ok := q[k]; !ok && !slices.Contains(setupParams, k) {
			q[k] = vs
		}
	}
	return q
}

// wall returns the wall clock.
func (l *Lab) wall() time.Time {
	if l.opts.Now != nil {
		return l.opts.Now()
	}
	return time.Now()
}

// paramsWords says a lab's setup parameters, or "no URL parameters"; a
// shared lab's actions are counted, not spelled out.
func paramsWords(ps map[string]string) string {
	setup := maps.Clone(ps)
	delete(setup, linkParam)
	words := "no URL parameters"
	if len(setup) > 0 {
		words = paramsQuery(setup).Encode()
	}
	words = shorten(words, 2*maxShownValue)
	if _, ok := ps[linkParam]; ok {
		words += ", and a shared lab's actions"
	}
	return words
}

// save writes the world into the browser's storage, when this tab holds it.
func (l *Lab) save() {
	st := l.opts.Store
	if st == nil || l.saved.hold != holdHeld || l.m == nil {
		return
	}
	w := l.m.world(l.saved.params, l.m.player.now())
	w.Opened = l.saved.opened
	raw, err := marshalWorld(w)
	if err == nil {
		err = st.Save(l.saved.key, string(raw))
	}
	l.saved.err = ""
	if err != nil {
		l.saved.err = fmt.Sprintf("This browser did not keep the lab (%v): a reload will start a new one.", err)
	}
}

// holdWorld asks for the saved world's lock (in the browser); the tab that
// gets it loads the page through the load balancer, as a reload does.
func (l *Lab) holdWorld(ctx app.Context, steal bool) {
	l.saved.ctx = ctx
	if l.opts.Lock == nil || app.IsServer {
		if !steal {
			l.pageLoad()
		}
		return
	}
	l.opts.Lock.Hold(l.saved.key, steal,
		func(held bool) {
			ctx.Dispatch(func(ctx app.Context) {
				if !held {
					l.saved.hold = holdOther
					l.announce("This lab is open in another tab.")
					return
				}
				l.saved.hold = holdHeld
				if steal {
					l.takeOver()
					return
				}
				l.pageLoad()
			})
		},
		func() {
			ctx.Dispatch(func(ctx app.Context) {
				l.saved.hold = holdLost
				l.announce("Another tab took this lab over: this tab no longer saves it.")
			})
		})
}

// pageLoad is the page's own request through the load balancer, with the
// browser's real cookies, exactly like the Refresh button (whose journaled
// action saves the lab).
// A lab that replaced another, once this tab holds it, first forgets the
// other lab's cookies: the new one would meet them as a stranger's.
func (l *Lab) pageLoad() {
	if l.saved.fresh {
		l.saved.fresh = false
		l.m.forgetLabCookies()
	}
	l.refresh()
}

// takeOver makes this tab run the world another tab saved last.
func (l *Lab) takeOver() {
	m, msgs := l.startWorld(l.saved.query)
	l.saved.hold = holdHeld
	if m != nil {
		l.setModel(m)
	}
	l.notices = msgs
	l.announce("This tab runs the lab now.")
	l.save()
}

// resetLab forgets the saved world and the lab's cookies in the browser and
// starts the lab of the page's URL afresh.
func (l *Lab) resetLab() {
	if st := l.opts.Store; st != nil {
		_ = st.Remove(l.saved.key)
	}
	l.m.jar.Clear()
	setup, msgs := ParseSetup(l.saved.query)
	m, err := newModel(setup, l.opts)
	if err != nil {
		m, _ = newModel(DefaultSetup(), l.opts)
	}
	l.setModel(m)
	l.notices, l.err, l.saved.at = msgs, "", time.Time{}
	if id, ok := first(l.saved.query, "preset"); ok {
		l.act(l.m.applyPreset(id))
	}
	l.save()
	l.announce("The lab was reset: a new lab, no cookies, an empty request log.")
}

// setModel makes m the lab's model, its player the live views'.
func (l *Lab) setModel(m *model) {
	l.m = m
	l.live.player = m.player
	m.changed = l.save
	l.ensureFrames()
}

// takeOverClicked steals the saved world's lock from the other tab.
func (l *Lab) takeOverClicked() {
	if l.saved.ctx != nil {
		l.holdWorld(l.saved.ctx, true)
	}
}

// agoWords says how long before now t was, "" for a zero t.
func agoWords(t, now time.Time) string {
	if t.IsZero() {
		return ""
	}
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "moments ago"
	case d < time.Hour:
		return plural(int(d/time.Minute), "minute") + " ago"
	case d < 48*time.Hour:
		return plural(int(d/time.Hour), "hour") + " ago"
	}
	return plural(int(d/(24*time.Hour)), "day") + " ago"
}
