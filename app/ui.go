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
