package app

import (
	"errors"
	"fmt"
	"time"

	"github.com/stickylab/stickylab/engine"
)

// The engine runs once per animation frame, in chunks of about chunkWork,
// until the frame's budget is spent; a fast-forward spends ffFrameBudget a
// frame (about 20 frames a second: its live views refresh at 10 Hz anyway),
// since each frame has a fixed cost.
const (
	frameBudget   = 8 * time.Millisecond  // engine work per frame while playing
	ffFrameBudget = 45 * time.Millisecond // engine work per frame while fast-forwarding
	syncBudget    = 20 * time.Millisecond // engine work of a sync outside the frame loop
	chunkWork     = time.Millisecond      // the aim of one AdvanceTo call
	minChunk      = time.Millisecond
	maxChunk      = time.Hour
	firstChunk    = 50 * time.Millisecond
	// maxLag is the backlog, in wall time at the play speed, that a frame
	// keeps before the clock slips.
	maxLag = 250 * time.Millisecond
)

// Speeds are the play speeds of the traffic lab: simulated seconds per
// wall-clock second.
var Speeds = []int{1, 10, 100}

// errNoCrowd is the step's error when nothing would happen.
var errNoCrowd = errors.New("There is no crowd to step through: start a crowd or a preset first.")

// player maps the wall clock onto the simulated clock of one load balancer
// and runs the engine to keep up (speed, step, fast-forward, frame budget,
// slip), with no go-app in it; its recorder keeps what the engine reports.
type player struct {
	lb  *engine.LoadBalancer
	now func() time.Time // the wall clock

	simStart time.Time     // simulated time when the player started, at the wall clock's start
	end      time.Time     // the simulated time the clock stops at; zero for none
	skipped  time.Duration // fast-forwarded time
	rate     int           // play speed: 0 paused, 1, 10 or 100
	choice   int           // the speed Play resumes at
	rateWall time.Time     // the wall clock when rate was set
	simBase  time.Duration // simulated time played from the start until rateWall
	drift    time.Duration // simulated time lost (slip) or set (step, align) apart from playing
	ffUntil  time.Time     // a fast-forward runs until the engine reaches it
	chunk    time.Duration // simulated time per AdvanceTo, tuned to chunkWork

	// The latest frame: engine time spent, and simulated time gained.
	lastWork time.Duration
	lastSim  time.Duration
	// speed is the simulated seconds per wall second the frames achieved
	// over about the last second (effWall, effSim accumulate it).
	speed           float64
	prevFrame       time.Time
	effWall, effSim time.Duration

	rec recorder // the engine's events and the counters' base (recorder.go)
}

// newPlayer plays lb at 1×, its simulated time start matching the wall
// clock reading start, and subscribes to its events.
func newPlayer(lb *engine.LoadBalancer, now func() time.Time, start time.Time) *player {
	p := &player{lb: lb, now: now, simStart: start, rate: 1, choice: 1, rateWall: start, chunk: firstChunk}
	p.rec.subscribe(lb)
	return p
}

// resume plays on from simulated time sim at the wall clock now, at 1×,
// with ahead fast-forwarded so far: a restored lab's clock.
func (p *player) resume(sim time.Time, ahead time.Duration) {
	w := p.now()
	p.simStart, p.skipped, p.simBase, p.drift = sim.Add(-ahead), ahead, 0, 0
	p.rate, p.rateWall, p.ffUntil = p.choice, w, time.Time{}
}

// attach makes lb the load balancer played, at the simulated time played so
// far: the clock is aligned to lb (dropping any backlog or fast-forward),
// and the recorder starts afresh on lb's events.
func (p *player) attach(lb *engine.LoadBalancer) {
	p.align()
	p.lb = lb
	p.rec.reset()
	p.rec.subscribe(lb)
}

// simAt returns the simulated time the wall clock reading wall maps to:
// time played, fast-forwarded and drifted (slips, steps). It takes one
// difference of wall readings, so a pause holds the time exactly.
func (p *player) simAt(wall time.Time) time.Time {
	d := p.simBase + p.skipped + p.drift
	if p.rate != 0 {
		d += time.Duration(p.rate) * wall.Sub(p.rateWall)
	}
	if t := p.simStart.Add(d); p.end.IsZero() || !t.After(p.end) {
		return t
	}
	return p.end
}

// simNow returns the simulated time that matches the wall clock now.
func (p *player) simNow() time.Time { return p.simAt(p.now()) }

// sync advances the simulation to the wall clock: health checks and
// draining happen in real time. With a big crowd it stops after syncBudget
// of work and the frame loop goes on.
func (p *player) sync() {
	p.advance(p.simNow(), p.now().Add(syncBudget))
}

