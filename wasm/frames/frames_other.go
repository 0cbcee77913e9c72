//go:build !(js && wasm)

package frames

import (
	"context"
	"time"
)

// Run calls f about 60 times a second with the wall clock, until ctx is
// done: outside the browser there are no animation frames, so a ticker
// stands in for requestAnimationFrame.
func Run(ctx context.Context, f func(wall time.Time)) { tickerFrames(ctx, f) }
