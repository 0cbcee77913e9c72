//go:build !(js && wasm)

package e2e

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// The guided lessons of the other load balancer types (lesson=classic,
// network, blue-green), walked in Chromium by their actions, as
// lesson_test.go walks the article's.

// openLesson opens ?lesson=id and checks the guide: its lesson, its n
// steps, none done, and no notice.
func openLesson(t *testing.T, id string, n int) *Page {
	t.Helper()
	p := NewPage(t)
	p.OpenLab("lesson=" + id)
	p.WaitTestID("lesson")
	if got := p.trAttr("lesson", "data-lesson"); got != id {
		t.Fatalf("the guide is lesson %q, want %q", got, id)
	}
	if got := Eval[int](p, `document.querySelectorAll('[data-testid="lesson-step"]').length`); got != n {
		t.Fatalf("%d lesson steps, want %d", got, n)
	}
	if p.exists("notices") {
		t.Errorf("notices: %q", p.Text("notices"))
	}
	return p
}

// finishLesson reloads the lab p of a lesson of n steps, all done: the
// replay rebuilds them and the next traffic lab lesson is offered. Then the
// guide passes axe in light and dark mode, reflows at 320 px, and is
// photographed at 390 and 1280 px.
func finishLesson(t *testing.T, p *Page, id, preset string, n int) {
	t.Helper()
	p.Reload()
	p.WaitReady()
	p.waitStep(n, n)
	if href := p.trAttr("lesson-next", "href"); !strings.HasSuffix(href, "/?preset="+preset) {
		t.Errorf("lesson-next href %q, want preset=%s", href, preset)
	}
	Eval[bool](p, `(document.querySelector('[data-testid="lesson"]').scrollIntoView(), true)`)
	p.axe("the " + id + " lesson done")
	p.checkLayout("lesson-" + id)
	for _, w := range []int64{390, 1280} {
		p.setViewport(w, 900)
		Eval[bool](p, `(document.querySelector('[data-testid="lesson"]').scrollIntoView(), true)`)
		p.ScreenshotOf(fmt.Sprintf("lesson-%s-%d", id, w), `[data-testid="lesson"]`)
	}
	p.emulateMedia("prefers-color-scheme", "dark")
	p.axe("the " + id + " lesson in dark mode")
	p.checkClean()
}

// TestLessonClassic walks the Classic lesson: AWSELB under the
// duration-based policy, deleted, a stopped instance, then the
// application-controlled policy and its cookie deleted.
func TestLessonClassic(t *testing.T) {
	p := openLesson(t, "classic", 8)
	p.axe("the classic lesson new")
	p.checkLayout("lesson-classic-start")
	p.setViewport(1280, 1000)
	if got := p.trAttr("lb-type", "data-current"); got != "classic" {
		t.Fatalf("lesson=classic runs a %q load balancer", got)
	}
	// 1. The spread without a policy.
	p.refreshUntil(1, 8)
	p.waitStep(1, 1)
	// 2. Edit stickiness: load balancer generated cookie.
	p.Click("listener-lb_cookie")
	p.WaitTestID("listener-period") // the form grows its field: then Save
	p.Click("save-listener")
	p.WaitTestID("listener-saved")
	p.waitStep(2, 2)
	if p.stepDone(3) {
		t.Error("step 3 done before any request carried AWSELB")
	}
	// 3 and 4: AWSELB sent back, three sticky answers.
	p.refreshUntil(4, 6)
	p.waitStep(4, 4)
	if c, ok := p.Cookie("AWSELB"); !ok || !c.Session || !awselbValue.MatchString(c.Value) {
		t.Fatalf("AWSELB in the browser's store: %v %+v", ok, c)
	}
	// 5. Deleted in DevTools: a new pick.
	p.DeleteCookie("AWSELB")
	p.DeleteCookie("AWSELBCORS")
	if _, reason := p.refresh(); reason != "new-client" {
		t.Errorf("without AWSELB: reason %q", reason)
	}
	p.waitStep(5, 5)
	// 6. The instance stopped: moved as if there is no cookie.
	mine, _ := p.refresh()
	n := instanceNumber(t, mine)
	p.Click(fmt.Sprintf("stop-%d", n))
	p.Click("ff-1m0s")
	p.WaitText(fmt.Sprintf("instance-%d-state", n), func(s string) bool { return s == "OutOfService" })
	moved, _ := p.refreshUntil(6, 3)
	if moved == mine || p.lastReason() != "target-unhealthy" {
		t.Errorf("after stopping %s: %s (%s)", mine, moved, p.lastReason())
	}
	p.waitStep(6, 6)
	// 7. Application generated cookie stickiness on SESSIONID.
	p.Click("listener-app_cookie")
	p.WaitTestID("listener-cookie")
	if got := prop[string](p, "listener-cookie", "value"); got != "SESSIONID" {
		p.typeInto("listener-cookie", "SESSIONID")
	}
	p.Click("save-listener")
	p.WaitText("listener-policy", has("AppCookieStickinessPolicy"))
	p.refreshUntil(7, 4)
	p.waitStep(7, 7)
	// 8. The application's cookie deleted (a logout): not sticky.
	p.DeleteCookie("SESSIONID")
	if _, reason := p.refresh(); reason != "app-cookie-missing" {
		t.Errorf("without SESSIONID: reason %q", reason)
	}
	p.waitStep(8, 8)
	finishLesson(t, p, "classic", "classic-duration", 8)
}

