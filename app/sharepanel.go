package app

import (
	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// SharePanel shares the lab: a link that reproduces it, Copy link, Export
// (a scenario file) and Import. In an embedded lab only its error shows.
type SharePanel struct {
	app.Compo

	IHref     string // the link to this lab, absolute in the browser
	IStatus   string // how the latest copy went, "" for none
	IError    string // what is wrong with the latest scenario, "" for none
	IEmbedded bool
	IOnCopy   func()
	IOnExport func()
	// IOnImport gets the chosen file's name and text, or the error reading
	// it.
	IOnImport func(name string, data []byte, err error)
}

// Render draws the panel.
func (p *SharePanel) Render() app.UI {
	errUI := app.If(p.IError != "",
		app.P().Class("warning", "scenario-error").DataSet("testid", "scenario-error").Role("alert").Text(p.IError),
	)
	if p.IEmbedded {
		return app.Div().Class("share").Body(errUI)
	}
	return app.Section().Class("share").Aria("label", "Share this lab").Body(
		app.Div().Class("share-row").Body(
			app.Span().Class("muted").Text("Share this lab:"),
			app.A().Class("share-link").DataSet("testid", "share-link").Href(p.IHref).
				Title("This link opens the lab as you see it now: the same setup, your actions, the same next routing").
				Text("Link to this lab"),
			app.Button().Type("button").Class("small").DataSet("testid", "copy-link").Text("Copy link").
				OnClick(func(ctx app.Context, e app.Event) { call(p.IOnCopy) }),
			app.Button().Type("button").Class("small").DataSet("testid", "export-scenario").
				Title("Download this lab as a scenario file (JSON) you can edit and import").Text("Export file").
				OnClick(func(ctx app.Context, e app.Event) { call(p.IOnExport) }),
			app.Label().Class("import").Body(
				app.Span().Text("Import file"),
				app.Input().Type("file").Accept(".json,application/json").DataSet("testid", "import-scenario").
					OnChange(p.onFile),
			),
			app.If(p.IStatus != "", app.Span().Class("muted").DataSet("testid", "share-status").Text(p.IStatus)),
		),
		errUI,
	)
}

func call(f func()) {
	if f != nil {
		f()
	}
}

// onFile reads the chosen file with a FileReader and hands its text up.
func (p *SharePanel) onFile(ctx app.Context, e app.Event) {
	input := e.Get("target")
	files := input.Get("files")
	if !files.Truthy() || files.Length() == 0 || p.IOnImport == nil {
		return
	}
	file := files.Index(0)
	name := file.Get("name").String()
	if size := file.Get("size").Int(); size > maxScenarioBytes {
		input.Set("value", "")
		p.IOnImport(name, nil, errTooLarge)
		return
	}
	reader := app.Window().Get("FileReader").New()
	var onload, onerror app.Func
	done := func() {
		onload.Release()
		onerror.Release()
		input.Set("value", "") // the same file chosen again imports again
	}
	onload = app.FuncOf(func(this app.Value, args []app.Value) any {
		text := reader.Get("result").String()
		ctx.Dispatch(func(ctx app.Context) { p.IOnImport(name, []byte(text), nil) })
		done()
		return nil
	})
	onerror = app.FuncOf(func(this app.Value, args []app.Value) any {
		ctx.Dispatch(func(ctx app.Context) { p.IOnImport(name, nil, errUnreadable) })
		done()
		return nil
	})
	reader.Set("onload", onload)
	reader.Set("onerror", onerror)
	reader.Call("readAsText", file)
}
