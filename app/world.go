package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"time"

	"github.com/stickylab/stickylab/engine"
)

// Store keeps the lab's saved world in the browser (localStorage); the
// native one is memory. Load's ok is false when nothing is saved.
type Store interface {
	Load(key string) (value string, ok bool, err error)
	Save(key, value string) error
	Remove(key string) error
}

// TabLock lets one tab of a site run its saved world at a time (the Web
// Locks API in the browser). Hold asks for the lock name, stealing it from
// another tab when steal; granted says whether this tab holds it, and lost
// is called when another tab takes it over.
type TabLock interface {
	Hold(name string, steal bool, granted func(held bool), lost func())
}

// WorldVersion is the version of the saved world's format; a world of
// another version is dropped with a notice.
const WorldVersion = 1

// setupParams are the URL parameters that set a lab up: a page with other
// values starts another lab.
var setupParams = []string{"lb", "stickiness", "duration", "algorithm", "instances", "seed", "weights", "group_stickiness", "preset", "lesson", linkParam}

// World is the lab as saved in the browser: the URL parameters it started
// from, the learner's actions, and the simulated clock against the wall
// clock when it was saved.
type World struct {
	Version int               `json:"version"`
	Params  map[string]string `json:"params"`
	// Opened are the setup parameters of the frame's address an embedded
	// lab was opened at, and embed=1 (openedOf), when a scenario loaded
	// since replaced Params: a reload of the course page, at that address,
	// goes on with this lab.
	Opened  map[string]string `json:"opened,omitempty"`
	Start   time.Time         `json:"start"`
	Actions []Action          `json:"actions"`
	// Sim is the simulated clock and Wall the wall clock when saved; the
	// simulated clock runs on while the page is closed, unless the traffic
	// lab was paused (Rate 0) or ran a crowd: then it waits for the learner.
	Sim   time.Time `json:"sim"`
	Wall  time.Time `json:"wall"`
	Ahead int64     `json:"aheadMs,omitempty"` // fast-forwarded, shown by the clock bar
	Rate  int       `json:"rate"`              // the play speed: 0 paused, 1, 10 or 100
	// Predictions are the learner's locked-in predictions of the traffic
	// lab's lessons (not journaled actions: they change nothing simulated).
	Predictions map[string]int `json:"predictions,omitempty"`
}

// worldKey is the storage key of the site's world: one per base path, so
// two labs on one origin (user.github.io/a, /b) keep their own.
func worldKey(base string) string { return "stickylab:world:" + base + "/" }

// labParams returns the setup parameters of a URL query, the first value of
// each.
func labParams(q url.Values) map[string]string {
	ps := make(map[string]string)
	for _, k := range setupParams {
		if v, ok := first(q, k); ok {
			ps[k] = v
		}
	}
	return ps
}

// world returns m as a World saved at wall clock wall.
func (m *model) world(params map[string]string, wall time.Time) World {
	p := m.player
	return World{
		Version: WorldVersion, Params: params, Start: m.journal.Start, Actions: slices.Clone(m.journal.Actions),
		Sim: m.lb.Now(), Wall: wall, Ahead: p.ahead().Milliseconds(), Rate: p.rate,
		Predictions: maps.Clone(m.predictions),
	}
}

// maxLabClock is how far past its start a lab's simulated clock runs: there
// it pauses, and a fast-forward beyond it is refused (a long replay holds the page).
const maxLabClock = 366 * 24 * time.Hour

// maxSavedClock is the most a saved lab or scenario may hold: maxLabClock and
// what a frame or a tick may run past it before the lab pauses.
const maxSavedClock = maxLabClock + time.Hour

// maxAbsence is the most a reload's clock runs on for the time the page was
// closed: past the browser lifetime of the load balancer's cookies, and the replay stays short.
const maxAbsence = engine.CookieExpiry + time.Hour

// errLabClockFull is the lab's answer at maxLabClock.
var errLabClockFull = errors.New("The lab's clock runs at most a year past its start: Reset lab starts a new lab")

// decodeWorld reads a saved world, refusing one of another version.
func decodeWorld(s string) (World, error) {
	var w World
	if err := json.Unmarshal([]byte(s), &w); err != nil {
		return w, fmt.Errorf("it is not a saved lab (%v)", err)
	}
	if w.Version != WorldVersion {
		return w, fmt.Errorf("it was saved by another version of stickylab (format %d, this one reads %d)", w.Version, WorldVersion)
	}
	switch {
	case w.Start.IsZero() || w.Wall.IsZero() || w.Sim.Before(w.Start):
		return w, errors.New("its clock is not valid")
	case w.Sim.Sub(w.Start) > maxSavedClock:
		return w, errors.New("its clock is not valid: more than a year past its start")
	}
	return w, nil
}

// replay builds the lab of setup started at start and carries out actions
// in order, each at its time: the world as it was after the last one. The
// learner's requests read the shadow jar, never the browser's.
func replay(setup Setup, start time.Time, actions []Action, opts Options) (*model, error) {
	return replayEach(setup, start, actions, opts, nil) // scenario.go
}

// restoreWorld replays w and brings its clock to the wall clock now: the
// simulated time that passed while the page was closed passes (health
// checks, cookies running out), unless w was paused. It returns what is
// wrong with w's parameters, as a new lab from them says.
func restoreWorld(w World, opts Options) (*model, []string, error) {
	setup, msgs := ParseSetup(paramsQuery(w.Params))
	m, err := replay(setup, w.Start, w.Actions, opts)
	if err != nil {
		return nil, nil, err
	}
	if w.Sim.Before(m.lb.Now()) {
		return nil, nil, errors.New("its clock is behind its last action")
	}
	now := m.player.now()
	sim := w.Sim
	if d := now.Sub(w.Wall); w.Rate != 0 && m.lb.Crowd() == nil && d > 0 {
		sim = sim.Add(min(d, maxAbsence, maxLabClock-sim.Sub(w.Start)))
	}
	m.lb.AdvanceTo(sim)
	m.player.resume(sim, time.Duration(w.Ahead)*time.Millisecond)
	if w.Rate == 0 {
		m.player.pause()
	}
	m.predictions = w.Predictions
	return m, msgs, nil
}

// paramsQuery returns saved parameters as a URL query.
func paramsQuery(ps map[string]string) url.Values {
	q := make(url.Values, len(ps))
	for k, v := range ps {
		q.Set(k, v)
	}
	return q
}

// memoryStore is a Store in memory: the lab's store outside a browser.
type memoryStore map[string]string

func (s memoryStore) Load(key string) (string, bool, error) { v, ok := s[key]; return v, ok, nil }
func (s memoryStore) Save(key, value string) error          { s[key] = value; return nil }
func (s memoryStore) Remove(key string) error               { delete(s, key); return nil }

var _ Store = memoryStore(nil)
