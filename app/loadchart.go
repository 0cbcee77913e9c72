package app

import (
	"math"
	"strconv"
	"time"

	"github.com/maxence-charriere/go-app/v9/pkg/app"

	"github.com/stickylab/stickylab/engine"
)

// The chart's geometry, in SVG user units.
const (
	svgNS       = "http://www.w3.org/2000/svg"
	chartW      = 720.0
	chartH      = 330.0
	chartLeft   = 52.0
	chartRight  = 712.0
	rpsTop      = 22.0
	rpsBottom   = 148.0
	sesTop      = 182.0
	sesBottom   = 278.0
	laneTop     = 288.0 // the lanes of lost and moved sessions
	laneHeight  = 7.0
	maxBins     = 150
	chartMinGap = 100 * time.Millisecond // at most ten redraws a wall second
)

// chartWindows are the spans the chart can show.
var chartWindows = []struct {
	label string
	sec   int
}{{"5 min", 300}, {"15 min", 900}, {"1 hour", 3600}}

// palette colours instances by number.
var palette = []string{"#1d4ed8", "#c2410c", "#15803d", "#7c3aed", "#be123c", "#0e7490", "#a16207", "#4d7c0f", "#c026d3", "#475569"}

func instanceColor(n int) string { return palette[(n-1)%len(palette)] }

// chartSeries is one instance's two lines.
type chartSeries struct {
	number       int
	name         string
	color        string
	inService    bool
	slowStart    bool // in slow start at the latest sample
	lastRPS      float64
	lastSessions float64
	rpsPoints    string
	sesPoints    string
}

// chartMarker is a fleet event on the timeline.
type chartMarker struct {
	x      float64
	kind   string
	target string
	time   time.Time
}

// chartData is what the chart draws: per-instance requests per second and
// sessions, binned over the window, the lanes of lost and moved sessions,
// and the fleet's events.
type chartData struct {
	window, binSec, bins int
	t0                   int64 // unix second where bin 0 starts
	samples              int   // seconds of history in the window
	series               []chartSeries
	maxRPS, maxSessions  float64
	lostPath, movedPath  string
	lost, moved          int64 // totals in the window
	markers              []chartMarker
	groups               []groupLoad // behind a weighted rule (chartgroups.go)
	// sharedStore: the sessions are in the external store, which every
	// instance reads, so each instance's count is the store's.
	sharedStore bool
}

// height is the chart's height: the share panel adds to it.
func (d *chartData) height() float64 {
	if len(d.groups) > 0 {
		return chartH + shareHeight
	}
	return chartH
}

