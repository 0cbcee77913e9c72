package app

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stickylab/stickylab/engine"
)

// editListener saves a Classic listener policy, as Edit stickiness does.
func (w *lessonWalk) editListener(s engine.ClassicStickiness) {
	w.t.Helper()
	w.do(Action{Do: DoEditStickiness, Attributes: listenerValues(s)})
}

// setSourceIP saves a Network target group's stickiness, source_ip or off.
func (w *lessonWalk) setSourceIP(on bool) {
	w.t.Helper()
	a := w.m.lb.TargetGroup.Attributes()
	choice := engine.StickinessOff
	if on {
		choice = string(engine.SourceIP)
	}
	if err := a.SetStickinessFor(engine.NetworkLoadBalancer, choice); err != nil {
		w.t.Fatal(err)
	}
	w.do(Action{Do: DoSaveAttributes, Attributes: attributeValues(a)})
}

// checkLessonReplay checks that a replay of the walk's journal rebuilds the
// lesson's progress and details, with no news.
func (w *lessonWalk) checkLessonReplay() {
	w.t.Helper()
	r := checkReplay(w.t, w.m)
	live, got := w.m.lessons[w.id], r.lessons[w.id]
	if !slices.Equal(got.steps().done, live.steps().done) {
		w.t.Fatalf("replayed progress %v, live %v", got.steps().done, live.steps().done)
	}
	if n := got.steps().takeNews(); len(n) != 0 {
		w.t.Errorf("a replay reports steps as news: %v", n)
	}
	for n := range live.steps().done {
		if a, b := got.stepDetail(n+1), live.stepDetail(n+1); a != b {
			w.t.Errorf("step %d replayed detail %q, live %q", n+1, a, b)
		}
	}
}

// TestClassicLessonWalk walks the Classic lesson: each step ticks from
// the listener's policy and the requests' reasons and cookies, and not
// before.
func TestClassicLessonWalk(t *testing.T) {
	w := newLessonWalkOf(t, LessonClassic)
	m := w.m
	if m.lb.Type != engine.ClassicLoadBalancer {
		t.Fatalf("lesson=classic runs a %s", m.lb.Type.Title())
	}
	w.expect("start", nil)
	first := w.refresh()
	w.expect("one refresh", nil)
	second := w.refresh()
	if first.TargetName == second.TargetName || second.Session != engine.SessionLost {
		t.Fatalf("two refreshes without a policy: %s then %s (%s)", first.TargetName, second.TargetName, second.Session)
	}
	w.expect("the spread", []int{1}, 1)

	// An application-controlled policy is not the duration-based one.
	w.editListener(engine.ClassicStickiness{Type: engine.AppCookieStickinessPolicyType, CookieName: engine.SessionCookie})
	w.expect("app policy", []int{1})
	w.editListener(engine.ClassicStickiness{Type: engine.LBCookieStickinessPolicyType})
	w.expect("LB cookie policy", []int{1, 2}, 2)

	// The AWSELB the app policy set is followed now: clear the jar for a
	// first visit under the duration-based policy.
	for _, c := range m.cookies() {
		m.jar.Delete(c.Name)
	}
	if ex := w.refresh(); ex.Reason != engine.ReasonNewClient {
		t.Fatalf("first request with the policy: %s", ex.Reason)
	}
	w.expect("AWSELB set, not yet sent back", []int{1, 2})
	stuck := w.refresh()
	w.expect("AWSELB sent back", []int{1, 2, 3}, 3)
	w.refresh()
	w.refresh()
	w.expect("three sticky answers", []int{1, 2, 3, 4}, 4)

	m.jar.Delete(engine.CookieAWSELB)
	m.jar.Delete(engine.CookieAWSELBCORS)
	picked := w.refresh()
	if picked.Reason != engine.ReasonNewClient {
		t.Fatalf("after the deletion: %s", picked.Reason)
	}
	w.expect("AWSELB deleted", []int{1, 2, 3, 4, 5}, 5)

	mine := w.refresh()
	w.do(Action{Do: DoStopInstance, Instance: mine.TargetName})
	if gw := w.refresh(); gw.Status != 502 {
		t.Fatalf("right after the stop: %d", gw.Status)
	}
	w.expect("stopped, not yet OutOfService", []int{1, 2, 3, 4, 5})
	w.wait(70 * time.Second)
	moved := w.refresh()
	if moved.Reason != engine.ReasonTargetUnhealthy || moved.TargetName == mine.TargetName {
		t.Fatalf("after the health checks: %s on %s", moved.Reason, moved.TargetName)
	}
	w.expect("moved as if there is no cookie", []int{1, 2, 3, 4, 5, 6}, 6)

	// Deleting the application's cookie under the duration-based policy
	// does not unstick.
	m.jar.Delete(engine.SessionCookie)
	w.refresh()
	w.expect("SESSIONID deleted under LBCookieStickinessPolicy", []int{1, 2, 3, 4, 5, 6})

	w.editListener(engine.ClassicStickiness{Type: engine.AppCookieStickinessPolicyType, CookieName: engine.SessionCookie})
	for range 3 {
		w.refresh()
	}
	w.expect("app cookie policy sticks", []int{1, 2, 3, 4, 5, 6, 7}, 7)
	m.jar.Delete(engine.SessionCookie)
	out := w.refresh()
	if out.Reason != engine.ReasonAppCookieMissing {
		t.Fatalf("without SESSIONID: %s", out.Reason)
	}
	w.expect("app cookie deleted", []int{1, 2, 3, 4, 5, 6, 7, 8}, 8)

	p := m.lessons[LessonClassic]
	for n, want := range map[int]string{3: stuck.TargetName, 5: picked.TargetName, 6: moved.TargetName, 8: out.TargetName} {
		if d := p.stepDetail(n); !strings.Contains(d, want) {
			t.Errorf("step %d detail %q does not name %s", n, d, want)
		}
	}
	if d := p.stepDetail(6); !strings.Contains(d, mine.TargetName) {
		t.Errorf("step 6 detail %q does not name the stopped %s", d, mine.TargetName)
	}
	if m.lesson.doneCount() != 0 {
		t.Errorf("the article's lesson ticked %d steps on a Classic Load Balancer", m.lesson.doneCount())
	}
	w.checkLessonReplay()
}

