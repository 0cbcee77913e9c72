//go:build !(js && wasm)

package e2e

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// The tests of this file send a lab from a teacher's browser to a learner's
// fresh browser context through a shared link, an exported file and the
// course page's load-scenario command (app/scenario*.go, labscenario.go).

// shareLink returns the href of the lab's share link.
func (p *Page) shareLink() string {
	p.T.Helper()
	return Eval[string](p, `document.querySelector('[data-testid="share-link"]').href`)
}

// docCookie returns the page's document.cookie.
func (p *Page) docCookie() string {
	p.T.Helper()
	return Eval[string](p, `document.cookie`)
}

// exportScenario clicks Export and returns the downloaded file's text.
func (p *Page) exportScenario() []byte {
	p.T.Helper()
	dir := p.T.TempDir()
	ctx, cancel := p.ctx()
	_, err := chromedp.CallBrowser(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir,
		BrowserContextID: chromedp.FromContext(p.Ctx).BrowserContextID,
	})
	cancel()
	if err != nil {
		p.T.Fatalf("allowing downloads: %v", err)
	}
	p.Click("export-scenario")
	file := filepath.Join(dir, "stickylab-scenario.json")
	deadline := time.Now().Add(Timeout)
	for {
		if b, err := os.ReadFile(file); err == nil && json.Valid(b) {
			return b
		}
		if time.Now().After(deadline) {
			entries, _ := os.ReadDir(dir)
			p.T.Fatalf("no download of stickylab-scenario.json in %s: %v", dir, entries)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// importScenario chooses a file holding data in the Import input.
func (p *Page) importScenario(data string) {
	p.T.Helper()
	file := filepath.Join(p.T.TempDir(), "scenario.json")
	if err := os.WriteFile(file, []byte(data), 0o644); err != nil {
		p.T.Fatal(err)
	}
	p.do("choosing "+file, chromedp.SetUploadFiles(ByTestID("import-scenario"), []string{file}))
}

// sameNextRoutes refreshes both labs n times and fails unless each request
// lands on the same instance for the same reason.
func sameNextRoutes(t *testing.T, teacher, learner *Page, n int) {
	t.Helper()
	for i := range n {
		ts, tr := teacher.refresh()
		ls, lr := learner.refresh()
		if ts != ls || tr != lr {
			t.Fatalf("refresh %d after loading: the learner's %s (%s), the teacher's %s (%s)", i+1, ls, lr, ts, tr)
		}
	}
}

// checkLoaded checks that learner shows the teacher's lab: no error, as many
// pages, the same page shown, the stickiness cookies in document.cookie.
func checkLoaded(t *testing.T, teacher, learner *Page) {
	t.Helper()
	learner.waitPages(teacher.pagesLoaded())
	if learner.exists("scenario-error") {
		t.Fatalf("scenario error: %s", learner.Text("scenario-error"))
	}
	if a, b := learner.Text("served-by"), teacher.Text("served-by"); a != b {
		t.Errorf("the learner's page shows %q, the teacher's %q", a, b)
	}
	if c := learner.docCookie(); !strings.Contains(c, "AWSALB=") || !strings.Contains(c, "AWSALBCORS=") {
		t.Errorf("the learner's document.cookie is %q, want the stickiness cookies", c)
	}
}

// TestScenarioLink shares a lab whose AWSALB was deleted in DevTools and
// whose instance was stopped, and opens the link in a fresh browser context.
func TestScenarioLink(t *testing.T) {
	teacher := NewPage(t)
	teacher.OpenLab("stickiness=lb_cookie&duration=120")
	served, _ := teacher.refresh()
	teacher.refresh()
	teacher.DeleteCookie("AWSALB") // AWSALBCORS still routes
	teacher.refresh()
	n := strings.TrimPrefix(served, "Instance Number ")
	teacher.Click("stop-" + n)
	teacher.Click("ff-1m0s")
	teacher.WaitText("instance-"+n+"-state", func(s string) bool { return strings.Contains(s, "unhealthy") })
	teacher.refresh()
	link := teacher.shareLink()
	// By keyboard: Tab to Copy link, Enter; headless Chromium may refuse the
	// clipboard, and then the lab says how to copy by hand.
	teacher.tabTo("copy-link")
	teacher.key(kb.Enter)
	if got := teacher.WaitText("share-status", NonEmpty); got != "Link copied." && !strings.Contains(got, "Copy link address") {
		t.Errorf("after Copy link: %q", got)
	}
	teacher.tabTo("export-scenario")
	teacher.key(kb.Tab)
	if got := teacher.focused(); got != "import-scenario" {
		t.Errorf("Tab after Export focuses %q, want the Import input", got)
	}
	u, err := url.Parse(link)
	if err != nil || u.Query().Get("stickiness") != "lb_cookie" || !strings.HasPrefix(u.Query().Get("actions"), "1.R") ||
		!strings.Contains(u.Query().Get("actions"), "~xAWSALB") {
		t.Fatalf("share link %s", link)
	}
	learner := NewPage(t)
	learner.Navigate(link)
	learner.WaitReady()
	checkLoaded(t, teacher, learner)
	sameNextRoutes(t, teacher, learner, 3)
	teacher.checkClean()
	learner.checkClean()
}

// TestScenarioFile exports a lab and imports it into a fresh browser
// context whose own lab had run: the learner's cookies become the teacher's.
func TestScenarioFile(t *testing.T) {
	teacher := NewPage(t)
	teacher.OpenLab("stickiness=lb_cookie&seed=5")
	for range 3 {
		teacher.refresh()
	}
	teacher.load("open-instance-2") // the pane re-renders: the next click waits for it
	teacher.Click("delete-cookie-SESSIONID")
	teacher.refresh()
	data := teacher.exportScenario()
	var file struct {
		Kind    string            `json:"stickylab"`
		Version int               `json:"version"`
		Params  map[string]string `json:"params"`
		Actions []map[string]any  `json:"actions"`
	}
	if err := json.Unmarshal(data, &file); err != nil || file.Kind != "scenario" || file.Version != 1 ||
		file.Params["seed"] != "5" || len(file.Actions) != 7 { // the page load, three refreshes, open, delete, refresh
		t.Fatalf("the exported file (%v):\n%s", err, data)
	}

	learner := NewPage(t)
	learner.OpenLab("")
	learner.refresh()
	learner.importScenario(string(data))
	checkLoaded(t, teacher, learner)
	sameNextRoutes(t, teacher, learner, 3)
	learner.checkClean()
}

// TestScenarioBadInputs feeds bad links and files: each is named, and the
// lab (its pages, its cookies) is kept.
func TestScenarioBadInputs(t *testing.T) {
	for link, want := range map[string]string{
		"stickiness=lb_cookie&actions=1.R.Rjg.Z1b2c3": "it was changed or cut short after it was made",
		"stickiness=lb_cookie&actions=1.R.Rjg":        "it is cut short",
		"actions=2.R.Z0":                              "it was made by a newer stickylab (link format 2; this lab reads 1)",
	} {
		q := NewPage(t) // a browser with no saved lab
		q.OpenLab(link)
		if got := q.WaitText("scenario-error", NonEmpty); !strings.Contains(got, "This shared link cannot be loaded: "+want) {
			t.Errorf("%s: scenario-error %q, want %q", link, got, want)
		}
		if n := q.pagesLoaded(); n != 1 {
			t.Errorf("%s: the lab shows %d pages, want a fresh lab (its page load)", link, n)
		}
	}

	p := NewPage(t)
	p.OpenLab("stickiness=lb_cookie")
	p.refresh()
	p.refresh()
	cookie, served := p.docCookie(), p.Text("served-by")
	for file, want := range map[string]string{
		`{"stickylab": "scenario", "version": 2, "actions": []}`:                                                           "made by a newer stickylab (scenario format 2",
		`{"stickylab": "scenario", "version": 1, "actions": [{"at": 0, "do": "refresh"`:                                    "it is cut short",
		`{"stickylab": "scenario", "version": 1, "actions": [{"at": 0, "do": "stop-instance", "instance": "Instance 9"}]}`: "action 1 (stop-instance) failed",
		`not json`: "it is not valid JSON",
	} {
		p.importScenario(file)
		if got := p.WaitText("scenario-error", func(s string) bool { return strings.Contains(s, want) }); !strings.HasPrefix(got, `The file "scenario.json" cannot be loaded: `) {
			t.Errorf("scenario-error %q", got)
		}
		if p.pagesLoaded() != 3 || p.docCookie() != cookie || p.Text("served-by") != served {
			t.Errorf("after %s: %d pages, cookies %q; want 3 (the page load, two refreshes) and %q", file, p.pagesLoaded(), p.docCookie(), cookie)
		}
	}
	if got := p.waitAnnounced(func(s string) bool { return strings.Contains(s, "cannot be loaded") }); got == "" {
		t.Error("the error was not announced")
	}
	// A bad shared link opened beside the saved lab leaves it running.
	p.OpenLab("stickiness=lb_cookie&actions=1.R.Rjg")
	if got := p.WaitText("scenario-error", NonEmpty); !strings.Contains(got, "This shared link cannot be loaded: it is cut short") {
		t.Errorf("the bad link beside the saved lab: scenario-error %q", got)
	}
	if n := p.pagesLoaded(); n != 4 {
		t.Errorf("the saved lab after the bad link shows %d pages, want 4 (its three and this page load)", n)
	}
	p.checkClean()
}

// TestEmbedLoadScenario sends load-scenario from the course page: a good
// scenario loads, a newer one is refused with a stickylab:error.
func TestEmbedLoadScenario(t *testing.T) {
	course := coursePage(t)
	p, fp := openCourse(t, course, "?embed=1&parent="+url.QueryEscape(course.Origin))
	waitMessages(p, "stickylab:ready", 1)
	scenario := `{stickylab: "scenario", version: 1, params: {stickiness: "lb_cookie"},
		actions: [{at: 0, do: "refresh"}, {at: 400, do: "refresh"}, {at: 900, do: "refresh"}]}`
	sendCommand(p, `{type: "stickylab:load-scenario", scenario: `+scenario+`}`)
	fp.waitPages(3)
	if got := fp.Text("served-by"); !strings.HasPrefix(got, "Instance Number") {
		t.Errorf("the embedded lab shows %q", got)
	}
	sendCommand(p, `{type: "stickylab:load-scenario", scenario: `+strings.Replace(scenario, "version: 1", "version: 4", 1)+`}`)
	errs := waitMessages(p, "stickylab:error", 1)
	if msg, _ := errs[0].Data["message"].(string); !strings.Contains(msg, "made by a newer stickylab (scenario format 4") {
		t.Errorf("error message %+v", errs[0].Data)
	}
	if got := fp.WaitText("scenario-error", NonEmpty); !strings.Contains(got, "newer") {
		t.Errorf("the embedded lab's scenario-error %q", got)
	}
	if fp.pagesLoaded() != 3 {
		t.Errorf("the refused scenario changed the lab: %d pages", fp.pagesLoaded())
	}
	// From another origin, the command does nothing.
	other := NewPage(t)
	other.Navigate(lab.URL + "?embed=1&parent=" + url.QueryEscape(course.Origin))
	other.WaitReady()
	Eval[bool](other, `window.postMessage({type: "stickylab:load-scenario", scenario: `+scenario+`}, "*"), true`)
	time.Sleep(500 * time.Millisecond)
	if other.pagesLoaded() != 1 {
		t.Errorf("a command from the lab's own origin, not the parent, loaded %d pages, want the page load's 1", other.pagesLoaded())
	}
}
