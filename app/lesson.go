package app

import (
	"fmt"
	"slices"

	"github.com/stickylab/stickylab/engine"
)

// LessonArticle is the guided lesson of ?lesson=article: the article's
// demonstration, step by step, each ticked when the lab observes it.
const LessonArticle = "article"

// The article lesson's steps, numbered from 1 as data-step says.
const (
	stepOpenEach = iota + 1
	stepSpread
	stepEnable
	stepFindCookie
	stepStay
	stepDelete
	stepDisable
	stepStop
	stepStore
	numLessonSteps = stepStore
)

// lessonStepText is what a step asks, in the learner's words: its title,
// how to do it, and what the lab watches for to tick it.
type lessonStepText struct {
	ID, Title, How, Watch string
}

// articleLessonSteps are the steps of LessonArticle, by number - 1.
var articleLessonSteps = [numLessonSteps]lessonStepText{
	{"open-each", "Open each instance directly",
		"Under the browser's page, press each instance's button in turn (Instance 1, Instance 2, and so on): each instance has its own address and shows its own number, as the article's instances do.",
		"Ticked when every instance has answered you directly."},
	{"spread", "Refresh the load balancer's address: see the spread and the lost sessions",
		"With stickiness off, press ⟳ Refresh a few times. The heading changes instance, and the page says Session lost: the legacy application keeps your login in the memory of the instance that created it.",
		"Ticked when your refreshes without stickiness reached at least two instances and one of them lost your session."},
	{"enable", "Enable stickiness",
		"In Target group attributes, tick Stickiness, keep the type Load balancer generated cookie, and press Save changes.",
		"Ticked when the load balancer runs with the load balancer cookie stickiness you switched on."},
	{"find-cookie", "Find the AWSALB cookie in DevTools",
		"Refresh once, then open DevTools (F12) → Application → Cookies → this site (a phone has no DevTools: the lab's Cookies in your browser panel lists the same cookies): the load balancer's response set AWSALB and AWSALBCORS. Refresh again: your browser sends them back (DevTools → Network → the request's Cookie header, or the Requests log below).",
		"Ticked when your browser sends back the AWSALB cookie the load balancer set."},
	{"stay", "Refresh and stay",
		"Refresh three times: the same instance answers every time and says Welcome back, with the visit count going on.",
		"Ticked after three sticky answers in a row from the same instance."},
	{"delete", "Delete the cookie in DevTools and refresh: a new pick",
		"In DevTools → Application → Cookies, delete AWSALB and AWSALBCORS (the load balancer reads either one; the lab's Delete buttons under Cookies in your browser count too), then Refresh, or reload the page: loading it is a request too.",
		"Ticked when a request with stickiness on arrives without the cookie you held, so the load balancer picks an instance anew."},
	{"disable", "Disable stickiness with the cookie still there",
		"Untick Stickiness and Save changes, keep the cookie in your browser, and Refresh: your browser still sends AWSALB, and the load balancer ignores it.",
		"Ticked when a request carrying the stickiness cookie is answered with stickiness disabled."},
	{"stop", "Stop your instance and lose the session",
		"Why stickiness is not enough: turn stickiness back on and Refresh until Welcome back, then press Stop instance on the instance that serves you (Targets). Refresh: 502 Bad Gateway until two health checks fail (or press +1 min on the clock), then another instance answers.",
		"Ticked when another instance tells you that the session your stopped instance held is lost."},
	{"store", "Switch on the external session store and lose nothing",
		"Tick External session store (under Targets) and Refresh once: your session now starts in the shared store. Then make the load balancer move you (delete the cookie, stop your instance, or turn stickiness off) and Refresh.",
		"Ticked when another instance than the one before resumes your session with the external store on."},
}

// lessonProgress observes the learner's actions as apply carries them out
// and keeps what the lesson needs: the steps done and this run's answers.
// A replay re-runs apply, so progress survives a reload.
type lessonProgress struct {
	stepProgress

	opened      map[string]bool  // instances opened directly
	spreadTo    map[string]bool  // instances reached by non-sticky refreshes
	spreadLost  bool             // and one of them lost the session
	stickyOn    bool             // lb_cookie stickiness, as the last look found it
	turnedOff   bool             // the learner turned lb_cookie stickiness off in this lab
	held        bool             // a request carried AWSALB
	stay        stickyRun        // the current run of sticky answers
	labDeleted  bool             // the lab's Delete button removed AWSALB or AWSALBCORS since the last request
	prev        *engine.Exchange // the previous 200 through the load balancer
	stoppedYour map[string]bool  // instances stopped while they held the learner's session
	gateways    int              // 502s since the stop

	// This run's answers to the lesson's questions.
	stuckTo      string           // the instance AWSALB first kept the learner on
	beforeDelete string           // the instance before the deletion
	afterDelete  string           // the new pick after it
	pickedBy     engine.Algorithm // the algorithm that made it
	deletedInLab bool             // with the lab's button rather than DevTools
	stopped      string           // the instance whose stop lost the session
	lostOn       string           // the instance that said so
	lostGateways int              // 502s between the stop and the loss
	keptFrom     string           // with the store on: the move that kept the session
	keptOn       string
	lostUnsticky int // sessions lost with stickiness off
}

