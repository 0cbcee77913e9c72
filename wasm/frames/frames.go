// Package frames runs the lab's frame loop: once per animation frame of the
// page (requestAnimationFrame through safejs), or on a 60 Hz ticker where
// there are no frames.
package frames

import (
	"context"
	"time"
)

// frameInterval is the period of the ticker that stands in for animation
// frames where there are none (natively, or in a worker).
const frameInterval = time.Second / 60

// tickerFrames calls f every frameInterval with the wall clock, until ctx
// is done.
func tickerFrames(ctx context.Context, f func(wall time.Time)) {
	tick := time.NewTicker(frameInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-tick.C:
			if ctx.Err() != nil {
				return
			}
			f(now)
		}
	}
}
