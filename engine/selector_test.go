package engine

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// testPool returns the shared fixture of the selection tests: four healthy,
// registered targets named "Instance 1" to "Instance 4". Tests change their
// states and in-flight counts as they need.
func testPool() *Pool {
	p := &Pool{}
	for i := 1; i <= 4; i++ {
		p.Targets = append(p.Targets, &Target{
			Name:    "Instance " + string(rune('0'+i)),
			Number:  i,
			State:   StateHealthy,
			Running: true,
			uid:     uint32(i),
		})
	}
	return p
}

// setStates sets the state of the pool's targets in order; extra targets
// keep theirs.
func setStates(p *Pool, states ...TargetState) {
	for i, s := range states {
		p.Targets[i].State = s
	}
}

// selectN returns the numbers of the targets n successive Select calls
// return, 0 for nil.
func selectN(s Selector, p *Pool, n int) []int {
	out := make([]int, n)
	for i := range out {
		if t := s.Select(p, nil); t != nil {
			out[i] = t.Number
		}
	}
	return out
}

// Short names for the target states in the tables below.
const (
	tsH = StateHealthy
	tsU = StateUnhealthy
	tsI = StateInitial
	tsD = StateDraining
	tsN = StateUnused
)

func TestPoolAvailable(t *testing.T) {
	tests := []struct {
		state    TargetState
		failOpen bool
		want     bool
	}{
		{StateHealthy, false, true},
		{StateInitial, false, false},
		{StateUnhealthy, false, false},
		{StateDraining, false, false},
		{StateUnused, false, false},
		{StateHealthy, true, true},
		{StateInitial, true, true},
		{StateUnhealthy, true, true},
		{StateDraining, true, false},
		{StateUnused, true, false},
	}
	for _, tt := range tests {
		p := &Pool{FailOpen: tt.failOpen}
		tgt := &Target{State: tt.state, Running: true}
		if got := p.Available(tgt); got != tt.want {
			t.Errorf("Available(%s, fail open %v) = %v, want %v", tt.state, tt.failOpen, got, tt.want)
		}
	}
}

