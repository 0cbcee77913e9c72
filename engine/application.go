package engine

import (
	"fmt"
	"time"
)

// application runs the legacy application on t: it finds the request's
// session in t's store, or creates one (new, or lost when the store does
// not know the cookie's id), whose cookie it appends to resp.
func (lb *LoadBalancer) application(t *Target, r *Request, ex *Exchange, resp []StoredCookie) []StoredCookie {
	c := r.Client
	id, sent := r.Cookie(SessionCookie)
	store := t.sessions
	var s *Session
	switch cs := c.session; {
	case !sent:
	case cs != nil && cs.in == store && sameString(cs.ID, id):
		// What store.Lookup(id) would return: the store holds cs, under
		// the key id spells.
		s = cs
	default:
		s = store.Lookup(id)
	}
	switch {
	case s != nil:
		ex.Session = SessionResumed
	case sent:
		ex.Session = SessionLost
		ex.LostSession = id
		ex.LostOrigin = lb.sessionOrigin(id)
		if cs := c.session; cs != nil && cs.in == nil && sameString(cs.ID, id) {
			if idle := lb.now.Sub(cs.LastSeen); idle >= SessionTimeout {
				// The client's own last session, dropped for its idle
				// time (the origins forget it at the same sweep).
				ex.LostIdle, ex.LostOrigin = idle, cs.Origin
			}
		}
		t.Metrics.SessionsLost++
		lb.metrics.SessionsLost++
		lb.history.cur.Lost++
		lb.emit(&Event{Kind: EventSessionLost, Client: c.Name, Target: t.Name, Detail: lostDetail(ex.LostOrigin, ex.LostIdle)})
	default:
		ex.Session = SessionNew
	}
	if s == nil {
		lb.makeRoom(store)
		var k uint64
		s, k = store.create(lb.rng, c.Name, t.Name, lb.now)
		lb.origins[k] = s
		t.Metrics.SessionsCreated++
		lb.metrics.SessionsCreated++
		resp = append(resp, StoredCookie{Name: SessionCookie, Value: s.ID, Path: "/"})
	}
	s.Visits++
	if s.Visits%2 == 0 {
		s.Cart++
	}
	s.LastSeen = lb.now
	c.session = s
	ex.SessionID, ex.Visits, ex.Cart, ex.User = s.ID, s.Visits, s.Cart, s.User
	return resp
}

// sessionOrigin returns the instance that created session id, if it was
// seen in the last SessionTimeout.
func (lb *LoadBalancer) sessionOrigin(id string) string {
	if k, ok := sessionKey(id); ok {
		if s := lb.origins[k]; s != nil {
			return s.Origin
		}
	}
	return ""
}

func lostDetail(origin string, idle time.Duration) string {
	switch {
	case idle > 0:
		return fmt.Sprintf("the session created on %s timed out: idle %s, the application keeps a session %s", origin, idle.Round(time.Second), SessionTimeout)
	case origin == "":
		return "unknown session id"
	}
	return "the session was created on " + origin
}
