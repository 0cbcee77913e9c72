package browserjar

// Mode is where a Jar keeps its cookies.
type Mode uint8

const (
	// Document: first-party cookies in the page's document.cookie.
	Document Mode = iota
	// Partitioned: partitioned cookies in document.cookie, the only kind a
	// cross-site frame may keep when third-party cookies are blocked.
	Partitioned
	// Memory: an engine.MemoryJar, because the browser refused cookies.
	Memory
)

func (m Mode) String() string {
	switch m {
	case Document:
		return "document"
	case Partitioned:
		return "partitioned"
	case Memory:
		return "memory"
	}
	return "Mode(?)"
}

// Reason tells why a Jar is not in Document mode.
type Reason uint8

const (
	// NoReason: the jar keeps plain first-party cookies in document.cookie.
	NoReason Reason = iota
	// CrossSiteFrame: the page is embedded in another site, so only
	// partitioned cookies stick (Mode Partitioned).
	CrossSiteFrame
	// Blocked: no test cookie stuck, plain or partitioned (cookies are
	// blocked, or the page is in a cross-site frame that refuses them).
	Blocked
	// Disabled: as Blocked, and navigator.cookieEnabled is false.
	Disabled
	// Sandboxed: document.cookie cannot be read (it throws in a sandboxed
	// frame), or there is no page at all.
	Sandboxed
	// InsecurePage: cookies stick, but the Secure cookie State.Cookie did
	// not, because the page is not served over HTTPS.
	InsecurePage
	// CookieRefused: cookies stick, but the cookie State.Cookie did not.
	CookieRefused
)

func (r Reason) String() string {
	switch r {
	case NoReason:
		return "none"
	case CrossSiteFrame:
		return "cross-site frame"
	case Blocked:
		return "blocked"
	case Disabled:
		return "disabled"
	case Sandboxed:
		return "sandboxed"
	case InsecurePage:
		return "insecure page"
	case CookieRefused:
		return "cookie refused"
	}
	return "Reason(?)"
}

// State is where a Jar keeps its cookies and why. The zero value is plain
// first-party cookies in document.cookie.
type State struct {
	Mode   Mode
	Reason Reason
	Cookie string // the refused cookie's name, for InsecurePage and CookieRefused
}

// InBrowser reports whether the cookies are in the browser's cookie store,
// where DevTools shows them, rather than in memory.
func (s State) InBrowser() bool { return s.Mode != Memory }
