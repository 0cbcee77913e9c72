package app

import (
	"fmt"
	"strings"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// LessonQuestions asks the lesson's end questions, each answered from the
// learner's own run: Check says right or not, with the explanation.
type LessonQuestions struct {
	app.Compo

	IQuestions []lessonQuestion

	picked  map[int]string
	checked map[int]bool
}

// Render draws one form per question.
func (q *LessonQuestions) Render() app.UI {
	if q.picked == nil {
		q.picked, q.checked = map[int]string{}, map[int]bool{}
	}
	return app.Div().Class("lesson-questions").DataSet("testid", "lesson-questions").Body(
		app.H3().Text("Your run, in four questions"),
		app.P().Class("muted").Text("Each answer comes from what you did in this lab, not from the article."),
		app.Range(q.IQuestions).Slice(func(i int) app.UI { return q.question(i, q.IQuestions[i]) }),
	)
}

func (q *LessonQuestions) question(i int, lq lessonQuestion) app.UI {
	n := i + 1
	checked := q.checked[i]
	right := checked && strings.TrimSpace(q.picked[i]) == lq.Answer
	var answer app.UI
	if len(lq.Choices) == 0 {
		answer = app.Label().Class("lesson-number").Body(
			app.Span().Text("Your answer"),
			app.Input().Type("number").Attr("inputmode", "numeric").Min(0).DataSet("testid", fmt.Sprintf("lesson-answer-%d", n)).
				Value(q.picked[i]).OnInput(func(ctx app.Context, e app.Event) {
				// No ctx.PreventUpdate: go-app v9.8 never clears it, and the
				// component's own Check would not render again.
				q.picked[i] = ctx.JSSrc().Get("value").String()
			}, n),
		)
	} else {
		answer = app.Div().Class("lesson-choices").Body(
			app.Range(lq.Choices).Slice(func(j int) app.UI {
				c := lq.Choices[j]
				return app.Label().Class("check").Body(
					app.Input().Type("radio").Name(fmt.Sprintf("lesson-q%d", n)).Value(c).Checked(q.picked[i] == c).
						DataSet("testid", fmt.Sprintf("lesson-answer-%d-%d", n, j+1)).
						OnChange(func(ctx app.Context, e app.Event) { q.picked[i] = c }, n, c),
					app.Text(" "+c),
				)
			}),
		)
	}
	result := ""
	switch {
	case right:
		result = "Right: " + lq.Answer + ". "
	case checked && strings.TrimSpace(q.picked[i]) == "":
		result = "No answer given; in your run it was " + lq.Answer + ". "
	case checked:
		result = "Not quite: in your run it was " + lq.Answer + ". "
	}
	return app.Form().Class("lesson-question").DataSet("testid", "lesson-question").DataSet("question", n).
		DataSet("checked", checked).DataSet("correct", right).OnSubmit(func(ctx app.Context, e app.Event) {
		e.PreventDefault()
		q.checked[i] = true
	}, n).Body(
		app.FieldSet().Body(
			app.Legend().Text(fmt.Sprintf("%d. %s", n, lq.Text)),
			answer,
		),
		app.Button().Type("submit").Class("secondary").DataSet("testid", fmt.Sprintf("lesson-check-%d", n)).Text("Check").Aria("label", fmt.Sprintf("Check answer %d", n)),
		app.Div().Role("status").Body(
			when(checked, func() app.UI {
				return app.P().Class("lesson-result", map[bool]string{true: "right", false: "wrong"}[right]).DataSet("testid", fmt.Sprintf("lesson-result-%d", n)).
					Text(result + lq.Explain)
			}),
		),
	)
}
