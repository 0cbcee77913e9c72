//go:build !(js && wasm)

package e2e

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stickylab/stickylab/engine"
)

// The tests of this file prove the lab's part of issue 11 in Chromium: a
// Classic Load Balancer's AWSELB and AWSELBCORS in the browser's own cookie
// store, Edit stickiness and AWS's messages, a Network Load Balancer without
// any cookie, its connections, and a crowd behind NAT gateways.

// awselbValue is what an AWSELB value looks like: long uppercase hexadecimal.
var awselbValue = regexp.MustCompile(`^[0-9A-F]{100,}$`)

// TestClassicCookies: the page load sets AWSELB and AWSELBCORS, session
// cookies without an expiration period and cookies with Expires after Edit
// stickiness sets one; AWS's messages for bad values.
func TestClassicCookies(t *testing.T) {
	p := NewPage(t)
	p.OpenLab("lb=classic&stickiness=lb_cookie")
	first := p.WaitText("served-by", NonEmpty)
	if r := p.lastReason(); r != "new-client" {
		t.Errorf("the page load's reason %q, want new-client", r)
	}
	for _, name := range []string{"AWSELB", "AWSELBCORS"} {
		c, ok := p.Cookie(name)
		if !ok {
			t.Fatalf("no %s in the browser's store: %v", name, cookieNames(p))
		}
		if !c.Session || !awselbValue.MatchString(c.Value) || c.Path != Base {
			t.Errorf("%s: session %v, path %q, value %q; want a session cookie with a long uppercase hexadecimal value", name, c.Session, c.Path, c.Value)
		}
		if name == "AWSELBCORS" && (!c.Secure || c.SameSite != "None") {
			t.Errorf("AWSELBCORS: Secure %v, SameSite %q", c.Secure, c.SameSite)
		}
	}
	if _, ok := p.Cookie("AWSALB"); ok {
		t.Error("a Classic Load Balancer set AWSALB")
	}
	if got, reason := p.refresh(); got != first || reason != "sticky" {
		t.Errorf("refresh: %s (%s), want %s sticky", got, reason, first)
	}
	// Deleted in DevTools, as in the article: the next request is picked anew.
	p.DeleteCookie("AWSELB")
	p.DeleteCookie("AWSELBCORS")
	if _, reason := p.refresh(); reason != "new-client" {
		t.Errorf("refresh without AWSELB: %s, want new-client", reason)
	}
	p.waitCookie("AWSELB", true)
	if got := p.Text("instance-1-state"); got != "InService" {
		t.Errorf("instance 1 is %q, want InService", got)
	}
	if p.exists("stickiness-duration") {
		t.Error("a Classic lab shows a target group's stickiness duration")
	}

	// Edit stickiness: a bad period, then 600 seconds.
	p.typeInto("listener-period", "ten")
	p.Click("save-listener")
	if got := p.WaitText("listener-error", NonEmpty); got != engine.MessageCookieExpirationPeriod {
		t.Errorf("error %q, want %q", got, engine.MessageCookieExpirationPeriod)
	}
	p.typeInto("listener-period", "600")
	p.Click("save-listener")
	p.WaitTestID("listener-saved")
	p.WaitText("listener-policy", func(s string) bool { return strings.Contains(s, "expiration period 600 seconds") })
	// The cookie the browser holds is set once, never renewed: still the
	// browser-session one. Without it, the next one expires in 600 s.
	if _, reason := p.refresh(); reason != "sticky" {
		t.Errorf("refresh after the new policy: %s, want sticky", reason)
	}
	if c, _ := p.Cookie("AWSELB"); !c.Session {
		t.Errorf("a sticky response renewed AWSELB: %+v", c)
	}
	p.DeleteCookie("AWSELB")
	p.DeleteCookie("AWSELBCORS")
	p.refresh()
	c, _ := p.Cookie("AWSELB")
	if left := time.Until(time.Unix(int64(c.Expires), 0)); c.Session || left < 590*time.Second || left > 610*time.Second {
		t.Errorf("AWSELB after a 600 s period: session %v, expires in %s", c.Session, left)
	}

	// Application generated cookie stickiness without a cookie name.
	p.Click("listener-app_cookie")
	p.WaitTestID("listener-cookie")
	p.trFill("listener-cookie", "")
	p.Click("save-listener")
	if got := p.WaitText("listener-error", NonEmpty); got != engine.MessageCookieNameRequired {
		t.Errorf("error %q, want %q", got, engine.MessageCookieNameRequired)
	}
	if got := p.Text("listener-policy"); !strings.Contains(got, "600 seconds") {
		t.Errorf("a refused policy changed the listener: %q", got)
	}
	p.checkClean()
	p.Screenshot("classic")
}

