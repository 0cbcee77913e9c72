package app

import (
	"context"
	"time"

	"github.com/stickylab/stickylab/engine"
)

// Options configure the lab. The wasm entry point sets them before the app
// starts; the zero value runs the lab with an in-memory cookie jar.
type Options struct {
	// Jar is the learner's cookie store: the browser's document.cookie in
	// the browser. nil means an engine.MemoryJar.
	Jar engine.InspectableJar
	// Now is the wall clock; nil means time.Now.
	Now func() time.Time
	// Frames calls f once per animation frame, with the wall clock, until
	// ctx is done (requestAnimationFrame in the browser). The traffic lab
	// runs the simulation and refreshes its live views in it. nil: no
	// frame loop (the simulation follows the Lab's one-second tick).
	Frames func(ctx context.Context, f func(wall time.Time))
}

// Notifier is implemented by a jar that has something to tell the learner,
// e.g. that the browser refused its cookies and they are kept in memory.
type Notifier interface {
	Notice() string
}

// logSize is how many requests the request log keeps.
const logSize = 50

// model is the running lab: the simulated load balancer, the learner's own
// browser as one of its clients, and the link between wall-clock time and
// simulated time. Components read it and call its methods; it never talks
// to JavaScript.
type model struct {
	setup   Setup
	lb      *engine.LoadBalancer
	learner *engine.Client
	jar     engine.InspectableJar
	now     func() time.Time

	wallStart time.Time     // wall clock when the simulation started
	simStart  time.Time     // simulated time then
	skipped   time.Duration // fast-forwarded time

	log      []engine.Exchange // newest last
	requests int               // pages loaded, through the load balancer or directly
	last     *engine.Exchange  // the learner's latest request through the load balancer
	direct   *engine.Exchange  // the latest instance opened directly

	tr traffic // the traffic lab: play speed, fast-forward, live views (live.go)
}

// newModel starts a lab from setup. The simulated clock starts at the wall
// clock, so the cookies it writes into the real browser expire when they
// say they do.
func newModel(setup Setup, opts Options) (*model, error) {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	attrs := setup.Attributes()
	wall := now().UTC().Truncate(time.Second)
	lb, err := engine.New(engine.Config{
		Seed:       setup.Seed,
		Instances:  setup.Instances,
		Attributes: &attrs,
		Start:      wall,
	})
	if err != nil {
		return nil, err
	}
	jar := opts.Jar
	if jar == nil {
		jar = &engine.MemoryJar{}
	}
	m := &model{setup: setup, lb: lb, jar: jar, now: now, wallStart: wall, simStart: wall}
	m.learner = lb.NewClient("student", jar, engine.KeepCookies)
	m.initTraffic()
	return m, nil
}

// simNow returns the simulated time that matches the wall clock now (at
// the traffic lab's play speed, see simAt).
func (m *model) simNow() time.Time { return m.simAt(m.now()) }

// sync advances the simulation to the wall clock: health checks and
// draining happen in real time. With a big crowd it stops after syncBudget
// of work and the frame loop goes on (live.go).
func (m *model) sync() {
	m.advance(m.simNow(), m.now().Add(syncBudget))
}

// fastForward moves the simulated clock ahead of the wall clock by d.
func (m *model) fastForward(d time.Duration) {
	m.skipped += d
	m.tr.ffUntil = m.simNow()
	m.sync()
}

// refresh sends the learner's request through the load balancer, as the
// browser's Refresh button does.
func (m *model) refresh() engine.Exchange {
	m.sync()
	ex := m.lb.Do(m.learner, "/")
	m.record(ex)
	m.last = &ex
	m.direct = nil
	return ex
}

// openDirect opens an instance directly, bypassing the load balancer.
func (m *model) openDirect(name string) (engine.Exchange, error) {
	m.sync()
	ex, err := m.lb.DoDirect(m.learner, name, "/")
	if err != nil {
		return ex, err
	}
	m.record(ex)
	m.direct = &ex
	return ex, nil
}

func (m *model) record(ex engine.Exchange) {
	m.requests++
	if len(m.log) == logSize {
		copy(m.log, m.log[1:])
		m.log = m.log[:logSize-1]
	}
	m.log = append(m.log, ex)
}

// cookies returns the cookies the learner's browser holds now.
func (m *model) cookies() []engine.StoredCookie { return m.jar.Cookies(m.lb.Now()) }

// jarNotice returns what the jar has to say, or "".
func (m *model) jarNotice() string {
	if r, ok := m.jar.(JarReporter); ok {
		return jarStateWords(r.State())
	}
	if n, ok := m.jar.(Notifier); ok {
		return n.Notice()
	}
	return ""
}

// shown returns the exchange whose page the browser pane shows.
func (m *model) shown() *engine.Exchange {
	if m.direct != nil {
		return m.direct
	}
	return m.last
}
