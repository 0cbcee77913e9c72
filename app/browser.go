package app

import (
	"fmt"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v9/pkg/app"

	"github.com/stickylab/stickylab/engine"
)

// BrowserPane is the learner's browser: an address bar with the load
// balancer's DNS name, a Refresh button and the page the serving instance
// returned. Buttons below open each instance directly (article step 2).
type BrowserPane struct {
	app.Compo

	IDNSName   string
	IInstances []string         // instance names, in launch order
	IExchange  *engine.Exchange // the page shown, nil before the first request
	IDirect    bool             // IExchange came from an instance opened directly
	IRequests  int              // how many pages were loaded so far (data-requests, for automation)
	// IGroup is the target group that answered IExchange, "" with one
	// target group; IGroupWhy says why the listener forwarded there.
	IGroup, IGroupWhy string
	IOnRefresh        func()
	IOnDirect         func(name string)
	// IOnNewConnection closes the browser's TCP connection to a Network
	// Load Balancer; nil: no such button (other types).
	IOnNewConnection func()
}

// Render draws the browser window.
func (b *BrowserPane) Render() app.UI {
	address := "http://" + b.IDNSName + "/"
	if b.IDirect && b.IExchange != nil {
		address = "http://" + instanceAddress(b.IExchange.TargetName) + "/  (" + b.IExchange.TargetName + ", directly)"
	}
	return app.Section().Class("panel", "browser").Aria("label", "Your browser").Body(
		app.Div().Class("browser-bar").Body(
			app.Button().Class("primary").DataSet("testid", "refresh").Title("Send a request to the load balancer").Text("⟳ Refresh").OnClick(b.onRefresh),
			app.Span().Class("address").DataSet("testid", "address").Text(address),
		),
		app.Div().Class("browser-page").DataSet("testid", "page").DataSet("requests", b.IRequests).Body(b.page()...),
		when(b.IOnNewConnection != nil, func() app.UI {
			return app.Div().Class("direct").Body(
				app.Span().Class("muted").Text("Your browser keeps its TCP connection open between refreshes: "),
				app.Button().Class("small").DataSet("testid", "new-connection").
					Title("Close the browser's TCP connection: the next Refresh opens a new one, from a new source port").Text("New connection").
					OnClick(func(ctx app.Context, e app.Event) { b.IOnNewConnection() }),
			)
		}),
		app.Div().Class("direct").Body(
			app.Span().Class("muted").Text("Open an instance directly: "),
			app.Range(b.IInstances).Slice(func(i int) app.UI {
				name := b.IInstances[i]
				return app.Button().Class("small").DataSet("testid", fmt.Sprintf("open-instance-%d", i+1)).Aria("label", "Open "+name+" directly").Text(name).OnClick(func(ctx app.Context, e app.Event) {
					if b.IOnDirect != nil {
						b.IOnDirect(name)
					}
				})
			}),
		),
	)
}

func (b *BrowserPane) page() []app.UI {
	ex := b.IExchange
	if ex == nil {
		return []app.UI{
			app.P().Class("served-by", "empty").DataSet("testid", "served-by").Text(""),
			app.P().Class("muted").Text("Press Refresh to send your first request to the load balancer."),
		}
	}
	if ex.Status != 200 {
		return []app.UI{
			app.P().Class("served-by", "error").DataSet("testid", "served-by").Text(ex.StatusText()),
			b.servedGroup(),
			app.P().Class("session").DataSet("testid", "session-view").Text(ex.Page()),
		}
	}
	heading := strings.Replace(ex.TargetName, "Instance ", "Instance Number ", 1)
	var session app.UI
	switch ex.Session {
	case engine.SessionNew:
		session = app.P().Class("session", "new").DataSet("testid", "session-view").Text("New session: this instance does not know you yet. Logged in as " + ex.User + ", cart empty.")
	case engine.SessionLost:
		session = app.P().Class("session", "lost").DataSet("testid", "session-view").Text(lostWords(ex))
	case engine.SessionResumed:
		session = app.P().Class("session", "ok").DataSet("testid", "session-view").Text(fmt.Sprintf("Welcome back, %s. Visit %d in this session, cart: %s.", ex.User, ex.Visits, plural(ex.Cart, "item")))
	default:
		session = app.P().Class("session").DataSet("testid", "session-view").Text("Opened directly: no session, no cookie (the instance has its own address).")
	}
	return []app.UI{
		app.P().Class("served-by").DataSet("testid", "served-by").Text(heading),
		b.servedGroup(),
		session,
		when(ex.SourcePort != 0, func() app.UI {
			return app.P().Class("muted", "connection").DataSet("testid", "connection").DataSet("new", ex.NewConnection).Text("TCP connection from " + connectionWords(ex) + ".")
		}),
	}
}

// servedGroup names the target group that answered, nil with one.
func (b *BrowserPane) servedGroup() app.UI {
	if b.IGroup == "" || b.IDirect {
		return nil
	}
	return app.P().Class("served-group").DataSet("testid", "served-group").DataSet("group", b.IGroup).
		Text("Target group " + b.IGroup + ": " + b.IGroupWhy + ".")
}

func (b *BrowserPane) onRefresh(ctx app.Context, e app.Event) {
	if b.IOnRefresh != nil {
		b.IOnRefresh()
	}
}

// lostWords says why the application did not know the learner's session:
// it timed out, or this instance never held it.
func lostWords(ex *engine.Exchange) string {
	if ex.LostIdle > 0 {
		return fmt.Sprintf("Session expired! You were away %s, longer than the application keeps an idle session (%s), so it dropped your session (created on %s). You are logged out and your cart is empty.",
			durationWords(ex.LostIdle.Round(time.Minute)), durationWords(engine.SessionTimeout), orUnknown(ex.LostOrigin))
	}
	return fmt.Sprintf("Session lost! This instance does not know your session (created on %s). You are logged out and your cart is empty.", orUnknown(ex.LostOrigin))
}

func orUnknown(s string) string {
	if s == "" {
		return "an instance this lab does not know"
	}
	return s
}

// instanceAddress returns the private address the lab shows for an
// instance opened directly, e.g. "10.0.1.12" for Instance 2.
func instanceAddress(name string) string {
	n := strings.TrimPrefix(name, "Instance ")
	return "10.0.1.1" + n
}
