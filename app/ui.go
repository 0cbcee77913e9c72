package app

import "github.com/maxence-charriere/go-app/v9/pkg/app"

// when returns f() when cond holds, else nothing (go-app drops a nil
// child). Unlike app.If, f is not evaluated when cond is false.
func when(cond bool, f func() app.UI) app.UI {
	if cond {
		return f()
	}
	return nil
}

// focusTestID moves the keyboard focus, once the update is rendered, to the
// element with data-testid id: the button that replaced the one pressed
// (Stop → Start), which the update may have built anew. Only a focus the
// update lost moves (nothing else took it meanwhile), and nothing scrolls.
// The component src stays mounted while the button is replaced (go-app
// drops a deferred call whose source is gone).
func focusTestID(ctx app.Context, src app.Composer, id string) {
	if app.IsServer {
		return
	}
	pressed := ctx.JSSrc() // go-app may reuse its element for another button
	ctx.Dispatcher().Dispatch(app.Dispatch{Mode: app.Defer, Source: src, Function: func(app.Context) {
		doc := app.Window().Get("document")
		if a := doc.Get("activeElement"); a.Truthy() && !a.Equal(doc.Get("body")) && !a.Equal(pressed) && a.Get("isConnected").Bool() {
			return // the learner has put the focus elsewhere
		}
		if el := doc.Call("querySelector", `[data-testid="`+id+`"]`); el.Truthy() {
			el.Call("focus", map[string]any{"preventScroll": true})
		}
	}})
}
