package app

import (
	"time"

	"github.com/stickylab/stickylab/engine"
)

const (
	flowSize   = 12 // requests the flow view shows
	maxMarkers = 64 // fleet events the chart can mark
)

// flowEntry is one request of the flow view.
type flowEntry struct {
	seq     uint64
	time    time.Time
	client  string
	target  string
	reason  engine.Reason
	status  int
	failure string // no HTTP answer: what became of the connection (engine.Exchange.Failure)
	session engine.SessionOutcome
}

// marker is an event of the fleet the chart marks on its timeline.
type marker struct {
	time   time.Time
	kind   string // stopped, started, unhealthy, healthy, draining, registered, deregistered
	target string
}

// recorder keeps what the live views show of the engine's events: a ring
// of the latest requests and the fleet's latest events. It also holds the
// counters' base, the load balancer's metrics when the crowd or the preset
// started.
type recorder struct {
	cancel  func()              // ends the subscription to the engine's events
	flow    [flowSize]flowEntry // ring of the latest requests, by seq
	flowN   uint64              // requests seen
	markers []marker            // the fleet's latest events, oldest first
	base    engine.Metrics
}

// subscribe records lb's requests (for the flow view) and fleet events
// (for the chart's markers), ending any earlier subscription. The flow view
// does not show the Cookie header, so the crowd need not write one out per
// request.
func (r *recorder) subscribe(lb *engine.LoadBalancer) {
	if r.cancel != nil {
		r.cancel()
	}
	r.cancel = lb.SubscribeWithoutHeaders(r.onEvent)
}

// reset forgets the requests, events and base recorded.
func (r *recorder) reset() {
	r.base = engine.Metrics{}
	r.flowN, r.flow, r.markers = 0, [flowSize]flowEntry{}, nil
}

// onEvent runs inside the engine for every event: it copies what the views
// need and never calls back into the engine.
func (r *recorder) onEvent(e engine.Event) {
	if e.Kind == engine.EventRequest {
		ex := e.Exchange
		if ex == nil {
			return
		}
		r.flowN++
		f := &r.flow[r.flowN%flowSize]
		*f = flowEntry{seq: r.flowN, time: ex.Time, client: ex.Client, target: ex.TargetName,
			reason: ex.Reason, status: ex.Status, failure: ex.Failure, session: ex.Session}
		return
	}
	var kind string
	switch e.Kind {
	case engine.EventInstanceStopped:
		kind = "stopped"
	case engine.EventInstanceStarted:
		kind = "started"
	case engine.EventTargetRegistered:
		kind = "registered"
	case engine.EventTargetDeregistered:
		kind = "deregistered"
	case engine.EventForwardChanged: // a listener rule's weights or group stickiness
		kind, e.Target = "weights", "rule"
	case engine.EventTargetState:
		switch e.To {
		case engine.StateUnhealthy:
			kind = "unhealthy"
		case engine.StateHealthy:
			kind = "healthy"
		case engine.StateDraining:
			kind = "draining"
		}
	}
	if kind == "" {
		return
	}
	if len(r.markers) == maxMarkers {
		copy(r.markers, r.markers[1:])
		r.markers = r.markers[:maxMarkers-1]
	}
	r.markers = append(r.markers, marker{time: e.Time, kind: kind, target: e.Target})
}

// counters returns the metrics m less the base.
func (r *recorder) counters(m engine.Metrics) engine.Metrics {
	b := r.base
	m.Requests -= b.Requests
	m.Sticky -= b.Sticky
	m.NonStickyRequestCount -= b.NonStickyRequestCount
	m.SessionsCreated -= b.SessionsCreated
	m.SessionsLost -= b.SessionsLost
	m.Moved -= b.Moved
	m.ELB502 -= b.ELB502
	m.ELB503 -= b.ELB503
	m.FailedConnections -= b.FailedConnections
	return m
}

// recentFlow appends the latest requests to dst, newest first.
func (r *recorder) recentFlow(dst []flowEntry) []flowEntry {
	for i := uint64(0); i < flowSize && i < r.flowN; i++ {
		dst = append(dst, r.flow[(r.flowN-i)%flowSize])
	}
	return dst
}
