package app

import (
	"testing"
	"time"

	"github.com/stickylab/stickylab/engine"
)

// The player's own tests: a real (deterministic) engine and a fake wall
// clock, no go-app.

// wallClock is a fake wall clock: it moves when the test says, and by cost
// at each reading when cost is set, so that engine work "takes" wall time.
type wallClock struct {
	now  time.Time
	cost time.Duration
}

var playerStart = time.Date(2026, 3, 2, 14, 30, 0, 0, time.UTC)

func (c *wallClock) Now() time.Time {
	t := c.now
	c.now = c.now.Add(c.cost)
	return t
}

func (c *wallClock) Advance(d time.Duration) { c.now = c.now.Add(d) }

// newTestPlayer plays a new three-instance load balancer with lb_cookie
// stickiness on a fake wall clock.
func newTestPlayer(t *testing.T) (*player, *wallClock) {
	t.Helper()
	a := engine.DefaultAttributes()
	a.StickinessEnabled = true
	lb, err := engine.New(engine.Config{Seed: 1, Instances: 3, Attributes: &a, Start: playerStart})
	if err != nil {
		t.Fatal(err)
	}
	clock := &wallClock{now: playerStart}
	return newPlayer(lb, clock.Now, playerStart), clock
}

func startTestCrowd(t *testing.T, p *player, cfg engine.CrowdConfig) {
	t.Helper()
	if _, err := p.lb.StartCrowd(cfg); err != nil {
		t.Fatal(err)
	}
}

// TestPlayerClock checks the mapping of the wall clock onto the simulated
// clock: 1× follows the wall clock, 10× and 100× run ahead, a pause holds
// the time exactly (over syncs and frames), play resumes at the speed
// chosen, a refused speed changes nothing, fast-forwards add up, and a wall
// clock that steps back does not move the simulation back.
func TestPlayerClock(t *testing.T) {
	p, clock := newTestPlayer(t)
	at := func() time.Duration { return p.lb.Now().Sub(playerStart) }

	clock.Advance(2 * time.Second)
	if at() != 0 || p.simNow() != playerStart.Add(2*time.Second) {
		t.Fatalf("before a sync the engine is at +%s, the clock maps to %s", at(), p.simNow())
	}
	p.sync()
	if at() != 2*time.Second {
		t.Fatalf("1× for 2 s: at +%s", at())
	}
	if err := p.setSpeed(10); err != nil {
		t.Fatal(err)
	}
	clock.Advance(3 * time.Second)
	p.sync()
	if at() != 32*time.Second {
		t.Errorf("10× for 3 s: at +%s, want +32s", at())
	}
	p.pause()
	clock.Advance(time.Hour)
	p.sync()
	p.frame(clock.now)
	if at() != 32*time.Second || p.rate != 0 {
		t.Errorf("paused for an hour: at +%s (rate %d), want +32s", at(), p.rate)
	}
	p.play()
	clock.Advance(time.Second)
	p.sync()
	if at() != 42*time.Second || p.rate != 10 {
		t.Errorf("play resumes at 10×: at +%s (rate %d), want +42s", at(), p.rate)
	}
	if err := p.setSpeed(7); err == nil || err.Error() != "the speed must be 1×, 10× or 100×, not 7×" {
		t.Errorf("speed 7: %v", err)
	}
	if p.rate != 10 || p.choice != 10 {
		t.Errorf("a refused speed changed the rate to %d (choice %d)", p.rate, p.choice)
	}
	p.fastForward(time.Minute)
	p.fastForward(time.Hour)
	if at() != time.Hour+102*time.Second || p.ahead() != time.Hour+time.Minute || p.fastForwarding() || p.running() {
		t.Errorf("after +1 min and +1 hour: at +%s, ahead %s (fast-forwarding %v)", at(), p.ahead(), p.fastForwarding())
	}
	held := p.lb.Now()
	clock.Advance(-time.Hour)
	p.sync()
	if !p.lb.Now().Equal(held) {
		t.Errorf("the wall clock stepped back an hour and the engine went from %s to %s", held, p.lb.Now())
	}
}

