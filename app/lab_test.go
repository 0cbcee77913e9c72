package app

import (
	"fmt"
	"github.com/stickylab/stickylab/wasm/browserjar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/maxence-charriere/go-app/v9/pkg/app"

	"github.com/stickylab/stickylab/engine"
)

// labTest is a Lab mounted by go-app's client tester, on a page whose URL
// has a query, with a fake wall clock.
type labTest struct {
	t     *testing.T
	lab   *Lab
	d     app.ClientDispatcher
	clock *fakeClock
}

// mountLab mounts a Lab at /stickylab/?q. The tester navigates first, so
// that OnMount reads the query from the page URL as in the browser.
func mountLab(t *testing.T, q string, jar engine.InspectableJar) *labTest {
	t.Helper()
	clock := newFakeClock()
	d := app.NewClientTester(app.Div())
	t.Cleanup(d.Close)
	u, err := url.Parse("https://stickylab.test/stickylab/?" + q)
	if err != nil {
		t.Fatal(err)
	}
	d.Nav(u)
	l := &Lab{opts: Options{Now: clock.Now, Jar: jar}}
	d.Mount(l)
	settleUpdates(d)
	if !l.Mounted() || l.m == nil {
		t.Fatal("the lab did not mount")
	}
	return &labTest{t: t, lab: l, d: d, clock: clock}
}

// do runs f as a click handler of the lab does (Emit updates the lab and its
// children) and lets the updates settle.
func (lt *labTest) do(f func(l *Lab)) {
	lt.d.Emit(lt.lab, func() { f(lt.lab) })
	settleUpdates(lt.d)
}

func (lt *labTest) tree() *htmlNode { return renderTree(lt.t, lt.lab) }

// text returns the text of the element with data-testid=id.
func (lt *labTest) text(id string) string {
	lt.t.Helper()
	return lt.tree().mustTestID(lt.t, id).Text()
}

// refresh presses Refresh and returns the page heading and the newest log
// row's reason.
func (lt *labTest) refresh() (servedBy, reason string) {
	lt.t.Helper()
	lt.do((*Lab).refresh)
	tree := lt.tree()
	row := tree.mustTestID(lt.t, "log-row")
	return tree.mustTestID(lt.t, "served-by").Text(), row.attrs["data-reason"]
}

// TestLabTestIDs checks that the page has the data-testid attributes that
// automation and course authors' scripts rely on (issue 3).
func TestLabTestIDs(t *testing.T) {
	for _, n := range []int{1, 3, 10} {
		t.Run(fmt.Sprintf("instances=%d", n), func(t *testing.T) {
			lt := mountLab(t, fmt.Sprintf("instances=%d", n), nil)
			tree := lt.tree()
			for _, id := range []string{
				"refresh", "served-by", "stickiness-enabled", "stickiness-type",
				"stickiness-duration", "save-attributes", "cookie-panel", "request-log",
				// and the others the e2e tests use
				"home", "clock", "ff-30s", "ff-1m0s", "ff-5m0s", "address", "page",
				"stickiness-duration-unit", "algorithm", "no-cookies",
			} {
				if len(tree.allByTestID(id)) != 1 {
					t.Errorf("%d elements with data-testid=%q, want 1", len(tree.allByTestID(id)), id)
				}
			}
			for i := 1; i <= n; i++ {
				for _, id := range []string{"instance-%d", "instance-%d-state", "instance-%d-requests", "stop-%d", "fail-checks-%d", "open-instance-%d"} {
					id = fmt.Sprintf(id, i)
					if len(tree.allByTestID(id)) != 1 {
						t.Errorf("%d elements with data-testid=%q, want 1", len(tree.allByTestID(id)), id)
					}
				}
			}
			if tree.byTestID(fmt.Sprintf("instance-%d", n+1)) != nil {
				t.Errorf("instance-%d exists with %d instances", n+1, n)
			}
			if tree.byTestID("notices") != nil || tree.byTestID("cookie-notice") != nil {
				t.Errorf("a good URL shows notices: %s", tree.Text())
			}
			if got := tree.mustTestID(t, "served-by").Text(); got != "" {
				t.Errorf("served-by before any refresh = %q", got)
			}
			if got := tree.mustTestID(t, "page").attrs["data-requests"]; got != "0" {
				t.Errorf("data-requests = %q, want 0", got)
			}
		})
	}
}