func TestRoundRobinSelection(t *testing.T) {
	tests := []struct {
		name     string
		states   []TargetState
		failOpen bool
		want     []int
	}{
		{"in order, wrapping", nil, false, []int{1, 2, 3, 4, 1, 2, 3, 4, 1}},
		{"skips an unhealthy target", []TargetState{tsH, tsU}, false, []int{1, 3, 4, 1, 3, 4}},
		{"skips initial, draining and unused", []TargetState{tsI, tsH, tsD, tsN}, false, []int{2, 2, 2}},
		{"skips the first target", []TargetState{tsU, tsH, tsH, tsH}, false, []int{2, 3, 4, 2, 3}},
		{"only the last target", []TargetState{tsU, tsU, tsU, tsH}, false, []int{4, 4, 4}},
		{"all unavailable", []TargetState{tsU, tsI, tsD, tsN}, false, []int{0, 0, 0}},
		{"fail open routes to unhealthy and initial", []TargetState{tsU, tsI, tsD, tsN}, true, []int{1, 2, 1, 2, 1}},
		{"fail open never routes to draining or unused", []TargetState{tsD, tsN, tsU, tsD}, true, []int{3, 3, 3}},
		{"fail open with only draining and unused", []TargetState{tsD, tsN, tsD, tsN}, true, []int{0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := testPool()
			setStates(p, tt.states...)
			p.FailOpen = tt.failOpen
			if got := selectN(&RoundRobinSelection{}, p, len(tt.want)); !slices.Equal(got, tt.want) {
				t.Errorf("picks = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRoundRobinSelectionStateChanges(t *testing.T) {
	p := testPool()
	rr := &RoundRobinSelection{}
	if got := selectN(rr, p, 2); !slices.Equal(got, []int{1, 2}) {
		t.Fatalf("picks = %v, want [1 2]", got)
	}
	// The next target fails: the turn passes to the one after it.
	p.Targets[2].State = StateUnhealthy
	if got := selectN(rr, p, 3); !slices.Equal(got, []int{4, 1, 2}) {
		t.Fatalf("with Instance 3 unhealthy, picks = %v, want [4 1 2]", got)
	}
	// It recovers and takes its turn again.
	p.Targets[2].State = StateHealthy
	if got := selectN(rr, p, 4); !slices.Equal(got, []int{3, 4, 1, 2}) {
		t.Fatalf("with Instance 3 healthy again, picks = %v, want [3 4 1 2]", got)
	}
	// The pool shrinks below the selector's position: it wraps, no panic.
	rr.next = 3
	p.Targets = p.Targets[:2]
	if got := selectN(rr, p, 3); !slices.Equal(got, []int{2, 1, 2}) {
		t.Fatalf("after shrinking, picks = %v, want [2 1 2]", got)
	}
}

func TestLeastOutstandingRequestsSelection(t *testing.T) {
	tests := []struct {
		name     string
		states   []TargetState
		inFlight []int
		failOpen bool
		want     []int
	}{
		{"fewest in flight", nil, []int{3, 1, 2, 5}, false, []int{2, 2, 2}},
		{"fewest is last", nil, []int{3, 4, 2, 0}, false, []int{4, 4}},
		{"ties rotate", nil, []int{0, 0, 0, 0}, false, []int{1, 2, 3, 4, 1, 2}},
		{"ties among the fewest rotate", nil, []int{1, 0, 2, 0}, false, []int{2, 4, 2, 4, 2}},
		{"skips an unavailable target with fewer", []TargetState{tsU, tsH, tsH, tsH}, []int{0, 5, 3, 4}, false, []int{3, 3}},
		{"skips draining and unused", []TargetState{tsD, tsN, tsH, tsH}, []int{0, 0, 9, 8}, false, []int{4, 4}},
		{"all unavailable", []TargetState{tsU, tsI, tsD, tsN}, []int{0, 0, 0, 0}, false, []int{0, 0}},
		{"fail open picks among registered", []TargetState{tsD, tsU, tsI, tsN}, []int{0, 2, 1, 0}, true, []int{3, 3}},
		{"fail open ties rotate", []TargetState{tsU, tsU, tsD, tsU}, []int{0, 0, 0, 0}, true, []int{1, 2, 4, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := testPool()
			setStates(p, tt.states...)
			for i, n := range tt.inFlight {
				p.Targets[i].InFlight = n
			}
			p.FailOpen = tt.failOpen
			if got := selectN(&LeastOutstandingRequestsSelection{}, p, len(tt.want)); !slices.Equal(got, tt.want) {
				t.Errorf("picks = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestLeastOutstandingRequestsSelectionFollowsLoad(t *testing.T) {
	// Each pick adds one in-flight request to the target picked: the
	// selector spreads requests evenly, like round robin.
	p := testPool()
	lor := &LeastOutstandingRequestsSelection{}
	var got []int
	for i := 0; i < 8; i++ {
		tgt := lor.Select(p, nil)
		tgt.InFlight++
		got = append(got, tgt.Number)
	}
	if want := []int{1, 2, 3, 4, 1, 2, 3, 4}; !slices.Equal(got, want) {
		t.Errorf("picks = %v, want %v", got, want)
	}
	// One target's requests finish: it gets the next ones.
	p.Targets[2].InFlight = 0
	if got := lor.Select(p, nil); got != p.Targets[2] {
		t.Errorf("picked %v, want the idle Instance 3", got.Name)
	}
}

func TestWeightedRandomSelection(t *testing.T) {
	newWR := func(seed uint64) *WeightedRandomSelection {
		return &WeightedRandomSelection{rng: rand.New(rand.NewPCG(seed, seed+1))}
	}
	tests := []struct {
		name     string
		states   []TargetState
		failOpen bool
		want     []int // the targets that may be picked; nil means none
	}{
		{"all healthy", nil, false, []int{1, 2, 3, 4}},
		{"only available targets", []TargetState{tsU, tsH, tsD, tsH}, false, []int{2, 4}},
		{"a single available target", []TargetState{tsU, tsI, tsH, tsN}, false, []int{3}},
		{"all unavailable", []TargetState{tsU, tsI, tsD, tsN}, false, nil},
		{"fail open", []TargetState{tsU, tsI, tsD, tsN}, true, []int{1, 2}},
	}
	const n = 40000
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := testPool()
			setStates(p, tt.states...)
			p.FailOpen = tt.failOpen
			counts := make(map[int]int)
			for _, got := range selectN(newWR(7), p, n) {
				counts[got]++
			}
			if tt.want == nil {
				if counts[0] != n {
					t.Fatalf("picked %v from an unavailable pool, want only nil", counts)
				}
				return
			}
			allowed := make(map[int]bool)
			for _, w := range tt.want {
				allowed[w] = true
			}
			for got, c := range counts {
				if !allowed[got] {
					t.Errorf("picked target %d %d times, want only %v", got, c, tt.want)
				}
			}
			// Roughly uniform: each allowed target within 5% of its share
			// (more than 6 standard deviations for these n).
			share := n / len(tt.want)
			for _, w := range tt.want {
				if c := counts[w]; c < share*95/100 || c > share*105/100 {
					t.Errorf("target %d picked %d times of %d, want about %d", w, c, n, share)
				}
			}
		})
	}

	t.Run("deterministic for a seed", func(t *testing.T) {
		p := testPool()
		a, b := selectN(newWR(42), p, 200), selectN(newWR(42), p, 200)
		if !slices.Equal(a, b) {
			t.Errorf("same seed, different picks:\n%v\n%v", a, b)
		}
		if c := selectN(newWR(43), p, 200); slices.Equal(a, c) {
			t.Errorf("seeds 42 and 43 gave the same 200 picks")
		}
	})
}

func TestSelectorsEmptyPool(t *testing.T) {
	selectors := map[string]Selector{
		"round_robin":                &RoundRobinSelection{},
		"least_outstanding_requests": &LeastOutstandingRequestsSelection{},
		"weighted_random":            &WeightedRandomSelection{rng: rand.New(rand.NewPCG(1, 2))},
	}
	for name, s := range selectors {
		for _, p := range []*Pool{{}, {FailOpen: true}, {Targets: []*Target{}}} {
			if got := s.Select(p, nil); got != nil {
				t.Errorf("%s: Select on an empty pool (fail open %v) = %v, want nil", name, p.FailOpen, got.Name)
			}
		}
	}
}

func TestNewSelector(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, a := range Algorithms {
		s := newSelector(a, rng)
		var ok bool
		switch a {
		case RoundRobin:
			_, ok = s.(*RoundRobinSelection)
		case LeastOutstandingRequests:
			_, ok = s.(*LeastOutstandingRequestsSelection)
		case WeightedRandom:
			var wr *WeightedRandomSelection
			wr, ok = s.(*WeightedRandomSelection)
			ok = ok && wr.rng == rng
		}
		if !ok {
			t.Errorf("newSelector(%s) = %T", a, s)
		}
	}
}

// TestRoundRobinSlowStart checks that round robin gives a target in slow
// start its share of a full target's requests, and still picks when every
// available target is in slow start.
func TestRoundRobinSlowStart(t *testing.T) {
	for _, share := range []float64{0, 0.25, 0.5, 0.9} {
		p := testPool()
		slow := p.Targets[3]
		slow.SlowStartFrom = Epoch
		slow.SlowStartUntil = Epoch.Add(100 * time.Second)
		p.SlowStart = 1
		r := &Request{Time: Epoch.Add(time.Duration(share * 100 * float64(time.Second)))}
		s := &RoundRobinSelection{}
		counts := map[int]int{}
		for range 3000 {
			counts[s.Select(p, r).Number]++
		}
		full := counts[1]
		if counts[2] < full-1 || counts[3] < full-1 {
			t.Fatalf("share %.2f: full targets got %v, want equal counts", share, counts)
		}
		if want := share * float64(full); math.Abs(float64(counts[4])-want) > 1 {
			t.Errorf("share %.2f: slow start target got %d requests, full ones %d each: want %.0f", share, counts[4], full, want)
		}
		// Fail open: slow start does not apply.
		p.FailOpen = true
		setStates(p, tsU, tsU, tsU, tsU)
		if got := selectN(s, p, 4); !slices.Contains(got, 4) {
			t.Errorf("share %.2f, fail open: picks %v skip the slow start target", share, got)
		}
	}
	// Every available target in slow start and owed less than a request:
	// round robin still picks one.
	p := testPool()
	setStates(p, tsU, tsU, tsU)
	slow := p.Targets[3]
	slow.SlowStartFrom, slow.SlowStartUntil = Epoch, Epoch.Add(time.Minute)
	p.SlowStart = 1
	if got := (&RoundRobinSelection{}).Select(p, &Request{Time: Epoch}); got != slow {
		t.Fatalf("only a slow start target available: picked %v", got)
	}
}
