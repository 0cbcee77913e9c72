package app

import (
	"time"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// ffRefresh is how often the live views refresh while a fast-forward runs:
// each refresh costs the page a layout and a paint, time the engine gets
// instead (the last frame of a fast-forward always refreshes).
const ffRefresh = 100 * time.Millisecond

// The live views (SimClock, Counters, RequestFlow, LoadChart, TargetsPanel) embed Live,
// which joins the frame loop on mount and leaves it on dismount; each frame
// re-renders those whose poll of the player changed. Events go up by callbacks.

// liveView is a component that the frame loop refreshes: poll reads what it
// shows from the player and reports whether that changed, in which case the
// loop asks go-app to render it again.
type liveView interface {
	app.Composer
	poll(p *player) bool
}

// liveFeed is the frame loop's side of the live views: the player they read
// and the views mounted. The Lab owns one for its life.
type liveFeed struct {
	player *player
	views  []liveEntry
	polled time.Time // the wall clock of the last frame's refresh
	ff     bool      // whether a fast-forward ran at that refresh
}

// liveEntry is a mounted live view and its Live, by which it leaves.
type liveEntry struct {
	live *Live
	view liveView
}

// join adds the view v, whose Live is l, to the loop; leave removes it.
func (f *liveFeed) join(l *Live, v liveView) {
	for _, e := range f.views {
		if e.live == l {
			return
		}
	}
	f.views = append(f.views, liveEntry{l, v})
}

func (f *liveFeed) leave(l *Live) {
	for i, e := range f.views {
		if e.live == l {
			f.views = append(f.views[:i:i], f.views[i+1:]...)
			return
		}
	}
}

// frame refreshes the live views for the animation frame at wall: at once
// when a fast-forward starts or ends, at most every ffRefresh while it runs.
func (f *liveFeed) frame(wall time.Time) {
	ff := f.player.fastForwarding()
	if ff && f.ff && wall.Sub(f.polled) < ffRefresh && !wall.Before(f.polled) {
		return
	}
	f.polled, f.ff = wall, ff
	f.poll()
}

// poll refreshes the live views and asks go-app to render those that
// changed.
func (f *liveFeed) poll() {
	for _, e := range f.views {
		if e.view.poll(f.player) && e.view.Mounted() {
			e.view.Update()
		}
	}
}

// Live is embedded by each live view: while the view is mounted, the frame
// loop of ILive refreshes it.
type Live struct {
	ILive *liveFeed
}

// OnMount joins the frame loop.
func (l *Live) OnMount(ctx app.Context) {
	if v, ok := ctx.Src().(liveView); ok && l.ILive != nil {
		l.ILive.join(l, v)
	}
}

// OnDismount leaves it.
func (l *Live) OnDismount() {
	if l.ILive != nil {
		l.ILive.leave(l)
	}
}

// source returns the player the view reads, nil without a feed (a view
// rendered on its own).
func (l *Live) source() *player {
	if l.ILive == nil {
		return nil
	}
	return l.ILive.player
}
