package app

import (
	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// labTabs are the Lab's tabs, in order: id and label.
var labTabs = []struct{ id, label string }{{tabBrowser, "Your browser"}, {tabTraffic, "Traffic lab"}}

// TabBar is the Lab's tab list (the WAI-ARIA tabs pattern): the selected
// tab is the one in the Tab order; arrow keys, Home and End select another.
type TabBar struct {
	app.Compo

	ISelected string
	IOnSelect func(tab string)
}

// tabID and panelID are the ids of a tab and of the panel it controls.
func tabID(tab string) string   { return "tab-" + tab }
func panelID(tab string) string { return "panel-" + tab }

// Render draws the tabs.
func (b *TabBar) Render() app.UI {
	return app.Div().Class("tabs").Role("tablist").Aria("label", "Lab views").Body(
		app.Range(labTabs).Slice(func(i int) app.UI {
			t := labTabs[i]
			on := b.ISelected == t.id
			return app.Button().Type("button").ID(tabID(t.id)).Class("tab", map[bool]string{true: "on", false: ""}[on]).DataSet("testid", t.id+"-tab").
				Role("tab").Aria("selected", on).Aria("controls", panelID(t.id)).TabIndex(map[bool]int{true: 0, false: -1}[on]).Text(t.label).
				OnClick(func(ctx app.Context, e app.Event) { b.selectTab(t.id) }, t.id).
				OnKeyDown(func(ctx app.Context, e app.Event) {
					if next := tabAfterKey(t.id, e.Get("key").String()); next != "" {
						e.PreventDefault()
						b.selectTab(next)
						if el := app.Window().GetElementByID(tabID(next)); el.Truthy() {
							el.Call("focus")
						}
					}
				}, t.id)
		}),
	)
}

func (b *TabBar) selectTab(tab string) {
	if b.IOnSelect != nil && tab != b.ISelected {
		b.IOnSelect(tab)
	}
}

// tabAfterKey returns the tab a key pressed on tab from selects: the next
// or previous one (wrapping), the first or the last; "" for other keys.
func tabAfterKey(from, key string) string {
	i := 0
	for j, t := range labTabs {
		if t.id == from {
			i = j
		}
	}
	n := len(labTabs)
	switch key {
	case "ArrowRight":
		i = (i + 1) % n
	case "ArrowLeft":
		i = (i + n - 1) % n
	case "Home":
		i = 0
	case "End":
		i = n - 1
	default:
		return ""
	}
	return labTabs[i].id
}