// TestNetworkLessonWalk walks the Network lesson: connections and source
// IP stickiness, from the requests' reasons, never a cookie.
func TestNetworkLessonWalk(t *testing.T) {
	w := newLessonWalkOf(t, LessonNetwork)
	m := w.m
	if m.lb.Type != engine.NetworkLoadBalancer {
		t.Fatalf("lesson=network runs a %s", m.lb.Type.Title())
	}
	first := w.refresh()
	w.refresh()
	w.expect("one answer on the connection", nil)
	if ex := w.refresh(); ex.Reason != engine.ReasonSameConnection || ex.TargetName != first.TargetName || len(ex.SetCookies) > 1 {
		t.Fatalf("same connection: %s on %s, cookies %v", ex.Reason, ex.TargetName, ex.SetCookies)
	}
	w.expect("two answers on the connection", []int{1}, 1)

	prev, moved := first.TargetName, ""
	for i := 0; i < 12 && moved == ""; i++ {
		w.do(Action{Do: DoNewConnection})
		ex := w.refresh()
		if ex.Reason != engine.ReasonNewConnection {
			t.Fatalf("after New connection: %s", ex.Reason)
		}
		if ex.TargetName == prev {
			w.expect("a new connection on the same target", []int{1})
		} else {
			moved = ex.TargetName
		}
		prev = ex.TargetName
	}
	if moved == "" {
		t.Fatal("twelve new connections on one target")
	}
	w.expect("a new connection elsewhere", []int{1, 2}, 2)

	// Source IP stickiness on.
	w.setSourceIP(true)
	w.expect("source_ip on", []int{1, 2, 3}, 3)
	mine := w.refresh() // the open connection: the IP's target now
	w.expect("the open connection", []int{1, 2, 3})
	w.do(Action{Do: DoNewConnection})
	if ex := w.refresh(); ex.Reason != engine.ReasonSourceIP || ex.TargetName != mine.TargetName {
		t.Fatalf("a new connection with source_ip: %s on %s, want %s", ex.Reason, ex.TargetName, mine.TargetName)
	}
	w.expect("new connection, same target", []int{1, 2, 3, 4}, 4)

	// The targets change: the IP's target is forgotten.
	other := "Instance 1"
	if mine.TargetName == other {
		other = "Instance 2"
	}
	w.do(Action{Do: DoDeregister, Instance: other})
	w.do(Action{Do: DoNewConnection})
	reset := w.refresh()
	if reset.Reason != engine.ReasonNewSourceIP {
		t.Fatalf("after a deregistration: %s", reset.Reason)
	}
	w.expect("stickiness reset", []int{1, 2, 3, 4, 5}, 5)
	if d := m.lessons[LessonNetwork].stepDetail(5); !strings.Contains(d, reset.TargetName) {
		t.Errorf("step 5 detail %q", d)
	}
	for _, c := range m.cookies() {
		if strings.HasPrefix(c.Name, "AWS") {
			t.Errorf("a Network Load Balancer set %s", c.Name)
		}
	}
	w.checkLessonReplay()
}

