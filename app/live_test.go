package app

import (
	"fmt"
	"strings"
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

// TestLabLiveViews checks that the traffic tab's live views (the clock,
// the chart, the counters, the flow and the targets) join the Lab's frame
// loop, and leave it with the tab but for the browser tab's targets panel.
func TestLabLiveViews(t *testing.T) {
	tl := trMountLab(t, "")
	kinds := func() map[string]int {
		k := map[string]int{}
		for _, e := range tl.lab.live.views {
			switch e.view.(type) {
			case *SimClock:
				k["clock"]++
			case *LoadChart:
				k["chart"]++
			case *Counters:
				k["counters"]++
			case *RequestFlow:
				k["flow"]++
			case *TargetsPanel:
				k["targets"]++
			default:
				k["other"]++
			}
		}
		return k
	}
	if k := kinds(); len(tl.lab.live.views) != 1 || k["targets"] != 1 {
		t.Fatalf("live views on the browser tab %v, want the targets panel", k)
	}
	tl.do(func(l *Lab) { l.showTab(tabTraffic) })
	if k := kinds(); len(tl.lab.live.views) != 5 || len(k) != 5 || k["other"] != 0 {
		t.Errorf("live views %v (%d), want clock, chart, counters, flow and targets", k, len(tl.lab.live.views))
	}
	tl.do(func(l *Lab) { l.showTab(tabBrowser) })
	if k := kinds(); len(tl.lab.live.views) != 1 || k["targets"] != 1 {
		t.Errorf("live views %v left after the browser tab came back, want its targets panel", k)
	}
}

// TestTargetsAfterFastForward checks that the targets panel shows the
// fleet of the frame in which the counters show a fast-forward's end,
// with no tick of the Lab: the scale-out's five instances, all healthy.
func TestTargetsAfterFastForward(t *testing.T) {
	tl := trMountLab(t, "preset=scale-out")
	tl.loop()
	tl.frame(time.Second / 60)
	tree := tl.tree()
	if n := len(tree.find(func(n *htmlNode) bool {
		return n.attrs["class"] != "" && strings.HasPrefix(n.attrs["data-testid"], "instance-") && strings.Contains(n.attrs["class"], "target ")
	})); n != 3 {
		t.Fatalf("%d instances before the scale-out, want 3", n)
	}
	tl.clock.cost = time.Millisecond // engine work takes wall time: several frames
	tl.do(func(l *Lab) { l.fastForward(10 * time.Minute) })
	frames := 0
	for ; tl.lab.m.player.fastForwarding() && frames < 10000; frames++ {
		tl.frame(time.Second / 60)
	}
	if frames < 2 {
		t.Fatalf("the fast-forward took %d frames: nothing tested", frames)
	}
	tree = tl.tree()
	if got, want := tree.mustTestID(t, "counters").num(t, "data-sim-ms"), float64(tl.lab.m.lb.Now().UnixMilli()); got != want {
		t.Fatalf("counters at %v, engine at %v", got, want)
	}
	views := viewTargets(tl.lab.m.lb)
	if len(views) != 5 {
		t.Fatalf("the engine has %d instances after the scale-out, want 5", len(views))
	}
	var sum float64
	for _, v := range views {
		card := tree.byTestID(fmt.Sprintf("instance-%d", v.Number))
		if card == nil {
			t.Errorf("no card for %s in the frame the counters show the fast-forward's end", v.Name)
			continue
		}
		if got := tree.mustTestID(t, fmt.Sprintf("instance-%d-state", v.Number)).Text(); got != string(v.State) || v.State != engine.StateHealthy {
			t.Errorf("%s shows %q, engine says %s", v.Name, got, v.State)
		}
		sum += float64(v.Requests)
		if got, want := tree.mustTestID(t, fmt.Sprintf("instance-%d-requests", v.Number)).Text(), plural(int(v.Requests), "request"); !strings.HasPrefix(got, want+" ·") {
			t.Errorf("%s card says %q, engine %d requests", v.Name, got, v.Requests)
		}
	}
	if total := tree.mustTestID(t, "counters").num(t, "data-requests"); sum != total {
		t.Errorf("the cards count %v requests, the counters %v", sum, total)
	}
}

// pollCounter is a live view that counts its polls.
type pollCounter struct {
	app.Compo
	polls int
}

func (c *pollCounter) Render() app.UI    { return app.Div() }
func (c *pollCounter) poll(*player) bool { c.polls++; return false }

// TestLiveFrameRefreshesLessDuringFastForward checks the frame loop's
// refresh cadence: every frame while playing, on the first frame of a
// fast-forward, then at most every ffRefresh, and on the frame after it ends.
func TestLiveFrameRefreshesLessDuringFastForward(t *testing.T) {
	p, clock := newTestPlayer(t)
	clock.cost = time.Millisecond // each reading of the wall clock: the engine's work takes time
	startTestCrowd(t, p, engine.CrowdConfig{Clients: 50})
	v := &pollCounter{}
	feed := &liveFeed{player: p}
	feed.join(&Live{}, v)
	frame := func() {
		clock.Advance(time.Second / 60)
		p.frame(clock.now)
		feed.frame(clock.now)
	}
	for range 6 {
		frame()
	}
	if v.polls != 6 {
		t.Fatalf("%d refreshes in 6 frames of play, want one a frame", v.polls)
	}
	p.fastForward(24 * time.Hour) // more than these frames can run
	// Each refresh comes ffRefresh or more after the previous one, and
	// no later than the first frame after that.
	var at []time.Time
	var longest time.Duration
	var first time.Time
	for i := range 60 {
		before := v.polls
		t0 := clock.now
		frame()
		longest = max(longest, clock.now.Sub(t0))
		if i == 0 {
			first = clock.now
		}
		if v.polls > before {
			at = append(at, clock.now)
		}
	}
	if !p.fastForwarding() {
		t.Fatal("the fast-forward ended within the test's frames")
	}
	if v.polls == 0 || !at[0].Equal(first) {
		t.Errorf("the first frame of the fast-forward did not refresh (refreshes at %v, first frame %v)", at, first)
	}
	if len(at) < 5 || len(at) > 30 {
		t.Fatalf("%d refreshes in 60 frames of fast-forward", len(at))
	}
	for i := 1; i < len(at); i++ {
		if gap := at[i].Sub(at[i-1]); gap < ffRefresh || gap > ffRefresh+longest {
			t.Errorf("refresh %d came %s after the previous one, want %s to %s", i, gap, ffRefresh, ffRefresh+longest)
		}
	}
	p.cancelFastForward()
	v.polls = 0
	frame()
	if v.polls != 1 {
		t.Errorf("%d refreshes on the frame after the fast-forward ended, want 1", v.polls)
	}
}
