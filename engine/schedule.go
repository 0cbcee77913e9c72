package engine

import (
	"fmt"
	"time"
)

type schedKind uint8

const (
	evHealthCheck schedKind = iota
	evDrainDone
	evCrowdRequest
	evSessionSweep
	evSample
	evAction
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

// schedule is a min-heap of happenings ordered by time, then by the order
// they were scheduled, so equal times replay identically. The order is
// total, so the shape of the heap (4-ary, for fewer levels to sift
// through) never changes what comes out first.
type schedule struct {
	items []scheduled
	seq   uint64
}

func (s *schedule) less(i, j int) bool { return before(&s.items[i], &s.items[j]) }

func (s *schedule) push(x scheduled) {
	s.seq++
	x.seq = s.seq
	s.insert(x)
}

// insert adds x, whose sequence number is set.
func (s *schedule) insert(x scheduled) {
	s.items = append(s.items, x)
	s.up(len(s.items) - 1)
}

func (s *schedule) pop() scheduled {
	top := s.items[0]
	last := len(s.items) - 1
	s.items[0] = s.items[last]
	s.items[last] = scheduled{}
	s.items = s.items[:last]
	s.down(0)
	return top
}

// arity is the number of children of a node of the schedule's heap.
const arity = 4

// down moves the i-th happening down to its place. It carries it through
// a hole, one copy a level, rather than swapping at every level.
func (s *schedule) down(i int) {
	items := s.items
	n := len(items)
	x := items[i]
	for {
		first := arity*i + 1
		if first >= n {
			break
		}
		m, mk := first, &items[first]
		for k := first + 1; k < min(first+arity, n); k++ {
			if before(&items[k], mk) {
				m, mk = k, &items[k]
			}
		}
		if !before(mk, &x) {
			break
		}
		items[i] = *mk
		i = m
	}
	items[i] = x
}

// before reports whether a comes before b: earlier, or as early and
// scheduled first.
func before(a, b *scheduled) bool {
	return a.at < b.at || a.at == b.at && a.seq < b.seq
}

// Advance moves the simulated clock forward by d, running every health
// check, request completion, end of draining and crowd request due on the
// way, in time order.
func (lb *LoadBalancer) Advance(d time.Duration) {
	if d < 0 {
		return
	}
	lb.AdvanceTo(lb.now.Add(d))
}

// AdvanceTo moves the simulated clock forward to t (never backward).
func (lb *LoadBalancer) AdvanceTo(t time.Time) {
	end := t.UnixNano()
	for {
		// The next happening: the heap's first or the crowd calendar's
		// first, whichever comes first in schedule order.
		cr := lb.crowd
		ci := int32(-1)
		if cr != nil {
			ci, _ = cr.cal.first()
		}
		var at int64
		fromHeap := len(lb.sched.items) > 0 &&
			(ci < 0 || before(&lb.sched.items[0], &scheduled{at: cr.cal.slots[ci].at, seq: cr.cal.slots[ci].seq}))
		switch {
		case fromHeap:
			at = lb.sched.items[0].at
		case ci >= 0:
			at = cr.cal.slots[ci].at
		default:
			at = end + 1
		}
		if at > end {
			break
		}
		if at > lb.now.UnixNano() {
			lb.now = time.Unix(0, at).UTC()
		}
		if fromHeap {
			lb.run(lb.sched.pop())
		} else {
			cr.cal.take()
			lb.scheduleRequest(cr, ci, cr.request(lb, cr.Clients[ci]))
		}
	}
	if t.After(lb.now) {
		lb.now = t.UTC()
	}
	for _, x := range lb.instances {
		x.settle(lb.now.UnixNano())
	}
}

// scheduleRequest schedules crowd client i's next request at (UnixNano):
// in the crowd's calendar, or in the heap if it is due beyond it.
func (lb *LoadBalancer) scheduleRequest(cr *Crowd, i int32, at int64) {
	lb.sched.seq++
	if !cr.cal.add(i, at, lb.sched.seq, lb.now.UnixNano()) {
		lb.sched.insert(scheduled{at: at, seq: lb.sched.seq, kind: evCrowdRequest, idx: i, gen: cr.gen})
	}
}

// Pending returns the time of the next scheduled happening, and whether
// there is one.
func (lb *LoadBalancer) Pending() (time.Time, bool) {
	at, ok := int64(0), false
	if len(lb.sched.items) > 0 {
		at, ok = lb.sched.items[0].at, true
	}
	if cr := lb.crowd; cr != nil {
		if i, busy := cr.cal.first(); busy && (!ok || cr.cal.slots[i].at < at) {
			at, ok = cr.cal.slots[i].at, true
		}
	}
	if !ok {
		return time.Time{}, false
	}
	return time.Unix(0, at).UTC(), true
}

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
		// A request due beyond the crowd's calendar when it was
		// scheduled; one of a crowd since stopped or replaced is dropped.
		if cr := lb.crowd; cr != nil && x.gen == cr.gen {
			lb.scheduleRequest(cr, x.idx, cr.request(lb, cr.Clients[x.idx]))
		}
	}
}

func (lb *LoadBalancer) scheduleHealthCheck(t *Target, after time.Duration) {
	t.hcGen++
	at := lb.now.Add(after)
	t.NextHealthCheck = at
	lb.sched.push(scheduled{at: at.UnixNano(), kind: evHealthCheck, idx: int32(t.Number), gen: t.hcGen})
}

// healthCheck sends one health check to t and applies the thresholds
// (REFERENCE.md §4).
func (lb *LoadBalancer) healthCheck(t *Target) {
	a := lb.TargetGroup.attrs
	t.LastHealthCheck = lb.now
	if t.passesHealthCheck(a.HealthCheckTimeout) {
		t.ConsecutivePasses++
		t.ConsecutiveFailures = 0
		if t.State != StateHealthy && t.ConsecutivePasses >= a.HealthyThresholdCount {
			lb.setState(t, StateHealthy, fmt.Sprintf("%d consecutive health checks passed", t.ConsecutivePasses))
		}
	} else {
		t.ConsecutiveFailures++
		t.ConsecutivePasses = 0
		if t.State != StateUnhealthy && t.ConsecutiveFailures >= a.UnhealthyThresholdCount {
			lb.setState(t, StateUnhealthy, fmt.Sprintf("%d consecutive health checks failed: %s", t.ConsecutiveFailures, t.healthCheckFailure(a.HealthCheckTimeout)))
		}
	}
	lb.scheduleHealthCheck(t, a.HealthCheckInterval)
}

// healthCheckFailure says why a health check fails, as the console's
// health status details do.
func (t *Target) healthCheckFailure(timeout time.Duration) string {
	switch {
	case !t.Running:
		return "Target.Timeout (instance stopped)"
	case t.Latency >= timeout:
		return "Target.Timeout (slower than the health check timeout)"
	default:
		return "Target.ResponseCodeMismatch (health checks fail)"
	}
}

// heapify restores the heap order after items were removed in place.
func (s *schedule) heapify() {
	items := s.items
	s.items = s.items[:0:len(items)]
	for _, x := range items {
		s.items = append(s.items, x)
		s.up(len(s.items) - 1)
	}
}

func (s *schedule) up(i int) {
	for i > 0 {
		p := (i - 1) / arity
		if !s.less(i, p) {
			break
		}
		s.items[i], s.items[p] = s.items[p], s.items[i]
		i = p
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
