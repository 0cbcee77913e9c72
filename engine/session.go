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

	in *SessionStore // the store that holds it, nil once dropped
}

// SessionStore is an application's session memory: one per instance, or
// one external store (ElastiCache/DynamoDB-like) shared by every instance.
type SessionStore struct {
	Name     string
	External bool
	sessions map[uint64]*Session // by sessionKey of the id
}

func newSessionStore(name string, external bool) *SessionStore {
	return &SessionStore{Name: name, External: external, sessions: make(map[uint64]*Session)}
}

// Len returns the number of sessions the store holds.
func (s *SessionStore) Len() int { return len(s.sessions) }

// Lookup returns the session called id, or nil.
func (s *SessionStore) Lookup(id string) *Session {
	k, ok := sessionKey(id)
	if !ok {
		return nil
	}
	return s.sessions[k]
}

// sessionKey returns the key of a session id as the application issues
// them, "s-" and 16 lowercase hexadecimal digits (the bytes of the key,
// least significant first), and false for any other string, which names
// no session. Integer keys hash faster than strings, most of all in
// WebAssembly, which has no AES instructions for the string hash.
func sessionKey(id string) (uint64, bool) {
	if len(id) != 18 || id[0] != 's' || id[1] != '-' {
		return 0, false
	}
	var k uint64
	var bad byte
	for i := 0; i < 8; i++ {
		hi, lo := hexValue[id[2+2*i]], hexValue[id[3+2*i]]
		bad |= hi | lo
		k |= uint64(hi<<4|lo&0x0F) << (8 * i)
	}
	return k, bad&0xF0 == 0
}

// hexValue maps a lowercase hexadecimal digit to its value, and every other
// byte to 0xFF.
var hexValue = digitTable("0123456789abcdef")

// Sessions returns a copy of every session, in no particular order.
func (s *SessionStore) Sessions() []Session {
	out := make([]Session, 0, len(s.sessions))
	for _, v := range s.sessions {
		out = append(out, *v)
	}
	return out
}

// create makes a new session with a random id and returns it with its key.
func (s *SessionStore) create(rng *rand.Rand, user, origin string, now time.Time) (*Session, uint64) {
	var raw [8]byte
	for {
		u := rng.Uint64()
		for i := range raw {
			raw[i] = byte(u >> (8 * i))
		}
		if _, taken := s.sessions[u]; taken {
			continue
		}
		sess := &Session{ID: "s-" + hex.EncodeToString(raw[:]), User: user, Created: now, Origin: origin, in: s}
		s.sessions[u] = sess
		return sess, u
	}
}

func (s *SessionStore) reset() {
	for _, sess := range s.sessions {
		sess.in = nil
	}
	clear(s.sessions)
}

// expire drops the sessions idle since before cutoff and returns how many.
// forget, when not nil, is told the key of each session dropped.
func (s *SessionStore) expire(cutoff time.Time, forget func(key uint64)) int {
	n := 0
	for id, sess := range s.sessions {
		if sess.LastSeen.Before(cutoff) {
			sess.in = nil
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
	forget := func(key uint64) { delete(lb.origins, key) }
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
	lastIdx int // the bucket last counted in
}

func (r *recentCounter) add(unixSec int64) {
	if r.sec[r.lastIdx] == unixSec {
		r.buckets[r.lastIdx]++ // most requests fall in the same second as the one before
		return
	}
	i := bucketOf(unixSec)
	if r.sec[i] != unixSec {
		r.sec[i], r.buckets[i] = unixSec, 0
	}
	r.buckets[i]++
	r.lastIdx = int(i)
}

// bucketOf is the bucket of second unixSec, also before 1970 (a scenario
// replayed in a browser whose clock reads 1970 starts before it).
func bucketOf(unixSec int64) int64 {
	const n = int64(len(recentCounter{}.buckets))
	if i := unixSec % n; i >= 0 {
		return i
	}
	return unixSec%n + n
}

// sum returns the count over the window seconds ending with unixSec
// (window ≤ 60).
func (r *recentCounter) sum(unixSec int64, window int) int64 {
	var n int64
	for s := unixSec - int64(window) + 1; s <= unixSec; s++ {
		i := bucketOf(s)
		if r.sec[i] == s {
			n += int64(r.buckets[i])
		}
	}
	return n
}
