package app

import (
	"errors"
	"fmt"
	"time"

	"github.com/maxence-charriere/go-app/v9/pkg/app"

	"github.com/stickylab/stickylab/engine"
)

// The traffic lab's simulation loop. The engine runs in batches, once per
// animation frame: each frame advances the simulated clock by the wall time
// since the previous frame times the play speed, in chunks of about
// chunkWork of engine work, and stops when the frame's budget is spent so
// the page stays responsive. A backlog that play speed cannot catch up is
// dropped (the clock slips); a fast-forward ("+1 hour") keeps going over as
// many frames as it needs, each spending ffFrameBudget: the page then draws
// about 30 frames a second instead of 60, and the engine gets most of the
// time: each frame has a fixed cost, and with 10,000 clients a fast-forward
// runs about 1.5 times as many requests a second as at 60 frames
// (BenchmarkTraffic).
const (
	frameBudget   = 8 * time.Millisecond  // engine work per frame while playing
	ffFrameBudget = 28 * time.Millisecond // engine work per frame while fast-forwarding
	syncBudget    = 20 * time.Millisecond // engine work of a sync outside the frame loop
	chunkWork     = time.Millisecond      // the aim of one AdvanceTo call
	minChunk      = time.Millisecond
	maxChunk      = time.Hour
	firstChunk    = 50 * time.Millisecond
	// maxLag is the backlog, in wall time at the play speed, that a frame
	// keeps before the clock slips.
	maxLag = 250 * time.Millisecond

	flowSize   = 12 // requests the flow view shows
	maxMarkers = 64 // fleet events the chart can mark
)

// Speeds are the play speeds of the traffic lab: simulated seconds per
// wall-clock second.
var Speeds = []int{1, 10, 100}

// traffic is the model's part for the traffic lab: the play speed and the
// clock's offset from the wall clock, the fast-forward in progress, and
// what the live views show (the last requests, the fleet's events).
type traffic struct {
	rate     int           // play speed: 0 paused, 1, 10 or 100
	choice   int           // the speed Play resumes at
	rateWall time.Time     // the wall clock when rate was set
	simBase  time.Duration // simulated time played from the start until rateWall
	drift    time.Duration // simulated time lost (slip) or set (step, align) apart from playing
	ffUntil  time.Time     // a fast-forward runs until the engine reaches it
	chunk    time.Duration // simulated time per AdvanceTo, tuned to chunkWork

	base   engine.Metrics // the counters when the crowd or the preset started
	preset string         // the preset staged, "" for none
	cancel func()         // ends the subscription to the engine's events

	flow    [flowSize]flowEntry // ring of the latest requests, by seq
	flowN   uint64              // requests seen
	markers []marker            // the fleet's latest events, oldest first

	views []liveView // the mounted views the frame loop refreshes

	// The latest frame: engine time spent, and simulated time gained.
	lastWork time.Duration
	lastSim  time.Duration
	// speed is the simulated seconds per wall second the frames achieved
	// over about the last second (effWall, effSim accumulate it).
	speed           float64
	prevFrame       time.Time
	effWall, effSim time.Duration
}

// flowEntry is one request of the flow view.
type flowEntry struct {
	seq     uint64
	time    time.Time
	client  string
	target  string
	reason  engine.Reason
	status  int
	session engine.SessionOutcome
}

// marker is an event of the fleet the chart marks on its timeline.
type marker struct {
	time   time.Time
	kind   string // stopped, started, unhealthy, healthy, draining, registered, deregistered
	target string
}

// liveView is a leaf component that the frame loop refreshes: poll reads
// what it shows from the model and reports whether that changed, in which
// case the loop asks go-app to render it again.
type liveView interface {
	app.Composer
	poll(m *model) bool
}

// initTraffic sets up the traffic lab's state on a new model.
func (m *model) initTraffic() {
	m.tr.rate, m.tr.choice = 1, 1
	m.tr.rateWall = m.wallStart
	m.tr.chunk = firstChunk
	m.subscribe()
}

// subscribe records the engine's requests (for the flow view) and fleet
// events (for the chart's markers). The flow view does not show the Cookie
// header, so the crowd need not write one out per request.
func (m *model) subscribe() {
	if m.tr.cancel != nil {
		m.tr.cancel()
	}
	m.tr.cancel = m.lb.SubscribeWithoutHeaders(m.onEvent)
}

