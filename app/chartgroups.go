package app

import (
	"github.com/maxence-charriere/go-app/v9/pkg/app"

	"github.com/stickylab/stickylab/engine"
)

// groupLoad is one target group's share of the chart's latest load.
type groupLoad struct {
	name string
	rps  float64
}

// chartNames returns the chart's name of each instance, by number - 1,
// and its target group behind a weighted rule (names "Instance 1 · blue";
// groups nil with one target group).
func chartNames(lb *engine.LoadBalancer) (names, groups []string) {
	several := weighted(lb)
	for _, t := range lb.Instances() {
		name := t.Name
		if several && t.TargetGroup() != nil {
			g := t.TargetGroup().Name
			name += " · " + g
			groups = append(groups, g)
		}
		names = append(names, name)
	}
	return names, groups
}

// groupLoads sums the latest requests per second of series by target
// group, in order of appearance; nil without groups.
func groupLoads(series []chartSeries, groups []string) []groupLoad {
	var out []groupLoad
	for i, s := range series {
		if i >= len(groups) {
			break
		}
		j := 0
		for j < len(out) && out[j].name != groups[i] {
			j++
		}
		if j == len(out) {
			out = append(out, groupLoad{name: groups[i]})
		}
		out[j].rps += s.lastRPS
	}
	return out
}

// groupLoadLine says each target group's load under the chart, nil with
// one target group.
func groupLoadLine(gs []groupLoad) app.UI {
	if len(gs) == 0 {
		return nil
	}
	return app.P().Class("group-load").DataSet("testid", "group-load").Body(
		app.Strong().Text("Per target group: "),
		app.Range(gs).Slice(func(i int) app.UI {
			g := gs[i]
			sep := ""
			if i > 0 {
				sep = " · "
			}
			return app.Span().DataSet("testid", "group-load-"+g.name).DataSet("last", num(g.rps)).Text(sep + g.name + " " + formatRate(g.rps) + " req/s")
		}),
	)
}
