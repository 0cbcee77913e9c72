package app

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/stickylab/stickylab/engine"
)

// The guided lessons, by their ?lesson= id: one per load balancer type,
// and the blue/green deployment on weighted target groups.
const (
	LessonClassic   = "classic"
	LessonNetwork   = "network"
	LessonBlueGreen = "blue-green"
)

// guidedLesson is one guided lesson: its id in the URL, the lab it fits
// (a load balancer type, weighted target groups or not) and its steps.
type guidedLesson struct {
	ID       string
	Type     engine.LoadBalancerType
	Weighted bool // a listener rule forwarding to weighted target groups
	Title    string
	Steps    []lessonStepText
	// Next is the traffic lab preset (engine.Presets) the guide offers
	// once every step is done, "" for none.
	Next string
}

// guidedLessons are every guided lesson, in the order the README lists them.
var guidedLessons = []*guidedLesson{
	{ID: LessonArticle, Type: engine.ApplicationLoadBalancer, Title: "Guided lesson: sticky sessions, as the article shows them", Steps: articleLessonSteps[:],
		Next: "no-stickiness"},
	{ID: LessonClassic, Type: engine.ClassicLoadBalancer, Title: "Guided lesson: a Classic Load Balancer's AWSELB cookie", Steps: classicLessonSteps[:],
		Next: "classic-duration"},
	{ID: LessonNetwork, Type: engine.NetworkLoadBalancer, Title: "Guided lesson: a Network Load Balancer sticks without a cookie", Steps: networkLessonSteps[:],
		Next: "nlb-office-nat"},
	{ID: LessonBlueGreen, Type: engine.ApplicationLoadBalancer, Weighted: true, Title: "Guided lesson: a blue/green deployment with weighted target groups", Steps: blueGreenLessonSteps[:],
		Next: "blue-green"},
}

// lessonByID returns the guided lesson id names, nil for none.
func lessonByID(id string) *guidedLesson {
	if i := slices.IndexFunc(guidedLessons, func(g *guidedLesson) bool { return g.ID == id }); i >= 0 {
		return guidedLessons[i]
	}
	return nil
}

// lessonIDs are the lesson parameter's values.
func lessonIDs() []string {
	ids := make([]string, len(guidedLessons))
	for i, g := range guidedLessons {
		ids[i] = g.ID
	}
	return ids
}

// lessonFor returns the guided lesson a lab of type t offers first: the
// blue/green one on weighted target groups.
func lessonFor(t engine.LoadBalancerType, weighted bool) *guidedLesson {
	for _, g := range guidedLessons {
		if g.Type == t && g.Weighted == weighted {
			return g
		}
	}
	return guidedLessons[0]
}

// misfit says why lesson g does not run on the lab setup s, "" when it does.
func (g *guidedLesson) misfit(s Setup) string {
	switch {
	case g.Type != s.Type:
		return fmt.Sprintf("URL parameter lesson=%q is the %s's lesson, and this lab is a %s (lb=%s): use lesson=%s, or drop lb=. No guided lesson.",
			g.ID, g.Type.Title(), s.Type.Title(), s.Type, lessonFor(s.Type, s.Weights != "").ID)
	case g.Weighted && s.Weights == "":
		return fmt.Sprintf("URL parameter lesson=%q needs a listener rule forwarding to two target groups or more (weights=, e.g. weights=100,0), and this lab has one target group. No guided lesson.", g.ID)
	}
	return ""
}

// lessonNotice says what is wrong with the lesson parameter v on the lab
// setup s, if anything.
func lessonNotice(v string, s Setup) []string {
	if v == "" {
		return nil
	}
	g := lessonByID(v)
	if g == nil {
		return []string{fmt.Sprintf("URL parameter lesson=%q is not valid: use %s. No guided lesson.", v, orList(lessonIDs()))}
	}
	if why := g.misfit(s); why != "" {
		return []string{why}
	}
	return nil
}

// withLessonSetup returns q with the setup lesson v brings for the
// parameters q leaves out: its load balancer type, and for the blue/green
// lesson the rule of the traffic lab's blue/green preset (engine.Presets):
// its weights, group stickiness, target stickiness and instances.
func withLessonSetup(q url.Values) url.Values {
	v, _ := first(q, "lesson")
	g := lessonByID(v)
	if g == nil {
		return q
	}
	c := make(url.Values, len(q)+5)
	for k, vs := range q {
		c[k] = vs
	}
	set := func(k, v string) {
		if _, ok := c[k]; !ok {
			c[k] = []string{v}
		}
	}
	set("lb", string(g.Type))
	if _, ok := c["weights"]; ok || !g.Weighted || c.Get("lb") != string(g.Type) {
		return c
	}
	p, _ := engine.PresetByID(LessonBlueGreen)
	ws := make([]string, len(p.Groups))
	for i, pg := range p.Groups {
		ws[i] = strconv.Itoa(pg.Weight)
	}
	set("weights", strings.Join(ws, ","))
	set("instances", strconv.Itoa(p.Groups[0].Instances))
	set("group_stickiness", strconv.Itoa(int(p.GroupStickiness/time.Second)))
	set("stickiness", p.Stickiness)
	return c
}

// stepProgress is what a guided lesson keeps of its steps: those done, and
// those done by live actions since the Lab last said so.
type stepProgress struct {
	done []bool
	news []int
}

func newStepProgress(n int) stepProgress { return stepProgress{done: make([]bool, n)} }

// tick marks step n done; a live action's step is news for the Lab.
func (p *stepProgress) tick(m *model, n int) {
	if p.done[n-1] {
		return
	}
	p.done[n-1] = true
	if !m.replaying {
		p.news = append(p.news, n)
	}
}

// doneCount returns how many steps are done.
func (p *stepProgress) doneCount() int {
	n := 0
	for _, d := range p.done {
		if d {
			n++
		}
	}
	return n
}

// takeNews returns the steps done since the last call.
func (p *stepProgress) takeNews() []int {
	n := p.news
	p.news = nil
	return n
}

// lessonRun is what one guided lesson observed in this lab: model.apply
// hands it every action carried out, live or replayed (journal.go).
type lessonRun interface {
	steps() *stepProgress
	observe(m *model, a *Action, ex *engine.Exchange)
	stepDetail(n int) string
	// questions returns the end's questions once every step is done.
	questions(instances []string) []lessonQuestion
}

// Interface guards.
var (
	_ lessonRun = (*lessonProgress)(nil)
	_ lessonRun = (*classicLesson)(nil)
	_ lessonRun = (*networkLesson)(nil)
	_ lessonRun = (*blueGreenLesson)(nil)
)

// newLessonRuns returns a run of every guided lesson, by id: each watches
// the lab, and the one the URL names is shown.
func newLessonRuns(m *model) map[string]lessonRun {
	return map[string]lessonRun{
		LessonArticle:   m.lesson,
		LessonClassic:   newClassicLesson(),
		LessonNetwork:   newNetworkLesson(),
		LessonBlueGreen: newBlueGreenLesson(m.lb),
	}
}

// lessonWords says the steps ns of lesson g done, for the live region.
func lessonWords(g *guidedLesson, ns []int) string {
	var b strings.Builder
	for _, n := range ns {
		fmt.Fprintf(&b, " Lesson step %d done: %s.", n, g.Steps[n-1].Title)
	}
	return strings.TrimSpace(b.String())
}