// TestClassicHealthCheck: the Health check panel's defaults, the engine's
// messages for a value outside the ELB API's ranges, a faster check that
// takes a failing instance OutOfService, and a reload that replays it.
func TestClassicHealthCheck(t *testing.T) {
	p := NewPage(t)
	p.OpenLab("lb=classic&stickiness=lb_cookie")
	p.WaitText("hc-ping-target", has(engine.ClassicPingTarget))
	for id, want := range map[string]string{"hc-timeout": "5", "hc-interval": "30", "hc-unhealthy": "2", "hc-healthy": "10"} {
		if got := prop[string](p, id, "value"); got != want {
			t.Errorf("%s shows %q, want the console's default %s", id, got, want)
		}
	}
	p.typeInto("hc-timeout", "61")
	p.Click("save-health-check")
	if got := p.WaitText("health-check-error", NonEmpty); got != "Response Timeout must be between 2 and 60 seconds" {
		t.Errorf("error %q", got)
	}
	if got := p.trAttr("hc-timeout", "aria-invalid"); got != "true" {
		t.Errorf("hc-timeout aria-invalid=%q", got)
	}
	p.typeInto("hc-timeout", "30")
	p.Click("save-health-check")
	p.WaitText("health-check-error", has(engine.MessageClassicTimeout))
	p.typeInto("hc-timeout", "2")
	p.typeInto("hc-interval", "5")
	p.Click("save-health-check")
	p.WaitTestID("health-check-saved")
	p.waitAnnounced(has("Health check saved: every 5 seconds, OutOfService after 2 failed checks"))
	p.Screenshot("classic-health-check")
	p.Click("fail-checks-2")
	p.Click("ff-1m0s")
	p.WaitText("instance-2-state", has("OutOfService"))
	p.Reload()
	p.WaitReady()
	if got := prop[string](p, "hc-interval", "value"); got != "5" {
		t.Errorf("after a reload the interval shows %q, want 5", got)
	}
	if got := p.Text("instance-2-state"); got != "OutOfService" {
		t.Errorf("after a reload Instance 2 is %q", got)
	}
	p.checkClean()
	p.readmeShot("classic", 1700, `[data-testid="lb-type"]`)
}

// TestNetworkConnections: no cookie of the load balancer, refreshes stay
// on the connection's target, New connection opens another one from a new
// port that the flow hash places anew, and a reload replays it.
func TestNetworkConnections(t *testing.T) {
	p := NewPage(t)
	p.OpenLab("lb=network")
	first := p.WaitText("served-by", NonEmpty)
	if r := p.lastReason(); r != "new-connection" {
		t.Errorf("the page load's reason %q, want new-connection", r)
	}
	for _, c := range p.Cookies() {
		if strings.HasPrefix(c.Name, "AWS") {
			t.Errorf("a Network Load Balancer set %s", c.Name)
		}
	}
	if got := p.Text("no-lb-cookie"); !strings.Contains(got, "sets no cookie at all") {
		t.Errorf("cookie panel: %q", got)
	}
	conn := p.Text("log-connection")
	for range 3 {
		got, reason := p.refresh()
		if got != first || reason != "same-connection" || p.Text("log-connection") != strings.Replace(conn, "new connection", "same connection", 1) {
			t.Fatalf("refresh on the same connection: %s (%s) from %q; first %s from %q", got, reason, p.Text("log-connection"), first, conn)
		}
	}
	moved := false
	for range 12 {
		p.Click("new-connection")
		got, reason := p.refresh()
		if reason != "new-connection" || !strings.Contains(p.Text("connection"), "new connection") || p.Text("log-connection") == conn {
			t.Fatalf("after New connection: %s (%s) from %q", got, reason, p.Text("log-connection"))
		}
		if got != first {
			moved = true
			break
		}
	}
	if !moved {
		t.Errorf("twelve new connections all landed on %s", first)
	}
	rows := p.logRows()
	p.Reload()
	p.WaitReady()
	if got := p.logRows(); got != rows+1 || p.lastReason() != "same-connection" && p.lastReason() != "new-connection" {
		t.Errorf("after a reload: %d rows (want %d), reason %q", got, rows+1, p.lastReason())
	}
	p.checkClean()
	p.Screenshot("network")
	p.readmeShot("network", 1500, `[data-testid="lb-type"]`)
}