// TestLabStructure checks the page skeleton with go-app's TestMatch.
func TestLabStructure(t *testing.T) {
	lt := mountLab(t, "", nil)
	for _, d := range []app.TestUIDescriptor{
		{Path: app.TestPath(), Expected: lt.lab},
		{Path: app.TestPath(0), Expected: app.Main().Class("lab")},
		{Path: app.TestPath(0, 2), Expected: app.Header().Class("lab-header")},
		{Path: app.TestPath(0, 3), Expected: app.Div().ID("panel-browser").Class("tabpanel").Role("tabpanel").Aria("labelledby", "tab-browser").TabIndex(-1)},
		{Path: app.TestPath(0, 3, 1), Expected: app.Div().Class("grid")},
		{Path: app.TestPath(0, 4), Expected: app.Footer().Class("muted")},
	} {
		if err := app.TestMatch(lt.lab, d); err != nil {
			t.Errorf("path %v: %v", d.Path, err)
		}
	}
	footer := lt.tree().find(func(e *htmlNode) bool { return e.tag == "footer" })
	if len(footer) != 1 || !strings.Contains(footer[0].Text(), "A simulation in your browser: Application Load Balancer my-alb, listener HTTP:80, target group my-target-group. Nothing is sent to AWS. Seed 1.") {
		t.Errorf("footer: %v", footer)
	}
}

// TestLabURLSetup checks a prepared lab from URL parameters, and bad values:
// a notice names each, the lab runs on the defaults.
func TestLabURLSetup(t *testing.T) {
	lt := mountLab(t, "stickiness=lb_cookie&duration=60&instances=5&seed=7", nil)
	tree := lt.tree()
	if !tree.mustTestID(t, "stickiness-enabled").flag("checked") {
		t.Error("stickiness box not checked")
	}
	if v, u := tree.mustTestID(t, "stickiness-duration").attrs["value"], tree.mustTestID(t, "stickiness-duration-unit").selected(); v != "1" || u != "minutes" {
		t.Errorf("duration shows %q %s, want 1 minutes", v, u)
	}
	if tree.byTestID("instance-5") == nil || tree.byTestID("instance-6") != nil {
		t.Error("want exactly 5 instance cards")
	}
	if steps := tree.mustTestID(t, "steps").Text(); !strings.HasPrefix(steps, "Five numbered instances run behind the load balancer") {
		t.Errorf("the first step does not count the 5 instances: %q", steps)
	}
	if !strings.Contains(tree.Text(), "Seed 7.") {
		t.Error("footer does not say seed 7")
	}
	if _, reason := lt.refresh(); reason != "new-client" {
		t.Errorf("first refresh: %s, want new-client", reason)
	}
	if lt.tree().byTestID("cookie-AWSALB") == nil {
		t.Error("no AWSALB row after the first refresh")
	}

	lt = mountLab(t, "stickiness=banana&instances=99", nil)
	tree = lt.tree()
	notices := tree.mustTestID(t, "notices")
	if notices.attrs["role"] != "alert" {
		t.Errorf("notices role %q", notices.attrs["role"])
	}
	ps := notices.find(func(e *htmlNode) bool { return e.tag == "p" })
	if len(ps) != 2 || !strings.Contains(ps[0].Text(), `stickiness="banana"`) || !strings.Contains(ps[0].Text(), "Using off.") ||
		!strings.Contains(ps[1].Text(), `instances="99"`) || !strings.Contains(ps[1].Text(), "Using 3.") {
		t.Errorf("notices: %q", notices.Text())
	}
	if tree.byTestID("instance-3") == nil || tree.byTestID("instance-4") != nil {
		t.Error("want the default 3 instances")
	}
	if got, reason := lt.refresh(); got != "Instance Number 1" || reason != "no-stickiness" {
		t.Errorf("refresh on defaults: %q (%s)", got, reason)
	}
	// The URL notices stay: they are about the start.
	if lt.tree().byTestID("notices") == nil {
		t.Error("the notices went away after a refresh")
	}
}

