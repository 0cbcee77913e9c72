package app

import "github.com/maxence-charriere/go-app/v9/pkg/app"

// Lab is a placeholder for the lab's main page: a Refresh button and the name
// of the instance that served the last request.
type Lab struct {
	app.Compo

	servedBy string
}

// Render renders the placeholder page.
func (l *Lab) Render() app.UI {
	return app.Main().Class("lab").Body(
		app.H1().Body(
			app.A().Href(Href("/")).DataSet("testid", "home").Text("stickylab"),
		),
		app.Button().
			DataSet("testid", "refresh").
			Text("Refresh").
			OnClick(l.onRefresh),
		app.P().DataSet("testid", "served-by").Text(l.servedBy),
	)
}

func (l *Lab) onRefresh(ctx app.Context, e app.Event) {
	l.servedBy = "Instance Number 1"
}