// buildChart bins samples (one per simulated second, oldest first) into at
// most maxBins bins over the last window seconds. names are the instances
// by number - 1, groups their target groups behind a weighted rule (nil
// with one).
func buildChart(samples []engine.Sample, names, groups []string, window int, markers []marker) chartData {
	d := chartData{window: window}
	d.binSec = (window + maxBins - 1) / maxBins
	d.bins = window / d.binSec
	if len(samples) == 0 {
		d.maxRPS, d.maxSessions = 1, 1
		return d
	}
	last := samples[len(samples)-1].Time.Unix()
	d.t0 = (last/int64(d.binSec) - int64(d.bins) + 1) * int64(d.binSec)
	n := min(len(names), engine.MaxInstances)
	counts := make([]int, d.bins)
	rps := make([][]float64, n)
	ses := make([][]float64, n)
	in, slow := make([]bool, n), make([]bool, n)
	for i := range n {
		rps[i], ses[i] = make([]float64, d.bins), make([]float64, d.bins)
	}
	lost, moved := make([]int64, d.bins), make([]int64, d.bins)
	for si := range samples {
		s := &samples[si]
		if s.Time.Unix() < d.t0 {
			continue
		}
		b := (s.Time.Unix() - d.t0) / int64(d.binSec)
		if b >= int64(d.bins) {
			continue
		}
		d.samples++
		counts[b]++
		for i := range n {
			t := &s.Targets[i]
			rps[i][b] += float64(t.Requests)
			ses[i][b] = float64(t.Sessions)
			in[i], slow[i] = t.InService, t.SlowStart
		}
		lost[b] += int64(s.Lost)
		moved[b] += int64(s.Moved)
	}
	for i := range n {
		for b, c := range counts {
			if c > 0 {
				rps[i][b] /= float64(c)
				d.maxRPS = max(d.maxRPS, rps[i][b])
				d.maxSessions = max(d.maxSessions, ses[i][b])
			}
		}
	}
	d.maxRPS, d.maxSessions = niceCeil(d.maxRPS), niceCeil(d.maxSessions)
	binW := (chartRight - chartLeft) / float64(d.bins)
	x := func(b int) float64 { return chartLeft + (float64(b)+0.5)*binW }
	var buf []byte
	points := func(v []float64, top, bottom, vmax float64) string {
		buf = buf[:0]
		n := 0
		for b, c := range counts {
			if c == 0 {
				continue
			}
			if n > 0 {
				buf = append(buf, ' ')
			}
			n++
			buf = strconv.AppendFloat(buf, x(b), 'f', 1, 64)
			buf = append(buf, ',')
			buf = strconv.AppendFloat(buf, bottom-(bottom-top)*v[b]/vmax, 'f', 1, 64)
		}
		if n == 1 { // a dot: the point twice, drawn with round caps
			buf = append(append(buf, ' '), buf...)
		}
		return string(buf)
	}
	lastBin := -1
	for b, c := range counts {
		if c > 0 {
			lastBin = b
		}
	}
	for i := range n {
		s := chartSeries{number: i + 1, name: names[i], color: instanceColor(i + 1), inService: in[i], slowStart: slow[i],
			rpsPoints: points(rps[i], rpsTop, rpsBottom, d.maxRPS), sesPoints: points(ses[i], sesTop, sesBottom, d.maxSessions)}
		if lastBin >= 0 {
			s.lastRPS, s.lastSessions = rps[i][lastBin], ses[i][lastBin]
		}
		d.series = append(d.series, s)
	}
	d.groups = groupShares(rps, counts, groups, x) // chartgroups.go
	lane := func(v []int64, y float64) (string, int64) {
		buf = buf[:0]
		var total int64
		for b, k := range v {
			if k == 0 {
				continue
			}
			total += k
			buf = append(buf, 'M')
			buf = strconv.AppendFloat(buf, chartLeft+float64(b)*binW, 'f', 1, 64)
			buf = append(buf, ',')
			buf = strconv.AppendFloat(buf, y, 'f', 1, 64)
			buf = append(buf, 'h')
			buf = strconv.AppendFloat(buf, max(binW, 1.5), 'f', 1, 64)
			buf = append(buf, 'v')
			buf = strconv.AppendFloat(buf, laneHeight-1, 'f', 1, 64)
			buf = append(buf, 'h')
			buf = strconv.AppendFloat(buf, -max(binW, 1.5), 'f', 1, 64)
			buf = append(buf, 'z')
		}
		return string(buf), total
	}
	d.lostPath, d.lost = lane(lost, laneTop)
	d.movedPath, d.moved = lane(moved, laneTop+laneHeight)
	span := float64(d.bins * d.binSec)
	for _, mk := range markers {
		off := float64(mk.time.Unix()-d.t0) + float64(mk.time.Nanosecond())/1e9
		// A marker of the bin still being filled (no sample yet: say,
		// an instance stopped while paused) is drawn at the right edge,
		// now, rather than left out until the next sample.
		if off < 0 || off > span+float64(d.binSec) {
			continue
		}
		d.markers = append(d.markers, chartMarker{x: chartLeft + min(off, span)/span*(chartRight-chartLeft), kind: mk.kind, target: mk.target, time: mk.time})
	}
	return d
}

// niceCeil rounds v up to 1, 2 or 5 times a power of ten (at least 1).
func niceCeil(v float64) float64 {
	if v <= 1 {
		return 1
	}
	e := math.Pow(10, math.Floor(math.Log10(v)))
	for _, f := range []float64{1, 2, 5, 10} {
		if v <= f*e {
			return f * e
		}
	}
	return 10 * e
}

// LoadChart draws each instance's load over time as an SVG chart: requests
// per second above, active sessions below, a lane of sessions lost (red)
// and sticky clients moved (orange) at the bottom, and a line where an
// instance stopped, became unhealthy, started draining, was registered
// (launched) or became healthy. It reads the load balancer's one-second
// history; the frame loop refreshes it at most ten times a wall second.
type LoadChart struct {
	app.Compo
	Live

	window  int
	key     chartKey
	at      time.Time
	samples []engine.Sample
	d       chartData
	showing bool
}

type chartKey struct {
	lb        *engine.LoadBalancer
	last      time.Time
	instances int
	markers   int
	marker    time.Time
	window    int
}

