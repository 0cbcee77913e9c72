package app

import (
	"fmt"

	"github.com/maxence-charriere/go-app/v9/pkg/app"

	"github.com/stickylab/stickylab/engine"
)

// LessonStepView is one step of the guided lesson as the guide shows it.
type LessonStepView struct {
	N                 int
	Title, How, Watch string
	Detail            string // what the lab observed, once done
	Done              bool
}

// LessonGuide walks the learner through the article one step at a time:
// every step ticked when the lab observed it, the next one to do open, and
// the questions on the learner's own run once all are done.
type LessonGuide struct {
	app.Compo

	ILesson    string // its id, as the URL's lesson=
	ITitle     string
	ISteps     []LessonStepView
	IQuestions []lessonQuestion
	INext      *engine.Preset // the traffic lab lesson offered once all steps are done
	INextHref  string         // INext's address
	IExit      string         // the lab without the lesson
}

// Render draws the guide.
func (g *LessonGuide) Render() app.UI {
	done, next := 0, 0
	for _, s := range g.ISteps {
		if s.Done {
			done++
		} else if next == 0 {
			next = s.N
		}
	}
	total := len(g.ISteps)
	return app.Section().Class("panel", "lesson-guide").DataSet("testid", "lesson").DataSet("lesson", g.ILesson).Aria("labelledby", "lesson-title").Body(
		app.H2().ID("lesson-title").Text(g.ITitle),
		app.P().Class("muted").Text("Do each step in this lab and in your browser's own DevTools (on a phone, which has none, the lab's Cookies in your browser panel shows the same cookies). The lab ticks a step only when it sees it happen, "+
			"in any order; the next step to do is open. Your progress is part of the lab, as your cookies and sessions are."),
		app.Div().Class("lesson-progress").DataSet("testid", "lesson-progress").DataSet("done-count", done).Body(
			app.Strong().Text(fmt.Sprintf("%d of %d steps observed", done, total)),
			app.Div().Class("lesson-bar").Aria("hidden", true).Body(
				app.Div().Class("lesson-bar-fill").Style("width", fmt.Sprintf("%d%%", 100*done/max(total, 1))),
			),
		),
		app.Ol().Class("lesson-steps").Body(
			app.Range(g.ISteps).Slice(func(i int) app.UI { return g.step(g.ISteps[i], g.ISteps[i].N == next) }),
		),
		when(len(g.IQuestions) > 0, func() app.UI { return &LessonQuestions{IQuestions: g.IQuestions} }),
		when(g.INext != nil, func() app.UI {
			return app.P().Class("lesson-next").Body(
				app.Strong().Text("Every step observed. "),
				lessonLink(g.INextHref, "lesson-next", "Next, in the traffic lab: "+g.INext.Title+" →"),
			)
		}),
		app.P().Class("muted").Body(lessonLink(g.IExit, "leave-lesson", "Leave the lesson"), app.Text(" (a new lab without the guide)")),
	)
}

// step is one step: its title, and when open, how to do it and what the lab
// watches for, or what it observed.
func (g *LessonGuide) step(s LessonStepView, next bool) app.UI {
	state, mark := "to do", ""
	if s.Done {
		state, mark = "done", "✓ "
	}
	return app.Li().Class("lesson-step", map[bool]string{true: "done", false: ""}[s.Done], map[bool]string{true: "next", false: ""}[next]).
		DataSet("testid", "lesson-step").DataSet("step", s.N).DataSet("done", s.Done).Body(
		app.Details().Open(next).Body(
			app.Summary().Body(
				app.Span().Class("lesson-mark").Aria("hidden", true).Text(mark),
				app.Text(s.Title),
				app.Span().Class("visually-hidden").Text(" ("+state+")"),
			),
			app.P().Text(s.How),
			app.P().Class("muted").Text(s.Watch),
			when(s.Detail != "", func() app.UI { return app.P().Class("lesson-seen").Text("Observed: " + s.Detail) }),
		),
	)
}
