package app

import "github.com/maxence-charriere/go-app/v9/pkg/app"

// articleSteps are the article's five steps as the browser tab replays them;
// pre-rendered, they are readable before app.wasm arrives.
var articleSteps = []string{
	"Three numbered instances run behind the load balancer (Targets): open each one directly and it shows its number.",
	"Press Refresh a few times: each request may land on another instance, and the application loses your session.",
	"Turn on Stickiness in Target group attributes and Save changes.",
	"Refresh again: the first response sets the AWSALB and AWSALBCORS cookies in your browser and the next requests stay on that instance; delete the cookie and they spread again.",
	"Turn stickiness off: your browser still sends the cookie, and the load balancer ignores it.",
}

// intro lists articleSteps and offers the guided lesson, hidden on the
// traffic lab's tab (always there, so that switching tabs keeps the focus
// on the tab bar after it).
func intro(hidden bool) app.UI {
	return app.Div().Class("intro").Hidden(hidden).Body(
		app.Ol().Class("steps").DataSet("testid", "steps").Aria("label", "Try it in five steps").Body(
			app.Range(articleSteps).Slice(func(i int) app.UI { return app.Li().Text(articleSteps[i]) }),
		),
		app.P().Class("start-lesson").Body(
			lessonLink(Href("/")+"?lesson="+LessonArticle, "start-lesson", "Start the guided lesson →"),
			app.Text(" the same steps one at a time, each ticked when the lab sees you do it, then four questions on your own run."),
		),
	)
}

// lessonLink is a link that loads a new lab: the browser follows it, not
// go-app's in-page navigation, which would keep the running lab.
func lessonLink(href, testid, text string) app.UI {
	return app.A().Href(href).DataSet("testid", testid).Text(text).
		OnClick(func(ctx app.Context, e app.Event) { e.Call("stopPropagation") })
}
