package app

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stickylab/stickylab/engine"
)

// TestGlossaryTerms checks that the glossary explains each term the issue
// names, once, with an AWS documentation page, and the engine's numbers.
func TestGlossaryTerms(t *testing.T) {
	want := []string{"NonStickyRequestCount", "Imbalance", "lb_cookie", "app_cookie", "AWSALB", "AWSALBCORS", "AWSALBAPP-0",
		"Deregister", "draining", "Least outstanding requests", "Round robin", "Weighted random", "Deregistration delay", "Health check thresholds"}
	for _, w := range want {
		n := 0
		for _, g := range glossary {
			if regexp.MustCompile(`\b` + regexp.QuoteMeta(w) + `\b`).MatchString(g.Term) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d glossary entries for %q, want 1", n, w)
		}
	}
	ids := map[string]bool{}
	for _, g := range glossary {
		if ids[g.ID] || g.Text == "" || !strings.HasPrefix(g.Source, "https://docs.aws.amazon.com/") || docsTitles[g.Source] == "" {
			t.Errorf("entry %+v: a duplicate id, no text, or no titled AWS page", g)
		}
		ids[g.ID] = true
	}
	h, _ := lookupTerm("health-thresholds")
	a := engine.DefaultAttributes()
	for _, n := range []string{"every 30 s", "failed checks (default 2)", "passed checks (default 5)"} {
		if !strings.Contains(h.Text, n) || a.UnhealthyThresholdCount != 2 || a.HealthyThresholdCount != 5 || a.HealthCheckInterval != 30*time.Second {
			t.Errorf("health check thresholds %q: want %q, the engine's default", h.Text, n)
		}
	}
	if d, _ := lookupTerm("deregistration-delay"); !strings.Contains(d.Text, "(0–3600 seconds, default 300)") {
		t.Errorf("deregistration delay %q: want the engine's range and default", d.Text)
	}
}

// TestGlossaryLinks checks that the terms link to their glossary entry
// where they appear (counters, form, cookies, targets), and that every
// link on the page goes to an entry that exists or to an AWS page.
func TestGlossaryLinks(t *testing.T) {
	tl := trMountLab(t, "stickiness=lb_cookie")
	tl.do(func(l *Lab) { l.refresh() })
	links := func(tree *htmlNode) map[string]int {
		got := map[string]int{}
		for _, a := range tree.find(func(n *htmlNode) bool { return n.tag == "a" }) {
			href := a.attrs["href"]
			switch {
			case strings.HasPrefix(href, "#term-"):
				id := strings.TrimPrefix(href, "#term-")
				if tree.byTestID("term-"+id) == nil || a.attrs["data-term"] != id || !strings.HasPrefix(a.attrs["aria-label"], "What is ") || a.attrs["title"] == "" {
					t.Errorf("link %v: no entry, or no accessible name or title", a.attrs)
				}
				got[id]++
			case strings.HasPrefix(href, "https://docs.aws.amazon.com/"), a.attrs["data-testid"] == "home" && href == "/?stickiness=lb_cookie", // the lab's own address
				strings.HasSuffix(href, "/?lesson="+LessonArticle), // the guided lessons
				strings.HasSuffix(href, "/?lesson="+LessonBlueGreen),
				href == "#panel-"+tabBrowser || href == "#panel-"+tabTraffic, // the skip link
				a.attrs["data-testid"] == "share-link", strings.HasPrefix(a.attrs["data-testid"], "lb-type-"):
			default:
				t.Errorf("a link to %q", href)
			}
		}
		return got
	}
	got := links(tl.tree())
	for _, id := range []string{"awsalb", "awsalbcors", "lb-cookie", "round-robin"} {
		if got[id] == 0 {
			t.Errorf("the browser tab has no link to %q: %v", id, got)
		}
	}
	if n := len(tl.tree().mustTestID(t, "glossary").find(func(n *htmlNode) bool { return n.tag == "dt" })); n != len(glossary) {
		t.Errorf("the glossary shows %d terms, want %d", n, len(glossary))
	}

	tl.do(func(l *Lab) { l.showTab(tabTraffic) })
	tl.do(func(l *Lab) {
		l.stopInstance("Instance 1")
		l.deregister("Instance 2")
	})
	tl.do(func(l *Lab) { l.failChecks("Instance 3", true); l.fastForward(30 * time.Second) })
	tree := tl.tree()
	got = links(tree)
	for _, id := range []string{"nonsticky", "imbalance", "deregister", "deregistration-delay", "health-thresholds"} {
		if got[id] == 0 {
			t.Errorf("the traffic tab has no link to %q: %v", id, got)
		}
	}
	if n := tree.mustTestID(t, "instance-3").find(func(n *htmlNode) bool { return n.attrs["data-term"] == "health-thresholds" }); len(n) != 1 {
		t.Errorf("failing health checks without a link to the thresholds: %s", tree.mustTestID(t, "instance-3").Text())
	}

	tl.do(func(l *Lab) {
		a := l.m.lb.TargetGroup.Attributes()
		a.StickinessType, a.AppCookieName, a.Algorithm = engine.AppCookie, engine.SessionCookie, engine.LeastOutstandingRequests
		if err := l.m.lb.TargetGroup.SetAttributes(a); err != nil {
			t.Fatal(err)
		}
	})
	notes := map[string]bool{}
	for _, n := range tl.tree().find(func(n *htmlNode) bool { return n.attrs["data-term-note"] != "" }) {
		notes[n.attrs["data-term-note"]] = true
	}
	if !notes["app-cookie"] || !notes["least-outstanding-requests"] || len(notes) != 2 {
		t.Errorf("the form explains %v, want the chosen app_cookie and least outstanding requests", notes)
	}
}
