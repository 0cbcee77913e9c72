package engine

import (
	"math/bits"
	"time"
)

// calendar holds a crowd's pending requests, at most one per client, for
// the queue: a crowd takes one out per request, and a calendar does that in
// constant time where a heap sifts through thousands.
type calendar struct {
	// A ring of buckets (a power of two, about four per client), each 1<<shift
	// ns of simulated time long and each a list in schedule order linked through
	// the clients' indices, and a bitmap of the buckets that are not empty. A
	// request due beyond the ring's last bucket goes to the queue's heap
	// (the ring's span makes that rare).
	size   int      // buckets in the ring
	shift  uint     // a bucket is 1<<shift ns of simulated time
	base   int64    // start of the bucket at cursor, a multiple of 1<<shift
	cursor int      // ring index of the earliest bucket
	heads  []int32  // first client of each bucket, -1 for none
	busy   []uint64 // bitmap of the buckets that are not empty
	n      int      // pending requests
	peeked int      // the bucket of the request first returned
	// By client: the pending request's time and sequence number, and the
	// next client in its bucket (-1 for none), side by side so that a
	// request costs one cache line.
	slots []slot
}

// slot is a client's place in a calendar.
type slot struct {
	at   int64
	seq  uint64
	next int32
}

// newCalendar returns an empty calendar for clients clients who pause
// think on average between two requests: the ring spans eight to sixteen
// think times (a bucket's width is a power of two, so that finding one
// shifts instead of dividing), so a bucket holds two to four requests.
func newCalendar(clients int, think time.Duration) *calendar {
	size := 1 << 10
	for size < 4*clients && size < 1<<16 {
		size *= 2
	}
	shift := uint(bits.Len64(uint64(max(int64(8*think)/int64(size), int64(time.Microsecond)))))
	c := &calendar{
		size:  size,
		shift: shift,
		heads: make([]int32, size),
		busy:  make([]uint64, size/64),
		slots: make([]slot, clients),
	}
	for i := range c.heads {
		c.heads[i] = -1
	}
	return c
}

// add schedules client i's request at (UnixNano) with sequence number seq,
// and reports whether it fits in the ring; if not, the caller puts it in
// the heap. now is the simulated time, never after at.
func (c *calendar) add(i int32, at int64, seq uint64, now int64) bool {
	if c.n == 0 {
		// Empty: start the ring at now, however long it stood idle.
		c.base, c.cursor = now-now%(1<<c.shift), 0
	}
	if at < c.base {
		return false
	}
	k := (at - c.base) >> c.shift
	if k >= int64(c.size) {
		return false
	}
	b := (c.cursor + int(k)) & (c.size - 1)
	// Insert in schedule order; a bucket holds a few requests.
	p := &c.heads[b]
	for *p >= 0 {
		o := &c.slots[*p]
		if o.at > at || o.at == at && o.seq > seq {
			break
		}
		p = &o.next
	}
	c.slots[i] = slot{at: at, seq: seq, next: *p}
	*p = i
	c.busy[b/64] |= 1 << (b % 64)
	c.n++
	return true
}

// first returns the client whose request comes first, and false when the
// calendar is empty.
func (c *calendar) first() (int32, bool) {
	if c.n == 0 {
		return -1, false
	}
	c.peeked = c.nextBusy(c.cursor)
	return c.heads[c.peeked], true
}

// nextBusy returns the first bucket that is not empty from ring index
// from on, wrapping around. The calendar must not be empty.
func (c *calendar) nextBusy(from int) int {
	w := from / 64
	if m := c.busy[w] >> (from % 64); m != 0 {
		return from + bits.TrailingZeros64(m)
	}
	for i := 1; i <= len(c.busy); i++ {
		w := (from/64 + i) % len(c.busy)
		if c.busy[w] != 0 {
			return w*64 + bits.TrailingZeros64(c.busy[w])
		}
	}
	panic("calendar: no busy bucket in a calendar that is not empty")
}

// take removes the request that first returned, whose time has come: the
// ring then starts at its bucket.
func (c *calendar) take() {
	b := c.peeked
	c.base += int64((b-c.cursor)&(c.size-1)) << c.shift
	c.cursor = b
	i := c.heads[b]
	c.heads[b] = c.slots[i].next
	if c.heads[b] < 0 {
		c.busy[b/64] &^= 1 << (b % 64)
	}
	c.n--
}