// TestPlayerFrameBudget checks the frame budget exactly on a wall clock
// where each reading costs 1 ms: one AdvanceTo then takes 1 ms, which is
// within the chunk tuning's band, so each chunk stays firstChunk long. A
// frame at play speed reads the clock once, then twice per chunk, and stops
// at the reading that reaches frameBudget: 4 chunks; a fast-forward frame
// runs to ffFrameBudget: 23 chunks.
func TestPlayerFrameBudget(t *testing.T) {
	p, clock := newTestPlayer(t)
	startTestCrowd(t, p, engine.CrowdConfig{Clients: 2000, RequestRate: 50000})
	if err := p.setSpeed(100); err != nil {
		t.Fatal(err)
	}
	clock.cost = time.Millisecond
	playChunks := time.Duration(frameBudget / (2 * time.Millisecond))
	ffChunks := time.Duration((ffFrameBudget + 2*time.Millisecond - 1) / (2 * time.Millisecond)) // rounded up

	clock.Advance(time.Second / 60)
	p.frame(clock.now)
	if p.lastSim != playChunks*firstChunk || p.lastWork != frameBudget+time.Millisecond || p.chunk != firstChunk {
		t.Errorf("a frame at 100×: %s simulated in %s of work (chunk %s), want %s in %s",
			p.lastSim, p.lastWork, p.chunk, playChunks*firstChunk, frameBudget+time.Millisecond)
	}

	// Slip: a second of wall clock at 100× is 100 s to run; the frame runs
	// 200 ms of it and keeps a backlog of 100 × maxLag, dropping the rest.
	clock.Advance(time.Second)
	wall := clock.now
	p.frame(wall)
	if lag := p.simAt(wall).Sub(p.lb.Now()); lag != 100*maxLag {
		t.Errorf("after a frame a second late at 100×: backlog %s, want %s", lag, 100*maxLag)
	}
	dropped := -p.drift
	if dropped < 70*time.Second {
		t.Errorf("the clock slipped %s, want about 100 s - %s - %s", dropped, p.lastSim, 100*maxLag)
	}

	// A fast-forward is not dropped: each frame spends ffFrameBudget on it
	// until the engine gets there. Only the backlog of play speed beyond
	// maxLag slips meanwhile: at 1×, at most the wall time the frames take.
	if err := p.setSpeed(1); err != nil {
		t.Fatal(err)
	}
	p.fastForward(10 * time.Second)
	goal := p.ffUntil
	if !p.fastForwarding() || !p.running() {
		t.Fatal("a 10 s fast-forward of 500,000 requests finished in one sync")
	}
	frames, w0 := 0, clock.now
	for p.fastForwarding() && frames < 1000 {
		left := p.fastForwardLeft()
		clock.Advance(time.Second / 60)
		p.frame(clock.now)
		frames++
		if p.fastForwarding() && p.lastSim != ffChunks*firstChunk {
			t.Fatalf("fast-forward frame %d ran %s, want %d chunks of %s", frames, p.lastSim, ffChunks, firstChunk)
		}
		if p.fastForwarding() && p.fastForwardLeft() != left-p.lastSim {
			t.Fatalf("fast-forward frame %d: %s left, was %s, ran %s", frames, p.fastForwardLeft(), left, p.lastSim)
		}
	}
	if p.lb.Now().Before(goal) || p.ffUntil != goal {
		t.Errorf("fast-forward: at %s after %d frames, want %s (goal now %s)", p.lb.Now(), frames, goal, p.ffUntil)
	}
	if slip, played := -p.drift-dropped, clock.now.Sub(w0); slip < 0 || slip > played {
		t.Errorf("during the fast-forward the clock slipped %s, more than the %s played at 1×", slip, played)
	}
	if want := int((10*time.Second - 1) / (ffChunks * firstChunk)); frames < want {
		t.Errorf("fast-forward of 10 s took %d frames, want at least %d", frames, want)
	}
}

// TestPlayerChunkTuning checks that the chunk grows while AdvanceTo is
// cheap and shrinks while it is dear.
func TestPlayerChunkTuning(t *testing.T) {
	p, clock := newTestPlayer(t)
	clock.Advance(10 * time.Second)
	p.sync() // AdvanceTo costs nothing on this clock
	if p.chunk <= firstChunk {
		t.Errorf("free chunks: chunk %s, want more than %s", p.chunk, firstChunk)
	}
	p.chunk = firstChunk
	clock.cost = 3 * time.Millisecond // 3 ms per AdvanceTo
	clock.Advance(10 * time.Second)
	p.sync()
	if p.chunk >= firstChunk {
		t.Errorf("dear chunks: chunk %s, want less than %s", p.chunk, firstChunk)
	}
}

