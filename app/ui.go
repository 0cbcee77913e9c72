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

// revealTestID scrolls the element with data-testid id to the top of the
// window after the update, when the update left it below the fold (a phone's
// one column): what a click staged is seen without a search. The focus stays.
func revealTestID(ctx app.Context, src app.Composer, id string) {
	if app.IsServer {
		return
	}
	ctx.Dispatcher().Dispatch(app.Dispatch{Mode: app.Defer, Source: src, Function: func(app.Context) {
		w := app.Window()
		el := w.Get("document").Call("querySelector", `[data-testid="`+id+`"]`)
		if !el.Truthy() {
			return
		}
		if r := el.Call("getBoundingClientRect"); r.Get("top").Float() > 0.75*w.Get("innerHeight").Float() || r.Get("bottom").Float() < 0 {
			el.Call("scrollIntoView", map[string]any{"block": "start"})
		}
	}})
}

// camelBreaks is text s with a line-break opportunity (wbr) before each inner
// capital of a long CamelCase word (NonSticky·Request·Count): a narrow
// column breaks it between its words, not inside one.
func camelBreaks(s string) []app.UI {
	var out []app.UI
	start := 0
	for i := 1; i < len(s); i++ {
		if s[i] >= 'A' && s[i] <= 'Z' && s[i-1] >= 'a' && s[i-1] <= 'z' && camelWordLen(s, i) >= 16 {
			out = append(out, app.Text(s[start:i]), app.Wbr())
			start = i
		}
	}
	return append(out, app.Text(s[start:]))
}

// camelWordLen is the length of the word of s around byte i.
func camelWordLen(s string, i int) int {
	a, b := i, i
	for a > 0 && s[a-1] != ' ' {
		a--
	}
	for b < len(s) && s[b] != ' ' && s[b] != ':' && s[b] != ',' && s[b] != ')' {
		b++
	}
	return b - a
}