// TestNetworkLessonNoReset checks that saving source_ip anew is no reset
// of the targets: a new policy holds no source IP.
func TestNetworkLessonNoReset(t *testing.T) {
	w := newLessonWalkOf(t, LessonNetwork)
	w.refresh()
	w.setSourceIP(true)
	w.refresh()
	w.setSourceIP(false)
	w.setSourceIP(true)
	w.do(Action{Do: DoNewConnection})
	if ex := w.refresh(); ex.Reason != engine.ReasonNewSourceIP {
		t.Fatalf("a new policy: %s", ex.Reason)
	}
	if w.run().done[networkReset-1] {
		t.Error("saving the attributes anew ticked the reset")
	}
}

// TestBlueGreenLessonWalk walks the blue/green lesson on the rule the
// lesson brings: weights shifted from blue to green, group stickiness.
func TestBlueGreenLessonWalk(t *testing.T) {
	w := newLessonWalkOf(t, LessonBlueGreen)
	m := w.m
	f := m.lb.Forward()
	if len(f.TargetGroups) != 2 || f.TargetGroups[0].Weight != 100 || f.TargetGroups[1].Weight != 0 || !f.TargetGroupStickinessConfig.Enabled {
		t.Fatalf("lesson=blue-green forwards %+v", f)
	}
	if ex := w.refresh(); ex.TargetGroup != "blue" || ex.GroupReason != engine.ReasonNewClient {
		t.Fatalf("first request: %s (%s)", ex.TargetGroup, ex.GroupReason)
	}
	w.expect("AWSALBTG set", nil)
	w.refresh()
	w.expect("AWSALBTG sent back", []int{1}, 1)

	if err := m.setWeights([]int{50, 50}); err != nil {
		t.Fatal(err)
	}
	w.expect("half the weight", []int{1})
	if err := m.setWeights([]int{0, 100}); err != nil {
		t.Fatal(err)
	}
	w.expect("weights shifted", []int{1, 2}, 2)
	if ex := w.refresh(); ex.TargetGroup != "blue" || ex.GroupReason != engine.ReasonSticky {
		t.Fatalf("after the shift: %s (%s)", ex.TargetGroup, ex.GroupReason)
	}
	w.expect("stayed on blue", []int{1, 2, 3}, 3)

	w.wait(61 * time.Second)
	out := w.refresh()
	if out.TargetGroup != "green" || out.GroupReason != engine.ReasonCookieExpired || out.Session != engine.SessionLost {
		t.Fatalf("after the group cookie ran out: %s (%s), session %s", out.TargetGroup, out.GroupReason, out.Session)
	}
	w.expect("ran out", []int{1, 2, 3, 4}, 4)
	if d := m.lessons[LessonBlueGreen].stepDetail(4); !strings.Contains(d, "green") || !strings.Contains(d, "lost") {
		t.Errorf("step 4 detail %q", d)
	}

	// A new user: no group cookie.
	w.do(Action{Do: DoDeleteCookie, Name: engine.CookieAWSALBTG})
	w.do(Action{Do: DoDeleteCookie, Name: engine.CookieAWSALBTGCORS})
	if ex := w.refresh(); ex.TargetGroup != "green" || ex.GroupReason != engine.ReasonNewClient {
		t.Fatalf("without a group cookie: %s (%s)", ex.TargetGroup, ex.GroupReason)
	}
	w.expect("new user on green", []int{1, 2, 3, 4, 5}, 5)
	w.checkLessonReplay()
}

