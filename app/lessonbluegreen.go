package app

import (
	"fmt"
	"slices"

	"github.com/stickylab/stickylab/engine"
)

// The blue/green lesson's steps, numbered from 1 as data-step says.
const (
	blueGreenOnBlue = iota + 1
	blueGreenShift
	blueGreenStay
	blueGreenRunsOut
	blueGreenNewUser
	numBlueGreenSteps = blueGreenNewUser
)

// blueGreenLessonSteps are the steps of LessonBlueGreen, by number - 1: a
// listener rule forwarding to blue and green, weights shifted from blue to
// green with group stickiness on.
var blueGreenLessonSteps = [numBlueGreenSteps]lessonStepText{
	{"on-blue", "Refresh: blue answers, and " + engine.CookieAWSALBTG + " names it",
		"The listener rule forwards to two target groups: blue, the running version, with all the weight, and green, the new one, with none. Press ⟳ Refresh twice: the browser pane names the target group that answered, and DevTools → Application → Cookies shows " + engine.CookieAWSALBTG + " and " + engine.CookieAWSALBTGCORS + ", the group stickiness cookies, sent back with the next request.",
		"Ticked when your browser sends back the " + engine.CookieAWSALBTG + " cookie and it keeps you on blue."},
	{"shift", "Shift the weights: 0 to blue, 100 to green",
		"In Listener rule: forward to target groups, set the weight of blue to 0 and of green to 100, and press Save changes: the deployment is switched, and every new request goes to green.",
		"Ticked when the listener rule forwards with weight 0 to blue, after it had weight."},
	{"stay", "Refresh: you stay on blue",
		"Refresh within the group stickiness duration: blue still answers, with Welcome back. Your " + engine.CookieAWSALBTG + " names blue and is still valid, so the rule follows it whatever the weights say, and each response renews it.",
		"Ticked when your group cookie keeps you on blue while blue has weight 0."},
	{"runs-out", "Let the group cookie run out: green",
		"Wait longer than the group stickiness duration without a request (press +5 min on the clock), then Refresh: the cookie has run out, the weights pick green, and green does not know the session blue kept in its memory.",
		"Ticked when a request whose group cookie ran out is sent to green by the weights."},
	{"new-user", "Without a group cookie, the weights send you to green",
		"Delete " + engine.CookieAWSALBTG + " and " + engine.CookieAWSALBTGCORS + " (DevTools, or the lab's Delete buttons under Cookies in your browser) and Refresh: a request without a group cookie is split by the weights, and all of them are green's now. A new user, with no cookie at all, lands on green the same way; you keep your other cookies, so green may still know your session.",
		"Ticked when a request without a group cookie is sent to green by the weights after the shift."},
}

// blueGreenLesson observes the blue/green lesson: the rule's weights and
// each request's target group and why.
type blueGreenLesson struct {
	stepProgress

	blueWeighted bool // blue had weight, as the last look found it

	stayed   int    // requests kept on blue after the shift
	outGroup string // the group after the cookie ran out
	lost     bool   // and the session was lost
}

func newBlueGreenLesson(lb *engine.LoadBalancer) *blueGreenLesson {
	_, shifted := shiftedFrom(lb)
	return &blueGreenLesson{stepProgress: newStepProgress(numBlueGreenSteps), blueWeighted: !shifted}
}

func (p *blueGreenLesson) steps() *stepProgress { return &p.stepProgress }

// shiftedFrom returns the first target group ("blue") and whether it holds no
// weight while another does: the deployment shifted away from it.
func shiftedFrom(lb *engine.LoadBalancer) (blue string, shifted bool) {
	f := lb.Forward()
	if len(f.TargetGroups) < 2 {
		return "", false
	}
	rest := slices.ContainsFunc(f.TargetGroups[1:], func(t engine.TargetGroupTuple) bool { return t.Weight > 0 })
	return f.TargetGroups[0].TargetGroup.Name, f.TargetGroups[0].Weight == 0 && rest
}

// observe takes note of action a that apply carried out on m.
func (p *blueGreenLesson) observe(m *model, a *Action, ex *engine.Exchange) {
	blue, shifted := shiftedFrom(m.lb)
	if blue == "" {
		return
	}
	defer func() { p.blueWeighted = !shifted }()
	switch a.Do {
	case DoSetWeights:
		if shifted && p.blueWeighted {
			p.tick(m, blueGreenShift)
		}
	case DoRefresh:
		if ex.Status != 200 {
			return
		}
		carried := slices.ContainsFunc(ex.Cookies, func(c engine.StoredCookie) bool {
			return c.Name == engine.CookieAWSALBTG || c.Name == engine.CookieAWSALBTGCORS
		})
		onBlue := ex.TargetGroup == blue
		if carried && onBlue && ex.GroupReason == engine.ReasonSticky {
			p.tick(m, blueGreenOnBlue)
			if shifted {
				p.stayed++
				p.tick(m, blueGreenStay)
			}
		}
		if shifted && !onBlue && ex.GroupReason == engine.ReasonCookieExpired {
			if !p.done[blueGreenRunsOut-1] {
				p.outGroup, p.lost = ex.TargetGroup, ex.Session == engine.SessionLost
			}
			p.tick(m, blueGreenRunsOut)
		}
		if shifted && !onBlue && !carried && ex.GroupReason == engine.ReasonNewClient {
			p.tick(m, blueGreenNewUser)
		}
	}
}

// stepDetail says what the lab observed for a done step, "" for none.
func (p *blueGreenLesson) stepDetail(n int) string {
	if !p.done[n-1] {
		return ""
	}
	switch n {
	case blueGreenStay:
		return fmt.Sprintf("%s kept you on blue after the shift.", plural(p.stayed, "request"))
	case blueGreenRunsOut:
		if p.lost {
			return fmt.Sprintf("Target group %s answered, and your session, kept in a blue instance's memory, was lost.", p.outGroup)
		}
		return fmt.Sprintf("Target group %s answered.", p.outGroup)
	}
	return ""
}

// questions: the blue/green lesson ends without questions.
func (p *blueGreenLesson) questions([]string) []lessonQuestion { return nil }
