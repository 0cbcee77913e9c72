package app

import (
	"fmt"
	"slices"

	"github.com/stickylab/stickylab/engine"
)

// The Classic lesson's steps, numbered from 1 as data-step says.
const (
	classicSpread = iota + 1
	classicEnable
	classicFindCookie
	classicStay
	classicDelete
	classicStop
	classicAppCookie
	classicLogout
	numClassicSteps = classicLogout
)

// classicLessonSteps are the steps of LessonClassic, by number - 1: the
// article's demonstration on a Classic Load Balancer's listener policies.
var classicLessonSteps = [numClassicSteps]lessonStepText{
	{"spread", "Refresh without stickiness: see the spread and the lost sessions",
		"With the listener's stickiness disabled, press ⟳ Refresh a few times. The load balancer sends each request to the instance with the fewest outstanding requests, so the heading changes instance, and the page says Session lost: the legacy application keeps your login in the memory of the instance that created it.",
		"Ticked when your refreshes without a stickiness policy reached at least two instances and one of them lost your session."},
	{"enable", "Edit stickiness: load balancer generated cookie",
		"A Classic Load Balancer has no target group: stickiness is a policy of its listener. In Listener HTTP:80: Edit stickiness, choose " + engine.LabelLBCookieStickiness + ", leave " + engine.LabelCookieExpirationPeriod + " empty (the cookie then lasts the browser session) or give seconds, and press Save.",
		"Ticked when the listener runs with the LBCookieStickinessPolicy you switched on."},
	{"find-cookie", "Find the " + engine.CookieAWSELB + " cookie in DevTools",
		"Refresh once, then open DevTools (F12) → Application → Cookies → this site (a phone has no DevTools: the lab's Cookies in your browser panel lists the same cookies): the response set " + engine.CookieAWSELB + " and " + engine.CookieAWSELBCORS + ", a long uppercase hexadecimal value only the load balancer can read; without an expiration period, DevTools says Session in Expires. Refresh again: your browser sends them back.",
		"Ticked when your browser sends back the " + engine.CookieAWSELB + " cookie the load balancer set, and the load balancer routes by it."},
	{"stay", "Refresh and stay",
		"Refresh three times: the same instance answers every time and says Welcome back, with the visit count going on.",
		"Ticked after three sticky answers in a row from the same instance."},
	{"delete", "Delete the cookie and refresh: a new pick",
		"In DevTools → Application → Cookies, delete " + engine.CookieAWSELB + " and " + engine.CookieAWSELBCORS + " (or use the lab's Delete buttons under Cookies in your browser), then Refresh: the load balancer no longer knows you and picks an instance anew.",
		"Ticked when a request with the policy on arrives without the cookie you held, so the load balancer picks an instance anew."},
	{"stop", "Stop your instance: moved as if there is no cookie",
		"Refresh until Welcome back, then press Stop instance on the instance that serves you (Instances). Refresh: 502 Bad Gateway until it is OutOfService (or press +1 min on the clock); then your " + engine.CookieAWSELB + " still names it, and the load balancer routes you \"as if there is no cookie\" to another instance, which sets a new " + engine.CookieAWSELB + " and does not know your session.",
		"Ticked when a request carrying " + engine.CookieAWSELB + " for an instance that is OutOfService is answered by another instance."},
	{"app-cookie", "Edit stickiness: application generated cookie",
		"Choose " + engine.LabelAppCookieStickiness + " with " + engine.LabelCookieName + " " + engine.SessionCookie + " (the legacy application's session cookie) and Save, then Refresh until Welcome back: now " + engine.CookieAWSELB + " follows the application's cookie, and is set again only beside a new " + engine.SessionCookie + ".",
		"Ticked when the AppCookieStickinessPolicy routes one of your requests by its cookies."},
	{"logout", "Delete the application's cookie: not sticky any more",
		"Delete " + engine.SessionCookie + " (as a logout does) and keep " + engine.CookieAWSELB + ", then Refresh: without the application's cookie the policy does not stick, the instance with the fewest outstanding requests answers, and its new " + engine.SessionCookie + " brings a new " + engine.CookieAWSELB + ".",
		"Ticked when a request carrying " + engine.CookieAWSELB + " without the application's cookie is routed by a new pick."},
}

