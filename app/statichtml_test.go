package app

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v9/pkg/app"

	"github.com/stickylab/stickylab/engine"
)

// The glossary and the assumptions are static HTML (glossaryHTML,
// assumptionsHTML); these tests check them equal to the same elements built
// with go-app, as they were before.

func glossaryBuilt() app.UI {
	return app.Section().Class("glossary").ID("glossary").DataSet("testid", "glossary").Aria("label", "Glossary").Body(
		app.H2().Text("Glossary"),
		app.Dl().Body(
			app.Range(glossary).Slice(func(i int) app.UI {
				t := glossary[i]
				return app.Div().Class("term").ID("term-"+t.ID).DataSet("testid", "term-"+t.ID).Body(
					app.Dt().Text(t.Term),
					app.Dd().Body(
						app.Text(t.Text+" "),
						app.A().Href(t.Source).Attr("rel", "noopener").Text(docsTitles[t.Source]),
					),
				)
			}),
		),
	)
}

func assumptionsBuilt() app.UI {
	return app.Details().Class("assumptions").DataSet("testid", "assumptions").Body(
		app.Summary().Text("Simulated assumptions (where AWS does not document the behaviour)"),
		app.Ul().Body(
			app.Range(engine.Assumptions).Slice(func(i int) app.UI {
				x := engine.Assumptions[i]
				return app.Li().Body(app.Strong().Text(x.Topic+": "), app.Text(x.Choice))
			}),
		),
	)
}

// treeString prints a parsed tree: tags, attributes in order, texts
// trimmed.
func treeString(n *htmlNode) string {
	var b strings.Builder
	var walk func(*htmlNode)
	walk = func(n *htmlNode) {
		if n.tag == "" {
			// go-app prints line breaks between elements; the DOM it
			// builds has none.
			if t := strings.TrimSpace(n.text); t != "" {
				fmt.Fprintf(&b, "%q", t)
			}
			return
		}
		keys := make([]string, 0, len(n.attrs))
		for k := range n.attrs {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		fmt.Fprintf(&b, "<%s", n.tag)
		for _, k := range keys {
			fmt.Fprintf(&b, " %s=%q", k, n.attrs[k])
		}
		b.WriteString(">")
		for _, c := range n.children {
			walk(c)
		}
		fmt.Fprintf(&b, "</%s>", n.tag)
	}
	walk(n)
	return b.String()
}

func TestStaticHTMLEqualsBuilt(t *testing.T) {
	for _, tc := range []struct {
		name        string
		static, ref app.UI
		elements    int
	}{
		{"glossary", (&Glossary{}).Render(), glossaryBuilt(), 4 + 4*len(glossary)},
		{"assumptions", (&AssumptionList{}).Render(), assumptionsBuilt(), 4 + 2*len(engine.Assumptions)},
	} {
		got, want := renderTree(t, tc.static), renderTree(t, tc.ref)
		if g, w := treeString(got), treeString(want); g != w {
			t.Errorf("%s: static HTML\n%s\nbuilt\n%s", tc.name, g, w)
		}
		if n := len(got.find(func(*htmlNode) bool { return true })); n != tc.elements { // with the root
			t.Errorf("%s: %d elements, want %d", tc.name, n, tc.elements)
		}
	}
}