// TestLabRefresh checks a refresh through the whole page: the browser pane,
// the cookie panel, the request log and the targets.
func TestLabRefresh(t *testing.T) {
	lt := mountLab(t, "stickiness=lb_cookie", nil)
	got, reason := lt.refresh()
	if got != "Instance Number 1" || reason != "new-client" {
		t.Fatalf("first refresh: %q (%s)", got, reason)
	}
	tree := lt.tree()
	if s := tree.mustTestID(t, "session-view").Text(); !strings.HasPrefix(s, "New session") {
		t.Errorf("session view %q", s)
	}
	for _, name := range []string{"AWSALB", "AWSALBCORS", "SESSIONID"} {
		if tree.byTestID("cookie-"+name) == nil || tree.byTestID("delete-cookie-"+name) == nil {
			t.Errorf("cookie panel lacks %s: %s", name, tree.mustTestID(t, "cookie-panel").Text())
		}
	}
	if d := tree.mustTestID(t, "decoded-AWSALB").Text(); !strings.HasPrefix(d, "Names Instance 1 (") {
		t.Errorf("decoded AWSALB %q", d)
	}
	if tree.byTestID("decoded-SESSIONID") != nil {
		t.Error("SESSIONID decoded as a stickiness cookie")
	}
	if tree.byTestID("no-cookies") != nil {
		t.Error("no-cookies shown with cookies")
	}
	for i := 0; i < 4; i++ {
		if got, reason := lt.refresh(); got != "Instance Number 1" || reason != "sticky" {
			t.Errorf("refresh %d: %q (%s), want sticky to Instance Number 1", i, got, reason)
		}
		if s := lt.text("session-view"); i == 0 && s != "Welcome back, student. Visit 2 in this session, cart: 1 item." {
			t.Errorf("second visit: %q, want one item in the cart", s)
		}
	}
	tree = lt.tree()
	if n := len(tree.allByTestID("log-row")); n != 5 {
		t.Errorf("%d log rows, want 5", n)
	}
	if got := tree.mustTestID(t, "page").attrs["data-requests"]; got != "5" {
		t.Errorf("data-requests %q", got)
	}
	if s := tree.mustTestID(t, "session-view").Text(); s != "Welcome back, student. Visit 5 in this session, cart: 2 items." {
		t.Errorf("session view %q", s)
	}
	if got := tree.mustTestID(t, "instance-1-requests").Text(); got != "5 requests · 1 session in memory" {
		t.Errorf("instance 1: %q", got)
	}
	row := tree.mustTestID(t, "log-row")
	if got := row.Text(); !strings.Contains(got, "AWSALBCORS") || !strings.Contains(got, "SESSIONID") || !strings.Contains(got, "sticky: the cookie names this target") || !strings.Contains(got, "200 OK") {
		t.Errorf("newest log row %q", got)
	}

	// Delete from the panel: the next refresh is a new client.
	lt.do(func(l *Lab) { l.deleteCookie("AWSALB"); l.deleteCookie("AWSALBCORS") })
	if tree := lt.tree(); tree.byTestID("cookie-AWSALB") != nil || tree.byTestID("cookie-SESSIONID") == nil {
		t.Errorf("after Delete: %s", tree.mustTestID(t, "cookie-panel").Text())
	}
	if _, reason := lt.refresh(); reason != "new-client" {
		t.Errorf("after deleting the cookie: %s, want new-client", reason)
	}

	// Opening an instance directly shows it in the address bar.
	lt.do(func(l *Lab) { l.openDirect("Instance 2") })
	tree = lt.tree()
	if got := tree.mustTestID(t, "served-by").Text(); got != "Instance Number 2" {
		t.Errorf("direct: %q", got)
	}
	if got := tree.mustTestID(t, "address").Text(); !strings.Contains(got, "10.0.1.12") || !strings.Contains(got, "directly") {
		t.Errorf("direct address %q", got)
	}
	if got := tree.mustTestID(t, "log-row").attrs["data-reason"]; got != "direct" {
		t.Errorf("direct log reason %q", got)
	}
}

