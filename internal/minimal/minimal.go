// Package minimal is the smallest go-app page: one Div. make bench builds it
// beside the lab to compare their load times (load_ratio_vs_minimal).
package minimal

import "github.com/maxence-charriere/go-app/v9/pkg/app"

// Page is a component that renders one div with data-testid="served-by", so
// the benchmark waits for the same selector as on the lab.
type Page struct {
	app.Compo
}

// Render renders the div.
func (p *Page) Render() app.UI {
	return app.Div().DataSet("testid", "served-by").Text("minimal")
}

// Routes registers Page at "/".
func Routes() {
	app.Route("/", &Page{})
}
