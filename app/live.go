package app

import (
	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

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
