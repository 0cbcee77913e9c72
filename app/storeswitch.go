package app

import "github.com/maxence-charriere/go-app/v9/pkg/app"

// ExternalStoreSwitch turns the external session store on or off: every
// instance then keeps sessions in one shared store instead of its memory.
type ExternalStoreSwitch struct {
	app.Compo

	IOn       bool
	IOnSwitch func(on bool)
}

// Render draws the labelled checkbox.
func (s *ExternalStoreSwitch) Render() app.UI {
	return app.Label().Class("check").Body(
		app.Input().Type("checkbox").DataSet("testid", "external-store").Checked(s.IOn).OnChange(func(ctx app.Context, e app.Event) {
			if s.IOnSwitch != nil {
				s.IOnSwitch(ctx.JSSrc().Get("checked").Bool())
			}
		}),
		app.Text(" External session store: every instance keeps sessions in one shared store (ElastiCache, DynamoDB) instead of its own memory"),
	)
}