// TestLabStoppedInstance stops the instance the learner is stuck to, in the
// page: 502, unhealthy after a fast-forward, session lost elsewhere, healthy
// again after five passes.
func TestLabStoppedInstance(t *testing.T) {
	lt := mountLab(t, "stickiness=lb_cookie", nil)
	first, _ := lt.refresh()
	n := strings.TrimPrefix(first, "Instance Number ")
	name := "Instance " + n
	lt.do(func(l *Lab) { l.stopInstance(name) })
	tree := lt.tree()
	if tree.byTestID("start-"+n) == nil || tree.byTestID("stop-"+n) != nil {
		t.Fatalf("stopped instance card: %s", tree.mustTestID(t, "instance-"+n).Text())
	}
	if got, reason := lt.refresh(); got != "502 Bad Gateway" || reason != "sticky" {
		t.Errorf("after the stop: %q (%s), want 502 Bad Gateway", got, reason)
	}
	if s := lt.text("session-view"); strings.Contains(s, "502") || !strings.HasPrefix(s, name+" did not answer: the instance is stopped.") {
		t.Errorf("502 page %q: want why, without the status the heading says", s)
	}
	if s := lt.text("instance-" + n + "-state"); s != "healthy" {
		t.Errorf("right after the stop the state is %q, want healthy (not yet checked)", s)
	}

	lt.do(func(l *Lab) { l.fastForward(time.Minute) })
	if s := lt.text("instance-" + n + "-state"); s != "unhealthy" {
		t.Errorf("after +1 min the state is %q, want unhealthy", s)
	}
	if c := lt.tree().mustTestID(t, "clock").Text(); c != lt.lab.m.lb.Now().Format("15:04:05") {
		t.Errorf("clock shows %q, want %s", c, lt.lab.m.lb.Now().Format("15:04:05"))
	}
	if !strings.Contains(lt.tree().Text(), "(fast-forwarded 1m0s)") {
		t.Error("the clock bar does not say it was fast-forwarded")
	}
	got, reason := lt.refresh()
	if got == first || !strings.HasPrefix(got, "Instance Number ") || reason != "target-unhealthy" {
		t.Errorf("after unhealthy: %q (%s), want another instance, target-unhealthy", got, reason)
	}
	if s := lt.text("session-view"); !strings.HasPrefix(s, "Session lost! This instance does not know your session (created on "+name+")") {
		t.Errorf("session view %q", s)
	}

	// Actions that fail say why, until the next refresh.
	lt.do(func(l *Lab) { l.stopInstance(name) })
	if s := lt.text("notices"); !strings.Contains(s, name+" is already stopped") {
		t.Errorf("notices %q", s)
	}
	lt.refresh()
	if lt.tree().byTestID("notices") != nil {
		t.Error("the action error stays after a refresh")
	}

	lt.do(func(l *Lab) { l.startInstance(name) })
	for i := 0; i < 5; i++ {
		lt.do(func(l *Lab) { l.fastForward(30 * time.Second) })
	}
	if s := lt.text("instance-" + n + "-state"); s != "healthy" {
		t.Errorf("after five passes the state is %q, want healthy", s)
	}

	// Failing health checks: the instance keeps serving until unhealthy.
	lt.do(func(l *Lab) { l.failChecks("Instance 3", true) })
	if s := lt.text("fail-checks-3"); s != "Pass health checks" {
		t.Errorf("fail-checks-3 says %q", s)
	}
	lt.do(func(l *Lab) { l.fastForward(time.Minute) })
	if s := lt.text("instance-3-state"); s != "unhealthy" {
		t.Errorf("failing checks for a minute: %q", s)
	}
}

