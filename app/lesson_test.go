package app

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stickylab/stickylab/engine"
)

// lessonWalk drives a model through the lesson's actions on a fake clock.
type lessonWalk struct {
	t     *testing.T
	m     *model
	clock *fakeClock
	id    string // the lesson walked
}

func newLessonWalk(t *testing.T) *lessonWalk { return newLessonWalkOf(t, LessonArticle) }

// newLessonWalkOf starts the lab ?lesson=id, with the setup the lesson brings.
func newLessonWalkOf(t *testing.T, id string) *lessonWalk {
	m, clock := newTestModel(t, "lesson="+id, nil)
	return &lessonWalk{t: t, m: m, clock: clock, id: id}
}

// run is what the walked lesson observed.
func (w *lessonWalk) run() *stepProgress { return w.m.lessons[w.id].steps() }

func (w *lessonWalk) wait(d time.Duration) { w.clock.Advance(d); w.m.sync() }

func (w *lessonWalk) refresh() engine.Exchange {
	w.wait(700 * time.Millisecond)
	return w.m.refresh()
}

func (w *lessonWalk) do(a Action) {
	w.t.Helper()
	w.wait(time.Second)
	if _, err := w.m.do(a); err != nil {
		w.t.Fatalf("%s: %v", a.Do, err)
	}
}

func (w *lessonWalk) setStickiness(on bool) {
	w.t.Helper()
	a, err := w.m.lb.TargetGroup.Attributes().With(engine.KeyStickinessEnabled, fmt.Sprint(on))
	if err != nil {
		w.t.Fatal(err)
	}
	w.do(Action{Do: DoSaveAttributes, Attributes: attributeValues(a)})
}

// done returns the steps done, by number.
func (w *lessonWalk) done() []int {
	var ns []int
	for i, d := range w.run().done {
		if d {
			ns = append(ns, i+1)
		}
	}
	return ns
}

// expect fails unless exactly the steps want are done, and the news since
// the last call are the steps new.
func (w *lessonWalk) expect(what string, want []int, news ...int) {
	w.t.Helper()
	if got := w.done(); !slices.Equal(got, want) {
		w.t.Fatalf("%s: steps done %v, want %v", what, got, want)
	}
	if got := w.run().takeNews(); !slices.Equal(got, news) {
		w.t.Fatalf("%s: news %v, want %v", what, got, news)
	}
}

