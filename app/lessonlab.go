package app

import (
	"fmt"
	"time"

	"github.com/maxence-charriere/go-app/v9/pkg/app"

	"github.com/stickylab/stickylab/engine"
)

// The Lab's guided lesson (?lesson=article, classic, network, blue-green):
// the model observes (lessons.go), the Lab shows the guide of the lesson
// the URL names, says each step done and tells the course page.

// lesson returns the guided lesson shown: the one the lab's lesson
// parameter names when it fits the lab's setup, else nil (labscenario.go
// keeps the parameter through links and files).
func (l *Lab) lesson() *guidedLesson {
	if g := lessonByID(l.sc.lesson); g != nil && g.misfit(l.m.setup) == "" {
		return g
	}
	return nil
}

// lessonNews takes the steps done since it was last called: it posts the
// shown lesson's to the course page and returns what the live region says
// of them.
func (l *Lab) lessonNews() string {
	g := l.lesson()
	var ns []int
	for id, r := range l.m.lessons {
		if news := r.steps().takeNews(); g != nil && id == g.ID {
			ns = news
		}
	}
	if len(ns) == 0 {
		return ""
	}
	done := l.m.lessons[g.ID].steps().doneCount()
	for _, n := range ns {
		l.post(newLessonStepMessage(g, n, done))
	}
	return lessonWords(g, ns)
}

// sayLessonNews has screen readers say the steps just done, after an
// action that announces nothing else.
func (l *Lab) sayLessonNews() {
	if s := l.lessonNews(); s != "" {
		l.said = nextAnnouncement(l.said, s)
	}
}

// lessonView is the guide on the browser tab, nil without a lesson.
func (l *Lab) lessonView() app.UI {
	g := l.lesson()
	if g == nil || l.tab() != tabBrowser {
		return nil
	}
	r := l.m.lessons[g.ID]
	p := r.steps()
	steps := make([]LessonStepView, len(g.Steps))
	for i, s := range g.Steps {
		steps[i] = LessonStepView{N: i + 1, Title: s.Title, How: s.How, Watch: s.Watch, Done: p.done[i], Detail: r.stepDetail(i + 1)}
	}
	var next *engine.Preset
	if pr, ok := engine.PresetByID(g.Next); ok && p.doneCount() == len(g.Steps) {
		next = &pr
	}
	guide := &LessonGuide{ILesson: g.ID, ITitle: g.Title, ISteps: steps, IQuestions: r.questions(instanceNames(l.m.lb)), INext: next, IExit: l.exitLessonHref()}
	if next != nil {
		guide.INextHref = l.embed.newLabHref(map[string]string{"preset": next.ID})
	}
	return guide
}

// exitLessonHref is the address of a new lab like this one (its type,
// instances and the rest of its setup) without the lesson.
func (l *Lab) exitLessonHref() string {
	ps := l.shareParams()
	for _, k := range []string{"lesson", "preset", "view"} {
		delete(ps, k)
	}
	return l.embed.newLabHref(ps)
}

// predictionView is the prediction of the traffic lab's staged preset.
func (l *Lab) predictionView() app.UI {
	m := l.m
	q, key, choice, res, ok := l.prediction()
	if !ok {
		return nil
	}
	return &PresetPrediction{IQuestion: q, IPredicted: choice, IElapsed: m.lb.Now().Sub(m.presetStarted), IMeasured: res,
		IOnPredict: func(c int) {
			if m.predictions == nil {
				m.predictions = map[string]int{}
			}
			m.predictions[key] = c
			l.save() // the prediction survives a reload, as the lab does
			l.announce("Prediction locked in: " + q.Choices[c] + ".")
		}}
}

// prediction returns the staged preset's question, its key, the learner's
// choice (-1 for none) and the measured answer (nil before its horizon),
// measuring it once the horizon has passed; ok is false without one.
func (l *Lab) prediction() (q presetPrediction, key string, choice int, res *measured, ok bool) {
	m := l.m
	if q, ok = predictionFor(m.preset); !ok {
		return q, "", -1, nil, false
	}
	start := m.presetStarted
	key = predictionKey(m.preset, start)
	choice, chosen := m.predictions[key]
	if !chosen {
		choice = -1
	}
	res, measuredBefore := l.measured[key]
	if !measuredBefore {
		// Measured once: the history is read when the horizon has passed.
		if r, done := q.measureOn(m.lb, start); done {
			res = &r
			if l.measured == nil {
				l.measured = map[string]*measured{}
			}
			l.measured[key] = res
		}
	}
	return q, key, choice, res, true
}

// sayPrediction has screen readers hear the staged preset's measured answer
// once it is in, beside the learner's prediction (each frame asks).
func (l *Lab) sayPrediction() {
	q, key, choice, res, ok := l.prediction()
	if !ok || res == nil || l.saidPrediction == key {
		return
	}
	l.saidPrediction = key
	words := "Prediction measured: "
	if res.Answer >= 0 && res.Answer < len(q.Choices) {
		words += q.Choices[res.Answer] + ". "
	}
	words += res.Words + " " + predictionVerdict(choice, res)
	l.announce(words)
}

// predictionKey names a lesson's prediction: its preset, staged at start.
func predictionKey(preset string, start time.Time) string {
	return fmt.Sprint(preset, "@", start.UnixMilli())
}