// TestNetworkStoppedTarget stops the instance the learner's connection is
// on: a Network Load Balancer reads no HTTP, so the browser gets no 502 but
// a connection that timed out; the counters say failed connections, and the
// card what a stopped instance's requests get.
func TestNetworkStoppedTarget(t *testing.T) {
	p := NewPage(t)
	p.OpenLab("lb=network")
	first := strings.TrimPrefix(p.WaitText("served-by", NonEmpty), "Instance Number ")
	p.Click("stop-" + first)
	got, reason := p.refresh()
	if got != "Connection timed out" || reason != "same-connection" {
		t.Errorf("refresh after the stop: %q (%s), want Connection timed out", got, reason)
	}
	if page := p.Text("session-view"); strings.Contains(page, "502 Bad Gateway") || !strings.Contains(page, "no 502 page") {
		t.Errorf("the page says %q", page)
	}
	if s := Eval[string](p, `document.querySelector('[data-testid="log-row"] td[data-label="Status"]').textContent`); s != "Connection timed out" {
		t.Errorf("the request log's status %q", s)
	}
	note := p.Text("instance-" + first + "-stopped-note")
	if !strings.Contains(note, "(its connections time out)") || strings.Contains(note, "502") {
		t.Errorf("the stopped card says %q", note)
	}
	p.Click("traffic-tab")
	p.WaitTestID("counter-errors")
	if label := Eval[string](p, `document.querySelector('[data-testid="counter-errors"]').closest('.counter').textContent`); !strings.Contains(label, "Failed connections") || strings.Contains(label, "5xx") {
		t.Errorf("the errors counter: %q", label)
	}
	if got := Eval[string](p, `document.querySelector('[data-testid="flow-row"] .flow-session').textContent`); got != "timed out" {
		t.Errorf("Requests flowing says %q for the request, want timed out", got)
	}
	p.checkClean()
	p.Screenshot("network-stopped")
}

// TestNetworkNATCrowd: in the traffic lab of a Network Load Balancer with
// source_ip stickiness, all the crowd behind one NAT gateway lands on one
// target; a bad NAT share gets the engine's message.
func TestNetworkNATCrowd(t *testing.T) {
	p := NewPage(t)
	p.trOpen("lb=network&stickiness=source_ip&view=traffic")
	p.trFill("crowd-clients", "200")
	p.trFill("crowd-think", "1")
	p.trFill("crowd-nat", "150")
	p.Click("crowd-start")
	if got := p.trWaitText("crowd-error", NonEmpty); !strings.Contains(got, "must be from 0% to 100%, not 150%") || p.trAttr("crowd-error", "data-field") != "nat" {
		t.Errorf("crowd error %q", got)
	}
	p.trFill("crowd-nat", "100")
	p.trFill("crowd-gateways", "1")
	p.Click("crowd-start")
	p.trWaitText("crowd-status", func(s string) bool { return strings.Contains(s, "100% behind 1 NAT gateway") })
	p.Click("speed-10")
	p.trWait("requests on one target only", func() bool {
		var busy, idle int
		for _, n := range []string{"1", "2", "3"} {
			if p.trNum("series-rps-"+n, "data-last") > 50 {
				busy++
			} else if p.trNum("series-rps-"+n, "data-last") == 0 {
				idle++
			}
		}
		return busy == 1 && idle == 2
	})
	p.Screenshot("network-nat")
	p.trClean()
}

// TestTypePicker: the type choice is a link to a new lab of that type.
func TestTypePicker(t *testing.T) {
	p := NewPage(t)
	p.OpenLab("")
	if got := p.trAttr("lb-type-application", "aria-current"); got != "page" {
		t.Errorf("application link aria-current %q", got)
	}
	p.Click("lb-type-network")
	p.WaitTestID("new-connection")
	p.WaitReady()
	if !strings.Contains(Eval[string](p, `location.search`), "lb=network") || p.trAttr("lb-type-network", "aria-current") != "page" {
		t.Errorf("after picking Network: %s", Eval[string](p, `location.search`))
	}
	p.checkClean()
}
