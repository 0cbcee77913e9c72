package app

import (
	"fmt"
	"runtime"
	"strconv"
	"time"

	"github.com/maxence-charriere/go-app/v9/pkg/app"

	"github.com/stickylab/stickylab/engine"
)

// imbalanceWindow is the simulated seconds the imbalance counter looks at.
const imbalanceWindow = 60

// Counters shows what stickiness costs, counted by the load balancer since
// the crowd or the lesson started: requests routed by a stickiness cookie
// and requests that needed a new pick, sessions lost, sticky clients moved
// off a failed target, 5xx answers, and the imbalance of the last minute
// (the busiest in-service instance's requests ÷ the average). The frame
// loop refreshes it.
//
// Its data-requests attribute holds the load balancer's total request
// count (all requests since the lab or lesson started) and data-sim-ms the
// simulated time, for automation; data-go-heap-mb the Go heap and
// data-go-sys-mb the memory Go took from the WebAssembly memory (which never
// shrinks), read at most once a second.
type Counters struct {
	app.Compo
	Live

	v       countersView
	heapAt  time.Time
	heapMB  float64
	sysMB   float64
	showing bool
}

type countersView struct {
	total     int64 // every request of the load balancer
	requests  int64
	sticky    int64
	nonSticky int64
	lost      int64
	moved     int64
	errors    int64
	words     engine.Counters // the load balancer type's words for them
	imbalance float64
	stickyOn  bool
	simMs     int64
	heapMB    float64
	sysMB     float64
}

func (c *Counters) poll(p *player) bool {
	if now := p.now(); now.Sub(c.heapAt) >= time.Second || now.Before(c.heapAt) {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		c.heapAt, c.heapMB, c.sysMB = now, float64(ms.HeapAlloc)/(1<<20), float64(ms.Sys)/(1<<20)
	}
	v := countersOf(p)
	v.heapMB, v.sysMB = c.heapMB, c.sysMB
	if v == c.v && c.showing {
		return false
	}
	c.v, c.showing = v, true
	return true
}

// countersOf reads the player's counters.
func countersOf(p *player) countersView {
	k := p.counters()
	return countersView{
		total:     p.lb.Metrics().Requests,
		requests:  k.Requests,
		sticky:    k.Sticky,
		nonSticky: k.NonStickyRequestCount,
		lost:      k.SessionsLost,
		moved:     k.Moved,
		errors:    k.ELB502 + k.ELB503 + k.FailedConnections,
		words:     p.lb.Type.Counters(),
		imbalance: p.lb.Imbalance(imbalanceWindow),
		stickyOn:  p.lb.Sticky(),
		simMs:     p.lb.Now().UnixMilli(),
	}
}

// Render draws the counters.
func (c *Counters) Render() app.UI {
	if p := c.source(); !c.showing && p != nil {
		c.poll(p)
	}
	v := c.v
	imb, imbTitle := "—", "No in-service instance got a request in the last minute."
	if v.imbalance > 0 {
		imb = strconv.FormatFloat(v.imbalance, 'f', 2, 64)
		imbTitle = "The busiest in-service instance got " + imb + "× its target group's average of requests over the last minute, or over the seconds since an instance came into service (1.00 is perfectly even)."
	}
	share := func(n int64) string {
		if v.requests == 0 {
			return ""
		}
		return fmt.Sprintf("%.1f%% of requests", 100*float64(n)/float64(v.requests))
	}
	stickyNote := share(v.sticky)
	if !v.stickyOn {
		stickyNote = "stickiness is off"
	}
	return app.Div().Class("panel", "counters").DataSet("testid", "counters").
		DataSet("requests", v.total).DataSet("sim-ms", v.simMs).DataSet("go-heap-mb", strconv.FormatFloat(v.heapMB, 'f', 1, 64)).DataSet("go-sys-mb", strconv.FormatFloat(v.sysMB, 'f', 1, 64)).
		Role("group").Aria("label", "Counters").Body(
		counter("counter-requests", "Requests", v.requests, "", "", ""),
		counter("counter-sticky", "Sticky", v.sticky, stickyNote, "sticky", ""),
		counter("counter-nonsticky", "Non-sticky", v.nonSticky, v.words.NonSticky, "", "nonsticky"),
		counter("counter-lost", "Sessions lost", v.lost, "the instance did not know the session", map[bool]string{true: "bad", false: ""}[v.lost > 0], ""),
		counter("counter-moved", "Moved", v.moved, "sticky clients sent elsewhere", "", ""),
		counter("counter-errors", v.words.Errors, v.errors, v.words.ErrorsNote, map[bool]string{true: "bad", false: ""}[v.errors > 0], ""),
		app.Div().Class("counter").Title(imbTitle).Body(
			app.Span().Class("counter-label").Body(app.Text("Imbalance (max/mean, 1 min) "), termLink("imbalance")),
			app.Strong().Class("counter-value").DataSet("testid", "counter-imbalance").DataSet("value", strconv.FormatFloat(v.imbalance, 'f', 3, 64)).Text(imb),
		),
	)
}

// counter is one counter; term, if not "", is its glossary entry.
func counter(id, label string, n int64, note, class, term string) app.UI {
	return app.Div().Class("counter", class).Body(
		app.Span().Class("counter-label").Body(app.Text(label), when(term != "", func() app.UI { return termLink(term) })),
		app.Strong().Class("counter-value").DataSet("testid", id).DataSet("value", n).Text(thousands(n)),
		app.Small().Class("muted").Body(camelBreaks(note)...),
	)
}
