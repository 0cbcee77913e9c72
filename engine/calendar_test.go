package engine

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// TestCalendar drives a calendar with random requests, some due beyond its
// ring and some after it stood empty for long, against a plain list in
// schedule order: it must give back every request it took, in that order.
func TestCalendar(t *testing.T) {
	type req struct {
		at  int64
		seq uint64
		i   int32
	}
	for seed := uint64(1); seed <= 20; seed++ {
		rng := rand.New(rand.NewPCG(seed, 9))
		const clients = 300
		think := time.Duration(1+rng.IntN(10)) * time.Second
		c := newCalendar(clients, think)
		var want []req // in the calendar, in schedule order
		var pending [clients]bool
		now, seq := int64(1_700_000_000)*1e9+rng.Int64N(1e9), uint64(0)
		add := func(i int32, at int64) {
			seq++
			if !c.add(i, at, seq, now) {
				if at-now < int64(7*think) {
					t.Fatalf("seed %d: a request %s ahead did not fit in a ring of %s", seed, time.Duration(at-now), 8*think)
				}
				return // the heap's
			}
			pending[i] = true
			want = append(want, req{at, seq, i})
			slices.SortFunc(want, func(a, b req) int {
				if a.at != b.at {
					return int(a.at - b.at)
				}
				return int(a.seq) - int(b.seq)
			})
		}
		for step := 0; step < 5000; step++ {
			switch r := rng.IntN(10); {
			case r < 4: // a client without a pending request schedules one
				i := int32(rng.IntN(clients))
				if pending[i] {
					continue
				}
				at := now + int64(rng.ExpFloat64()*float64(think))
				if rng.IntN(50) == 0 {
					at = now + int64(20*think) // beyond the ring
				}
				if rng.IntN(20) == 0 {
					at = now // due at once, ties broken by sequence
				}
				add(i, at)
			case r < 9: // the first request comes due
				i, ok := c.first()
				if ok != (len(want) > 0) {
					t.Fatalf("seed %d step %d: first() = %v with %d pending", seed, step, ok, len(want))
				}
				if !ok {
					continue
				}
				if w, got := want[0], c.slots[i]; i != w.i || got.at != w.at || got.seq != w.seq {
					t.Fatalf("seed %d step %d: first() = client %d at %d seq %d, want client %d at %d seq %d", seed, step, i, got.at, got.seq, w.i, w.at, w.seq)
				}
				now = max(now, want[0].at)
				c.take()
				pending[i] = false
				want = want[1:]
			default: // the clock moves on, sometimes far past everything
				if rng.IntN(30) == 0 && len(want) == 0 {
					now += int64(100 * think)
				}
				if len(want) == 0 || now < want[0].at {
					now += rng.Int64N(int64(think) / 10)
					if len(want) > 0 {
						now = min(now, want[0].at)
					}
				}
			}
		}
	}
}
