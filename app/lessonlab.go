package app

import (
	"fmt"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// The Lab's guided lesson (?lesson=article): the model observes (lesson.go),
// the Lab shows the guide, says each step done and tells the course page.

// lessonNotice says what is wrong with the lesson parameter v, if anything.
func lessonNotice(v string) []string {
	if v == "" || v == LessonArticle {
		return nil
	}
	return []string{fmt.Sprintf("URL parameter lesson=%q is not valid: use %s. No guided lesson.", v, LessonArticle)}
}

// lesson returns the guided lesson shown: the lab's lesson parameter when
// it names one, else "" (labscenario.go keeps it through links and files).
func (l *Lab) lesson() string {
	if l.sc.lesson == LessonArticle {
		return l.sc.lesson
	}
	return ""
}

// lessonNews takes the steps done since it was last called: it posts them
// to the course page and returns what the live region says of them.
func (l *Lab) lessonNews() string {
	ns := l.m.lesson.takeNews()
	if len(ns) == 0 || l.lesson() == "" {
		return ""
	}
	for _, n := range ns {
		l.post(newLessonStepMessage(l.lesson(), n, l.m.lesson.doneCount()))
	}
	return lessonWords(ns)
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
	if l.lesson() == "" || l.tab() != tabBrowser {
		return nil
	}
	p := l.m.lesson
	steps := make([]LessonStepView, numLessonSteps)
	for i, s := range articleLessonSteps {
		steps[i] = LessonStepView{N: i + 1, Title: s.Title, How: s.How, Watch: s.Watch, Done: p.done[i], Detail: p.stepDetail(i + 1)}
	}
	return &LessonGuide{ISteps: steps, IQuestions: p.questions(instanceNames(l.m.lb)), IExit: Href("/")}
}

// predictionView is the prediction of the traffic lab's staged preset.
func (l *Lab) predictionView() app.UI {
	m := l.m
	q, ok := predictionFor(m.preset)
	if !ok {
		return nil
	}
	start := m.lesson.presetStarted
	key := fmt.Sprint(m.preset, "@", start.UnixMilli())
	choice, ok := l.predictions[key]
	if !ok {
		choice = -1
	}
	res, ok := l.measured[key]
	if !ok {
		// Measured once: the history is read when the horizon has passed.
		if r, done := q.measureOn(m.lb, start); done {
			res = &r
			if l.measured == nil {
				l.measured = map[string]*measured{}
			}
			l.measured[key] = res
		}
	}
	return &PresetPrediction{IQuestion: q, IPredicted: choice, IElapsed: m.lb.Now().Sub(start), IMeasured: res,
		IOnPredict: func(c int) {
			if l.predictions == nil {
				l.predictions = map[string]int{}
			}
			l.predictions[key] = c
			l.announce("Prediction locked in: " + q.Choices[c] + ".")
		}}
}
