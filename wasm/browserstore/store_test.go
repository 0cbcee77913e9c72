package browserstore

import "testing"

func TestMemory(t *testing.T) {
	var s Memory
	if _, ok, err := s.Load("k"); ok || err != nil {
		t.Fatalf("empty store: ok %v, err %v", ok, err)
	}
	if err := s.Save("k", "v1"); err != nil {
		t.Fatal(err)
	}
	if v, ok, _ := s.Load("k"); !ok || v != "v1" {
		t.Fatalf("Load: %q %v", v, ok)
	}
	s.Remove("k")
	if _, ok, _ := s.Load("k"); ok {
		t.Fatal("Remove kept the key")
	}
}

func TestLocks(t *testing.T) {
	var l Locks
	var got []string
	hold := func(tab string, steal bool) {
		l.Hold("lab", steal, func(held bool) {
			if held {
				got = append(got, tab+" holds")
			} else {
				got = append(got, tab+" waits")
			}
		}, func() { got = append(got, tab+" lost") })
	}
	hold("A", false)
	hold("B", false)
	hold("B", true)
	l.Release("lab")
	hold("C", false)
	want := []string{"A holds", "B waits", "A lost", "B holds", "C holds"}
	if len(got) != len(want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %q, want %q", got, want)
		}
	}
}