// advance runs the engine toward target in chunks, until it gets there or
// the wall clock passes deadline.
func (p *player) advance(target, deadline time.Time) {
	for p.lb.Now().Before(target) {
		next := p.lb.Now().Add(p.chunk)
		full := next.Before(target)
		if !full {
			next = target
		}
		t0 := p.now()
		p.lb.AdvanceTo(next)
		t1 := p.now()
		if el := t1.Sub(t0); full {
			switch {
			case el < chunkWork/2 && p.chunk < maxChunk:
				p.chunk *= 2
			case el > chunkWork*2 && p.chunk > minChunk:
				p.chunk /= 2
			}
		}
		if !t1.Before(deadline) {
			return
		}
	}
}

// frame runs the simulation for one animation frame at the wall clock
// reading wall, within the frame's budget of engine work.
func (p *player) frame(wall time.Time) {
	budget := frameBudget
	if p.fastForwarding() {
		budget = ffFrameBudget
	}
	t0, s0 := p.now(), p.lb.Now()
	p.advance(p.simAt(wall), t0.Add(budget))
	p.lastWork, p.lastSim = p.now().Sub(t0), p.lb.Now().Sub(s0)
	if !p.prevFrame.IsZero() {
		if dw := wall.Sub(p.prevFrame); dw > 0 && dw < time.Second {
			p.effWall += dw
			p.effSim += p.lastSim
		}
	}
	p.prevFrame = wall
	if p.effWall >= time.Second {
		p.speed = float64(p.effSim) / float64(p.effWall)
		p.effWall, p.effSim = 0, 0
	}

	// Slip: drop a backlog that play speed cannot catch up.
	allowed := time.Duration(max(p.rate, 1)) * maxLag
	if d := p.ffUntil.Sub(p.lb.Now()); d > 0 {
		allowed += d
	}
	if lag := p.simAt(wall).Sub(p.lb.Now()); lag > allowed {
		p.drift -= lag - allowed
	}
}

// fastForward moves the simulated clock ahead of the wall clock by d; what
// the sync cannot run within its budget, the frames run.
func (p *player) fastForward(d time.Duration) {
	p.skipped += d
	p.ffUntil = p.simNow()
	p.forgetSpeed()
	p.sync()
}

// ahead returns how far fast-forwards moved the simulated clock ahead of
// the wall clock.
func (p *player) ahead() time.Duration { return p.skipped }

// fastForwarding reports whether a fast-forward is still running.
func (p *player) fastForwarding() bool { return p.ffUntil.After(p.lb.Now()) }

// fastForwardLeft returns how much simulated time the fast-forward still
// has to run.
func (p *player) fastForwardLeft() time.Duration {
	if d := p.ffUntil.Sub(p.lb.Now()); d > 0 {
		return d
	}
	return 0
}

// running reports whether the simulation needs animation frames: a crowd
// runs, or a fast-forward is running.
func (p *player) running() bool {
	return p.lb.Crowd() != nil || p.fastForwarding()
}

// setRate sets the play speed: 0 pauses, 1, 10 or 100 plays.
func (p *player) setRate(r int) {
	w := p.now()
	if p.rate != 0 {
		p.simBase += time.Duration(p.rate) * w.Sub(p.rateWall)
	}
	p.rateWall, p.rate = w, r
	p.forgetSpeed()
}

// forgetSpeed drops the speed measured before a change of rate or a
// fast-forward: until a second of new frames measures it, none is shown.
func (p *player) forgetSpeed() {
	p.speed, p.effWall, p.effSim, p.prevFrame = 0, 0, 0, time.Time{}
}

// setSpeed plays at speed s, one of Speeds.
func (p *player) setSpeed(s int) error {
	for _, x := range Speeds {
		if x == s {
			p.choice = s
			p.setRate(s)
			return nil
		}
	}
	return fmt.Errorf("the speed must be 1×, 10× or 100×, not %d×", s)
}

// pause freezes the simulated clock; play resumes it at the last speed
// chosen.
func (p *player) pause() { p.setRate(0) }
func (p *player) play()  { p.setRate(p.choice) }

// align sets the simulated clock to where the engine is, dropping any
// backlog or fast-forward still to run.
func (p *player) align() {
	p.drift += p.lb.Now().Sub(p.simNow())
	p.ffUntil = time.Time{}
}

// cancelFastForward stops a fast-forward where it got to.
func (p *player) cancelFastForward() { p.align() }

// step pauses and runs the simulation up to its next request (with what
// falls due before it, such as health checks), then holds the clock there.
func (p *player) step() error {
	p.setRate(0)
	if p.lb.Crowd() == nil {
		return errNoCrowd
	}
	before := p.lb.Metrics().Requests
	for i := 0; i < 1_000_000 && p.lb.Metrics().Requests == before; i++ {
		t, ok := p.lb.Pending()
		if !ok {
			break
		}
		p.lb.AdvanceTo(t)
	}
	p.align()
	return nil
}

// counters returns the load balancer's counters since resetCounters.
func (p *player) counters() engine.Metrics { return p.rec.counters(p.lb.Metrics()) }

// resetCounters makes the counters count from now (a crowd started).
func (p *player) resetCounters() { p.rec.base = p.lb.Metrics() }
