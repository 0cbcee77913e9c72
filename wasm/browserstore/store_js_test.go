//go:build js && wasm

package browserstore

import (
	"testing"
	"time"

	"github.com/hack-pad/safejs"
)

func TestLocalStorage(t *testing.T) {
	s, err := NewLocal()
	if err != nil {
		t.Fatalf("no localStorage in the test page: %v", err)
	}
	key := "stickylab:test:" + time.Now().String()
	if _, ok, err := s.Load(key); ok || err != nil {
		t.Fatalf("fresh key: ok %v, err %v", ok, err)
	}
	if err := s.Save(key, `{"version":1}`); err != nil {
		t.Fatal(err)
	}
	if v, ok, err := s.Load(key); !ok || err != nil || v != `{"version":1}` {
		t.Fatalf("Load: %q %v %v", v, ok, err)
	}
	if err := s.Remove(key); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.Load(key); ok {
		t.Fatal("Remove kept the key")
	}
}

// TestLocalStorageRefused checks that a storage the site's app.js stood in
// for (the browser refused it) is an error, with the browser's reason.
func TestLocalStorageRefused(t *testing.T) {
	g := safejs.Global()
	refused, err := safejs.ValueOf(map[string]any{"localStorage": "Access is denied for this document."})
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Set("stickylabStorageRefused", refused); err != nil {
		t.Fatal(err)
	}
	defer g.Delete("stickylabStorageRefused")
	if _, err := NewLocal(); err == nil || err.Error() != "localStorage: Access is denied for this document." {
		t.Errorf("NewLocal with a refused storage: %v", err)
	}
}

// TestWebLocks holds a lock, sees a second request refused, steals it and
// sees the first holder told.
func TestWebLocks(t *testing.T) {
	w := NewWebLocks()
	if w.locks.IsUndefined() {
		t.Skip("no navigator.locks in this test page (not a secure context)")
	}
	events := make(chan string, 8)
	hold := func(tab string, steal bool) {
		w.Hold("stickylab:test", steal, func(held bool) {
			if held {
				events <- tab + " holds"
			} else {
				events <- tab + " waits"
			}
		}, func() { events <- tab + " lost" })
	}
	next := func(want ...string) {
		t.Helper()
		got := map[string]bool{}
		for range want {
			select {
			case e := <-events:
				got[e] = true
			case <-time.After(5 * time.Second):
				t.Fatalf("waiting for %q: got %v", want, got)
			}
		}
		for _, e := range want {
			if !got[e] {
				t.Fatalf("got %v, want %q", got, want)
			}
		}
	}
	hold("A", false)
	next("A holds")
	hold("B", false)
	next("B waits")
	hold("B", true)
	next("A lost", "B holds")
}