// TestLabCookieNotice checks that the jar's notice (cookies refused, kept
// in memory or partitioned) shows in the cookie panel.
func TestLabCookieNotice(t *testing.T) {
	jar := &noticeJar{state: browserjar.State{Mode: browserjar.Memory, Reason: browserjar.Blocked}}
	lt := mountLab(t, "stickiness=lb_cookie", jar)
	n := lt.tree().mustTestID(t, "cookie-notice")
	if n.Text() != jarStateWords(jar.state) || n.attrs["role"] != "status" {
		t.Errorf("cookie notice %q role %q", n.Text(), n.attrs["role"])
	}
	if _, reason := lt.refresh(); reason != "new-client" {
		t.Errorf("refresh: %s", reason)
	}
	if _, reason := lt.refresh(); reason != "sticky" {
		t.Errorf("the memory jar does not keep the cookie: %s", reason)
	}
}

// TestLabWallClock checks that the page's clock follows the wall clock on
// the Lab's tick (OnMount's ticker calls sync; natively go-app runs as a
// server, so the test calls it the same way).
func TestLabWallClock(t *testing.T) {
	lt := mountLab(t, "", nil)
	start := lt.text("clock")
	lt.clock.Advance(2 * time.Minute)
	lt.d.Dispatch(app.Dispatch{Mode: app.Update, Source: lt.lab, Function: func(app.Context) { lt.lab.m.sync() }})
	settleUpdates(lt.d)
	if got, want := lt.text("clock"), fakeWallStart.Add(2*time.Minute).Format("15:04:05"); got != want || got == start {
		t.Errorf("clock %q after 2 min (was %q), want %q", got, start, want)
	}
}

// TestCookiePanel renders the panel alone: the columns of a cookie and the
// hint about DevTools.
func TestCookiePanel(t *testing.T) {
	exp := time.Date(2026, 3, 9, 14, 30, 0, 0, time.UTC)
	cookies := []CookieView{
		{StoredCookie: engine.StoredCookie{Name: "AWSALBCORS", Value: strings.Repeat("x", 60), Expires: exp, Path: "/stickylab", SameSite: "None", Secure: true}, Decoded: "Names Instance 1", Accepted: true},
		{StoredCookie: engine.StoredCookie{Name: "SESSIONID", Value: "s-1", Path: "/stickylab"}},
	}
	p := &CookiePanel{ICookies: cookies}
	d := app.NewClientTester(p)
	defer d.Close()
	if err := app.TestMatch(p, app.TestUIDescriptor{Expected: &CookiePanel{ICookies: cookies}}); err != nil {
		t.Error(err)
	}
	tree := renderTree(t, p)
	if !strings.Contains(tree.Text(), "DevTools → Application → Cookies") {
		t.Error("no DevTools hint")
	}
	cors := tree.mustTestID(t, "cookie-AWSALBCORS")
	want := "AWSALBCORS ? " + strings.Repeat("x", 28) + "… Names Instance 1 2026-03-09 14:30:00 /stickylab None ✓ Delete" // "?": its glossary entry
	if got := cors.Text(); got != want {
		t.Errorf("AWSALBCORS row %q, want %q", got, want)
	}
	if cls := cors.mustTestID(t, "decoded-AWSALBCORS").attrs["class"]; cls != "decoded ok" {
		t.Errorf("decoded class %q", cls)
	}
	if got := tree.mustTestID(t, "cookie-SESSIONID").Text(); got != "SESSIONID s-1 Session /stickylab Delete" {
		t.Errorf("SESSIONID row %q", got)
	}
	if tree.byTestID("cookie-notice") != nil || tree.byTestID("no-cookies") != nil {
		t.Error("unexpected notice or empty line")
	}
}

// TestOpenEachStep checks the first step's count of instances on each load
// balancer type, one instance included.
func TestOpenEachStep(t *testing.T) {
	for _, c := range []struct {
		t    engine.LoadBalancerType
		n    int
		want string
	}{
		{engine.ApplicationLoadBalancer, 3, "Three numbered instances run behind the load balancer (Targets): open each one directly and it shows its number."},
		{engine.NetworkLoadBalancer, 1, "One numbered instance runs behind the load balancer (Targets): open it directly and it shows its number."},
		{engine.ClassicLoadBalancer, 6, "Six numbered instances are registered with the load balancer (Instances): open each one directly and it shows its number."},
		{engine.ClassicLoadBalancer, 1, "One numbered instance is registered with the load balancer (Instances): open it directly and it shows its number."},
		{engine.ApplicationLoadBalancer, 20, "20 numbered instances run behind the load balancer (Targets): open each one directly and it shows its number."},
	} {
		if got := openEachStep(c.t, c.n); got != c.want {
			t.Errorf("openEachStep(%s, %d) = %q, want %q", c.t, c.n, got, c.want)
		}
	}
}

