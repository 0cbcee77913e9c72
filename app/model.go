package app

import (
	"context"
	"fmt"
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
	// Store keeps the lab's world across reloads (localStorage in the
	// browser); nil: a reload starts a new lab. StoreProblem says why the
	// browser refused one, for the learner.
	Store        Store
	StoreProblem string
	// Lock lets one tab at a time run the saved world (Web Locks in the
	// browser); nil: this tab runs it.
	Lock TabLock
	// ReducedMotion reports whether the learner asked for reduced motion:
	// the traffic lab then opens paused. nil reads the browser's
	// prefers-reduced-motion (false outside a browser).
	ReducedMotion func() bool
}

// logSize is how many requests the request log keeps.
const logSize = 50

// model is the running lab: the simulated load balancer, the learner's own
// browser as one of its clients, and the player that runs the simulated
// clock against the wall clock. The Lab reads it and calls its methods; it
// never talks to JavaScript.
type model struct {
	setup   Setup
	lb      *engine.LoadBalancer
	learner *engine.Client
	jar     engine.InspectableJar
	player  *player // the simulated clock against the wall clock (player.go)

	log      []engine.Exchange // newest last
	requests int               // pages loaded, through the load balancer or directly
	last     *engine.Exchange  // the learner's latest request through the load balancer
	direct   *engine.Exchange  // the latest instance opened directly

	preset        string    // the traffic lab's preset staged, "" for none
	presetStarted time.Time // when it was staged, on the simulated clock
	// predictions are the learner's locked-in predictions of the traffic
	// lab's lessons, by predictionKey; saved with the lab (World).
	predictions map[string]int
	lesson      *lessonProgress      // what the article's guided lesson observed (lesson.go)
	lessons     map[string]lessonRun // every guided lesson's, by id (lessons.go)

	journal Journal // the setup and every action since, to replay (journal.go)
	// shadow holds the cookies the load balancer and the lab left in the
	// learner's browser: a request carrying others notes them. A replay
	// sends its requests from it (replaying).
	shadow    engine.MemoryJar
	replaying bool
	changed   func() // called after each journaled action: the Lab saves
}

// learnerJar returns the jar the learner's requests read: the browser's,
// or the shadow while replaying.
func (m *model) learnerJar() engine.CookieJar {
	if m.replaying {
		return &m.shadow
	}
	return m.jar
}

// newModel starts a lab from setup. The simulated clock starts at the wall
// clock, so the cookies it writes into the real browser expire when they
// say they do.
func newModel(setup Setup, opts Options) (*model, error) {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	return newModelAt(setup, opts, now().UTC().Truncate(time.Second))
}

// newModelAt starts a lab from setup whose simulated clock starts at wall.
func newModelAt(setup Setup, opts Options, wall time.Time) (*model, error) {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	attrs := setup.Attributes()
	cfg := engine.Config{
		Type:               setup.Type,
		Seed:               setup.Seed,
		Instances:          setup.Instances,
		Attributes:         &attrs,
		ListenerStickiness: setup.ListenerStickiness(),
		Start:              wall,
	}
	setup.forward(&cfg) // weighted target groups (setupgroups.go)
	lb, err := engine.New(cfg)
	if err != nil {
		return nil, err
	}
	jar := opts.Jar
	if jar == nil {
		jar = &engine.MemoryJar{}
	}
	m := &model{setup: setup, lb: lb, jar: jar, player: newPlayer(lb, now, wall), journal: Journal{Setup: setup, Start: wall}}
	m.player.end = wall.Add(maxLabClock)
	m.learner = lb.NewClient("student", jar, engine.KeepCookies)
	m.lesson = newLessonProgress(lb)
	m.lessons = newLessonRuns(m)
	return m, nil
}

// sync advances the simulation to the wall clock (player.sync): health
// checks and draining happen in real time.
func (m *model) sync() { m.player.sync() }

// do carries out the learner's action a now and journals it when it
// succeeds. The engine's clock is first moved to the next whole
// millisecond, the journal's grain, so that a replay repeats it exactly.
func (m *model) do(a Action) (*engine.Exchange, error) {
	m.sync()
	ms := (m.lb.Now().Sub(m.journal.Start) + time.Millisecond - 1) / time.Millisecond
	m.lb.AdvanceTo(at(m.journal.Start, int64(ms)))
	a.At = int64(ms)
	ex, err := m.apply(&a)
	if err == nil {
		m.journal.Actions = append(m.journal.Actions, a)
		if m.changed != nil {
			m.changed()
		}
	}
	return ex, err
}

