package app

import (
	"fmt"
	"time"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// PresetPrediction asks the traffic lab's lesson question before its
// incident plays out, then shows the measured answer beside the learner's.
type PresetPrediction struct {
	app.Compo

	IQuestion  presetPrediction
	IPredicted int           // the learner's choice, -1 for none yet
	IElapsed   time.Duration // since the lesson started, on the simulated clock
	IMeasured  *measured     // nil until the Horizon has passed
	IOnPredict func(choice int)

	draft int // the choice ticked + 1, 0 for none
}

// Render draws the question, or the two answers side by side.
func (p *PresetPrediction) Render() app.UI {
	q := p.IQuestion
	choice := func(i int) string {
		if i < 0 || i >= len(q.Choices) {
			return "—"
		}
		return q.Choices[i]
	}
	due := fmt.Sprintf("Measured %s into the lesson (now %s).", humanDuration(q.Horizon), clockWords(p.IElapsed))
	var body app.UI
	switch {
	case p.IMeasured != nil:
		right := p.IPredicted >= 0 && p.IPredicted == p.IMeasured.Answer
		verdict := predictionVerdict(p.IPredicted, p.IMeasured)
		body = app.Div().Class("prediction-result", map[bool]string{true: "right", false: "wrong"}[right]).DataSet("testid", "prediction-result").
			DataSet("correct", right).DataSet("measured", p.IMeasured.Answer).Body(
			app.P().Body(app.Strong().Text("You predicted: "), app.Text(choice(p.IPredicted))),
			app.P().Body(app.Strong().Text("Measured: "), app.Text(choice(p.IMeasured.Answer)+". "+p.IMeasured.Words)),
			app.P().Text(verdict),
		)
	case p.IPredicted >= 0:
		body = app.P().Class("prediction-result", "pending").DataSet("testid", "prediction-result").DataSet("measured", -1).TabIndex(-1).
			Text("You predicted: " + choice(p.IPredicted) + ". " + due + " Fast-forward to get there sooner.")
	default:
		order := q.shown()
		body = app.Form().OnSubmit(func(ctx app.Context, e app.Event) {
			e.PreventDefault()
			if p.draft > 0 && p.IOnPredict != nil {
				p.IOnPredict(p.draft - 1)
				focusTestID(ctx, p, "prediction-result") // the form it replaces had the focus
			}
		}).Body(
			app.FieldSet().Body(
				app.Legend().Text(q.Question),
				app.Div().Class("prediction-choices").Body(
					app.Range(order).Slice(func(k int) app.UI {
						i := order[k]
						return app.Label().Class("check").Body(
							app.Input().Type("radio").Name("prediction").Value(i).Checked(p.draft == i+1).Required(true).
								DataSet("testid", fmt.Sprintf("prediction-choice-%d", i+1)).
								OnChange(func(ctx app.Context, e app.Event) { p.draft = i + 1 }, i),
							app.Text(" "+q.Choices[i]),
						)
					}),
				),
			),
			app.Div().Class("row").Body(
				app.Button().Type("submit").Class("secondary").DataSet("testid", "predict").Text("Lock in my prediction"),
				app.Span().Class("muted").Text(due+" Pause to think first."),
			),
		)
	}
	return app.Div().Class("panel", "prediction").DataSet("testid", "prediction").DataSet("preset", q.Preset).Body(
		app.H3().Text("Predict, then measure"),
		body,
	)
}

// predictionVerdict compares the learner's choice (-1 for none) with the
// measured answer.
func predictionVerdict(choice int, m *measured) string {
	switch {
	case choice < 0:
		return "You made no prediction before the answer was in."
	case choice == m.Answer:
		return "Your prediction was right."
	}
	return "Not what you predicted."
}

// clockWords says a lesson's elapsed time as m:ss.
func clockWords(d time.Duration) string {
	d = max(d, 0).Truncate(time.Second)
	return fmt.Sprintf("%d:%02d", int(d/time.Minute), int(d%time.Minute/time.Second))
}
