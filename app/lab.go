package app

import (
	"fmt"
	"time"

	"github.com/maxence-charriere/go-app/v9/pkg/app"

	"github.com/stickylab/stickylab/engine"
)

// Lab is the lab's page: the learner's browser, the target group's
// attributes, its targets, the browser's cookies and the request log, all
// driven by one simulated load balancer.
type Lab struct {
	app.Compo

	opts    Options
	m       *model
	notices []string   // URL problems, said once at start
	err     string     // the latest failed action
	tl      labTraffic // the traffic lab's tab and frame loop (trafficlab.go)
	live    liveFeed   // the live views the frame loop refreshes (live.go)
	said    string     // the live region's text (announcer.go)
	embed   Embed      // ?embed= and ?parent= (embed.go)
	full    string     // the full lab's address, for an embedded lab
	saved   labSaved   // the world saved in the browser (persist.go)

	sc     scenarioState // sharing and loading scenarios (labscenario.go)
	inited bool          // OnInit started the lab from the window's URL
	grp    string        // the target group the attributes form edits (labgroups.go)

	// measured are the traffic lab's lessons' measured answers, once in,
	// by predictionKey (lessonlab.go).
	measured map[string]*measured
	// saidPrediction is the key of the prediction whose measured answer
	// screen readers last heard.
	saidPrediction string
}

// OnInit starts the simulation from the page URL before the first render
// in the browser, so the page is built once, for the lab the URL asks.
func (l *Lab) OnInit() {
	if app.IsServer {
		return
	}
	if u := app.Window().URL(); u != nil {
		l.start(u.Query())
		l.inited = true
	}
}

// OnMount starts the simulation from the page URL and keeps it in step
// with the wall clock.
func (l *Lab) OnMount(ctx app.Context) {
	if !l.inited {
		l.start(ctx.Page().URL().Query())
	}
	l.startFrames(ctx)
	if app.IsServer {
		return
	}
	l.watchHistory(ctx)
	l.listenToParent(ctx)
	l.holdWorld(ctx, false)
	closeHide := app.Window().AddEventListener("pagehide", func(ctx app.Context, e app.Event) { l.save() })
	ctx.Async(func() {
		defer closeHide()
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				ctx.Dispatch(func(ctx app.Context) {
					l.m.sync()
					l.holdAtClockLimit()
					if l.m.lb.Crowd() != nil || l.m.player.fastForwarding() {
						l.save() // the clock moves apart from the wall clock
					}
				})
			}
		}
	})
}

// start restores the lab saved for the page's URL, or builds a new one from
// its parameters, falling back to the defaults when the setup is refused.
func (l *Lab) start(q map[string][]string) {
	m, msgs := l.startWorld(q)
	restored := m != nil
	if restored {
		q = l.saved.query // the restored lab's own address (persist.go)
	}
	if !restored {
		setup, setupMsgs := ParseSetup(q)
		msgs = append(msgs, setupMsgs...)
		var err error
		if m, err = newModel(setup, l.opts); err != nil {
			msgs = append(msgs, "The lab could not start as the URL asks ("+err.Error()+"); it starts with the defaults.")
			m, _ = newModel(DefaultSetup(), l.opts)
		}
	}
	if l.opts.StoreProblem != "" {
		msgs = append(msgs, "This browser does not let the lab keep its state ("+l.opts.StoreProblem+"): a reload starts a new lab.")
	}
	l.m, l.notices = m, msgs
	l.live.player = m.player
	l.notices = append(l.notices, l.startTraffic(q, restored)...)
	l.holdStill() // reduced motion: the traffic lab opens paused, before it plays
	m.changed = l.save
	var embedMsgs []string
	l.embed, embedMsgs = ParseEmbed(q)
	l.notices = append(l.notices, embedMsgs...)
	l.full = fullLabHref(q)
	if restored {
		l.sc.lesson, _ = first(q, "lesson") // the link's scenario is in the saved lab
		if err := l.saved.link; err != nil {
			l.scenarioFailed("This shared link", err)
		}
	} else {
		l.startScenario(q) // a shared link's scenario replaces the lab (labscenario.go)
	}
	l.notices = append(l.notices, lessonNotice(l.sc.lesson, l.m.setup)...)
}

