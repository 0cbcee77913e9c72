package app

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v9/pkg/app"

	"github.com/stickylab/stickylab/engine"
)

// The Lab's tabs.
const (
	tabBrowser = "browser"
	tabTraffic = "traffic"
)

// labTraffic is the Lab's state for the traffic lab: the tab shown and the
// frame loop.
type labTraffic struct {
	tab    string
	ctx    app.Context        // the Lab's mount context, for the frame loop
	stop   context.CancelFunc // ends the frame loop; nil when it does not run
	loops  int                // frame loops started, for tests
	ff     bool               // a fast-forward ran at the last frame (its end is announced)
	ffSaid string             // the announcement at its start: one made since is not replaced
	held   bool               // paused once on opening, for reduced motion
}

// startTraffic reads the traffic lab's URL parameters: view=traffic opens
// its tab, preset=ID stages a lesson (and opens the tab unless view says
// otherwise) in a new lab; a restored one staged it already. It returns
// what was wrong with them.
func (l *Lab) startTraffic(q url.Values, restored bool) []string {
	var msgs []string
	if v, ok := first(q, "view"); ok {
		switch v {
		case tabBrowser, tabTraffic:
			l.tl.tab = v
		default:
			msgs = append(msgs, fmt.Sprintf("URL parameter view=%q is not valid: use browser or traffic. Showing your browser.", v))
		}
	}
	if id, ok := first(q, "preset"); ok {
		var err error
		if _, ok := engine.PresetByID(id); !ok || !restored {
			err = l.m.applyPreset(id)
		}
		if err != nil {
			var ids []string
			for _, p := range engine.Presets {
				ids = append(ids, p.ID)
			}
			msgs = append(msgs, fmt.Sprintf("URL parameter preset=%q is not valid: use one of %s. No lesson is staged.", id, strings.Join(ids, ", ")))
		} else {
			l.tl.tab = tabOfQuery(q) // the lesson's tab, unless view names one
			msgs = append(msgs, presetOverrides(q, id)...)
		}
	}
	return msgs
}

// holdAtClockLimit pauses the lab once its clock reached maxLabClock, and
// says why: a saved lab past maxSavedClock would be refused.
func (l *Lab) holdAtClockLimit() {
	if l.m.player.rate != 0 && l.m.lb.Now().Sub(l.m.journal.Start) >= maxLabClock {
		l.m.player.pause()
		l.act(errLabClockFull)
	}
}

// presetOverrides says which setup parameters of q the lesson id replaces
// with its own lab (all but the seed), so that none is ignored silently; a
// shared lab's link, which the lab wrote, says nothing.
func presetOverrides(q url.Values, id string) []string {
	if _, shared := q[linkParam]; shared {
		return nil
	}
	var ignored []string
	for _, k := range setupParams {
		if _, ok := q[k]; ok && k != "preset" && k != "seed" && k != "lesson" { // a guided lesson runs beside it
			ignored = append(ignored, k)
		}
	}
	if len(ignored) == 0 {
		return nil
	}
	words := "URL parameter " + ignored[0] + " is"
	if len(ignored) > 1 {
		words = "URL parameters " + strings.Join(ignored, ", ") + " are"
	}
	p, _ := engine.PresetByID(id)
	return []string{fmt.Sprintf("%s ignored: the lesson preset=%s (%s) sets up its own lab.", words, id, p.Title)}
}

// tabBar switches between the learner's browser and the traffic lab.
func (l *Lab) tabBar() app.UI {
	return &TabBar{ISelected: l.tab(), IOnSelect: l.selectTab}
}

func (l *Lab) tab() string {
	if l.tl.tab == "" {
		return tabBrowser
	}
	return l.tl.tab
}