// TestPlayerSpeed checks the speed the frames achieve: simulated time
// gained over wall time, over about a second of frames.
func TestPlayerSpeed(t *testing.T) {
	p, clock := newTestPlayer(t)
	startTestCrowd(t, p, engine.CrowdConfig{Clients: 2000, RequestRate: 50000})
	if err := p.setSpeed(100); err != nil {
		t.Fatal(err)
	}
	clock.cost = time.Millisecond
	var sim, wall time.Duration
	prev := time.Time{}
	for i := 0; i < 100 && p.speed == 0; i++ {
		clock.Advance(time.Second / 60)
		w := clock.now
		p.frame(w)
		if !prev.IsZero() {
			sim += p.lastSim
			wall += w.Sub(prev)
		}
		prev = w
	}
	if want := float64(sim) / float64(wall); p.speed != want || wall < time.Second {
		t.Errorf("speed %v, want %v (%s over %s)", p.speed, want, sim, wall)
	}
	if p.speed >= 100 {
		t.Errorf("the frames kept up with 100× at %v on a clock where each chunk costs 2 ms", p.speed)
	}
}

// TestPlayerSpeedForgotten checks that a new speed or a fast-forward drops
// the speed measured before it: the status does not say the browser keeps up
// with 10× a moment after 100× was chosen.
func TestPlayerSpeedForgotten(t *testing.T) {
	p, clock := newTestPlayer(t)
	startTestCrowd(t, p, engine.CrowdConfig{Clients: 2000, RequestRate: 50000})
	measure := func() {
		t.Helper()
		for i := 0; i < 100 && p.speed == 0; i++ {
			clock.Advance(time.Second / 60)
			p.frame(clock.now)
		}
		if p.speed == 0 {
			t.Fatal("no speed measured over 100 frames")
		}
	}
	if err := p.setSpeed(10); err != nil {
		t.Fatal(err)
	}
	clock.cost = 5 * time.Millisecond
	measure()
	if err := p.setSpeed(100); err != nil {
		t.Fatal(err)
	}
	if p.speed != 0 {
		t.Errorf("speed %v right after the change to 100×, want none until measured", p.speed)
	}
	if got := simClockOf(p).status; got != "playing at 100×" {
		t.Errorf("status right after the change: %q", got)
	}
	measure()
	p.fastForward(time.Minute)
	if p.speed != 0 {
		t.Errorf("speed %v right after a fast-forward began, want none until measured", p.speed)
	}
}

// TestPlayerStep checks single steps: each one pauses, runs the engine to
// exactly the next request and holds the clock there.
func TestPlayerStep(t *testing.T) {
	p, clock := newTestPlayer(t)
	if err := p.step(); err != errNoCrowd || p.rate != 0 {
		t.Errorf("step without a crowd: %v (rate %d)", err, p.rate)
	}
	p.play()
	startTestCrowd(t, p, engine.CrowdConfig{Clients: 50, ThinkTime: 2 * time.Second})
	p.resetCounters()
	for i := 1; i <= 5; i++ {
		before := p.lb.Now()
		if err := p.step(); err != nil {
			t.Fatal(err)
		}
		if got := p.counters().Requests; got != int64(i) {
			t.Errorf("step %d: %d requests", i, got)
		}
		f := p.rec.recentFlow(nil)
		if len(f) != i || !f[0].time.Equal(p.lb.Now()) || !p.lb.Now().After(before) {
			t.Errorf("step %d: the last request at %v, clock %s (was %s)", i, f[0].time, p.lb.Now(), before)
		}
		held := p.lb.Now()
		clock.Advance(10 * time.Second)
		p.sync()
		p.frame(clock.now)
		if !p.lb.Now().Equal(held) || p.rate != 0 || !p.simNow().Equal(held) {
			t.Errorf("step %d: the clock moved from %s to %s while paused", i, held, p.lb.Now())
		}
	}
	p.play()
	clock.Advance(10 * time.Second)
	p.sync()
	if n := p.counters().Requests; n < 200 {
		t.Errorf("10 s of play after the steps: %d requests, want about 250", n)
	}
}

