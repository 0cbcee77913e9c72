package app

import (
	"testing"

	"github.com/stickylab/stickylab/engine"
	"github.com/stickylab/stickylab/wasm/browserjar"
)

// TestJarStateWords checks the sentence the learner reads for each state of
// the browser's cookie jar.
func TestJarStateWords(t *testing.T) {
	const memory = " so the stickiness cookies are kept in the lab's memory instead of your browser's cookie store; DevTools will not show them."
	tests := []struct {
		state browserjar.State
		want  string
	}{
		{browserjar.State{}, ""},
		{browserjar.State{Mode: browserjar.Partitioned, Reason: browserjar.CrossSiteFrame},
			"This lab is embedded in another site, so your browser only accepts its cookies partitioned: they are stored with SameSite=None; Secure; Partitioned, are kept apart for this embedding site, and DevTools lists them with a partition key."},
		{browserjar.State{Mode: browserjar.Memory, Reason: browserjar.Blocked},
			"Your browser refused the lab's cookies (cookies are blocked, or this page is in a cross-site frame)," + memory},
		{browserjar.State{Mode: browserjar.Memory, Reason: browserjar.Disabled},
			"Cookies are disabled in your browser," + memory},
		{browserjar.State{Mode: browserjar.Memory, Reason: browserjar.Sandboxed},
			"This page is not allowed to use cookies (it is probably in a sandboxed frame)," + memory},
		{browserjar.State{Mode: browserjar.Memory, Reason: browserjar.InsecurePage, Cookie: "AWSALBCORS"},
			"Your browser refused the lab's Secure cookie AWSALBCORS because this page is not served over HTTPS," + memory},
		{browserjar.State{Mode: browserjar.Memory, Reason: browserjar.CookieRefused, Cookie: "SESSIONID"},
			"Your browser refused the lab's cookie SESSIONID," + memory},
	}
	for _, tt := range tests {
		if got := jarStateWords(tt.state); got != tt.want {
			t.Errorf("%v/%v: %q, want %q", tt.state.Mode, tt.state.Reason, got, tt.want)
		}
	}
}

// stateJar is a memory jar reporting a state, as the browser's jar does.
type stateJar struct {
	engine.MemoryJar
	state browserjar.State
}

func (j *stateJar) State() browserjar.State { return j.state }

// TestLabJarState checks that the cookie panel shows the words for the
// state the jar reports, and nothing for plain cookies in the browser.
func TestLabJarState(t *testing.T) {
	jar := &stateJar{state: browserjar.State{Mode: browserjar.Memory, Reason: browserjar.Sandboxed}}
	lt := mountLab(t, "stickiness=lb_cookie", jar)
	if got, want := lt.tree().mustTestID(t, "cookie-notice").Text(), jarStateWords(jar.state); got != want || want == "" {
		t.Errorf("cookie notice %q, want %q", got, want)
	}
	plain := mountLab(t, "stickiness=lb_cookie", &stateJar{})
	if plain.tree().byTestID("cookie-notice") != nil {
		t.Error("a cookie notice for plain cookies in the browser")
	}
}