// TestBlueGreenLessonBeforeShift checks that nothing after the shift ticks
// before it: a new user and an expired cookie while blue holds the weight.
func TestBlueGreenLessonBeforeShift(t *testing.T) {
	w := newLessonWalkOf(t, LessonBlueGreen)
	w.refresh()
	w.wait(61 * time.Second)
	if ex := w.refresh(); ex.GroupReason != engine.ReasonCookieExpired || ex.TargetGroup != "blue" {
		t.Fatalf("expired before the shift: %s (%s)", ex.TargetGroup, ex.GroupReason)
	}
	w.m.jar.Delete(engine.CookieAWSALBTG)
	w.m.jar.Delete(engine.CookieAWSALBTGCORS)
	w.refresh()
	w.expect("before the shift", nil)
	// A rule that starts shifted has no shift to observe.
	m, _ := newTestModel(t, "lesson=blue-green&weights=0,100&group_stickiness=60&stickiness=lb_cookie", nil)
	if err := m.setWeights([]int{0, 50}); err != nil {
		t.Fatal(err)
	}
	if m.lessons[LessonBlueGreen].steps().done[blueGreenShift-1] {
		t.Error("a rule that started with blue at 0 ticked the shift")
	}
}

// TestLessonSetup checks the setup each lesson brings for what the URL
// leaves out, and the notice for a lesson that does not fit the lab.
func TestLessonSetup(t *testing.T) {
	for _, g := range guidedLessons {
		s, msgs := ParseSetup(mustQuery(t, "lesson="+g.ID))
		if len(msgs) > 0 || s.Type != g.Type || (s.Weights != "") != g.Weighted || lessonNotice(g.ID, s) != nil {
			t.Errorf("lesson=%s: %+v %q %q", g.ID, s, msgs, lessonNotice(g.ID, s))
		}
	}
	p, _ := engine.PresetByID("blue-green")
	s, _ := ParseSetup(mustQuery(t, "lesson=blue-green"))
	if s.Weights != "100,0" || s.GroupStickiness != p.GroupStickiness || s.Stickiness != p.Stickiness || s.Instances != p.Groups[0].Instances {
		t.Errorf("lesson=blue-green: %+v, want the blue/green preset's rule", s)
	}
	// What the URL says wins.
	if s, _ := ParseSetup(mustQuery(t, "lesson=blue-green&weights=80,20&group_stickiness=30&stickiness=lb_cookie&instances=3")); s.Weights != "80,20" || s.GroupStickiness != 30*time.Second || s.Instances != 3 {
		t.Errorf("lesson=blue-green with weights: %+v", s)
	}
	for q, want := range map[string]string{
		"lb=network&lesson=article":                                       `lesson="article" is the Application Load Balancer's lesson, and this lab is a Network Load Balancer (lb=network): use lesson=network`,
		"lb=classic&lesson=network":                                       `lesson="network" is the Network Load Balancer's lesson, and this lab is a Classic Load Balancer (lb=classic): use lesson=classic`,
		"lb=network&lesson=blue-green":                                    `lesson="blue-green" is the Application Load Balancer's lesson`,
		"lb=application&lesson=classic&weights=80,20&group_stickiness=10": "use lesson=blue-green",
		"lesson=kubernetes":                                               `lesson="kubernetes" is not valid: use article, classic, network or blue-green`,
	} {
		q := mustQuery(t, q)
		s, _ := ParseSetup(q)
		if got := strings.Join(lessonNotice(q.Get("lesson"), s), ""); !strings.Contains(got, want) || !strings.HasSuffix(got, "No guided lesson.") {
			t.Errorf("%v: notice %q, want %q", q, got, want)
		}
	}
	s = DefaultSetup()
	if got := strings.Join(lessonNotice(LessonBlueGreen, s), ""); !strings.Contains(got, "needs a listener rule forwarding to two target groups") {
		t.Errorf("blue-green on one target group: %q", got)
	}
}

