package engine

import (
	"encoding/hex"
	"math/rand/v2"
	"time"
)

// SessionCookie is the name of the legacy application's own session cookie.
// It is the natural value of stickiness.app_cookie.cookie_name.
const SessionCookie = "SESSIONID"

// SessionTimeout is how long the application keeps an idle session, like a
// servlet container's default session timeout.
const SessionTimeout = 30 * time.Minute

// MaxSessions is the most sessions one store keeps. A store that fills up
// drops its longest idle sessions first (a simulated assumption: real
// session managers either refuse new sessions or run out of memory), so a
// crowd without stickiness, which creates a session on almost every
// request, cannot grow the lab's memory without bound.
const MaxSessions = 20000

// sessionSweep is how often the application drops idle sessions.
const sessionSweep = time.Minute

// Session is what the legacy application remembers about a user: who they
// are and what is in their cart.
type Session struct {
	ID       string
	User     string // the client the session was created for
	Visits   int    // requests served in this session
	Cart     int    // items in the cart: one added every other visit
	Created  time.Time
	LastSeen time.Time
	Origin   string // name of the instance that created it
}

// SessionStore is an application's session memory: one per instance, or
// one external store (ElastiCache/DynamoDB-like) shared by every instance.
type SessionStore struct {
	Name     string
	External bool
	sessions map[string]*Session
}

func newSessionStore(name string, external bool) *SessionStore {
	return &SessionStore{Name: name, External: external, sessions: make(map[string]*Session)}
}

// Len returns the number of sessions the store holds.
func (s *SessionStore) Len() int { return len(s.sessions) }

// Lookup returns the session called id, or nil.
func (s *SessionStore) Lookup(id string) *Session { return s.sessions[id] }

// Sessions returns a copy of every session, in no particular order.
func (s *SessionStore) Sessions() []Session {
	out := make([]Session, 0, len(s.sessions))
	for _, v := range s.sessions {
		out = append(out, *v)
	}
	return out
}

func (s *SessionStore) create(rng *rand.Rand, user, origin string, now time.Time) *Session {
	var raw [8]byte
	for {
		u := rng.Uint64()
		for i := range raw {
			raw[i] = byte(u >> (8 * i))
		}
		id := "s-" + hex.EncodeToString(raw[:])
		if _, taken := s.sessions[id]; taken {
			continue
		}
		sess := &Session{ID: id, User: user, Created: now, Origin: origin}
		s.sessions[id] = sess
		return sess
	}
}

func (s *SessionStore) reset() { clear(s.sessions) }

// expire drops the sessions idle since before cutoff and returns how many.
// forget, when not nil, is told each id dropped.
func (s *SessionStore) expire(cutoff time.Time, forget func(id string)) int {
	n := 0
	for id, sess := range s.sessions {
		if sess.LastSeen.Before(cutoff) {
			delete(s.sessions, id)
			if forget != nil {
				forget(id)
			}
			n++
		}
	}
	return n
}

// makeRoom drops the longest idle sessions of a full store, and forgets
// their origins, until it is at most three quarters full: those idle for
// more than half the session timeout, then a quarter, and so on down to a
// second. The result does not depend on map order, so runs replay.
func (lb *LoadBalancer) makeRoom(s *SessionStore) {
	if len(s.sessions) < MaxSessions {
		return
	}
	forget := func(id string) { delete(lb.origins, id) }
	for idle := SessionTimeout / 2; len(s.sessions) > MaxSessions*3/4 && idle >= time.Second; idle /= 2 {
		s.expire(lb.now.Add(-idle), forget)
	}
}

// sweepSessions drops every store's sessions idle for SessionTimeout.
func (lb *LoadBalancer) sweepSessions() {
	cutoff := lb.now.Add(-SessionTimeout)
	for id, s := range lb.origins {
		if s.LastSeen.Before(cutoff) {
			delete(lb.origins, id)
		}
	}
	lb.external.expire(cutoff, nil)
	for _, t := range lb.instances {
		t.own.expire(cutoff, nil)
	}
}

// recentCounter counts events per simulated second over the last
// len(buckets) seconds, for request rates and imbalance.
type recentCounter struct {
	sec     [60]int64 // the second each bucket counts
	buckets [60]int32
}

func (r *recentCounter) add(unixSec int64) {
	i := unixSec % int64(len(r.buckets))
	if r.sec[i] != unixSec {
		r.sec[i], r.buckets[i] = unixSec, 0
	}
	r.buckets[i]++
}

// sum returns the count over the window seconds ending with unixSec
// (window ≤ 60).
func (r *recentCounter) sum(unixSec int64, window int) int64 {
	var n int64
	for s := unixSec - int64(window) + 1; s <= unixSec; s++ {
		i := s % int64(len(r.buckets))
		if r.sec[i] == s {
			n += int64(r.buckets[i])
		}
	}
	return n
}
