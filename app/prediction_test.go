package app

import (
	"slices"
	"testing"
)

// TestPredictionOrders: every prediction shows each of its choices once, and
// choice 2 (what the simulation measures in most non-scale lessons) does
// not sit at one place.
func TestPredictionOrders(t *testing.T) {
	places := map[int]int{}
	for _, q := range presetPredictions {
		seen := map[int]bool{}
		for _, i := range q.shown() {
			if i < 0 || i >= len(q.Choices) || seen[i] {
				t.Errorf("%s shows choice %d twice or out of range: %v", q.Preset, i, q.shown())
			}
			seen[i] = true
		}
		if len(seen) != len(q.Choices) {
			t.Errorf("%s shows %d of its %d choices", q.Preset, len(seen), len(q.Choices))
		}
		places[slices.Index(q.shown(), 1)]++
	}
	if len(places) < 3 {
		t.Errorf("choice 2 shows at places %v: a guesser picks the same place every time", places)
	}
}
