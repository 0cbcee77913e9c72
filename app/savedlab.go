package app

import (
	"strconv"
	"time"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// SavedLab is the bar about the lab saved in this browser: restored or
// new, run by this tab or another one, and the Reset lab button.
type SavedLab struct {
	app.Compo

	IHold       int           // holdHeld, holdOther, holdLost or holdUnknown
	IRestored   string        // how long ago the restored lab was saved, "" for a new lab
	IError      string        // the last save's failure
	ITook       time.Duration // how long the restore took (data-restore-ms, for make bench)
	IOnReset    func()
	IOnTakeOver func()
}

// Render draws the bar.
func (s *SavedLab) Render() app.UI {
	var status string
	switch {
	case s.IHold == holdOther:
		status = "This lab is open in another tab, which runs and saves it: this tab shows it as it was when opened and saves nothing."
	case s.IHold == holdLost:
		status = "Another tab took this lab over: this tab no longer saves it."
	case s.IRestored != "":
		status = "Your lab goes on where you left it (saved " + s.IRestored + "): instances, sessions, cookies and the request log."
	}
	return app.Div().Class("saved-lab").DataSet("testid", "saved-lab").DataSet("hold", holdNames[s.IHold]).
		DataSet("restore-ms", strconv.FormatFloat(float64(s.ITook.Microseconds())/1000, 'f', 1, 64)).Body(
		app.If(status != "", app.P().Class("saved-status").DataSet("testid", "saved-status").Text(status)),
		app.If(s.IError != "", app.P().Class("warning").Role("alert").Text(s.IError)),
		app.If(s.IHold == holdOther || s.IHold == holdLost,
			app.Button().Type("button").DataSet("testid", "take-over").Text("Run the lab in this tab").
				OnClick(func(ctx app.Context, e app.Event) { s.IOnTakeOver() }),
		),
		app.Button().Type("button").Class("secondary").DataSet("testid", "reset-lab").Text("Reset lab").
			Title("Forget the lab saved in this browser and its cookies, and start the lab of this address afresh").
			OnClick(func(ctx app.Context, e app.Event) {
				s.IOnReset()
				focusTestID(ctx, s, "reset-lab") // the new lab's page is built anew
			}),
	)
}

var holdNames = [...]string{holdUnknown: "unknown", holdHeld: "held", holdOther: "other", holdLost: "lost"}
