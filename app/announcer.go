package app

import (
	"fmt"

	"github.com/maxence-charriere/go-app/v9/pkg/app"

	"github.com/stickylab/stickylab/engine"
)

// Announcer is the page's polite live region: screen readers say its text
// whenever it changes. It is always rendered, in the same place.
type Announcer struct {
	app.Compo

	IMessage string
}

// Render draws the visually hidden status element.
func (a *Announcer) Render() app.UI {
	return app.Div().ID("announcer").Class("visually-hidden").DataSet("testid", "announcer").
		Role("status").Aria("live", "polite").Aria("atomic", true).Text(a.IMessage)
}

// nextAnnouncement returns msg, made to differ from the previous text prev
// (a trailing no-break space) when it says the same, so it is said again.
func nextAnnouncement(prev, msg string) string {
	if prev == msg {
		return msg + "\u00a0"
	}
	return msg
}

// exchangeWords says one of the learner's pages in a sentence or three:
// who answered, what became of the session, and why the load balancer chose.
func exchangeWords(ex *engine.Exchange) string {
	if ex.Reason == engine.ReasonDirect {
		return fmt.Sprintf("%s opened directly: no session, no cookie.", ex.TargetName)
	}
	who := ex.TargetName
	if who == "" {
		who = "the load balancer"
	}
	var session string
	switch {
	case ex.Status != 200:
		session = fmt.Sprintf("%s from %s.", ex.StatusText(), who)
		who = ""
	case ex.Session == engine.SessionNew:
		session = "New session."
	case ex.Session == engine.SessionLost && ex.LostIdle > 0:
		session = "Session expired after " + durationWords(engine.SessionTimeout) + " idle: you are logged out."
	case ex.Session == engine.SessionLost:
		session = "Session lost: you are logged out."
	case ex.Session == engine.SessionResumed:
		session = fmt.Sprintf("Welcome back, visit %d.", ex.Visits)
	}
	if who != "" {
		who += " answered. "
	}
	return who + session + " Why: " + ex.Why() + "."
}
