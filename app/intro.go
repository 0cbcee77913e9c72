package app

import (
	"fmt"
	"strconv"

	"github.com/maxence-charriere/go-app/v9/pkg/app"

	"github.com/stickylab/stickylab/engine"
)

// articleSteps are the article's steps after the first (openEachStep, which
// counts the lab's instances) as the browser tab replays them; pre-rendered,
// they are readable before app.wasm arrives.
var articleSteps = []string{
	"Press Refresh a few times: each request may land on another instance, and the application loses your session.",
	"Turn on Stickiness in Target group attributes and Save changes.",
	"Refresh again: the first response sets the AWSALB and AWSALBCORS cookies in your browser and the next requests stay on that instance; delete both cookies and the next request is a new pick, which the new cookies then hold.",
	"Turn stickiness off: your browser still sends the cookie, and the load balancer ignores it.",
}

// classicSteps and networkSteps are the steps after the first on a Classic
// and a Network Load Balancer.
var (
	classicSteps = []string{
		"Press Refresh a few times: each request goes to the instance with the fewest outstanding requests, and the application loses your session.",
		"In Edit stickiness, choose " + engine.LabelLBCookieStickiness + " and Save: with no " + engine.LabelCookieExpirationPeriod + ", the cookie lasts the browser session.",
		"Refresh again: the first response sets the " + engine.CookieAWSELB + " and " + engine.CookieAWSELBCORS + " cookies in your browser and the next requests stay on that instance; delete them and the next request is a new pick, which the new cookie then holds.",
		"Choose " + engine.LabelNoStickiness + " and Save: your browser still sends " + engine.CookieAWSELB + ", and the load balancer ignores it.",
	}
	networkSteps = []string{
		"Press Refresh a few times: your browser keeps its TCP connection open, so every refresh lands on the same target, and no cookie is set.",
		"Press New connection, then Refresh: the new connection comes from another source port, the flow hash may place it on another target, and the session is lost.",
		"Turn on Stickiness (source_ip) in Target group attributes and Save changes: every new connection from your IP now goes to one target.",
		"Everyone behind one NAT shares its IP: the traffic lab's lesson shows a whole office on one target.",
	}
)

// intro lists the five steps of type t and offers its guided lesson (the
// blue/green one on weighted target groups, and beside the article's),
// hidden on the traffic lab's tab (always there, so that switching tabs
// keeps the focus on the tab bar after it).
func intro(hidden bool, t engine.LoadBalancerType, weighted bool, instances int, e Embed) app.UI {
	steps := articleSteps
	switch t {
	case engine.ClassicLoadBalancer:
		steps = classicSteps
	case engine.NetworkLoadBalancer:
		steps = networkSteps
	}
	steps = append([]string{openEachStep(t, instances)}, steps...)
	g, other := lessonFor(t, weighted), (*guidedLesson)(nil)
	if t == engine.ApplicationLoadBalancer && !weighted {
		other = lessonByID(LessonBlueGreen)
	}
	return app.Div().Class("intro").Hidden(hidden).Body(
		app.Ol().Class("steps").DataSet("testid", "steps").Aria("label", "Try it in five steps").Body(
			app.Range(steps).Slice(func(i int) app.UI { return app.Li().Text(steps[i]) }),
		),
		app.P().Class("start-lesson").Body(
			lessonLink(e.newLabHref(map[string]string{"lesson": g.ID}), "start-lesson", "Start the guided lesson →"),
			app.Text(" "+lessonPitch(g)),
		),
		when(other != nil, func() app.UI {
			return app.P().Class("start-lesson").Body(
				lessonLink(e.newLabHref(map[string]string{"lesson": other.ID}), "start-lesson-"+other.ID, "Start the blue/green lesson →"),
				app.Text(" "+lessonPitch(other)),
			)
		}),
	)
}

// openEachStep is the first step: the lab's n instances, each opened
// directly.
func openEachStep(t engine.LoadBalancerType, n int) string {
	count := strconv.Itoa(n)
	if n >= 0 && n < len(countWords) {
		count = countWords[n]
	}
	instances, run, are, each := "instances", "run", "are", "each one"
	if n == 1 {
		instances, run, are, each = "instance", "runs", "is", "it"
	}
	where := run + " behind the load balancer (Targets)"
	if t == engine.ClassicLoadBalancer {
		where = are + " registered with the load balancer (Instances)"
	}
	return count + " numbered " + instances + " " + where + ": open " + each + " directly and it shows its number."
}

// countWords are the numbers a sentence can start with.
var countWords = []string{"No", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten", "Eleven", "Twelve"}

// lessonLink is a link that loads a new lab: the browser follows it, not
// go-app's in-page navigation, which would keep the running lab.
func lessonLink(href, testid, text string) app.UI {
	return app.A().Href(href).DataSet("testid", testid).Text(text).
		OnClick(func(ctx app.Context, e app.Event) { e.Call("stopPropagation") })
}

// tagline says what the lab of type t shows, in one sentence.
func tagline(t engine.LoadBalancerType) string {
	switch t {
	case engine.ClassicLoadBalancer:
		return "How an AWS Classic Load Balancer's sticky sessions work: refresh, edit the listener's stickiness, delete the AWSELB cookie, break an instance."
	case engine.NetworkLoadBalancer:
		return "How an AWS Network Load Balancer sticks without a cookie: refresh, open a new connection, turn on source IP stickiness, break an instance."
	}
	return "How an AWS Application Load Balancer's sticky sessions work: refresh, turn stickiness on, delete the cookie, break an instance."
}

// lessonPitch says what guided lesson g does, after its link.
func lessonPitch(g *guidedLesson) string {
	switch g.ID {
	case LessonArticle:
		return "the same steps one at a time, each ticked when the lab sees you do it, then four questions on your own run."
	case LessonBlueGreen:
		return "shift a listener rule's weights from blue to green and watch group stickiness keep you on blue, step by step."
	}
	return fmt.Sprintf("%d steps one at a time, each ticked when the lab sees you do it.", len(g.Steps))
}
