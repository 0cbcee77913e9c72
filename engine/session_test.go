package engine

import (
	"encoding/binary"
	"encoding/hex"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// TestSessionKey checks that every id the application issues maps back to
// the key it was stored under, and that ids it never issues map to none.
func TestSessionKey(t *testing.T) {
	store := newSessionStore("test", false)
	rng := rand.New(rand.NewPCG(1, 2))
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for range 1000 {
		s, k := store.create(rng, "u", "Instance 1", now)
		got, ok := sessionKey(s.ID)
		if !ok || got != k {
			t.Fatalf("sessionKey(%q) = %x, %v; stored under %x", s.ID, got, ok, k)
		}
		if store.Lookup(s.ID) != s {
			t.Fatalf("Lookup(%q) did not find the session", s.ID)
		}
		if up := strings.ToUpper(s.ID[:2]) + s.ID[2:]; store.Lookup(up) != nil {
			t.Fatalf("Lookup(%q) found a session", up)
		}
	}
	for _, id := range []string{"", "s-", "s-0123456789abcde", "s-0123456789abcdef0", "x-0123456789abcdef",
		"s-0123456789ABCDEF", "s-0123456789abcdeg", "S-0123456789abcdef", "s_0123456789abcdef", " s-0123456789abcde"} {
		if k, ok := sessionKey(id); ok {
			t.Errorf("sessionKey(%q) = %x, want no key", id, k)
		}
	}
}

// FuzzSessionKey checks that sessionKey accepts exactly the ids the
// application spells, and gives back the key they spell.
func FuzzSessionKey(f *testing.F) {
	f.Add("s-0123456789abcdef")
	f.Add("s-ffffffffffffffff")
	f.Add("s-0123456789abcdeF")
	f.Fuzz(func(t *testing.T, id string) {
		want := len(id) == 18 && strings.HasPrefix(id, "s-") && strings.Trim(id[2:], "0123456789abcdef") == ""
		k, ok := sessionKey(id)
		if ok != want {
			t.Fatalf("sessionKey(%q) = %x, %v; want ok %v", id, k, ok, want)
		}
		var raw [8]byte
		binary.LittleEndian.PutUint64(raw[:], k)
		if spelled := "s-" + hex.EncodeToString(raw[:]); ok && spelled != id {
			t.Fatalf("sessionKey(%q) = %x, which is spelled %q", id, k, spelled)
		}
	})
}

// TestSessionDroppedWhileHeld checks that a client whose session its
// instance dropped (idle past SessionTimeout, or the instance restarted)
// finds it lost when it comes back, though the application last served it
// in that very session.
func TestSessionDroppedWhileHeld(t *testing.T) {
	for _, drop := range []string{"timeout", "restart"} {
		a := DefaultAttributes()
		a.StickinessEnabled = true
		a.LBCookieDuration = 7 * 24 * time.Hour
		lb, err := New(Config{Seed: 5, Attributes: &a})
		if err != nil {
			t.Fatal(err)
		}
		c := lb.NewClient("learner", nil, KeepCookies)
		first := lb.Do(c, "/")
		lb.Advance(time.Second)
		if again := lb.Do(c, "/"); again.Session != SessionResumed || again.SessionID != first.SessionID {
			t.Fatalf("%s: second visit %s in %s, want resumed %s", drop, again.Session, again.SessionID, first.SessionID)
		}
		switch drop {
		case "timeout":
			lb.Advance(SessionTimeout + 2*sessionSweep)
		case "restart":
			if err := lb.StopInstance(first.TargetName); err != nil {
				t.Fatal(err)
			}
			if err := lb.StartInstance(first.TargetName); err != nil {
				t.Fatal(err)
			}
			lb.Advance(time.Minute) // healthy again
		}
		seq := lb.log.seq
		var details []string
		lb.Subscribe(func(e Event) {
			if e.Kind == EventSessionLost {
				details = append(details, e.Detail)
			}
		})
		ex := lb.Do(c, "/")
		if ex.TargetName != first.TargetName || ex.Session != SessionLost || ex.LostSession != first.SessionID {
			t.Errorf("%s: back on %s with session %s (%s lost), want %s with %s lost", drop, ex.TargetName, ex.Session, ex.LostSession, first.TargetName, first.SessionID)
		}
		// A timeout is said as one, with where the session was created;
		// a restart's loss (a minute away) is not a timeout.
		wantIdle := time.Duration(0)
		if drop == "timeout" {
			wantIdle = SessionTimeout + 2*sessionSweep
		}
		if ex.LostIdle != wantIdle || ex.LostOrigin != first.TargetName {
			t.Errorf("%s: lost after %s idle, created on %q; want %s, %q", drop, ex.LostIdle, ex.LostOrigin, wantIdle, first.TargetName)
		}
		if timedOut := len(details) == 1 && strings.Contains(details[0], "timed out"); timedOut != (drop == "timeout") || lb.log.seq == seq {
			t.Errorf("%s: session-lost events %q", drop, details)
		}
	}
}

// TestClockBefore1970 runs a lab whose clock starts before the Unix epoch
// (a scenario replayed in a browser whose clock reads 1970) across it: the
// per-second counts keep working instead of indexing a negative bucket.
func TestClockBefore1970(t *testing.T) {
	lb, err := New(Config{Seed: 5, Start: time.Date(1969, 12, 31, 23, 59, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	c := lb.NewClient("learner", nil, KeepCookies)
	for range 90 {
		if ex := lb.Do(c, "/"); ex.Status != 200 {
			t.Fatalf("%s: status %d", lb.Now().Format(time.TimeOnly), ex.Status)
		}
		lb.Advance(time.Second)
	}
	var r recentCounter
	for s := int64(-70); s < 0; s++ {
		r.add(s)
	}
	if got := r.sum(-1, 60); got != 60 {
		t.Errorf("the last 60 seconds before 1970 count %d requests, want 60", got)
	}
	r.add(0)
	if got := r.sum(0, 60); got != 60 {
		t.Errorf("the 60 seconds up to the epoch count %d, want 60", got)
	}
}
