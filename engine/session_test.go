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