func (c *LoadChart) poll(p *player) bool {
	if c.window == 0 {
		c.window = chartWindows[0].sec
	}
	k := chartKey{lb: p.lb, instances: len(p.lb.Instances()), markers: len(p.rec.markers), window: c.window}
	if last := p.lb.History(c.samples[:0], 1); len(last) > 0 {
		k.last = last[0].Time
	}
	if n := len(p.rec.markers); n > 0 {
		k.marker = p.rec.markers[n-1].time
	}
	if c.showing && k == c.key {
		return false
	}
	now := p.now()
	if c.showing && k.lb == c.key.lb && k.window == c.key.window && now.Sub(c.at) < chartMinGap && !now.Before(c.at) {
		return false
	}
	c.key, c.at, c.showing = k, now, true
	c.samples = p.lb.History(c.samples[:0], c.window)
	names, groups := chartNames(p.lb) // chartgroups.go
	c.d = buildChart(c.samples, names, groups, c.window, p.rec.markers)
	_, c.d.sharedStore = p.lb.ExternalSessionStore()
	return true
}

// svgElem returns an SVG element. go-app sets the class of an element
// through its className property, which SVG elements do not have: they are
// styled by presentation attributes instead.
func svgElem(tag string) app.HTMLElem { return app.Elem(tag).XMLNS(svgNS) }

// svgText returns a text of the chart: a title or a label.
func svgText(x, y float64, anchor string, title bool, text string) app.HTMLElem {
	e := svgElem("text").Attr("x", num(x)).Attr("y", num(y)).Attr("font-size", "10").Attr("fill", "#59636e")
	if title {
		e = e.Attr("font-size", "11").Attr("font-weight", "600").Attr("fill", "#1f2328")
	}
	if anchor != "" {
		e = e.Attr("text-anchor", anchor)
	}
	return e.Text(text)
}

func svgLine(x1, x2, y1, y2 float64, stroke string) app.HTMLElem {
	return svgElem("line").Attr("x1", num(x1)).Attr("x2", num(x2)).Attr("y1", num(y1)).Attr("y2", num(y2)).Attr("stroke", stroke)
}

// markerColor is the colour of a fleet event's line.
func markerColor(kind string) string {
	switch kind {
	case "stopped", "unhealthy", "deregistered":
		return "#cf222e"
	case "healthy", "registered":
		return "#1a7f37"
	case "draining":
		return "#9a6700"
	}
	return "#59636e"
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }

// Render draws the chart and its legend.
func (c *LoadChart) Render() app.UI {
	if p := c.source(); !c.showing && p != nil {
		c.poll(p)
	}
	d := &c.d
	t0 := time.Unix(d.t0, 0).UTC()
	t1 := t0.Add(time.Duration(d.bins*d.binSec) * time.Second)
	var elems []app.UI
	// Axes, grids and labels.
	for _, p := range []struct {
		top, bottom, max float64
		title            string
	}{{rpsTop, rpsBottom, d.maxRPS, "Requests per second"}, {sesTop, sesBottom, d.maxSessions, sessionsTitle(d.sharedStore)}} {
		elems = append(elems,
			svgText(chartLeft, p.top-8, "", true, p.title),
			svgLine(chartLeft, chartRight, p.top, p.top, "#eef1f4"),
			svgLine(chartLeft, chartRight, (p.top+p.bottom)/2, (p.top+p.bottom)/2, "#eef1f4"),
			svgLine(chartLeft, chartRight, p.bottom, p.bottom, "#d1d9e0"),
			svgText(chartLeft-6, p.top+4, "end", false, formatRate(p.max)),
			svgText(chartLeft-6, p.bottom+4, "end", false, "0"),
		)
	}
	elems = append(elems,
		svgText(chartLeft-6, laneTop+laneHeight-1, "end", false, "lost").Attr("font-size", "8"),
		svgText(chartLeft-6, laneTop+2*laneHeight-1, "end", false, "moved").Attr("font-size", "8"),
		svgElem("path").DataSet("testid", "lost-marks").DataSet("total", d.lost).Attr("fill", "#cf222e").Attr("d", d.lostPath),
		svgElem("path").DataSet("testid", "moved-marks").DataSet("total", d.moved).Attr("fill", "#d97706").Attr("d", d.movedPath),
		svgText(chartLeft, d.height()-6, "", false, t0.Format("15:04:05")),
		svgText(chartRight, d.height()-6, "end", false, t1.Format("15:04:05")),
	)
	elems = append(elems, groupShareElems(d.groups)...)
	for i := range d.series {
		s := &d.series[i]
		n := strconv.Itoa(s.number)
		elems = append(elems,
			svgElem("polyline").Attr("fill", "none").Attr("stroke-width", "1.75").Attr("stroke-linejoin", "round").Attr("stroke-linecap", "round").Attr("stroke", s.color).Attr("points", s.rpsPoints).
				DataSet("testid", "series-rps-"+n).DataSet("last", num(s.lastRPS)),
			svgElem("polyline").Attr("fill", "none").Attr("stroke-width", "1.5").Attr("stroke-linejoin", "round").Attr("stroke-linecap", "round").Attr("stroke", s.color).Attr("points", s.sesPoints).
				DataSet("testid", "series-sessions-"+n).DataSet("last", num(s.lastSessions)),
		)
	}
	markerBottom := laneTop + 2*laneHeight
	if len(d.groups) > 0 {
		markerBottom = shareBottom // a shift of the weights shows across the shares
	}
	for i, mk := range d.markers {
		label := shortName(mk.target) + " " + mk.kind
		color := markerColor(mk.kind)
		elems = append(elems, svgElem("g").DataSet("testid", "chart-marker").DataSet("kind", mk.kind).DataSet("target", mk.target).Body(
			svgElem("title").Text(mk.time.Format("15:04:05")+": "+mk.target+" "+mk.kind),
			svgLine(mk.x, mk.x, rpsTop, markerBottom, color).Attr("stroke-dasharray", "3 3"),
			markerLabel(mk.x, rpsTop+10+float64(i%4)*10, label).Attr("fill", color),
		))
	}
	return app.Section().Class("panel", "chart").Aria("label", "Load per instance").Body(
		app.Div().Class("chart-head").Body(
			app.H2().Text("Load per instance"),
			app.Label().Body(
				app.Span().Class("muted").Text("Window"),
				app.Select().DataSet("testid", "chart-window").OnChange(c.onWindow).Body(
					app.Range(chartWindows).Slice(func(i int) app.UI {
						w := chartWindows[i]
						return app.Option().Value(w.sec).Selected(d.window == w.sec).Text(w.label)
					}),
				),
			),
		),
		svgElem("svg").DataSet("testid", "load-chart").Attr("font-family", "system-ui, sans-serif").DataSet("samples", d.samples).DataSet("bin-seconds", d.binSec).
			Attr("viewBox", "0 0 "+num(chartW)+" "+num(d.height())).Attr("role", "img").
			Attr("aria-label", "Requests per second and active sessions of each instance"+
				map[bool]string{true: ", and each target group's share of the requests,", false: ""}[len(d.groups) > 0]+
				" over the last "+time.Duration(d.window*int(time.Second)).String()).
			Body(elems...),
		app.Ul().Class("legend").Body(
			app.Range(d.series).Slice(func(i int) app.UI {
				s := &d.series[i]
				state := "in service"
				if !s.inService {
					state = "out of service"
				} else if s.slowStart {
					state = "in slow start"
				}
				return app.Li().Class(map[bool]string{true: "", false: "out"}[s.inService]).DataSet("testid", "legend-"+strconv.Itoa(s.number)).DataSet("slow-start", s.slowStart).Body(
					app.Span().Class("swatch").Style("background", s.color),
					app.Strong().Text(s.name),
					app.Span().Class("muted").Text(" "+formatRate(s.lastRPS)+" req/s · "+sessionsWords(int(s.lastSessions), d.sharedStore)+" · "+state),
				)
			}),
		),
		groupLegend(d.groups),
	)
}

// onWindow changes the span shown; only the chart renders again.
func (c *LoadChart) onWindow(ctx app.Context, e app.Event) {
	if w, err := strconv.Atoi(ctx.JSSrc().Get("value").String()); err == nil {
		c.setWindow(w)
	}
	ctx.PreventUpdate()
	c.Update()
}

// setWindow shows the last w seconds, one of chartWindows.
func (c *LoadChart) setWindow(w int) {
	for _, x := range chartWindows {
		if x.sec == w {
			c.window = w
			c.key = chartKey{}
			if p := c.source(); p != nil {
				c.showing = false
				c.poll(p)
			}
		}
	}
}

// shortName turns "Instance 12" into "I12".
func shortName(name string) string {
	if len(name) > 9 && name[:9] == "Instance " {
		return "I" + name[9:]
	}
	return name
}

// markerLabel writes a marker's label right of its line, or left of it near
// the chart's right edge.
func markerLabel(x, y float64, label string) app.HTMLElem {
	if x > chartRight-70 {
		return svgText(x-3, y, "end", false, label).Attr("font-size", "9")
	}
	return svgText(x+3, y, "", false, label).Attr("font-size", "9")
}

// sessionsTitle is the sessions panel's title: with the external store, one
// count that every instance shares.
func sessionsTitle(shared bool) string {
	if shared {
		return "Active sessions (the external store's, shared)"
	}
	return "Active sessions"
}

// sessionsWords says an instance's sessions in the legend: its own, or the
// external store's that it reads.
func sessionsWords(n int, shared bool) string {
	if shared {
		return plural(n, "session") + " in the shared store"
	}
	return plural(n, "session")
}