func newLessonProgress(lb *engine.LoadBalancer) *lessonProgress {
	return &lessonProgress{stepProgress: newStepProgress(numLessonSteps), opened: map[string]bool{}, spreadTo: map[string]bool{}, stoppedYour: map[string]bool{},
		stickyOn: lbCookieSticky(lb.TargetGroup.Attributes())}
}

func lbCookieSticky(a engine.Attributes) bool {
	return a.StickinessEnabled && a.StickinessType == engine.LBCookie
}

// observe takes note of action a that apply carried out on m (ex: its
// request's exchange, nil for another action).
func (p *lessonProgress) observe(m *model, a *Action, ex *engine.Exchange) {
	if m.lb.Type != engine.ApplicationLoadBalancer {
		return // AWSALB's lesson: another type's lab ticks none of its steps
	}
	switch a.Do {
	case DoOpen:
		p.opened[a.Instance] = true
		if !slices.ContainsFunc(m.lb.Instances(), func(t *engine.Target) bool { return !p.opened[t.Name] }) {
			p.tick(m, stepOpenEach)
		}
	case DoRefresh:
		p.request(m, a, ex)
	case DoDeleteCookie:
		if a.Name == engine.CookieAWSALB || a.Name == engine.CookieAWSALBCORS {
			p.labDeleted = true
		}
	case DoSaveAttributes:
		on := lbCookieSticky(m.lb.TargetGroup.Attributes())
		if on && !p.stickyOn {
			p.tick(m, stepEnable)
		}
		p.turnedOff = p.turnedOff || !on && p.stickyOn
		p.stickyOn = on
	case DoStopInstance:
		if p.prev != nil && p.prev.TargetName == a.Instance && p.prev.Session != engine.SessionNone {
			p.stoppedYour[a.Instance], p.gateways = true, 0
		}
	case DoStartInstance:
		delete(p.stoppedYour, a.Instance)
	case DoPreset:
		p.prev = nil
	}
}

// request takes note of a refresh: the request's cookies and the load
// balancer's answer.
func (p *lessonProgress) request(m *model, a *Action, ex *engine.Exchange) {
	carried := slices.ContainsFunc(ex.Cookies, func(c engine.StoredCookie) bool { return c.Name == engine.CookieAWSALB })
	lab := p.labDeleted
	p.labDeleted = false
	switch ex.Reason {
	case engine.ReasonNoStickiness, engine.ReasonStickinessDisabled:
		if ex.Session == engine.SessionLost {
			p.lostUnsticky++
		}
	}
	if ex.Reason == engine.ReasonNoStickiness && ex.Status == 200 {
		p.spreadTo[ex.TargetName] = true
		p.spreadLost = p.spreadLost || ex.Session == engine.SessionLost
		if len(p.spreadTo) >= 2 && p.spreadLost {
			p.tick(m, stepSpread)
		}
	}
	if carried && p.stickyOn && ex.Reason == engine.ReasonSticky {
		if !p.done[stepFindCookie-1] {
			p.stuckTo = ex.TargetName
		}
		p.tick(m, stepFindCookie)
	}
	if p.stay.note(ex, ex.Reason == engine.ReasonSticky) >= 3 {
		p.tick(m, stepStay)
	}
	if ex.Reason == engine.ReasonNewClient && p.held && !p.done[stepDelete-1] {
		p.afterDelete, p.pickedBy, p.deletedInLab = ex.TargetName, ex.Algorithm, lab && a.Cookies == nil
		if p.prev != nil {
			p.beforeDelete = p.prev.TargetName
		}
		p.tick(m, stepDelete)
	}
	// Not a cookie an earlier lab left, sent by this lab's first request.
	if ex.Reason == engine.ReasonStickinessDisabled && p.turnedOff {
		p.tick(m, stepDisable)
	}
	if ex.Status == 502 && len(p.stoppedYour) > 0 {
		p.gateways++
	}
	if ex.Session == engine.SessionLost && p.stoppedYour[ex.LostOrigin] && ex.TargetName != ex.LostOrigin {
		if !p.done[stepStop-1] {
			p.stopped, p.lostOn, p.lostGateways = ex.LostOrigin, ex.TargetName, p.gateways
		}
		p.tick(m, stepStop)
	}
	if _, ext := m.lb.ExternalSessionStore(); ext && ex.Session == engine.SessionResumed && p.prev != nil &&
		p.prev.SessionID == ex.SessionID && p.prev.TargetName != ex.TargetName {
		if !p.done[stepStore-1] {
			p.keptFrom, p.keptOn = p.prev.TargetName, ex.TargetName
		}
		p.tick(m, stepStore)
	}
	p.held = p.held || carried
	if ex.Status == 200 {
		p.prev = ex
	}
}

