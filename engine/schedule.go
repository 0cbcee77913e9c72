package engine

import "time"

// schedKind is what a scheduled happening does.
type schedKind uint8

const (
	evHealthCheck schedKind = iota
	evDrainDone
	evCrowdRequest
	evSessionSweep
	evSample
	evAction
	evSlowStartDone
)

// scheduled is one future happening on the simulated clock. It holds no
// pointer (an instance number or a crowd index instead), so moving items
// around the heap costs no write barrier and the collector skips it.
type scheduled struct {
	at   int64 // UnixNano
	seq  uint64
	gen  uint32
	idx  int32 // instance number (health check, drain) or crowd index
	kind schedKind
}

// target returns the instance a health check or drain item names.
func (lb *LoadBalancer) target(x *scheduled) *Target { return lb.instances[x.idx-1] }

// Advance moves the simulated clock forward by d, running every health
// check, request completion, end of draining and crowd request due on the
// way, in time order.
func (lb *LoadBalancer) Advance(d time.Duration) {
	if d < 0 {
		return
	}
	lb.AdvanceTo(lb.now.Add(d))
}

// AdvanceTo moves the simulated clock forward to t (never backward),
// running everything due by then in schedule order.
func (lb *LoadBalancer) AdvanceTo(t time.Time) {
	end := t.UnixNano()
	var x scheduled
	for lb.sched.popDue(end, &x) {
		if x.at > lb.now.UnixNano() {
			lb.now = time.Unix(0, x.at).UTC()
		}
		lb.run(x)
	}
	if t.After(lb.now) {
		lb.now = t.UTC()
	}
	for _, x := range lb.instances {
		x.settle(lb.now.UnixNano())
	}
}

// Pending returns the time of the next scheduled happening, and whether
// there is one.
func (lb *LoadBalancer) Pending() (time.Time, bool) {
	at, ok := lb.sched.next()
	if !ok {
		return time.Time{}, false
	}
	return time.Unix(0, at).UTC(), true
}

// run carries out one scheduled happening. One made stale since (a health
// check or drain of a target rescheduled, a request of a crowd replaced)
// does nothing.
func (lb *LoadBalancer) run(x scheduled) {
	switch x.kind {
	case evHealthCheck:
		if t := lb.target(&x); x.gen == t.hcGen {
			lb.healthCheck(t)
		}
	case evDrainDone:
		if t := lb.target(&x); x.gen == t.hcGen {
			lb.finishDraining(t)
		}
	case evSlowStartDone:
		if t := lb.target(&x); x.gen == t.slowGen {
			t.group.endSlowStart(t, "its duration is over: a full share from now on")
		}
	case evSample:
		lb.sample()
		lb.sched.push(scheduled{at: lb.now.Add(time.Second).UnixNano(), kind: evSample})
	case evAction:
		if a := lb.actions[x.gen]; a != nil {
			delete(lb.actions, x.gen)
			a(lb)
		}
	case evSessionSweep:
		lb.sweepSessions()
		lb.sched.push(scheduled{at: lb.now.Add(sessionSweep).UnixNano(), kind: evSessionSweep})
	case evCrowdRequest:
		// One of a crowd since replaced is dropped.
		if cr := lb.crowd; cr != nil && x.gen == cr.gen {
			next := cr.request(lb, cr.Clients[x.idx])
			lb.sched.pushRequest(x.idx, next, lb.now.UnixNano())
		}
	}
}

// At schedules f to run when the simulated clock reaches now+after, in
// order with everything else due then (a preset's incident, say).
func (lb *LoadBalancer) At(after time.Duration, f func(*LoadBalancer)) {
	lb.nextAction++
	if lb.actions == nil {
		lb.actions = make(map[uint32]func(*LoadBalancer))
	}
	lb.actions[lb.nextAction] = f
	lb.sched.push(scheduled{at: lb.now.Add(after).UnixNano(), kind: evAction, gen: lb.nextAction})
}