// TestPlayerCancelFastForward checks that a fast-forward stopped midway
// holds the clock where the engine got to and goes on at play speed.
func TestPlayerCancelFastForward(t *testing.T) {
	p, clock := newTestPlayer(t)
	startTestCrowd(t, p, engine.CrowdConfig{Clients: 2000, RequestRate: 50000})
	clock.cost = time.Millisecond
	p.fastForward(time.Hour)
	if !p.fastForwarding() {
		t.Fatal("an hour of 50,000 requests a second ran in one sync")
	}
	clock.cost = 0
	p.cancelFastForward()
	if p.fastForwarding() || p.fastForwardLeft() != 0 || !p.simNow().Equal(p.lb.Now()) {
		t.Errorf("cancelled: fast-forwarding %v, %s left, clock %s, engine %s", p.fastForwarding(), p.fastForwardLeft(), p.simNow(), p.lb.Now())
	}
	at := p.lb.Now()
	clock.Advance(100 * time.Millisecond)
	if got := p.simNow().Sub(at); got != 100*time.Millisecond {
		t.Errorf("after the cancel the clock runs %s in 100 ms at 1×", got)
	}
}

// TestPlayerRecorder checks what the player records of the engine's events:
// the latest requests newest first, the fleet's events, the counters from
// their base, and a fresh start on another load balancer.
func TestPlayerRecorder(t *testing.T) {
	p, clock := newTestPlayer(t)
	you := p.lb.NewClient("you", nil, engine.KeepCookies)
	for i := 0; i < flowSize+5; i++ {
		clock.Advance(time.Second)
		p.sync()
		p.lb.Do(you, "/")
	}
	f := p.rec.recentFlow(nil)
	if len(f) != flowSize || f[0].seq != flowSize+5 || f[flowSize-1].seq != 6 {
		t.Fatalf("flow: %d rows, seq %d…%d", len(f), f[0].seq, f[len(f)-1].seq)
	}
	for i := 1; i < len(f); i++ {
		if f[i].seq != f[i-1].seq-1 || f[i].time.After(f[i-1].time) {
			t.Errorf("flow not newest first at %d: %d then %d", i, f[i-1].seq, f[i].seq)
		}
	}
	if f[0].client != "you" || f[0].reason != engine.ReasonSticky || f[0].status != 200 || f[0].target == "" {
		t.Errorf("newest row %+v", f[0])
	}
	if k := p.counters(); k.Requests != flowSize+5 || k.Sticky != flowSize+4 {
		t.Errorf("counters %+v", k)
	}
	p.resetCounters()
	p.lb.Do(you, "/")
	if k := p.counters(); k.Requests != 1 || k.Sticky != 1 || k.SessionsCreated != 0 {
		t.Errorf("counters after a reset and one request: %+v", k)
	}

	if err := p.lb.StopInstance("Instance 2"); err != nil {
		t.Fatal(err)
	}
	p.fastForward(time.Minute)
	var kinds []string
	for _, mk := range p.rec.markers {
		kinds = append(kinds, mk.target+" "+mk.kind)
	}
	if len(kinds) != 2 || kinds[0] != "Instance 2 stopped" || kinds[1] != "Instance 2 unhealthy" {
		t.Errorf("markers %q", kinds)
	}
	for i := 0; i < maxMarkers; i++ {
		p.rec.onEvent(engine.Event{Kind: engine.EventInstanceStarted, Target: "Instance 2"})
	}
	if len(p.rec.markers) != maxMarkers || p.rec.markers[0].kind != "started" {
		t.Errorf("%d markers kept, the oldest %q", len(p.rec.markers), p.rec.markers[0].kind)
	}

	old := p.lb
	lb, err := engine.New(engine.Config{Seed: 2, Instances: 2, Start: old.Now()})
	if err != nil {
		t.Fatal(err)
	}
	p.attach(lb)
	if p.rec.flowN != 0 || len(p.rec.markers) != 0 || p.counters().Requests != 0 || !p.simNow().Equal(lb.Now()) {
		t.Errorf("attached: flow %d, markers %d, counters %+v, clock %s (engine %s)", p.rec.flowN, len(p.rec.markers), p.counters(), p.simNow(), lb.Now())
	}
	old.Do(you, "/")
	if p.rec.flowN != 0 {
		t.Error("the old load balancer's requests are still recorded")
	}
	p.lb.Do(p.lb.NewClient("me", nil, engine.KeepCookies), "/")
	if p.rec.flowN != 1 || p.counters().Requests != 1 {
		t.Errorf("the new load balancer's request: flow %d, counters %+v", p.rec.flowN, p.counters())
	}
}
