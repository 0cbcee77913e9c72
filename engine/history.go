package engine

import "time"

// HistoryLength is how many one-second samples the load balancer keeps:
// one simulated hour.
const HistoryLength = 3600

// Sample is one simulated second of traffic, for charts over time.
type Sample struct {
	Time      time.Time // the start of the second
	Requests  int32
	Sticky    int32 // routed by a valid stickiness cookie
	NonSticky int32 // stickiness on, but a new pick was needed
	Lost      int32 // sessions lost
	Moved     int32 // sticky clients moved off their target (Reason.Moved)
	Errors    int32 // 502 and 503 answers, or a Network Load Balancer's failed connections
	// Targets holds each instance's figures, by instance number - 1.
	Targets [MaxInstances]TargetSample
}

// TargetSample is one instance's second.
type TargetSample struct {
	Requests  int32
	Sessions  int32 // sessions in its store at the end of the second
	InService bool  // healthy at the end of the second
	SlowStart bool  // in slow start at the end of the second
}

// history keeps the latest HistoryLength samples in a ring.
type history struct {
	ring [HistoryLength]Sample
	n    int // samples written
	cur  Sample
}

// sample closes the current second and starts the next.
func (lb *LoadBalancer) sample() {
	h := &lb.history
	for _, t := range lb.instances {
		ts := &h.cur.Targets[t.Number-1]
		ts.Sessions = int32(t.sessions.Len())
		ts.InService = t.InService()
		ts.SlowStart = t.InSlowStart(lb.now)
	}
	h.ring[h.n%HistoryLength] = h.cur
	h.n++
	h.cur = Sample{Time: h.cur.Time.Add(time.Second)}
}

// History appends to dst the samples of the last n simulated seconds (at
// most HistoryLength), oldest first, and returns it.
func (lb *LoadBalancer) History(dst []Sample, n int) []Sample {
	h := &lb.history
	n = min(n, h.n, HistoryLength)
	for i := h.n - n; i < h.n; i++ {
		dst = append(dst, h.ring[i%HistoryLength])
	}
	return dst
}