// onEvent runs inside the engine for every event: it copies what the views
// need and never calls back into the engine.
func (m *model) onEvent(e engine.Event) {
	tr := &m.tr
	if e.Kind == engine.EventRequest {
		ex := e.Exchange
		if ex == nil {
			return
		}
		tr.flowN++
		f := &tr.flow[tr.flowN%flowSize]
		*f = flowEntry{seq: tr.flowN, time: ex.Time, client: ex.Client, target: ex.TargetName,
			reason: ex.Reason, status: ex.Status, session: ex.Session}
		return
	}
	var kind string
	switch e.Kind {
	case engine.EventInstanceStopped:
		kind = "stopped"
	case engine.EventInstanceStarted:
		kind = "started"
	case engine.EventTargetRegistered:
		kind = "registered"
	case engine.EventTargetDeregistered:
		kind = "deregistered"
	case engine.EventTargetState:
		switch e.To {
		case engine.StateUnhealthy:
			kind = "unhealthy"
		case engine.StateHealthy:
			kind = "healthy"
		case engine.StateDraining:
			kind = "draining"
		}
	}
	if kind == "" {
		return
	}
	if len(tr.markers) == maxMarkers {
		copy(tr.markers, tr.markers[1:])
		tr.markers = tr.markers[:maxMarkers-1]
	}
	tr.markers = append(tr.markers, marker{time: e.Time, kind: kind, target: e.Target})
}

// simAt returns the simulated time that the wall clock reading wall maps
// to: the start, plus the time played at each speed (simBase, and since
// rateWall at the current one), plus what was fast-forwarded, plus the
// drift of slips and steps. Only one difference of wall clock readings is
// taken, so a pause holds the time exactly (in the browser the wall and
// monotonic clocks tick apart).
func (m *model) simAt(wall time.Time) time.Time {
	tr := &m.tr
	d := tr.simBase + m.skipped + tr.drift
	if tr.rate != 0 {
		d += time.Duration(tr.rate) * wall.Sub(tr.rateWall)
	}
	return m.simStart.Add(d)
}

// advance runs the engine toward target in chunks, until it gets there or
// the wall clock passes deadline.
func (m *model) advance(target, deadline time.Time) {
	tr := &m.tr
	for m.lb.Now().Before(target) {
		next := m.lb.Now().Add(tr.chunk)
		full := next.Before(target)
		if !full {
			next = target
		}
		t0 := m.now()
		m.lb.AdvanceTo(next)
		t1 := m.now()
		if el := t1.Sub(t0); full {
			switch {
			case el < chunkWork/2 && tr.chunk < maxChunk:
				tr.chunk *= 2
			case el > chunkWork*2 && tr.chunk > minChunk:
				tr.chunk /= 2
			}
		}
		if !t1.Before(deadline) {
			return
		}
	}
}

// frame runs the simulation for one animation frame at the wall clock
// reading wall, within the frame's budget of engine work.
func (m *model) frame(wall time.Time) {
	tr := &m.tr
	budget := frameBudget
	if m.fastForwarding() {
		budget = ffFrameBudget
	}
	t0, s0 := m.now(), m.lb.Now()
	m.advance(m.simAt(wall), t0.Add(budget))
	tr.lastWork, tr.lastSim = m.now().Sub(t0), m.lb.Now().Sub(s0)
	if !tr.prevFrame.IsZero() {
		if dw := wall.Sub(tr.prevFrame); dw > 0 && dw < time.Second {
			tr.effWall += dw
			tr.effSim += tr.lastSim
		}
	}
	tr.prevFrame = wall
	if tr.effWall >= time.Second {
		tr.speed = float64(tr.effSim) / float64(tr.effWall)
		tr.effWall, tr.effSim = 0, 0
	}

	// Slip: drop a backlog that play speed cannot catch up.
	allowed := time.Duration(max(tr.rate, 1)) * maxLag
	if d := tr.ffUntil.Sub(m.lb.Now()); d > 0 {
		allowed += d
	}
	if lag := m.simAt(wall).Sub(m.lb.Now()); lag > allowed {
		tr.drift -= lag - allowed
	}
}

// fastForwarding reports whether a fast-forward is still running.
func (m *model) fastForwarding() bool { return m.tr.ffUntil.After(m.lb.Now()) }

// fastForwardLeft returns how much simulated time the fast-forward still
// has to run.
func (m *model) fastForwardLeft() time.Duration {
	if d := m.tr.ffUntil.Sub(m.lb.Now()); d > 0 {
		return d
	}
	return 0
}

// running reports whether the simulation needs animation frames: a crowd
// runs, or a fast-forward is running.
func (m *model) running() bool {
	return m.lb.Crowd() != nil || m.fastForwarding()
}

// setRate sets the play speed: 0 pauses, 1, 10 or 100 plays.
func (m *model) setRate(r int) {
	tr := &m.tr
	w := m.now()
	if tr.rate != 0 {
		tr.simBase += time.Duration(tr.rate) * w.Sub(tr.rateWall)
	}
	tr.rateWall, tr.rate = w, r
}