// classicLesson observes the Classic lesson: the listener's policy, and
// what each request carried and got.
type classicLesson struct {
	stepProgress

	spreadTo   map[string]bool
	spreadLost bool
	policy     engine.ClassicPolicyType // the listener's, as the last look found it
	held       bool                     // a request carried AWSELB under the duration-based policy
	stay       stickyRun                // the current run of sticky answers

	last string // the instance of the last 200

	stuckTo, picked, stopped, movedTo, unstuckTo string
}

func newClassicLesson() *classicLesson {
	return &classicLesson{stepProgress: newStepProgress(numClassicSteps), spreadTo: map[string]bool{}}
}

func (p *classicLesson) steps() *stepProgress { return &p.stepProgress }

// observe takes note of action a that apply carried out on m.
func (p *classicLesson) observe(m *model, a *Action, ex *engine.Exchange) {
	if m.lb.Type != engine.ClassicLoadBalancer {
		return
	}
	policy := m.lb.ListenerStickiness().Type
	defer func() { p.policy = policy }()
	switch a.Do {
	case DoEditStickiness:
		if policy == engine.LBCookieStickinessPolicyType && p.policy != policy {
			p.tick(m, classicEnable)
		}
	case DoRefresh:
		p.request(m, policy, ex)
	}
}

// request takes note of a refresh under the listener's policy.
func (p *classicLesson) request(m *model, policy engine.ClassicPolicyType, ex *engine.Exchange) {
	carried := slices.ContainsFunc(ex.Cookies, func(c engine.StoredCookie) bool {
		return c.Name == engine.CookieAWSELB || c.Name == engine.CookieAWSELBCORS
	})
	duration := policy == engine.LBCookieStickinessPolicyType
	if ex.Reason == engine.ReasonNoStickiness && ex.Status == 200 {
		p.spreadTo[ex.TargetName] = true
		p.spreadLost = p.spreadLost || ex.Session == engine.SessionLost
		if len(p.spreadTo) >= 2 && p.spreadLost {
			p.tick(m, classicSpread)
		}
	}
	if carried && duration && ex.Reason == engine.ReasonSticky {
		if !p.done[classicFindCookie-1] {
			p.stuckTo = ex.TargetName
		}
		p.tick(m, classicFindCookie)
	}
	if p.stay.note(ex, duration && ex.Reason == engine.ReasonSticky) >= 3 {
		p.tick(m, classicStay)
	}
	if duration && ex.Reason == engine.ReasonNewClient && p.held {
		if !p.done[classicDelete-1] {
			p.picked = ex.TargetName
		}
		p.tick(m, classicDelete)
	}
	if carried && ex.Reason == engine.ReasonTargetUnhealthy && ex.Status == 200 {
		if !p.done[classicStop-1] {
			p.stopped, p.movedTo = p.last, ex.TargetName
		}
		p.tick(m, classicStop)
	}
	if policy == engine.AppCookieStickinessPolicyType && ex.Reason == engine.ReasonSticky {
		p.tick(m, classicAppCookie)
	}
	if carried && policy == engine.AppCookieStickinessPolicyType && ex.Reason == engine.ReasonAppCookieMissing && ex.Status == 200 {
		if !p.done[classicLogout-1] {
			p.unstuckTo = ex.TargetName
		}
		p.tick(m, classicLogout)
	}
	p.held = p.held || carried && duration
	if ex.Status == 200 {
		p.last = ex.TargetName
	}
}

// stepDetail says what the lab observed for a done step, "" for none.
func (p *classicLesson) stepDetail(n int) string {
	if !p.done[n-1] {
		return ""
	}
	switch n {
	case classicFindCookie:
		return "Your browser sent " + engine.CookieAWSELB + " back; it names " + p.stuckTo + "."
	case classicDelete:
		return "Without the cookie, the load balancer picked " + p.picked + "."
	case classicStop:
		return fmt.Sprintf("Your %s named %s, OutOfService; %s answered as if there were no cookie.", engine.CookieAWSELB, p.stopped, p.movedTo)
	case classicLogout:
		return fmt.Sprintf("Without %s, %s answered and set a new %s.", engine.SessionCookie, p.unstuckTo, engine.CookieAWSELB)
	}
	return ""
}

// questions: the Classic lesson ends without questions.
func (p *classicLesson) questions([]string) []lessonQuestion { return nil }