// refresh sends the learner's request through the load balancer, as the
// browser's Refresh button does.
func (m *model) refresh() engine.Exchange {
	ex, _ := m.do(Action{Do: DoRefresh})
	return *ex
}

// openDirect opens an instance directly, bypassing the load balancer.
func (m *model) openDirect(name string) (engine.Exchange, error) {
	ex, err := m.do(Action{Do: DoOpen, Instance: name})
	if err != nil {
		return engine.Exchange{}, err
	}
	return *ex, nil
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
func (m *model) cookies() []engine.StoredCookie { return m.jar.All(m.lb.Now()) }

// sentCookies returns the cookies the learner's next request carries.
func (m *model) sentCookies() []engine.StoredCookie { return m.jar.Cookies(m.lb.Now()) }

// JarViewer is implemented by a jar that gives All and Cookies from one
// reading, as the browser lab's document.cookie jar does (one read of
// document.cookie instead of two, each a trip to the browser's cookie store).
type JarViewer interface {
	Views(now time.Time) (all, sent []engine.StoredCookie)
}

// cookieViews returns cookies() and sentCookies(), from one reading of the
// jar when it can.
func (m *model) cookieViews() (all, sent []engine.StoredCookie) {
	if v, ok := m.jar.(JarViewer); ok {
		return v.Views(m.lb.Now())
	}
	return m.cookies(), m.sentCookies()
}

// jarNotice returns what the jar has to say, or "".
func (m *model) jarNotice() string {
	if r, ok := m.jar.(JarReporter); ok {
		return jarStateWords(r.State())
	}
	return ""
}

// forgetLabCookies deletes from the browser the cookies a lab sets: the load
// balancer's and the application's session cookie; others stay.
func (m *model) forgetLabCookies() {
	for _, c := range m.jar.All(m.lb.Now()) {
		if engine.LoadBalancerCookie(c.Name) || c.Name == engine.SessionCookie {
			m.jar.Delete(c.Name)
		}
	}
}

// jarMode says where the learner's cookies are: document, partitioned or
// memory (a jar that does not say is a memory jar).
func (m *model) jarMode() string {
	if r, ok := m.jar.(JarReporter); ok {
		return r.State().Mode.String()
	}
	return "memory"
}

// shown returns the exchange whose page the browser pane shows.
func (m *model) shown() *engine.Exchange {
	if m.direct != nil {
		return m.direct
	}
	return m.last
}

// startCrowd starts (or restarts) a crowd on the running load balancer; the
// counters count from now.
func (m *model) startCrowd(cfg engine.CrowdConfig) error {
	_, err := m.do(Action{Do: DoStartCrowd, Crowd: crowdSettings(cfg)})
	return err
}

// newConnection closes the learner's TCP connection to a Network Load
// Balancer: the next request opens a new one.
func (m *model) newConnection() error {
	_, err := m.do(Action{Do: DoNewConnection})
	return err
}

// editStickiness saves a Classic listener's stickiness policy.
func (m *model) editStickiness(s engine.ClassicStickiness) error {
	_, err := m.do(Action{Do: DoEditStickiness, Attributes: listenerValues(s)})
	return err
}

// stopCrowd stops the crowd; the learner's browser and the fleet go on.
func (m *model) stopCrowd() { m.do(Action{Do: DoStopCrowd}) }

// applyPreset replaces the load balancer with the one preset id stages (its
// attributes, fleet, crowd and incidents), at the current simulated time.
// The learner's browser becomes one client of it, with its real cookies.
func (m *model) applyPreset(id string) error {
	_, err := m.do(Action{Do: DoPreset, Name: id})
	return err
}

// stagePreset is applyPreset's action.
func (m *model) stagePreset(id string) error {
	p, ok := engine.PresetByID(id)
	if !ok {
		return fmt.Errorf("there is no preset %q", id)
	}
	lb, err := p.Start(m.setup.Seed, m.lb.Now())
	if err != nil {
		return err
	}
	m.setLoadBalancer(lb)
	m.preset, m.presetStarted = id, lb.Now()
	return nil
}

// setLoadBalancer makes lb the lab's load balancer, the player's too.
func (m *model) setLoadBalancer(lb *engine.LoadBalancer) {
	m.player.attach(lb)
	m.lb = lb
	m.learner = lb.NewClient("student", m.learnerJar(), engine.KeepCookies)
	m.last, m.direct = nil, nil
}