// TestLabSessionExpired checks what a sticky learner reads after an hour
// away: the same instance answers, and the session is said to have timed
// out on the application (not lost to another instance); the live region
// says so too.
func TestLabSessionExpired(t *testing.T) {
	lt := mountLab(t, "stickiness=lb_cookie&seed=3", nil)
	first, _ := lt.refresh()
	if got, reason := lt.refresh(); got != first || reason != "sticky" {
		t.Fatalf("second refresh: %q (%s), want %q sticky", got, reason, first)
	}
	lt.do(func(l *Lab) { l.fastForward(time.Hour) })
	if got, reason := lt.refresh(); got != first || reason != "sticky" {
		t.Fatalf("after an hour: %q (%s), want %q sticky", got, reason, first)
	}
	name := strings.Replace(first, "Instance Number ", "Instance ", 1)
	want := "Session expired! You were away 1 hour, longer than the application keeps an idle session (30 minutes), so it dropped your session (created on " + name + ")."
	if s := lt.text("session-view"); !strings.HasPrefix(s, want) {
		t.Errorf("session view %q, want it to start %q", s, want)
	}
	if s := lt.lab.said; !strings.Contains(s, "Session expired after 30 minutes idle: you are logged out.") {
		t.Errorf("announced %q", s)
	}
}

// TestActionsAreAnnounced checks that the learner's actions that do not
// send a request are said to screen readers (the live region).
func TestActionsAreAnnounced(t *testing.T) {
	lt := mountLab(t, "stickiness=lb_cookie", nil)
	lt.refresh()
	for _, c := range []struct {
		do   func(l *Lab)
		want string
	}{
		{func(l *Lab) { l.deleteCookie(engine.CookieAWSALB) }, "Cookie AWSALB deleted from your browser."},
		{func(l *Lab) { l.stopInstance("Instance 3") }, "Instance 3 stopped: the load balancer keeps sending it requests (answered 502 Bad Gateway) until its health checks fail."},
		{func(l *Lab) { l.startInstance("Instance 3") }, "Instance 3 started"},
		{func(l *Lab) { l.failChecks("Instance 2", true) }, "Instance 2 now fails its health checks"},
		{func(l *Lab) { l.deregister("Instance 1") }, "Instance 1 deregistered: it drains for the deregistration delay, 5 minutes"},
		{func(l *Lab) { l.setExternalStore(true) }, "External session store on"},
		{func(l *Lab) { l.launch("") }, "Instance 4 launched: it is registered and its health checks start."},
		{func(l *Lab) { l.fastForward(time.Minute) }, "Fast-forwarding 1 minute of simulated time."},
		{func(l *Lab) { l.applyPreset("scale-out") }, "Lesson staged: Scale out"},
		{func(l *Lab) { l.pause() }, "Paused: the simulated clock reads "},
		{func(l *Lab) { l.setSpeed(10) }, "Playing at 10×."},
		{func(l *Lab) { l.step() }, "Stepped to the next request: the simulated clock reads "},
		{func(l *Lab) { l.setSpeed(0) }, "Playing at 10×."},
		{func(l *Lab) { l.stopCrowd() }, "Crowd stopped: only your browser uses the load balancer."},
		{func(l *Lab) { _ = l.startCrowd(engine.CrowdConfig{Clients: 300, ThinkTime: 2 * time.Second}) }, "Crowd started: 300 clients, about 150 requests/s"},
		{func(l *Lab) { l.fastForward(time.Hour); l.cancelFastForward() }, "Fast-forward stopped: the simulated clock reads "},
	} {
		lt.do(c.do)
		if got := lt.text("announcer"); !strings.Contains(got, c.want) {
			t.Errorf("announcer says %q, want %q", got, c.want)
		}
	}
}