// trafficView is the traffic lab's tab: the lessons, the crowd, the live chart, counters and request flow; beside them your browser (one
// client among the crowd), the attributes and the fleet.
func (l *Lab) trafficView() app.UI {
	m := l.m
	lb := m.lb
	cr := lb.Crowd()
	var crowd engine.CrowdConfig
	if cr != nil {
		crowd = cr.Config
	}
	_, external := lb.ExternalSessionStore()
	return app.Div().Class("grid", "traffic").DataSet("testid", "traffic").Body(
		app.Div().Class("col").Body(
			&PresetPicker{IActive: m.preset, IOnPreset: l.applyPreset},
			l.predictionView(),
			&LoadChart{Live: l.liveProps()},
			&Counters{Live: l.liveProps()},
			&RequestFlow{Live: l.liveProps()},
		),
		app.Div().Class("col").Body(
			&CrowdControls{IRunning: cr != nil, ICrowd: crowd, IExternal: external, INetwork: lb.Type == engine.NetworkLoadBalancer,
				IOnStart: l.startCrowd, IOnStop: l.stopCrowd, IOnExternal: l.setExternalStore},
			l.targetsPanel(),
			l.rulePanel(),
			l.settingsPanel(),
			l.healthCheckPanel(),
			l.browserPane(),
		),
	)
}

// playbackBar is the traffic lab's clock and its controls.
func (l *Lab) playbackBar() app.UI {
	return &PlaybackBar{ILive: &l.live, IRate: l.m.player.rate, IOnSpeed: l.setSpeed, IOnPause: l.pause, IOnStep: l.step,
		IOnFastForward: l.fastForward, IOnCancelFastForward: l.cancelFastForward}
}

// liveProps is the prop of a live view: the Lab's frame loop.
func (l *Lab) liveProps() Live { return Live{ILive: &l.live} }

// targetsPanel is the targets panel with the fleet's actions.
func (l *Lab) targetsPanel() app.UI {
	return &TargetsPanel{Live: l.liveProps(), ITargets: viewTargets(l.m.lb), IOnStop: l.stopInstance, IOnStart: l.startInstance, IOnFailChecks: l.failChecks,
		IOnDeregister: l.deregister, IOnRegister: l.register, IOnSlow: l.slowDown, IOnLaunch: l.launch}
}

func instanceNames(lb *engine.LoadBalancer) []string {
	var names []string
	for _, t := range lb.Instances() {
		names = append(names, t.Name)
	}
	return names
}

// The traffic lab's actions. Each one runs in a click handler, on the UI
// goroutine, and (re)starts the frame loop if the simulation now needs it.

func (l *Lab) showTab(tab string) {
	l.tl.tab = tab
	l.holdStill()
	l.ensureFrames()
}

// selectTab shows the tab the learner picked and adds it to the history.
func (l *Lab) selectTab(tab string) {
	l.showTab(tab)
	l.pushTab(tab)
}

// setTab shows the tab of a history entry.
func (l *Lab) setTab(tab string) {
	if tab != l.tab() {
		l.showTab(tab)
	}
}

// holdStill pauses the traffic lab the first time it opens when the learner
// asked for reduced motion: nothing moves until they press Play.
func (l *Lab) holdStill() {
	if l.tab() != tabTraffic || l.tl.held || !l.reducedMotion() {
		return
	}
	l.tl.held = true
	l.m.player.pause()
}

// reducedMotion reports whether the learner asked for reduced motion
// (Options.ReducedMotion, or the browser's prefers-reduced-motion).
func (l *Lab) reducedMotion() bool {
	if l.opts.ReducedMotion != nil {
		return l.opts.ReducedMotion()
	}
	if app.IsServer {
		return false
	}
	mq := app.Window().Call("matchMedia", "(prefers-reduced-motion: reduce)")
	return mq.Truthy() && mq.Get("matches").Bool()
}

func (l *Lab) startCrowd(cfg engine.CrowdConfig) error {
	err := l.m.startCrowd(cfg)
	l.ensureFrames()
	if c := l.m.lb.Crowd(); err == nil && c != nil {
		l.announce("Crowd started: " + describeCrowd(c.Config) + ".")
	}
	return err
}

func (l *Lab) stopCrowd() {
	l.m.stopCrowd()
	l.announce("Crowd stopped: only your browser uses the load balancer.")
}

func (l *Lab) applyPreset(id string) {
	err := l.m.applyPreset(id)
	l.act(err)
	l.ensureFrames()
	if err == nil {
		l.announce(actionWords(Action{Do: DoPreset, Name: id}, l.m.lb))
	}
}