// Render draws the page.
func (l *Lab) Render() app.UI {
	if l.m == nil {
		l.start(nil)
	}
	m := l.m
	lb := m.lb
	notices := append([]string(nil), l.notices...)
	if l.err != "" {
		notices = append(notices, l.err)
	}
	tab := l.tab()
	main := app.Main().Class("lab", map[bool]string{true: "embed", false: ""}[l.embed.On])
	if l.embed.On {
		main = main.OnClick(l.openTermInFullLab)
	}
	return main.Body(
		app.A().Class("skip-link").Href("#"+panelID(tab)).DataSet("testid", "skip-link").Text("Skip to the lab").
			OnClick(func(ctx app.Context, e app.Event) {
				// go-app would navigate (dropping the query): move the
				// focus to the panel instead.
				e.PreventDefault()
				e.Call("stopPropagation")
				if p := app.Window().GetElementByID(panelID(tab)); p.Truthy() {
					p.Call("focus")
				}
			}, tab),
		&Announcer{IMessage: l.said},
		app.Header().Class("lab-header").Body(
			when(l.embed.On, func() app.UI { return &FullLabLink{IHref: l.fullHref()} }),
			when(!l.embed.On, func() app.UI {
				// The lab's own address: a link to the bare page would show this lab under
				// another address, and the next reload would replace it.
				return app.H1().Body(app.A().Href(fullLabHref(l.saved.query)).DataSet("testid", "home").Text("stickylab"))
			}),
			when(!l.embed.On, func() app.UI {
				return app.P().Class("tagline").Text(tagline(lb.Type))
			}),
			intro(tab != tabBrowser || l.embed.On || l.lesson() != nil, lb.Type, len(lb.Forward().TargetGroups) > 1, len(lb.Instances()), l.embed),
			app.If(len(notices) > 0,
				app.Div().Class("notices").DataSet("testid", "notices").Role("alert").Body(
					app.Range(notices).Slice(func(i int) app.UI { return app.P().Class("warning").Text(notices[i]) }),
				),
			),
			&SavedLab{IHold: l.saved.hold, IRestored: agoWords(l.saved.at, l.m.player.now()), IError: l.saved.err, ITook: l.saved.took,
				IOnReset: l.resetLab, IOnTakeOver: l.takeOverClicked},
			l.sharePanel(),
			l.typePicker(),
			l.tabBar(),
		),
		app.Div().ID(panelID(tab)).Class("tabpanel").Role("tabpanel").Aria("labelledby", tabID(tab)).TabIndex(-1).Body(
			l.tabClock(),
			l.lessonView(),
			l.tabGrid(),
		),
		when(!l.embed.On, func() app.UI {
			return app.Footer().Class("muted").Body(
				&AssumptionList{},
				&Glossary{},
				app.P().Text(fmt.Sprintf("A simulation in your browser: %s %s, listener %s:%d, %s. Nothing is sent to AWS. Seed %d.",
					lb.Type.Title(), lb.Name, lb.Listener.Protocol, lb.Listener.Port, forwardWords(lb), m.setup.Seed)),
			)
		}),
	)
}

// tabClock is the open tab's clock: the traffic lab's playback bar, or the
// clock bar.
func (l *Lab) tabClock() app.UI {
	if l.tab() == tabTraffic {
		return l.playbackBar()
	}
	return &ClockBar{INow: l.m.lb.Now(), IAhead: l.m.player.ahead(), IOnFastForward: l.fastForward}
}

// tabGrid is the open tab's panels: the traffic lab, or the learner's
// browser.
func (l *Lab) tabGrid() app.UI {
	if l.tab() == tabTraffic {
		return l.trafficView()
	}
	_, external := l.m.lb.ExternalSessionStore()
	return app.Div().Class("grid").Body(
		app.Div().Class("col").Body(l.browserPane(), l.cookiePanel(), l.requestLog()),
		app.Div().Class("col").Body(
			l.rulePanel(),
			l.settingsPanel(),
			l.healthCheckPanel(),
			l.targetsPanel(),
			app.Section().Class("panel", "store").Aria("label", "Session store").Body(
				app.H2().Text("Session store"),
				&ExternalStoreSwitch{IOn: external, IOnSwitch: l.setExternalStore},
			),
		),
	)
}

func (l *Lab) refresh() {
	ex := l.m.refresh()
	l.err = ""
	l.announce(exchangeWords(&ex) + groupSentence(l.m.lb, &ex))
	l.post(newRequestMessage(&ex))
}
func (l *Lab) fastForward(d time.Duration) {
	if l.m.player.simNow().Add(d).Sub(l.m.journal.Start) > maxLabClock {
		l.act(errLabClockFull)
		return
	}
	l.m.player.fastForward(d)
	l.ensureFrames()
	l.announce(fastForwardWords(d))
	l.tl.ffSaid = l.said
}
func (l *Lab) deleteCookie(name string)  { l.do(Action{Do: DoDeleteCookie, Name: name}) }
func (l *Lab) stopInstance(name string)  { l.do(Action{Do: DoStopInstance, Instance: name}) }
func (l *Lab) startInstance(name string) { l.do(Action{Do: DoStartInstance, Instance: name}) }
func (l *Lab) failChecks(name string, fail bool) {
	l.do(Action{Do: map[bool]string{true: DoFailChecks, false: DoPassChecks}[fail], Instance: name})
}

// do carries out the learner's action and shows its error, if any; screen
// readers hear what it did (actionWords) and the lesson steps it completed.
func (l *Lab) do(a Action) {
	_, err := l.m.do(a)
	l.act(err)
	if w := actionWords(a, l.m.lb); err == nil && w != "" {
		l.announce(w)
		return
	}
	l.sayLessonNews()
}

func (l *Lab) openDirect(name string) {
	ex, err := l.m.openDirect(name)
	l.act(err)
	if err == nil {
		l.announce(exchangeWords(&ex))
		l.post(newRequestMessage(&ex))
	}
}

// announce has screen readers say msg (the live region, announcer.go).
// The steps of the guided lesson the action completed are said after it.
func (l *Lab) announce(msg string) {
	if s := l.lessonNews(); s != "" {
		msg += " " + s
	}
	l.said = nextAnnouncement(l.said, msg)
}

// attributesSaved announces how a Save of the attributes form ended.
func (l *Lab) attributesSaved(err error) {
	if err != nil {
		l.announce("Attributes not saved: " + err.Error())
		return
	}
	l.announce("Attributes saved: the load balancer uses them now.")
}

func (l *Lab) saveAttributes(a engine.Attributes) error {
	_, err := l.m.do(Action{Do: DoSaveAttributes, Attributes: attributeValues(a)})
	return err
}

func (l *Lab) act(err error) {
	l.err = ""
	if err != nil {
		l.err = err.Error()
	}
}
