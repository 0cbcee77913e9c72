package app

import (
	"github.com/maxence-charriere/go-app/v9/pkg/app"

	"github.com/stickylab/stickylab/engine"
)

// LoadBalancerTypePicker offers the three load balancer types as links: each
// opens a new lab of that type (the URL's lb= parameter).
type LoadBalancerTypePicker struct {
	app.Compo

	ICurrent engine.LoadBalancerType
	IHrefs   []string // the lab of each type, in engine.LoadBalancerTypes' order
}

// Render draws the links, the current type marked.
func (p *LoadBalancerTypePicker) Render() app.UI {
	return app.Nav().Class("lb-types").Aria("label", "Load balancer type").DataSet("testid", "lb-type").DataSet("current", string(p.ICurrent)).Body(
		app.Span().Class("muted").Text("Load balancer type: "),
		app.Range(engine.LoadBalancerTypes).Slice(func(i int) app.UI {
			t := engine.LoadBalancerTypes[i]
			a := app.A().Class("lb-type").DataSet("testid", "lb-type-"+string(t)).Text(t.Title())
			if i < len(p.IHrefs) {
				a = a.Href(p.IHrefs[i])
			}
			if t == p.ICurrent {
				a = a.Class("on").Aria("current", "page")
			}
			// A new lab: the browser loads the page (go-app would navigate
			// in place and keep this lab).
			return a.Title("Start a new lab with a " + t.Title()).OnClick(func(ctx app.Context, e app.Event) { e.Call("stopPropagation") })
		}),
	)
}
