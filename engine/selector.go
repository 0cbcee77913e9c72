package engine

import "math/rand/v2"

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

// Select returns the next available target after the previous pick; a
// target in slow start takes its turn only when owed a whole request.
func (s *RoundRobinSelection) Select(pool *Pool, r *Request) *Target {
	slow := pool.SlowStart > 0 && !pool.FailOpen
	n := len(pool.Targets)
	var skipped *Target
	skippedAt := 0
	for i := 0; i < n; i++ {
		j := (s.next + i) % n
		t := pool.Targets[j]
		if !pool.Available(t) {
			continue
		}
		if slow && !t.slowStartTurn(r.Time) {
			if skipped == nil {
				skipped, skippedAt = t, j
			}
			continue
		}
		s.next = (j + 1) % n
		return t
	}
	// Every available target is in slow start and owed less than a
	// request: the first one skipped takes it (simulated assumption).
	if skipped != nil {
		s.next = (skippedAt + 1) % n
	}
	return skipped
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
