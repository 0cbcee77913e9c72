package engine

import (
	"math/rand/v2"
	"testing"
	"time"
)

// TestQueue runs random programs through checkQueue.
func TestQueue(t *testing.T) {
	for seed := uint64(1); seed <= 200; seed++ {
		rng := rand.New(rand.NewPCG(seed, 17))
		prog := make([]byte, 4000)
		for i := range prog {
			prog[i] = byte(rng.Uint32())
		}
		checkQueue(t, prog)
	}
}

// FuzzQueue runs arbitrary programs through checkQueue.
func FuzzQueue(f *testing.F) {
	f.Add([]byte{4, 10, 3, 1, 1, 2, 2, 2, 0, 0, 9, 2, 200, 7})
	f.Add([]byte{4, 0, 0, 1, 7, 1, 7, 1, 6, 0, 0, 0, 4, 1, 1, 2, 255, 255, 5, 3, 2, 0})
	f.Add([]byte{0, 1, 1, 0, 1, 1, 2, 1, 0, 3, 5, 2, 6, 0})
	f.Fuzz(func(t *testing.T, prog []byte) { checkQueue(t, prog) })
}

// program reads a queue test's choices from bytes, then zeros once they
// run out.
type program struct{ b []byte }

func (p *program) more() bool { return len(p.b) > 0 }

// pick returns a choice in [0, n).
func (p *program) pick(n int) int {
	if len(p.b) == 0 {
		return 0
	}
	v := int(p.b[0]) % n
	p.b = p.b[1:]
	return v
}

// delay returns a delay (ns), from none to far beyond any calendar's ring.
func (p *program) delay(think int64) int64 {
	switch p.pick(8) {
	case 0:
		return 0
	case 1:
		return int64(p.pick(1000))
	case 2:
		return 1000 * 1000 * 1000 * int64(1+p.pick(200)) // far
	default:
		return think * int64(p.pick(256)) * int64(1+p.pick(16)) / 256
	}
}

// checkQueue runs the operations prog spells on a queue and on a plain
// list scanned for its first item in schedule order, as AdvanceTo,
// StartCrowd and StopCrowd use it: both must give back the same items in
// the same order, with the same sequence numbers.
func checkQueue(t *testing.T, prog []byte) {
	t.Helper()
	p := &program{prog}
	var q queue
	var ref []scheduled
	seq := uint64(0)
	now := int64(1_700_000_000) * 1e9
	think := int64(time.Second)
	gen := uint32(0)
	var pending []bool // by client of the running crowd: a request in the queue
	first := func() int {
		m := -1
		for k := range ref {
			if m < 0 || before(&ref[k], &ref[m]) {
				m = k
			}
		}
		return m
	}
	for step := 0; p.more(); step++ {
		switch op := p.pick(8); op {
		case 0, 1: // a happening other than a crowd request
			seq++
			x := scheduled{at: now + p.delay(think), kind: schedKind(p.pick(int(evAction) + 1)), idx: int32(p.pick(9)), gen: uint32(p.pick(3))}
			if x.kind == evCrowdRequest {
				x.kind = evSample
			}
			q.push(x)
			x.seq = seq
			ref = append(ref, x)
		case 2, 3: // a crowd client without a pending request schedules one
			if pending == nil {
				continue
			}
			i := int32(p.pick(len(pending)))
			if pending[i] {
				continue
			}
			seq++
			at := now + p.delay(think)
			q.pushRequest(i, at, now)
			pending[i] = true
			ref = append(ref, scheduled{at: at, seq: seq, kind: evCrowdRequest, idx: i, gen: gen})
		case 4, 5: // the clock advances to end, taking out everything due
			end := now + p.delay(think)
			for {
				var x scheduled
				ok := q.popDue(end, &x)
				m := first()
				if wantOK := m >= 0 && ref[m].at <= end; ok != wantOK {
					t.Fatalf("step %d: popDue(now+%d) = %v, want %v", step, end-now, ok, wantOK)
				}
				if !ok {
					break
				}
				if x != ref[m] {
					t.Fatalf("step %d: popDue = %+v, want %+v", step, x, ref[m])
				}
				ref = append(ref[:m], ref[m+1:]...)
				now = max(now, x.at)
				if x.kind == evCrowdRequest && x.gen == gen {
					pending[x.idx] = false
				}
			}
			now = max(now, end)
		case 6: // the time of the next item
			at, ok := q.next()
			m := first()
			if ok != (m >= 0) || ok && at != ref[m].at {
				t.Fatalf("step %d: next() = %d, %v; want %+v", step, at, ok, ref)
			}
		case 7: // a crowd starts (replacing any) or stops
			if p.pick(3) == 0 {
				q.stopCrowd()
				pending = nil
				ref = removeFromRef(ref, func(x scheduled) bool { return x.kind == evCrowdRequest })
				continue
			}
			if q.cal != nil {
				// The old calendar's requests go; the heap's stay.
				inCal := map[uint64]bool{}
				for _, h := range q.cal.heads {
					for i := h; i >= 0; i = q.cal.slots[i].next {
						inCal[q.cal.slots[i].seq] = true
					}
				}
				ref = removeFromRef(ref, func(x scheduled) bool { return inCal[x.seq] })
			}
			gen++
			clients := 1 + p.pick(64)
			think = int64(time.Millisecond) * int64(1+p.pick(256)) * int64(1+p.pick(40))
			q.startCrowd(newCalendar(clients, time.Duration(think)), gen)
			pending = make([]bool, clients)
		}
	}
}

func removeFromRef(ref []scheduled, drop func(scheduled) bool) []scheduled {
	out := ref[:0]
	for _, x := range ref {
		if !drop(x) {
			out = append(out, x)
		}
	}
	return out
}

// BenchmarkQueue measures the queue's part of a crowd request: take out the
// next item due and schedule that client's next request, with 10,000 clients.
func BenchmarkQueue(b *testing.B) {
	const clients = 10000
	think := int64(2 * time.Second)
	rng := rand.New(rand.NewPCG(1, 2))
	var pauses [4096]int64
	for i := range pauses {
		pauses[i] = max(int64(rng.ExpFloat64()*float64(think)), int64(time.Millisecond))
	}
	var q queue
	now := int64(0)
	q.startCrowd(newCalendar(clients, time.Duration(think)), 1)
	for i := range clients {
		q.pushRequest(int32(i), now+rng.Int64N(think), now)
	}
	for k := range 8 { // health checks, samples and sweeps
		q.push(scheduled{at: now + int64(k)*int64(time.Second)/8, kind: evSample})
	}
	n := 0
	for b.Loop() {
		var x scheduled
		q.popDue(now+10*think, &x)
		now = x.at
		if x.kind == evCrowdRequest {
			q.pushRequest(x.idx, now+pauses[n%len(pauses)], now)
		} else {
			q.push(scheduled{at: now + int64(time.Second), kind: x.kind})
		}
		n++
	}
}