// TestLessonGuidePerType mounts each lesson: its guide with its steps, the
// lab's own lesson link, a mismatched lesson refused with the lab working.
func TestLessonGuidePerType(t *testing.T) {
	for _, g := range guidedLessons {
		lt := mountLab(t, "lesson="+g.ID, nil)
		tree := lt.tree()
		guide := tree.mustTestID(t, "lesson")
		if guide.attrs["data-lesson"] != g.ID || len(tree.allByTestID("lesson-step")) != len(g.Steps) {
			t.Errorf("lesson=%s: guide %v with %d steps", g.ID, guide.attrs, len(tree.allByTestID("lesson-step")))
		}
		if tree.byTestID("notices") != nil {
			t.Errorf("lesson=%s: notices %q", g.ID, lt.text("notices"))
		}
	}
	for q, want := range map[string]string{"": LessonArticle, "lb=classic": LessonClassic, "lb=network": LessonNetwork, "weights=50,50": LessonBlueGreen} {
		lt := mountLab(t, q, nil)
		if a := lt.tree().mustTestID(t, "start-lesson"); !strings.HasSuffix(a.attrs["href"], "/?lesson="+want) {
			t.Errorf("%q: start-lesson href %q, want lesson=%s", q, a.attrs["href"], want)
		}
	}
	lt := mountLab(t, "lb=network&lesson=article", nil)
	if got := lt.text("notices"); !strings.Contains(got, "use lesson=network") {
		t.Errorf("notices %q", got)
	}
	if lt.tree().byTestID("lesson") != nil {
		t.Error("the Network lab shows the article's lesson")
	}
	if _, reason := lt.refresh(); reason != "same-connection" && reason != "new-connection" {
		t.Errorf("the lab does not work on: %q", reason)
	}
}

// TestLessonGuideNetwork walks the Network lesson's first two steps in the
// Lab: said, posted to the course page, and the next traffic lab lesson
// offered only once every step is done.
func TestLessonGuideNetwork(t *testing.T) {
	lt := mountLab(t, "lesson=network", nil)
	for range 3 {
		lt.refresh()
	}
	tree := lt.tree()
	if got := tree.mustTestID(t, "lesson-progress").attrs["data-done-count"]; got != "1" {
		t.Fatalf("data-done-count %q after three refreshes", got)
	}
	if said := lt.text("announcer"); !strings.Contains(said, "Lesson step 1 done: Refresh: one connection, one target, no cookie.") {
		t.Errorf("announcer %q", said)
	}
	if tree.byTestID("lesson-next") != nil {
		t.Error("the next lesson is offered before every step is done")
	}
	b, _ := json.Marshal(newLessonStepMessage(lessonByID(LessonNetwork), networkNewConnection, 2))
	if got, want := string(b), `{"type":"stickylab:lesson-step","version":1,"lesson":"network","step":2,"id":"new-connection","done":2,"total":5}`; got != want {
		t.Errorf("%s\nwant %s", got, want)
	}
	lt.finishLesson(LessonNetwork)
	if a := lt.tree().mustTestID(t, "lesson-next"); !strings.HasSuffix(a.attrs["href"], "/?preset=nlb-office-nat") {
		t.Errorf("lesson-next href %q", a.attrs["href"])
	}
}

// TestLessonGuideArticleNext: the article's lesson, done, offers the traffic
// lab's first lesson (a crowd without stickiness) as its next step.
func TestLessonGuideArticleNext(t *testing.T) {
	lt := mountLab(t, "lesson=article", nil)
	if lt.tree().byTestID("lesson-next") != nil {
		t.Error("the next lesson is offered before every step is done")
	}
	lt.finishLesson(LessonArticle)
	if a := lt.tree().mustTestID(t, "lesson-next"); !strings.HasSuffix(a.attrs["href"], "/?preset=no-stickiness") {
		t.Errorf("lesson-next href %q", a.attrs["href"])
	}
}

// finishLesson marks every step of the guided lesson id done.
func (lt *labTest) finishLesson(id string) {
	lt.do(func(l *Lab) {
		r := l.m.lessons[id].steps()
		for i := range r.done {
			r.done[i] = true
		}
	})
}
