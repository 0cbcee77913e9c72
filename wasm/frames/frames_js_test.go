//go:build js && wasm

package frames

import (
	"context"
	"testing"
	"time"
)

// TestFramesAnimation runs Run on the page's requestAnimationFrame: f is
// called frame after frame with an advancing wall clock, Run returns when
// its context is done, and no frame comes after (a released callback
// called by JavaScript would abort the test binary).
func TestFramesAnimation(t *testing.T) {
	if !isFunction(globalThis(), "requestAnimationFrame") {
		t.Skip("no requestAnimationFrame")
	}
	ctx, cancel := context.WithCancel(context.Background())
	var walls []time.Time
	done := make(chan struct{})
	go func() {
		defer close(done)
		Run(ctx, func(wall time.Time) {
			walls = append(walls, wall)
			if len(walls) == 10 {
				cancel()
			}
		})
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		cancel()
		t.Fatalf("10 frames did not come in 20 s (got %d)", len(walls))
	}
	n := len(walls)
	if n < 10 {
		t.Fatalf("Run returned after %d frames", n)
	}
	for i := 1; i < n; i++ {
		if !walls[i].After(walls[i-1]) {
			t.Errorf("frame %d at %s, not after frame %d at %s", i, walls[i], i-1, walls[i-1])
		}
	}
	time.Sleep(200 * time.Millisecond)
	if len(walls) != n {
		t.Errorf("%d frames after Run returned", len(walls)-n)
	}
}

// TestFramesSkipsBusyFrames checks that a slow f does not pile frames up:
// each call waits for the next frame after the previous call returned.
func TestFramesSkipsBusyFrames(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	calls := 0
	start := time.Now()
	Run(ctx, func(time.Time) {
		calls++
		time.Sleep(50 * time.Millisecond)
		if calls == 5 {
			cancel()
		}
	})
	if el := time.Since(start); calls != 5 || el < 250*time.Millisecond {
		t.Errorf("%d calls in %s", calls, el)
	}
}
