//go:build !(js && wasm)

package e2e

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// stepDone reports whether the guided lesson shows step n done.
func (p *Page) stepDone(n int) bool {
	p.T.Helper()
	return Eval[string](p, fmt.Sprintf(`document.querySelector('[data-testid="lesson-step"][data-step="%d"]').dataset.done`, n)) == "true"
}

// waitStep waits until the lesson shows step n done and the progress
// counts done steps.
func (p *Page) waitStep(n, done int) {
	p.T.Helper()
	deadline := time.Now().Add(Timeout)
	for !p.stepDone(n) || p.doneCount() != done {
		if time.Now().After(deadline) {
			p.T.Fatalf("waiting for lesson step %d (%d done): %d steps done", n, done, p.doneCount())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (p *Page) doneCount() int {
	p.T.Helper()
	return Eval[int](p, `+document.querySelector('[data-testid="lesson-progress"]').dataset.doneCount`)
}

// refreshUntil refreshes, at most max times, until the lesson shows step n
// done, and returns the last page's heading and reason. It counts what it
// observes: a page load may or may not have been a request already.
func (p *Page) refreshUntil(n, max int) (servedBy, reason string) {
	p.T.Helper()
	for i := 0; i < max && !p.stepDone(n); i++ {
		servedBy, reason = p.refresh()
	}
	return servedBy, reason
}

// walkLesson walks the whole article lesson in the lab p by its actions,
// deleting the cookies through the DevTools protocol as a learner would in
// DevTools, and returns the instance that answered after the deletion.
func walkLesson(t *testing.T, p *Page) (afterDelete string) {
	t.Helper()
	p.WaitTestID("lesson")
	if got := Eval[int](p, `document.querySelectorAll('[data-testid="lesson-step"]').length`); got != 9 {
		t.Fatalf("%d lesson steps, want 9", got)
	}
	if p.doneCount() != 0 {
		t.Fatalf("a new lesson has %d steps done", p.doneCount())
	}
	// 1. Each instance opened directly; two of three are not enough.
	p.load("open-instance-1")
	p.load("open-instance-2")
	if p.stepDone(1) {
		t.Error("step 1 done after two of three instances")
	}
	p.load("open-instance-3")
	p.waitStep(1, 1)
	if said := p.waitAnnounced(func(s string) bool { return strings.Contains(s, "Lesson step 1 done") }); !strings.Contains(said, "Instance 3 opened directly") {
		t.Errorf("announced %q", said)
	}
	// 2. The spread and a lost session, without stickiness.
	p.refreshUntil(2, 6)
	p.waitStep(2, 2)
	// 3. Stickiness on; 4 and 5: the cookie comes back, three sticky answers.
	p.setStickiness(true)
	p.waitStep(3, 3)
	if p.stepDone(4) {
		t.Error("step 4 done before any request carried AWSALB")
	}
	p.refreshUntil(5, 6)
	p.waitStep(5, 5)
	if _, ok := p.Cookie("AWSALB"); !ok {
		t.Fatal("no AWSALB in the browser's cookie store")
	}
	p.setViewport(1280, 1000)
	Eval[bool](p, `(scrollTo(0, 0), true)`)
	p.saveScreenshot("lesson-5-of-9", run(p, "taking a screenshot of the window", chromedp.CaptureScreenshot()))
	// The progress survives a reload (the page load may be a request).
	p.Reload()
	p.WaitReady()
	p.waitStep(5, 5)
	// 6. Deleted in DevTools, then the page reloaded, as in the article: a
	// new pick (by the page load, or by a Refresh if it made no request).
	p.DeleteCookie("AWSALB")
	p.DeleteCookie("AWSALBCORS")
	p.Reload()
	p.WaitReady()
	if !p.stepDone(6) {
		p.refresh()
	}
	afterDelete = p.WaitText("served-by", NonEmpty)
	if reason := p.lastReason(); reason != "new-client" {
		t.Errorf("after deleting the cookies: reason %q", reason)
	}
	p.waitStep(6, 6)
	// 7. Stickiness off, the cookie still there.
	p.setStickiness(false)
	if _, reason := p.refresh(); reason != "stickiness-disabled" {
		t.Errorf("stickiness off with the cookie: reason %q", reason)
	}
	p.waitStep(7, 7)
	// 8. Your instance stopped: after the health checks, another instance
	// answers that the session is lost.
	p.setStickiness(true)
	mine, reason := p.refresh()
	if reason != "sticky" {
		t.Errorf("stickiness back on: reason %q", reason)
	}
	n := instanceNumber(t, mine)
	p.Click(fmt.Sprintf("stop-%d", n))
	p.Click("ff-1m0s")
	p.WaitText(fmt.Sprintf("instance-%d-state", n), func(s string) bool { return s == "unhealthy" })
	lost, _ := p.refreshUntil(8, 3)
	if lost == mine || !strings.Contains(p.Text("session-view"), "Session lost") {
		t.Errorf("after stopping %s: %s, %q", mine, lost, p.Text("session-view"))
	}
	p.waitStep(8, 8)
	// 9. The external store: a move keeps the session.
	p.SetChecked("external-store", true)
	p.refresh()
	for i := 0; i < 4 && !p.stepDone(9); i++ {
		p.DeleteCookie("AWSALB")
		p.DeleteCookie("AWSALBCORS")
		p.refresh()
	}
	p.waitStep(9, 9)
	if !strings.Contains(p.Text("session-view"), "Welcome back") {
		t.Errorf("with the external store after a move: %q", p.Text("session-view"))
	}
	return afterDelete
}

// TestLesson walks the guided lesson in Chromium, reloading on the way, then
// answers its questions from the run the test observed, after a reload.
func TestLesson(t *testing.T) {
	p := NewPage(t)
	p.OpenLab("lesson=article")
	afterDelete := walkLesson(t, p)

	p.Reload()
	p.WaitReady()
	p.WaitTestID("lesson-questions")
	if p.doneCount() != 9 {
		t.Errorf("after a reload, %d steps done, want 9", p.doneCount())
	}
	if got := Eval[int](p, `document.querySelectorAll('[data-testid="lesson-question"]').length`); got != 4 {
		t.Fatalf("%d questions, want 4", got)
	}
	// Question 2: who answered after the deletion; a right answer.
	p.Click(fmt.Sprintf("lesson-answer-2-%d", instanceNumber(t, afterDelete)))
	p.Click("lesson-check-2")
	p.WaitTestID("lesson-result-2")
	if got := Eval[string](p, `document.querySelector('[data-testid="lesson-question"][data-question="2"]').dataset.correct`); got != "true" {
		t.Errorf("question 2 answered %s: correct=%s, %q", afterDelete, got, p.Text("lesson-result-2"))
	}
	// Question 4: a wrong number, corrected with the explanation.
	p.typeInto("lesson-answer-4", "999")
	p.Click("lesson-check-4")
	if got := p.WaitText("lesson-result-4", NonEmpty); !strings.HasPrefix(got, "Not quite: in your run it was") || !strings.Contains(got, "SESSIONID") {
		t.Errorf("question 4's result %q", got)
	}
	Eval[bool](p, `(document.querySelector('[data-testid="lesson"]').scrollIntoView(), true)`)
	p.ScreenshotOf("lesson", `[data-testid="lesson"]`)
	p.axe("the guided lesson done, with its questions checked")
	p.checkLayout("lesson-guide")
	p.setViewport(320, 800)
	p.ScreenshotOf("lesson-questions-320", `[data-testid="lesson-questions"]`)
	p.setViewport(1280, 1000)
	p.emulateMedia("prefers-color-scheme", "dark")
	p.axe("the guided lesson in dark mode")
	p.ScreenshotOf("lesson-dark", `[data-testid="lesson"]`)
	p.checkClean()
}

// TestPrediction predicts a traffic lab lesson before it runs, reloads the
// page, then finds the measured answer beside the prediction once the
// incident played out.
func TestPrediction(t *testing.T) {
	p := NewPage(t)
	p.OpenLab("preset=stickiness")
	p.WaitTestID("prediction")
	p.Click("prediction-choice-1") // none lost
	p.Click("predict")
	if got := p.WaitText("prediction-result", NonEmpty); !strings.HasPrefix(got, "You predicted: None.") {
		t.Errorf("before the horizon: %q", got)
	}
	// The form that had the focus is gone: the focus is on what replaced it.
	p.trWait("the focus on the locked-in prediction", func() bool { return p.focused() == "prediction-result" })
	// A reload before the answer is in keeps the prediction locked in.
	p.Reload()
	p.WaitReady()
	if got := p.WaitText("prediction-result", NonEmpty); !strings.HasPrefix(got, "You predicted: None.") || p.trExists("predict") {
		t.Errorf("after a reload: %q (the question asked again: %v)", got, p.trExists("predict"))
	}
	p.Click("ff-10m")
	p.trWait("the measured answer", func() bool {
		return Eval[string](p, `document.querySelector('[data-testid="prediction-result"]').dataset.measured`) == "0"
	})
	r := p.Text("prediction-result")
	if !strings.Contains(r, "Measured: None. 0 sessions lost in") || !strings.Contains(r, "Your prediction was right.") {
		t.Errorf("after the horizon: %q", r)
	}
	p.waitAnnounced(func(s string) bool {
		return strings.HasPrefix(s, "Prediction measured: None. 0 sessions lost in") && strings.HasSuffix(s, "Your prediction was right.")
	})
	p.ScreenshotOf("prediction", `[data-testid="prediction"]`)
	p.checkClean()
}

// TestLessonMessages embeds the lesson in a course page: each step done is
// posted as a stickylab:lesson-step message.
func TestLessonMessages(t *testing.T) {
	course := coursePage(t)
	p, fp := openCourse(t, course, "?embed=1&lesson=article&parent="+url.QueryEscape(course.Origin))
	fp.WaitTestID("lesson")
	for n := 1; n <= 3; n++ {
		fp.load(fmt.Sprintf("open-instance-%d", n))
	}
	m := waitMessages(p, "stickylab:lesson-step", 1)[0]
	if m.Origin != lab.Origin || m.Data["version"] != 1.0 || m.Data["lesson"] != "article" || m.Data["step"] != 1.0 ||
		m.Data["id"] != "open-each" || m.Data["done"] != 1.0 || m.Data["total"] != 9.0 {
		t.Errorf("lesson-step message %+v", m)
	}
}