// stepDetail says what the lab observed for a done step, "" for none.
func (p *lessonProgress) stepDetail(n int) string {
	if !p.done[n-1] {
		return ""
	}
	switch n {
	case stepFindCookie:
		return "Your browser sent AWSALB back; it names " + p.stuckTo + "."
	case stepDelete:
		return "Without the cookie, the load balancer picked " + p.afterDelete + "."
	case stepStop:
		return fmt.Sprintf("%s stopped; %s lost the session it held.", p.stopped, p.lostOn)
	case stepStore:
		return fmt.Sprintf("%s resumed the session that %s served, from the shared store.", p.keptOn, p.keptFrom)
	}
	return ""
}

// lessonQuestion is a question of the lesson's end, answered from the
// learner's own run: Choices to pick from, or a number when there are none.
type lessonQuestion struct {
	Text    string
	Choices []string
	Answer  string
	Explain string
}

// questions returns the end's questions, once every step is done.
func (p *lessonProgress) questions(instances []string) []lessonQuestion {
	if p.doneCount() < numLessonSteps {
		return nil
	}
	how := "in DevTools"
	if p.deletedInLab {
		how = "with the lab's Delete button"
	}
	again := ""
	if p.afterDelete == p.beforeDelete {
		again = " It is the instance you had before: the algorithm's turn came back to it by chance, and your old session there was found again."
	}
	waited := "You fast-forwarded past the health checks, so no request of yours met the stopped instance."
	if p.lostGateways > 0 {
		waited = fmt.Sprintf("First the load balancer kept sending you to %s, stopped: %s, until two health checks failed.", p.stopped, plural(p.lostGateways, "502 Bad Gateway answer"))
	}
	return []lessonQuestion{
		{Text: "When stickiness was first on, which instance did the AWSALB cookie keep you on?", Choices: instances, Answer: p.stuckTo,
			Explain: fmt.Sprintf("The first response with stickiness on came from %s and set AWSALB, a value only the load balancer can read, naming it. Each later request carried the cookie, and the load balancer sent it to %s (reason: sticky).", p.stuckTo, p.stuckTo)},
		{Text: "Which instance served you right after you deleted the cookie?", Choices: instances, Answer: p.afterDelete,
			Explain: fmt.Sprintf("You deleted the cookie %s, so the next request came without it: the load balancer could not know you were a returning user, treated you as a new client, and %s picked %s, which got a new cookie naming it.%s", how, p.pickedBy, p.afterDelete, again)},
		{Text: fmt.Sprintf("You stopped %s while it held your session. Which instance told you the session was lost?", p.stopped), Choices: instances, Answer: p.lostOn,
			Explain: fmt.Sprintf("%s Then it moved you to %s, a healthy instance. Your login lived in %s's memory, so %s did not know it and the legacy application started a new session: stickiness keeps you on an instance, it does not keep the instance alive.", waited, p.lostOn, p.stopped, p.lostOn)},
		{Text: "How many times did the legacy application lose your session while stickiness was off? (a number)", Answer: fmt.Sprint(p.lostUnsticky),
			Explain: fmt.Sprintf("The lab counted %s while stickiness was off or disabled, each a page that said \"Session lost!\": the algorithm sent you to an instance that had never seen your SESSIONID. A request that happened to land on the instance holding your session kept it. With the external store on, none of them would have been lost.", plural(p.lostUnsticky, "lost session"))},
	}
}

// steps returns the steps done and news.
func (p *lessonProgress) steps() *stepProgress { return &p.stepProgress }

// stickyRun counts a run of sticky answers that resumed the session on one
// instance: the "refresh and stay" steps.
type stickyRun struct {
	target string
	n      int
}

// note counts ex into the run when it is sticky (and resumed the session),
// ends the run otherwise, and returns the run's length.
func (r *stickyRun) note(ex *engine.Exchange, sticky bool) int {
	if !sticky || ex.Session != engine.SessionResumed {
		*r = stickyRun{}
		return 0
	}
	if ex.TargetName != r.target {
		*r = stickyRun{target: ex.TargetName}
	}
	r.n++
	return r.n
}
