package frames

import (
	"context"
	"testing"
	"time"
)

// TestTickerFrames checks the stand-in for animation frames: about 60 calls
// a second with an advancing clock, until the context is done.
func TestTickerFrames(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var walls []time.Time
	tickerFrames(ctx, func(wall time.Time) {
		walls = append(walls, wall)
		if len(walls) == 5 {
			cancel()
		}
	})
	if len(walls) != 5 {
		t.Fatalf("%d calls, want 5", len(walls))
	}
	for i := 1; i < len(walls); i++ {
		if d := walls[i].Sub(walls[i-1]); d <= 0 {
			t.Errorf("call %d %s after the previous one", i, d)
		}
	}
}
