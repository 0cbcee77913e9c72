package app

import (
	"testing"
	"time"

	"github.com/maxence-charriere/go-app/v9/pkg/app"

	"github.com/stickylab/stickylab/engine"
)

// liveHost shows a Counters and a SimClock fed by its feed while show holds.
type liveHost struct {
	app.Compo

	show bool
	feed *liveFeed
}

func (h *liveHost) Render() app.UI {
	return app.Div().Body(app.If(h.show,
		&Counters{Live: Live{ILive: h.feed}},
		&SimClock{Live: Live{ILive: h.feed}},
	))
}

// TestLiveJoinsAndLeaves checks the live views' one subscription: a view
// joins its feed when mounted, the feed's poll renders it again with what
// the player now reads, and it leaves the feed when dismounted.
func TestLiveJoinsAndLeaves(t *testing.T) {
	p, clock := newTestPlayer(t)
	feed := &liveFeed{player: p}
	h := &liveHost{feed: feed}
	d := app.NewClientTester(h)
	t.Cleanup(d.Close)
	trSettle(d)
	if len(feed.views) != 0 {
		t.Fatalf("%d views joined before any was shown", len(feed.views))
	}
	d.Emit(h, func() { h.show = true })
	trSettle(d)
	if len(feed.views) != 2 {
		t.Fatalf("%d views joined, want the counters and the clock", len(feed.views))
	}
	if got := renderTree(t, h).mustTestID(t, "counter-requests").Text(); got != "0" {
		t.Errorf("counter-requests %q before any request", got)
	}

	you := p.lb.NewClient("you", nil, engine.KeepCookies)
	for i := 0; i < 3; i++ {
		p.lb.Do(you, "/")
	}
	clock.Advance(2 * time.Second)
	p.frame(clock.now)
	feed.poll()
	trSettle(d)
	tree := renderTree(t, h)
	if got := tree.mustTestID(t, "counter-requests").Text(); got != "3" {
		t.Errorf("counter-requests %q after three requests and a frame", got)
	}
	if got, want := tree.mustTestID(t, "clock").Text(), p.lb.Now().Format("15:04:05"); got != want || p.lb.Now().Sub(playerStart) != 2*time.Second {
		t.Errorf("clock %q, want %s", got, want)
	}

	d.Emit(h, func() { h.show = false })
	trSettle(d)
	if len(feed.views) != 0 {
		t.Errorf("%d views still in the feed after they were dismounted", len(feed.views))
	}
}

// TestLabLiveViews checks that the traffic tab's four live views (the
// clock, the chart, the counters and the flow) join the Lab's frame loop,
// and leave it with the tab.
func TestLabLiveViews(t *testing.T) {
	tl := trMountLab(t, "")
	if n := len(tl.lab.live.views); n != 0 {
		t.Fatalf("%d live views on the browser tab", n)
	}
	tl.do(func(l *Lab) { l.showTab(tabTraffic) })
	kinds := map[string]bool{}
	for _, e := range tl.lab.live.views {
		switch e.view.(type) {
		case *SimClock:
			kinds["clock"] = true
		case *LoadChart:
			kinds["chart"] = true
		case *Counters:
			kinds["counters"] = true
		case *RequestFlow:
			kinds["flow"] = true
		}
	}
	if len(tl.lab.live.views) != 4 || len(kinds) != 4 {
		t.Errorf("live views %v (%d), want clock, chart, counters and flow", kinds, len(tl.lab.live.views))
	}
	tl.do(func(l *Lab) { l.showTab(tabBrowser) })
	if n := len(tl.lab.live.views); n != 0 {
		t.Errorf("%d live views left after the browser tab came back", n)
	}
}
