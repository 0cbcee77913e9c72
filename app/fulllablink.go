package app

import "github.com/maxence-charriere/go-app/v9/pkg/app"

// FullLabLink is the embedded lab's title bar: its name and a link that
// opens the same lab, the learner's work included, with the site's chrome,
// in a new tab.
type FullLabLink struct {
	app.Compo

	IHref string // the full lab's address: the lab's share link (Lab.fullHref)
}

// Render draws the bar.
func (f *FullLabLink) Render() app.UI {
	return app.Div().Class("embed-bar").Body(
		app.H1().Class("embed-title").Text("stickylab"),
		app.A().Href(f.IHref).Target("_blank").Rel("noopener").DataSet("testid", "full-lab").
			Text("Open the full lab ↗").
			// go-app's window click handler would open it in this frame,
			// ignoring the target: the browser's default opens the new tab.
			OnClick(func(ctx app.Context, e app.Event) { e.Call("stopPropagation") }),
	)
}
