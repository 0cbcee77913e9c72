package app

import "github.com/stickylab/stickylab/wasm/browserjar"

// JarReporter is implemented by a jar that can tell where it keeps the
// learner's cookies, as the browser lab's document.cookie jar does.
type JarReporter interface {
	State() browserjar.State
}

// inMemory ends each sentence about a jar that fell back to memory.
const inMemory = " so the stickiness cookies are kept in the lab's memory instead of your browser's cookie store; DevTools will not show them."

// jarStateWords returns the sentence the cookie panel shows for a jar in
// state s, or "" when it keeps plain first-party cookies in the browser.
func jarStateWords(s browserjar.State) string {
	switch s.Reason {
	case browserjar.CrossSiteFrame:
		return "This lab is embedded in another site, so your browser only accepts its cookies partitioned: they are stored with SameSite=None; Secure; Partitioned, are kept apart for this embedding site, and DevTools lists them with a partition key."
	case browserjar.Blocked:
		return "Your browser refused the lab's cookies (cookies are blocked, or this page is in a cross-site frame)," + inMemory
	case browserjar.Disabled:
		return "Cookies are disabled in your browser," + inMemory
	case browserjar.Sandboxed:
		return "This page is not allowed to use cookies (it is probably in a sandboxed frame)," + inMemory
	case browserjar.InsecurePage:
		return "Your browser refused the lab's Secure cookie " + s.Cookie + " because this page is not served over HTTPS," + inMemory
	case browserjar.CookieRefused:
		return "Your browser refused the lab's cookie " + s.Cookie + "," + inMemory
	}
	return ""
}