func (l *Lab) setSpeed(s int) {
	var err error
	if s == 0 {
		l.m.player.play()
	} else {
		err = l.m.player.setSpeed(s)
		l.act(err)
	}
	l.ensureFrames()
	if err == nil {
		l.announce(fmt.Sprintf("Playing at %d×.", l.m.player.rate))
	}
}

func (l *Lab) pause() {
	l.m.player.pause()
	l.announce(simClockWords("Paused", l.m.lb.Now()))
}

func (l *Lab) step() {
	l.err = ""
	if err := l.m.player.step(); err != nil {
		l.err = err.Error()
		l.announce(l.err)
	} else {
		l.announce(simClockWords("Stepped to the next request", l.m.lb.Now()))
	}
	l.live.poll()
}

func (l *Lab) cancelFastForward() {
	l.m.player.cancelFastForward()
	l.tl.ff = false
	l.announce(simClockWords("Fast-forward stopped", l.m.lb.Now()))
}

func (l *Lab) setExternalStore(on bool) {
	l.do(Action{Do: map[bool]string{true: DoExternalStoreOn, false: DoExternalStoreOff}[on]})
}

func (l *Lab) deregister(name string) { l.do(Action{Do: DoDeregister, Instance: name}) }
func (l *Lab) register(name string)   { l.do(Action{Do: DoRegister, Instance: name}) }

func (l *Lab) slowDown(name string, slow bool) {
	l.do(Action{Do: map[bool]string{true: DoSlowDown, false: DoSpeedUp}[slow], Instance: name})
}

// launch launches an instance into target group g: the journal names it
// unless it is the first ("" as in save-attributes).
func (l *Lab) launch(g string) {
	if g == l.m.lb.TargetGroup.Name {
		g = ""
	}
	l.do(Action{Do: DoLaunch, Name: g})
}

// wantFrames reports whether the frame loop should run: the traffic tab is
// open, or the simulation runs a crowd or a fast-forward.
func (l *Lab) wantFrames() bool { return l.tab() == tabTraffic || l.m.player.running() }

// startFrames keeps the Lab's mount context for the frame loop and starts
// it if needed. Called from OnMount.
func (l *Lab) startFrames(ctx app.Context) {
	l.tl.ctx = ctx
	l.holdStill()
	l.ensureFrames()
}

// ensureFrames starts the frame loop (Options.Frames) when it is wanted and
// not running. Each frame hops to the UI goroutine, runs the simulation for
// the frame and refreshes the live views; the frames goroutine waits for it,
// so frames never pile up.
func (l *Lab) ensureFrames() {
	t := &l.tl
	if l.opts.Frames == nil || t.ctx == nil || t.stop != nil || !l.wantFrames() {
		return
	}
	ctx := t.ctx
	fctx, cancel := context.WithCancel(ctx)
	t.stop = cancel
	t.loops++
	frames := l.opts.Frames
	// A goroutine of its own, not ctx.Async: the loop lives as long as the
	// page, and go-app waits for Async goroutines (its tester's Consume).
	go func() {
		frames(fctx, func(wall time.Time) {
			done := make(chan struct{})
			ctx.Dispatcher().Dispatch(app.Dispatch{Mode: app.Next, Source: l, Function: func(app.Context) {
				defer close(done)
				if fctx.Err() == nil {
					l.frame(wall)
				}
			}})
			select {
			case <-done:
			case <-fctx.Done():
			}
		})
	}()
}

// frame is one animation frame: the simulation runs for it, the live views
// refresh, and the loop stops when nothing needs it any more.
func (l *Lab) frame(wall time.Time) {
	l.m.player.frame(wall)
	l.holdAtClockLimit()
	l.live.frame(wall)
	l.sayPrediction()
	if ff := l.m.player.fastForwarding(); ff != l.tl.ff {
		l.tl.ff = ff
		if !ff && l.said == l.tl.ffSaid { // a prediction measured meanwhile says more
			l.announce(simClockWords("Fast-forward done", l.m.lb.Now()))
		}
	}
	if !l.wantFrames() && l.tl.stop != nil {
		l.tl.stop()
		l.tl.stop = nil
	}
}
