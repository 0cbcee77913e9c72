package app

import (
	"html"
	"strings"
	"sync"

	"github.com/maxence-charriere/go-app/v9/pkg/app"

	"github.com/stickylab/stickylab/engine"
)

// AssumptionList shows the behaviours AWS does not document that the
// simulator had to choose, so a learner can tell them from AWS's rules.
type AssumptionList struct {
	app.Compo
}

// Render draws the list, folded: static HTML (assumptionsHTML), which the
// browser parses in one go instead of go-app building its nodes one by one.
func (a *AssumptionList) Render() app.UI { return app.Raw(assumptionsHTML()) }

// assumptionsHTML is the folded list, built once.
var assumptionsHTML = sync.OnceValue(func() string {
	var b strings.Builder
	b.WriteString(`<details class="assumptions" data-testid="assumptions"><summary>Simulated assumptions (where AWS does not document the behaviour)</summary><ul>`)
	for _, x := range engine.Assumptions {
		b.WriteString(`<li><strong>` + html.EscapeString(x.Topic+": ") + `</strong>` + html.EscapeString(x.Choice) + `</li>`)
	}
	b.WriteString(`</ul></details>`)
	return b.String()
})
