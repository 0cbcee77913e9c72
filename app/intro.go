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

// intro lists articleSteps, hidden on the traffic lab's tab (always there,
// so that switching tabs keeps the focus on the tab bar after it).
func intro(hidden bool) app.UI {
	return app.Ol().Class("steps").DataSet("testid", "steps").Hidden(hidden).Aria("label", "Try it in five steps").Body(
		app.Range(articleSteps).Slice(func(i int) app.UI { return app.Li().Text(articleSteps[i]) }),
	)
}
