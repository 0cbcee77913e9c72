//go:build js && wasm

package frames

import (
	"context"
	"sync"
	"time"

	"github.com/hack-pad/safejs"
)

// Run calls f once per animation frame of the page, with the wall
// clock, until ctx is done; it returns then. f runs on the caller's
// goroutine, never inside the requestAnimationFrame callback, which only
// signals the frame: a frame that f has not finished when the next one
// comes is skipped, not queued. Without requestAnimationFrame (a worker, a
// page whose global throws) a 60 Hz ticker stands in.
//
// The callback is a safejs.Func: every JavaScript call goes through
// safejs, so an exception becomes an error, not a crash. On ctx done the
// pending frame is cancelled before the callback is released (a released
// Go function called by JavaScript would abort the program).
func Run(ctx context.Context, f func(wall time.Time)) {
	win := safejs.Global()
	if !isFunction(win, "requestAnimationFrame") || !isFunction(win, "cancelAnimationFrame") {
		tickerFrames(ctx, f)
		return
	}
	var (
		mu      sync.Mutex
		pending safejs.Value // the id of the frame requested, or undefined
		stopped bool
	)
	ready := make(chan struct{}, 1)
	var cb safejs.Func
	request := func() error {
		id, err := win.Call("requestAnimationFrame", cb.Value())
		if err != nil {
			return err
		}
		pending = id
		return nil
	}
	cb, err := safejs.FuncOf(func(this safejs.Value, args []safejs.Value) any {
		mu.Lock()
		defer mu.Unlock()
		pending = safejs.Undefined()
		if stopped {
			return nil
		}
		select {
		case ready <- struct{}{}:
		default: // f is still busy with an earlier frame
		}
		_ = request()
		return nil
	})
	if err != nil {
		tickerFrames(ctx, f)
		return
	}
	mu.Lock()
	err = request()
	mu.Unlock()
	if err != nil {
		cb.Release()
		tickerFrames(ctx, f)
		return
	}
	defer func() {
		mu.Lock()
		stopped = true
		if !pending.IsUndefined() {
			_, _ = win.Call("cancelAnimationFrame", pending)
		}
		mu.Unlock()
		cb.Release()
	}()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ready:
			if ctx.Err() != nil { // both were ready: select picked at random
				return
			}
			f(time.Now())
		}
	}
}

// isFunction reports whether obj[name] is a function, reading it with
// Reflect.get so that a throwing getter is an error, not a crash.
func isFunction(obj safejs.Value, name string) bool {
	r, err := obj.Get("Reflect")
	if err != nil || r.Type() != safejs.TypeObject {
		return false
	}
	v, err := r.Call("get", obj, name)
	return err == nil && v.Type() == safejs.TypeFunction
}

func globalThis() safejs.Value { return safejs.Global() }