// TestLessonWalk walks the whole article lesson through the model's
// actions, checks that each step is ticked only by what it asks, that the
// questions are answered from this run, and that a replay keeps it all.
func TestLessonWalk(t *testing.T) {
	w := newLessonWalk(t)
	m := w.m
	w.expect("start", nil)

	w.m.openDirect("Instance 1")
	w.m.openDirect("Instance 2")
	w.expect("two of three opened", nil)
	w.m.openDirect("Instance 3")
	w.expect("all opened", []int{1}, 1)

	w.refresh()
	w.expect("one refresh", []int{1})
	w.refresh()
	w.expect("two refreshes without stickiness", []int{1, 2}, 2)

	w.setStickiness(true)
	w.expect("stickiness on", []int{1, 2, 3}, 3)

	first := w.refresh()
	if first.Reason != engine.ReasonNewClient {
		t.Fatalf("first sticky refresh: %s", first.Reason)
	}
	w.expect("the cookie set, not yet sent back", []int{1, 2, 3})
	w.refresh()
	w.refresh()
	w.expect("sent back, two sticky answers", []int{1, 2, 3, 4}, 4)
	w.refresh()
	w.expect("three sticky answers", []int{1, 2, 3, 4, 5}, 5)

	// Deleted in DevTools: the jar loses them behind the lab's back.
	m.jar.Delete(engine.CookieAWSALB)
	w.refresh() // AWSALBCORS still names the instance
	w.expect("only AWSALB deleted", []int{1, 2, 3, 4, 5})
	m.jar.Delete(engine.CookieAWSALB)
	m.jar.Delete(engine.CookieAWSALBCORS)
	afterDelete := w.refresh()
	if afterDelete.Reason != engine.ReasonNewClient {
		t.Fatalf("after the deletion: %s", afterDelete.Reason)
	}
	w.expect("cookie deleted in DevTools", []int{1, 2, 3, 4, 5, 6}, 6)

	w.setStickiness(false)
	w.expect("stickiness off", []int{1, 2, 3, 4, 5, 6})
	w.refresh()
	w.expect("cookie ignored", []int{1, 2, 3, 4, 5, 6, 7}, 7)

	w.setStickiness(true)
	mine := w.refresh()
	// Stopping another instance than yours is not the step.
	other := "Instance 1"
	if mine.TargetName == other {
		other = "Instance 2"
	}
	w.do(Action{Do: DoStopInstance, Instance: other})
	w.do(Action{Do: DoStartInstance, Instance: other})
	w.do(Action{Do: DoStopInstance, Instance: mine.TargetName})
	gw := w.refresh()
	if gw.Status != 502 {
		t.Fatalf("right after the stop: %d", gw.Status)
	}
	w.wait(70 * time.Second)
	lost := w.refresh()
	if lost.Session != engine.SessionLost || lost.Reason != engine.ReasonTargetUnhealthy {
		t.Fatalf("after the health checks: %s %s", lost.Session, lost.Reason)
	}
	w.expect("your instance stopped", []int{1, 2, 3, 4, 5, 6, 7, 8}, 8)

	w.do(Action{Do: DoExternalStoreOn})
	w.refresh() // the store starts without your session
	w.refresh()
	w.expect("store on, not moved", []int{1, 2, 3, 4, 5, 6, 7, 8})
	w.do(Action{Do: DoDeleteCookie, Name: engine.CookieAWSALB})
	w.do(Action{Do: DoDeleteCookie, Name: engine.CookieAWSALBCORS})
	kept := w.refresh()
	if kept.Session != engine.SessionResumed {
		t.Fatalf("with the store on, after a move: %s on %s", kept.Session, kept.TargetName)
	}
	w.expect("moved, session kept", []int{1, 2, 3, 4, 5, 6, 7, 8, 9}, 9)

	qs := m.lesson.questions(instanceNames(m.lb))
	if len(qs) != 4 {
		t.Fatalf("%d questions", len(qs))
	}
	for i, want := range []string{first.TargetName, afterDelete.TargetName, lost.TargetName} {
		if qs[i].Answer != want || !slices.Contains(qs[i].Choices, want) {
			t.Errorf("question %d %q: answer %q, want %q", i+1, qs[i].Text, qs[i].Answer, want)
		}
	}
	if want := string(afterDelete.Algorithm) + " picked " + afterDelete.TargetName; afterDelete.Algorithm == "" || !strings.Contains(qs[1].Explain, want) {
		t.Errorf("question 2's explanation %q does not say %q", qs[1].Explain, want)
	}
	if !strings.Contains(qs[2].Text, mine.TargetName) || !strings.Contains(qs[2].Explain, "1 502 Bad Gateway answer") {
		t.Errorf("question 3 does not tell this run: %q / %q", qs[2].Text, qs[2].Explain)
	}
	if qs[3].Answer == "0" {
		t.Errorf("no session lost without stickiness in this run?")
	}

	r := checkReplay(t, m)
	if !slices.Equal(r.lesson.done, m.lesson.done) {
		t.Fatalf("replayed progress %v, live %v", r.lesson.done, m.lesson.done)
	}
	if n := r.lesson.takeNews(); len(n) != 0 {
		t.Errorf("a replay reports steps as news: %v", n)
	}
	rq := r.lesson.questions(instanceNames(r.lb))
	for i := range qs {
		if rq[i].Answer != qs[i].Answer || rq[i].Explain != qs[i].Explain {
			t.Errorf("replayed question %d: %+v, live %+v", i+1, rq[i], qs[i])
		}
	}
}

// TestLessonNoNextClick checks that nothing but the observed actions ticks
// a step: a lab started sticky does not count as enabling stickiness, the
// lab's own Delete button counts, and a cookie that only expired does not.
func TestLessonNoNextClick(t *testing.T) {
	m, clock := newTestModel(t, "stickiness=lb_cookie&duration=30", nil)
	step := func(d time.Duration) { clock.Advance(d); m.sync() }
	for range 4 {
		m.refresh()
		step(time.Second)
	}
	if m.lesson.done[stepEnable-1] {
		t.Error("a lab started sticky ticked Enable stickiness")
	}
	if !m.lesson.done[stepStay-1] || !m.lesson.done[stepFindCookie-1] {
		t.Errorf("sticky refreshes did not tick steps 4 and 5: %v", m.lesson.done)
	}
	step(time.Minute)
	if ex := m.refresh(); ex.Reason != engine.ReasonCookieExpired {
		t.Fatalf("after the duration: %s", ex.Reason)
	}
	if m.lesson.done[stepDelete-1] {
		t.Error("an expired cookie ticked the deletion")
	}
	m.do(Action{Do: DoDeleteCookie, Name: engine.CookieAWSALB})
	m.do(Action{Do: DoDeleteCookie, Name: engine.CookieAWSALBCORS})
	step(time.Second)
	m.refresh()
	if !m.lesson.done[stepDelete-1] || !m.lesson.deletedInLab {
		t.Errorf("the lab's Delete buttons did not tick the deletion: %v", m.lesson.done)
	}
	if m.lesson.doneCount() != 3 || m.lesson.questions(nil) != nil {
		t.Errorf("%d steps done, questions %v", m.lesson.doneCount(), m.lesson.questions(nil))
	}
}

func TestLessonWords(t *testing.T) {
	if got, want := lessonWords(lessonByID(LessonArticle), []int{3}), "Lesson step 3 done: Enable stickiness."; got != want {
		t.Errorf("%q, want %q", got, want)
	}
}
