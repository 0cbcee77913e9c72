package engine

// queue holds every scheduled happening and gives them back in schedule
// order (time, then order of scheduling): the running crowd's requests in its
// calendar, the rest in a heap, so that which one holds an item never matters.
type queue struct {
	heap   eventHeap
	cal    *calendar // the running crowd's requests, or nil
	calGen uint32    // the crowd generation of cal's requests
	seq    uint64    // sequence number of the last item scheduled
}

// push schedules x (its sequence number is set here).
func (q *queue) push(x scheduled) {
	q.seq++
	x.seq = q.seq
	q.heap.insert(x)
}

// startCrowd gives the queue the calendar of a new crowd of generation gen.
// The previous crowd's requests in its calendar are dropped; any in the heap
// stay, and come out carrying their old generation.
func (q *queue) startCrowd(cal *calendar, gen uint32) {
	q.cal, q.calGen = cal, gen
}

// stopCrowd drops the running crowd's calendar and every crowd request.
func (q *queue) stopCrowd() {
	q.cal = nil
	q.heap.drop(evCrowdRequest)
}

// pushRequest schedules crowd client i's next request at (UnixNano): in the
// calendar, or in the heap if it is due beyond it. now is the simulated
// time, never after at. The queue must hold a crowd's calendar.
func (q *queue) pushRequest(i int32, at, now int64) {
	q.seq++
	if !q.cal.add(i, at, q.seq, now) {
		q.heap.insert(scheduled{at: at, seq: q.seq, kind: evCrowdRequest, idx: i, gen: q.calGen})
	}
}

// popDue moves the first item into x if it is due at or before end
// (UnixNano); otherwise it reports false and leaves the queue as it is.
func (q *queue) popDue(end int64, x *scheduled) bool {
	h := q.heap.items
	if c := q.cal; c != nil {
		if i, ok := c.first(); ok {
			s := &c.slots[i]
			if len(h) == 0 || s.at < h[0].at || s.at == h[0].at && s.seq < h[0].seq {
				if s.at > end {
					return false
				}
				*x = scheduled{at: s.at, seq: s.seq, gen: q.calGen, idx: i, kind: evCrowdRequest}
				c.take()
				return true
			}
		}
	}
	if len(h) == 0 || h[0].at > end {
		return false
	}
	*x = q.heap.pop()
	return true
}

// next returns the time (UnixNano) of the first item, and false when the
// queue is empty.
func (q *queue) next() (int64, bool) {
	at, ok := int64(0), false
	if len(q.heap.items) > 0 {
		at, ok = q.heap.items[0].at, true
	}
	if q.cal != nil {
		if i, busy := q.cal.first(); busy && (!ok || q.cal.slots[i].at < at) {
			at, ok = q.cal.slots[i].at, true
		}
	}
	return at, ok
}

// eventHeap is a min-heap of happenings in schedule order. The order is
// total, so the shape of the heap (4-ary, for fewer levels to sift
// through) never changes what comes out first.
type eventHeap struct {
	items []scheduled
}

// before reports whether a comes before b: earlier, or as early and
// scheduled first.
func before(a, b *scheduled) bool {
	return a.at < b.at || a.at == b.at && a.seq < b.seq
}

// insert adds x, whose sequence number is set.
func (h *eventHeap) insert(x scheduled) {
	h.items = append(h.items, x)
	h.up(len(h.items) - 1)
}

func (h *eventHeap) pop() scheduled {
	top := h.items[0]
	last := len(h.items) - 1
	h.items[0] = h.items[last]
	h.items[last] = scheduled{}
	h.items = h.items[:last]
	if last > 0 {
		h.down(0)
	}
	return top
}

// drop removes every item of kind k.
func (h *eventHeap) drop(k schedKind) {
	items := h.items
	h.items = h.items[:0]
	for _, x := range items {
		if x.kind != k {
			h.items = append(h.items, x)
			h.up(len(h.items) - 1)
		}
	}
}

// arity is the number of children of a node of the heap.
const arity = 4

func (h *eventHeap) up(i int) {
	items := h.items
	for i > 0 {
		p := (i - 1) / arity
		if !before(&items[i], &items[p]) {
			break
		}
		items[i], items[p] = items[p], items[i]
		i = p
	}
}

// down moves the i-th happening down to its place. It carries it through
// a hole, one copy a level, rather than swapping at every level.
func (h *eventHeap) down(i int) {
	items := h.items
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
