package engine

import (
	"fmt"
	"time"
)

// EventKind is the type of an Event.
type EventKind uint8

// The event kinds.
const (
	// EventRequest is one request; Exchange holds it.
	EventRequest EventKind = iota
	// EventTargetState is a target changing state (From → To).
	EventTargetState
	// EventSessionLost is a client whose session the serving target did
	// not know.
	EventSessionLost
	// EventTargetRegistered is a target registered with the target group.
	EventTargetRegistered
	// EventTargetDeregistered is a target leaving the target group (it
	// drains first).
	EventTargetDeregistered
	// EventInstanceStopped and EventInstanceStarted change an instance's
	// power state; a stopped instance forgets its in-memory sessions.
	EventInstanceStopped
	EventInstanceStarted
	// EventAttributesChanged is a successful ModifyTargetGroupAttributes.
	EventAttributesChanged
	// EventSessionStore is the external session store switched on or off.
	EventSessionStore
	// EventTargetChanged is a target made to fail health checks or slowed.
	EventTargetChanged
	// EventForwardChanged is the listener's weighted forward action
	// modified: weights or group stickiness.
	EventForwardChanged
	// EventStickinessReset is a Network Load Balancer forgetting every
	// source IP's target, as targets changed.
	EventStickinessReset
	numEventKinds
)

var eventKindNames = [numEventKinds]string{
	"request", "target-state", "session-lost", "target-registered",
	"target-deregistered", "instance-stopped", "instance-started",
	"attributes-changed", "session-store", "target-changed", "forward-changed",
	"stickiness-reset",
}

// String returns the kind's name, e.g. "target-state".
func (k EventKind) String() string {
	if k < numEventKinds {
		return eventKindNames[k]
	}
	return fmt.Sprintf("event(%d)", k)
}

// Event is one entry of the load balancer's event log. Only the fields its
// Kind names are set.
type Event struct {
	Seq    uint64
	Time   time.Time
	Kind   EventKind
	Target string // target name
	Client string
	From   TargetState
	To     TargetState
	// Detail says why, e.g. "2 consecutive health check failures".
	Detail string
	// Exchange is the request of an EventRequest. It points into the
	// load balancer's memory and is valid only during the callback: copy
	// it to keep it.
	Exchange *Exchange
}

// String returns a one-line description of the event.
func (e Event) String() string {
	switch e.Kind {
	case EventRequest:
		if e.Exchange != nil {
			return fmt.Sprintf("%s → %s %d %s", e.Exchange.Client, e.Exchange.TargetName, e.Exchange.Status, e.Exchange.Reason)
		}
	case EventTargetState:
		return fmt.Sprintf("%s: %s → %s (%s)", e.Target, e.From, e.To, e.Detail)
	case EventSessionLost:
		return fmt.Sprintf("%s lost their session on %s (%s)", e.Client, e.Target, e.Detail)
	}
	s := e.Kind.String()
	if e.Target != "" {
		s += " " + e.Target
	}
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

// eventLog keeps the latest events in a ring and hands each to the
// subscribers.
type eventLog struct {
	seq  uint64
	ring [512]Event
	subs []*func(Event)
	// cookies counts the subscribers that read request events' cookies.
	cookies int
}

func (l *eventLog) emit(e *Event) {
	l.seq++
	e.Seq = l.seq
	if e.Kind != EventRequest {
		l.ring[l.seq%uint64(len(l.ring))] = *e
	}
	for _, f := range l.subs {
		(*f)(*e)
	}
}

// Subscribe calls f, inside the engine call that caused it, with every event
// until cancel; f must not call back. A request's Exchange, with its cookies
// copied for every request, is valid during the call only (Clone keeps it).
func (lb *LoadBalancer) Subscribe(f func(Event)) (cancel func()) {
	return lb.subscribe(f, true)
}

// SubscribeWithoutHeaders is Subscribe for a subscriber that reads no
// cookies: the crowd's request events then carry none, which spares copying
// them per request (the learner's, through Do, always carry them).
func (lb *LoadBalancer) SubscribeWithoutHeaders(f func(Event)) (cancel func()) {
	return lb.subscribe(f, false)
}

func (lb *LoadBalancer) subscribe(f func(Event), headers bool) (cancel func()) {
	p := &f
	lb.log.subs = append(lb.log.subs, p)
	if headers {
		lb.log.cookies++
	}
	return func() {
		for i, q := range lb.log.subs {
			if q == p {
				lb.log.subs = append(lb.log.subs[:i:i], lb.log.subs[i+1:]...)
				if headers {
					lb.log.cookies--
				}
				return
			}
		}
	}
}

// Events returns the retained non-request events with a sequence number
// above since, oldest first (at most the latest 512).
func (lb *LoadBalancer) Events(since uint64) []Event {
	l := &lb.log
	var out []Event
	first := since + 1
	if l.seq >= uint64(len(l.ring)) && first < l.seq-uint64(len(l.ring))+1 {
		first = l.seq - uint64(len(l.ring)) + 1
	}
	for s := first; s <= l.seq; s++ {
		e := l.ring[s%uint64(len(l.ring))]
		if e.Seq == s {
			out = append(out, e)
		}
	}
	return out
}
