package app

import (
	"strconv"

	"github.com/maxence-charriere/go-app/v9/pkg/app"

	"github.com/stickylab/stickylab/engine"
)

// The share panel's geometry behind a weighted rule: below the lanes, the
// chart growing by shareHeight.
const (
	shareTop    = chartH + 14
	shareBottom = chartH + 80
	shareHeight = 108.0
)

// groupColors colour the target groups in order: blue, green, then more
// of the palette (whose dark-theme colours app.css sets).
var groupColors = []string{"#1d4ed8", "#15803d", "#7c3aed", "#be123c", "#a16207"}

// groupLoad is one target group's series: its share of the requests per
// bin and, at the latest bin, its share and its requests per second.
type groupLoad struct {
	name   string
	color  string
	rps    float64
	share  float64 // percent of the latest bin's requests, -1 when none
	points string
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

// groupShares sums the instances' binned requests per second (rps, by
// instance) by target group (groups, by instance) and draws each group's
// share of every bin with requests, at x(bin); nil without groups.
func groupShares(rps [][]float64, counts []int, groups []string, x func(int) float64) []groupLoad {
	var out []groupLoad
	of := make([]int, len(rps))
	for i := range rps {
		of[i] = -1
		if i >= len(groups) {
			continue
		}
		j := 0
		for j < len(out) && out[j].name != groups[i] {
			j++
		}
		if j == len(out) {
			out = append(out, groupLoad{name: groups[i], color: groupColors[j%len(groupColors)]})
		}
		of[i] = j
	}
	if len(out) == 0 {
		return nil
	}
	per := make([][]float64, len(out))
	for j := range per {
		per[j] = make([]float64, len(counts))
	}
	total := make([]float64, len(counts))
	for i, g := range of {
		if g < 0 {
			continue
		}
		for b, v := range rps[i] {
			per[g][b] += v
			total[b] += v
		}
	}
	lastBin := -1
	for b, c := range counts {
		if c > 0 {
			lastBin = b
		}
	}
	var buf []byte
	for j := range out {
		buf = buf[:0]
		n := 0
		for b, c := range counts {
			if c == 0 || total[b] == 0 {
				continue // no request: no share
			}
			if n > 0 {
				buf = append(buf, ' ')
			}
			n++
			buf = strconv.AppendFloat(buf, x(b), 'f', 1, 64)
			buf = append(buf, ',')
			buf = strconv.AppendFloat(buf, shareBottom-(shareBottom-shareTop)*per[j][b]/total[b], 'f', 1, 64)
		}
		if n == 1 { // a dot: the point twice, drawn with round caps
			buf = append(append(buf, ' '), buf...)
		}
		out[j].points, out[j].share = string(buf), -1
		if lastBin >= 0 {
			out[j].rps = per[j][lastBin]
			if total[lastBin] > 0 {
				out[j].share = 100 * per[j][lastBin] / total[lastBin]
			}
		}
	}
	return out
}

// groupShareElems draws the share panel: its axis and one line per target
// group; nil with one target group.
func groupShareElems(gs []groupLoad) []app.UI {
	if len(gs) == 0 {
		return nil
	}
	elems := []app.UI{
		svgText(chartLeft, shareTop-8, "", true, "Share of requests per target group"),
		svgLine(chartLeft, chartRight, shareTop, shareTop, "#eef1f4"),
		svgLine(chartLeft, chartRight, (shareTop+shareBottom)/2, (shareTop+shareBottom)/2, "#eef1f4"),
		svgLine(chartLeft, chartRight, shareBottom, shareBottom, "#d1d9e0"),
		svgText(chartLeft-6, shareTop+4, "end", false, "100%"),
		svgText(chartLeft-6, (shareTop+shareBottom)/2+4, "end", false, "50%"),
		svgText(chartLeft-6, shareBottom+4, "end", false, "0"),
	}
	for _, g := range gs {
		elems = append(elems, svgElem("polyline").Attr("fill", "none").Attr("stroke-width", "2.5").Attr("stroke-linejoin", "round").Attr("stroke-linecap", "round").
			Attr("stroke", g.color).Attr("points", g.points).DataSet("testid", "series-group-"+g.name).DataSet("last", num(g.share)))
	}
	return elems
}

// groupLegend lists each target group's latest share and load, the share
// lines' text equivalent; nil with one target group.
func groupLegend(gs []groupLoad) app.UI {
	if len(gs) == 0 {
		return nil
	}
	return app.Ul().Class("legend").DataSet("testid", "group-load").Aria("label", "Share of requests per target group").Body(
		app.Range(gs).Slice(func(i int) app.UI {
			g := gs[i]
			share := "no requests"
			if g.share >= 0 {
				share = strconv.Itoa(int(g.share+0.5)) + "% of requests"
			}
			return app.Li().DataSet("testid", "group-load-"+g.name).DataSet("last", num(g.rps)).DataSet("share", num(g.share)).Body(
				app.Span().Class("swatch", "group").Style("background", g.color),
				app.Strong().Text("Target group "+g.name),
				app.Span().Class("muted").Text(" "+share+" · "+formatRate(g.rps)+" req/s"),
			)
		}),
	)
}
