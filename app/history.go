package app

import (
	"net/url"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// The Lab's tab lives in the URL's view parameter: a tab the learner picks
// adds a history entry, and Back or Forward shows the tab of the entry.

// tabOfQuery returns the tab a URL query opens: view if valid, else the
// traffic lab when it stages a preset, else the learner's browser.
func tabOfQuery(q url.Values) string {
	if v, ok := first(q, "view"); ok && (v == tabBrowser || v == tabTraffic) {
		return v
	}
	if _, ok := first(q, "preset"); ok {
		return tabTraffic
	}
	return tabBrowser
}

// withTab returns u with its view parameter set to tab, the other
// parameters kept.
func withTab(u url.URL, tab string) *url.URL {
	q := u.Query()
	q.Set("view", tab)
	u.RawQuery = q.Encode()
	return &u
}

// pushTab adds a history entry whose URL opens tab (in the browser only).
func (l *Lab) pushTab(tab string) {
	if app.IsServer {
		return
	}
	w := app.Window()
	u := w.URL()
	if u == nil || tabOfQuery(u.Query()) == tab {
		return
	}
	w.Get("history").Call("pushState", nil, "", withTab(*u, tab).String())
}

// watchHistory shows the tab of the history entry the learner goes back or
// forward to. go-app's popstate handler would mount a new Lab for a new
// query, restarting the simulation, so it is called only for other paths.
func (l *Lab) watchHistory(ctx app.Context) {
	if app.IsServer {
		return
	}
	w := app.Window()
	start := w.URL()
	if start == nil {
		return
	}
	path := start.Path
	goapp := w.Get("onpopstate")
	var f app.Func
	f = app.FuncOf(func(this app.Value, args []app.Value) any {
		if u := w.URL(); u != nil && u.Path == path && ctx.Err() == nil {
			tab := tabOfQuery(u.Query())
			ctx.Dispatch(func(ctx app.Context) { l.setTab(tab) })
			return nil
		}
		if w.Get("onpopstate").Equal(f) {
			w.Set("onpopstate", goapp) // this Lab is gone: go-app's again
		}
		if goapp.Truthy() {
			in := make([]any, len(args))
			for i, a := range args {
				in[i] = a
			}
			goapp.Invoke(in...)
		}
		return nil
	})
	w.Set("onpopstate", f)
}
