package engine

import (
	"math/rand/v2"
	"time"
)

// Selector picks a target for a request that stickiness does not route. One
// type implements each load_balancing.algorithm.type.
type Selector interface {
	Select(pool *Pool, r *Request) *Target
}

// Pool is the set of targets a Selector chooses from.
type Pool struct {
	Targets []*Target
	// FailOpen is set when no registered target is healthy: the load
	// balancer then routes to all of them (REFERENCE.md §4).
	FailOpen bool
	// SlowStart counts the targets in slow start (REFERENCE.md §4), which
	// round robin gives a growing share.
	SlowStart int
}

// Available reports whether t may receive a new request: it is healthy, or
// the pool fails open and t is registered. Every policy calls it.
func (p *Pool) Available(t *Target) bool {
	if p.FailOpen {
		return t.registered()
	}
	return t.InService()
}

// Interface guards.
var (
	_ Selector = (*RoundRobinSelection)(nil)
	_ Selector = (*LeastOutstandingRequestsSelection)(nil)
	_ Selector = (*WeightedRandomSelection)(nil)
)

// RoundRobinSelection is a policy that hands requests to the available
// targets in turn.
type RoundRobinSelection struct {
	next int
}

// Select returns the next available target after the previous pick.
func (s *RoundRobinSelection) Select(pool *Pool, r *Request) *Target {
	if pool.SlowStart > 0 && !pool.FailOpen {
		return s.selectSlowStart(pool, r.Time)
	}
	n := len(pool.Targets)
	for i := 0; i < n; i++ {
		t := pool.Targets[(s.next+i)%n]
		if pool.Available(t) {
			s.next = (s.next + i + 1) % n
			return t
		}
	}
	return nil
}

// selectSlowStart is Select while targets are in slow start: each turn of
// such a target adds its share to what it is owed, and it takes the request
// only once owed a whole one, so its share of requests grows linearly.
func (s *RoundRobinSelection) selectSlowStart(pool *Pool, now time.Time) *Target {
	n := len(pool.Targets)
	var first *Target
	firstAt := 0
	for i := 0; i < n; i++ {
		j := (s.next + i) % n
		t := pool.Targets[j]
		if !pool.Available(t) {
			continue
		}
		if first == nil {
			first, firstAt = t, j
		}
		if t.InSlowStart(now) {
			t.slowCredit += t.SlowStartShare(now)
			if t.slowCredit < 1 {
				continue
			}
			t.slowCredit--
		}
		s.next = (j + 1) % n
		return t
	}
	// Every available target is in slow start and owed less than a
	// request: the first one takes it (simulated assumption).
	if first != nil {
		s.next = (firstAt + 1) % n
	}
	return first
}

// LeastOutstandingRequestsSelection is a policy that picks the available
// target with the fewest in-flight requests; ties go round robin.
type LeastOutstandingRequestsSelection struct {
	next int
}

// Select returns the available target with the fewest in-flight requests.
func (s *LeastOutstandingRequestsSelection) Select(pool *Pool, _ *Request) *Target {
	n := len(pool.Targets)
	var best *Target
	bestAt := 0
	for i := 0; i < n; i++ {
		j := (s.next + i) % n
		t := pool.Targets[j]
		if pool.Available(t) && (best == nil || t.InFlight < best.InFlight) {
			best, bestAt = t, j
		}
	}
	if best != nil {
		s.next = (bestAt + 1) % n
	}
	return best
}

// WeightedRandomSelection is a policy that picks an available target at
// random; every target has the same weight (anomaly mitigation, which
// lowers the weight of failing targets, is not simulated).
type WeightedRandomSelection struct {
	rng *rand.Rand
}

// Select returns a uniformly random available target.
func (s *WeightedRandomSelection) Select(pool *Pool, _ *Request) *Target {
	var chosen *Target
	seen := 0
	for _, t := range pool.Targets {
		if !pool.Available(t) {
			continue
		}
		seen++
		// Reservoir sampling: one pass, no allocation.
		if s.rng.IntN(seen) == 0 {
			chosen = t
		}
	}
	return chosen
}

// newSelector returns the policy for algorithm a.
func newSelector(a Algorithm, rng *rand.Rand) Selector {
	switch a {
	case LeastOutstandingRequests:
		return &LeastOutstandingRequestsSelection{}
	case WeightedRandom:
		return &WeightedRandomSelection{rng: rng}
	default:
		return &RoundRobinSelection{}
	}
}