// TestLessonNetwork walks the Network lesson: no cookie, one connection
// one target, New connection, source_ip, and a reset by a deregistration.
func TestLessonNetwork(t *testing.T) {
	p := openLesson(t, "network", 5)
	p.setViewport(1280, 1000)
	// 1. Refreshes on the open connection.
	p.refreshUntil(1, 4)
	p.waitStep(1, 1)
	for _, c := range p.Cookies() {
		if strings.HasPrefix(c.Name, "AWS") {
			t.Errorf("a Network Load Balancer set %s", c.Name)
		}
	}
	// 2. New connections until one lands elsewhere.
	for i := 0; i < 12 && !p.stepDone(2); i++ {
		p.Click("new-connection")
		if _, reason := p.refresh(); reason != "new-connection" {
			t.Fatalf("after New connection: reason %q", reason)
		}
	}
	p.waitStep(2, 2)
	// 3. source_ip on.
	p.setStickiness(true)
	p.waitStep(3, 3)
	// 4. A new connection, the same target.
	mine, _ := p.refresh()
	p.Click("new-connection")
	if got, reason := p.refresh(); got != mine || reason != "source-ip" {
		t.Errorf("a new connection with source_ip: %s (%s), want %s", got, reason, mine)
	}
	p.waitStep(4, 4)
	// 5. Another instance deregistered: the source IP is forgotten.
	other := 1
	if instanceNumber(t, mine) == 1 {
		other = 2
	}
	p.Click(fmt.Sprintf("deregister-%d", other))
	p.Click("new-connection")
	if _, reason := p.refresh(); reason != "new-source-ip" {
		t.Errorf("after a deregistration: reason %q", reason)
	}
	p.waitStep(5, 5)
	finishLesson(t, p, "network", "nlb-office-nat", 5)
}

// TestLessonBlueGreen walks the blue/green lesson on the rule it brings:
// AWSALBTG keeps the browser on blue after the shift until it runs out,
// and a new user goes to green.
func TestLessonBlueGreen(t *testing.T) {
	p := openLesson(t, "blue-green", 5)
	p.setViewport(1280, 1000)
	if got := p.Text("share-blue"); !strings.HasPrefix(got, "100%") {
		t.Fatalf("blue: %q, want 100%% of new requests", got)
	}
	// 1. Blue, and AWSALBTG sent back.
	p.refreshUntil(1, 3)
	p.waitStep(1, 1)
	if g := p.servedGroup(); g != "blue" {
		t.Errorf("served by group %q, want blue", g)
	}
	// 2. The shift.
	p.typeInto("weight-blue", "0")
	p.typeInto("weight-green", "100")
	p.Click("save-rule")
	p.WaitTestID("rule-saved")
	p.waitStep(2, 2)
	// 3. Still blue.
	p.refresh()
	if g := p.servedGroup(); g != "blue" {
		t.Errorf("after the shift: group %q, want blue", g)
	}
	p.waitStep(3, 3)
	p.setViewport(390, 900)
	p.ScreenshotOf("lesson-blue-green-3-of-5-390", `[data-testid="lesson"]`)
	p.setViewport(1280, 1000)
	// 4. The group cookie runs out: green.
	p.Click("ff-5m0s")
	p.refresh()
	if g := p.servedGroup(); g != "green" || !strings.Contains(p.Text("served-group"), "group cookie expired") {
		t.Errorf("after the group cookie ran out: %q (%s)", g, p.Text("served-group"))
	}
	p.waitStep(4, 4)
	// 5. A new user, with the lab's Delete buttons.
	p.Click("delete-cookie-AWSALBTG")
	p.waitGone("cookie-AWSALBTG") // the rows below move up
	p.Click("delete-cookie-AWSALBTGCORS")
	p.waitCookie("AWSALBTGCORS", false)
	p.refresh()
	if g := p.servedGroup(); g != "green" {
		t.Errorf("a new user: group %q, want green", g)
	}
	p.waitStep(5, 5)
	finishLesson(t, p, "blue-green", "blue-green", 5)
}

// TestLessonMismatch: a lesson that does not fit the lab's type is refused
// with a notice naming the one that does; the lab works and offers it.
func TestLessonMismatch(t *testing.T) {
	p := NewPage(t)
	p.OpenLab("lb=network&lesson=article")
	p.WaitText("notices", has("use lesson=network"))
	if p.exists("lesson") {
		t.Error("the Network lab shows the article's lesson")
	}
	if _, reason := p.refresh(); reason != "same-connection" && reason != "new-connection" {
		t.Errorf("the lab does not work on: reason %q", reason)
	}
	if href := p.trAttr("start-lesson", "href"); !strings.HasSuffix(href, "/?lesson=network") {
		t.Errorf("the Network lab offers %q", href)
	}
	p.checkClean()
}

// TestLessonMessagesNetwork embeds the Network lesson: its steps are posted
// as stickylab:lesson-step messages naming it.
func TestLessonMessagesNetwork(t *testing.T) {
	course := coursePage(t)
	p, fp := openCourse(t, course, "?embed=1&lesson=network&parent="+url.QueryEscape(course.Origin))
	fp.WaitTestID("lesson")
	fp.refreshUntil(1, 4)
	m := waitMessages(p, "stickylab:lesson-step", 1)[0]
	if m.Data["lesson"] != "network" || m.Data["step"] != 1.0 || m.Data["id"] != "same-connection" || m.Data["done"] != 1.0 || m.Data["total"] != 5.0 {
		t.Errorf("lesson-step message %+v", m)
	}
}