// setSpeed plays at speed s, one of Speeds.
func (m *model) setSpeed(s int) error {
	for _, x := range Speeds {
		if x == s {
			m.tr.choice = s
			m.setRate(s)
			return nil
		}
	}
	return fmt.Errorf("the speed must be 1×, 10× or 100×, not %d×", s)
}

// pause freezes the simulated clock; play resumes it at the last speed
// chosen.
func (m *model) pause() { m.setRate(0) }
func (m *model) play()  { m.setRate(m.tr.choice) }

// align sets the simulated clock to where the engine is, dropping any
// backlog or fast-forward still to run.
func (m *model) align() {
	m.tr.drift += m.lb.Now().Sub(m.simNow())
	m.tr.ffUntil = time.Time{}
}

// cancelFastForward stops a fast-forward where it got to.
func (m *model) cancelFastForward() { m.align() }

// errNoCrowd is the step's error when nothing would happen.
var errNoCrowd = errors.New("There is no crowd to step through: start a crowd or a preset first.")

// step pauses and runs the simulation up to its next request (with what
// falls due before it, such as health checks), then holds the clock there.
func (m *model) step() error {
	m.setRate(0)
	if m.lb.Crowd() == nil {
		return errNoCrowd
	}
	before := m.lb.Metrics().Requests
	for i := 0; i < 1_000_000 && m.lb.Metrics().Requests == before; i++ {
		t, ok := m.lb.Pending()
		if !ok {
			break
		}
		m.lb.AdvanceTo(t)
	}
	m.align()
	return nil
}

// startCrowd starts (or restarts) a crowd on the running load balancer; the
// counters count from now.
func (m *model) startCrowd(cfg engine.CrowdConfig) error {
	m.sync()
	if _, err := m.lb.StartCrowd(cfg); err != nil {
		return err
	}
	m.tr.base = m.lb.Metrics()
	m.tr.preset = ""
	return nil
}

// stopCrowd stops the crowd; the learner's browser and the fleet go on.
func (m *model) stopCrowd() {
	m.sync()
	m.lb.StopCrowd()
}

// applyPreset replaces the load balancer with the one preset id stages (its
// attributes, fleet, crowd and incidents), at the current simulated time.
// The learner's browser becomes one client of it, with its real cookies.
func (m *model) applyPreset(id string) error {
	p, ok := engine.PresetByID(id)
	if !ok {
		return fmt.Errorf("there is no preset %q", id)
	}
	m.sync()
	lb, err := p.Start(m.setup.Seed, m.lb.Now())
	if err != nil {
		return err
	}
	m.setLoadBalancer(lb)
	m.tr.preset = id
	return nil
}

// setLoadBalancer makes lb the lab's load balancer.
func (m *model) setLoadBalancer(lb *engine.LoadBalancer) {
	m.align()
	m.lb = lb
	m.learner = lb.NewClient("student", m.jar, engine.KeepCookies)
	m.last, m.direct = nil, nil
	m.tr.base = engine.Metrics{}
	m.tr.flowN, m.tr.flow, m.tr.markers = 0, [flowSize]flowEntry{}, nil
	m.subscribe()
}

// counters returns the load balancer's counters since the crowd or the
// preset started.
func (m *model) counters() engine.Metrics {
	c, b := m.lb.Metrics(), m.tr.base
	c.Requests -= b.Requests
	c.Sticky -= b.Sticky
	c.NonStickyRequestCount -= b.NonStickyRequestCount
	c.SessionsCreated -= b.SessionsCreated
	c.SessionsLost -= b.SessionsLost
	c.Moved -= b.Moved
	c.ELB502 -= b.ELB502
	c.ELB503 -= b.ELB503
	return c
}

// recentFlow returns the latest requests, newest first.
func (m *model) recentFlow(dst []flowEntry) []flowEntry {
	tr := &m.tr
	for i := uint64(0); i < flowSize && i < tr.flowN; i++ {
		dst = append(dst, tr.flow[(tr.flowN-i)%flowSize])
	}
	return dst
}

// watch adds a live view to the frame loop; unwatch removes it.
func (m *model) watch(v liveView) {
	for _, x := range m.tr.views {
		if x == v {
			return
		}
	}
	m.tr.views = append(m.tr.views, v)
}

func (m *model) unwatch(v liveView) {
	for i, x := range m.tr.views {
		if x == v {
			m.tr.views = append(m.tr.views[:i:i], m.tr.views[i+1:]...)
			return
		}
	}
}

// pollViews refreshes the live views and asks go-app to render those that
// changed.
func (m *model) pollViews() {
	for _, v := range m.tr.views {
		if v.poll(m) && v.Mounted() {
			v.Update()
		}
	}
}
