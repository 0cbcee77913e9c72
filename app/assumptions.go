package app

import (
	"github.com/maxence-charriere/go-app/v9/pkg/app"

	"github.com/stickylab/stickylab/engine"
)

// AssumptionList shows the behaviours AWS does not document that the
// simulator had to choose, so a learner can tell them from AWS's rules.
type AssumptionList struct {
	app.Compo
}

// Render draws the list, folded.
func (a *AssumptionList) Render() app.UI {
	return app.Details().Class("assumptions").DataSet("testid", "assumptions").Body(
		app.Summary().Text("Simulated assumptions (where AWS does not document the behaviour)"),
		app.Ul().Body(
			app.Range(engine.Assumptions).Slice(func(i int) app.UI {
				x := engine.Assumptions[i]
				return app.Li().Body(app.Strong().Text(x.Topic+": "), app.Text(x.Choice))
			}),
		),
	)
}
