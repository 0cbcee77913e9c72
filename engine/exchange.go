package engine

import (
	"fmt"
	"strings"
	"time"
)

// Reason says why a request went to its target. The UI shows it beside
// every request, the way a learner would explain it.
type Reason uint8

// The routing reasons.
const (
	// ReasonNoStickiness: stickiness is off and no cookie was sent; the
	// algorithm picked.
	ReasonNoStickiness Reason = iota
	// ReasonNewClient: stickiness is on but the client sent no stickiness
	// cookie (first visit, or it deleted it); the algorithm picked.
	ReasonNewClient
	// ReasonSticky: a valid cookie named a healthy target.
	ReasonSticky
	// ReasonCookieExpired: the cookie was older than the stickiness duration.
	ReasonCookieExpired
	// ReasonCookieInvalid: the cookie did not decrypt (tampered, garbage or
	// another load balancer's).
	ReasonCookieInvalid
	// ReasonTargetUnhealthy: the cookie named a target that is not healthy.
	ReasonTargetUnhealthy
	// ReasonTargetDraining: the cookie named a target being deregistered.
	ReasonTargetDraining
	// ReasonTargetDeregistered: the cookie named a target no longer in the
	// target group.
	ReasonTargetDeregistered
	// ReasonStickinessDisabled: the client sent a stickiness cookie but
	// stickiness is off for the target group, so it was ignored.
	ReasonStickinessDisabled
	// ReasonAppCookieMissing: AWSALBAPP-0 was sent without the application
	// cookie it belongs to.
	ReasonAppCookieMissing
	// ReasonNoTargets: no target is registered; 503.
	ReasonNoTargets
	// ReasonDirect: the instance was opened directly, not through the load
	// balancer.
	ReasonDirect
	// ReasonSameConnection: a Network Load Balancer kept the request on
	// its TCP connection's target.
	ReasonSameConnection
	// ReasonNewConnection: a new TCP connection; the flow hash placed it.
	ReasonNewConnection
	// ReasonConnectionReset: the connection's target left service, so the
	// load balancer reset it; the client's new one was placed anew.
	ReasonConnectionReset
	// ReasonSourceIP: source IP stickiness sent the request to the target
	// of its source IP.
	ReasonSourceIP
	// ReasonNewSourceIP: source IP stickiness holds no target for the
	// source IP (new, or reset since); the flow hash placed it.
	ReasonNewSourceIP
	// ReasonCookieOtherGroup: the cookie names a target of another target
	// group (the weights sent the request elsewhere): treated as absent.
	ReasonCookieOtherGroup
	// ReasonTargetInitial: the cookie named a target registered again and
	// still in its first health checks (state initial), not yet healthy.
	ReasonTargetInitial
	numReasons
)

var reasonNames = [numReasons]string{
	"no-stickiness", "new-client", "sticky", "cookie-expired", "cookie-invalid",
	"target-unhealthy", "target-draining", "target-deregistered",
	"stickiness-disabled", "app-cookie-missing", "no-targets", "direct",
	"same-connection", "new-connection", "connection-reset", "source-ip", "new-source-ip",
	"cookie-other-group", "target-initial",
}

var reasonTexts = [numReasons]string{
	"stickiness off: the algorithm picked",
	"no stickiness cookie: the algorithm picked, cookie set",
	"sticky: the cookie names this target",
	"cookie expired (older than the stickiness duration): picked anew",
	"cookie invalid (does not decrypt: tampered or foreign): treated as absent",
	"the cookie's target is unhealthy: picked anew, cookie rewritten",
	"the cookie's target is draining: picked anew, cookie rewritten",
	"the cookie's target is deregistered: picked anew, cookie rewritten",
	"stickiness disabled: the cookie sent was ignored",
	"application cookie missing: stickiness re-established by a fresh pick",
	"no registered targets: 503 Service Unavailable",
	"opened directly, not through the load balancer",
	"same TCP connection: it stays on its target",
	"new TCP connection: the flow hash placed it",
	"the connection's target left service: connection reset, the new one placed by the flow hash",
	"sticky: this source IP's target",
	"no target for this source IP yet (or stickiness reset): the flow hash placed it",
	"the cookie names a target of another target group (the weights sent you here): picked anew, cookie rewritten",
	"the cookie's target is registered but not healthy yet (initial: its first health checks are running): picked anew, cookie rewritten",
}

// isSticky reports whether stickiness routed the request: a valid cookie,
// or a source IP's target.
func (r Reason) isSticky() bool { return r == ReasonSticky || r == ReasonSourceIP }

// String returns the reason's short name, e.g. "sticky".
func (r Reason) String() string {
	if r < numReasons {
		return reasonNames[r]
	}
	return fmt.Sprintf("reason(%d)", r)
}

// Text returns a sentence explaining the reason to a learner.
func (r Reason) Text() string {
	if r < numReasons {
		return reasonTexts[r]
	}
	return r.String()
}

// SessionOutcome is what the application did with the user's session.
type SessionOutcome uint8

// The session outcomes.
const (
	SessionNone    SessionOutcome = iota // no application answer (502, 503)
	SessionNew                           // no session cookie: a new session
	SessionResumed                       // the session was found
	SessionLost                          // the session cookie named a session this store does not hold: a new one replaces it
)

var sessionOutcomeNames = [...]string{"none", "new", "resumed", "lost"}

// String returns the outcome's name, e.g. "lost".
func (o SessionOutcome) String() string {
	if int(o) < len(sessionOutcomeNames) {
		return sessionOutcomeNames[o]
	}
	return fmt.Sprintf("outcome(%d)", o)
}

// Exchange is one request and its response, with everything the load
// balancer decided on the way: the record the UI's request log shows.
type Exchange struct {
	Seq      uint64
	Time     time.Time
	Client   string
	SourceIP string
	// SourcePort is the port of the client's TCP connection to a Network
	// Load Balancer (0 for other types); NewConnection: opened for this request.
	SourcePort    int
	NewConnection bool
	Path          string
	// Cookies are the cookies the request carried.
	Cookies []StoredCookie

	// Status is the HTTP status, 0 when no HTTP answer came: Failure then
	// says what became of the connection.
	Status  int
	Failure string
	// TargetGroup is the target group the listener forwarded to, and
	// GroupReason why: a group cookie, or the weights' split.
	TargetGroup string
	GroupReason Reason
	TargetID    string // "" when no target answered
	TargetName  string
	Reason      Reason
	Algorithm   Algorithm // the algorithm that picked, "" for a sticky hit
	FailOpen    bool      // no target was healthy: routed to all of them
	// SetCookies are the cookies the response set, with their attributes;
	// StickinessSet says whether the stickiness policy set one.
	SetCookies    []StoredCookie
	StickinessSet bool
	// StoreError is set when the client's jar refused a Set-Cookie.
	StoreError string

	Session     SessionOutcome
	SessionID   string
	Visits      int
	Cart        int
	User        string
	LostSession string // the session id the target did not know
	LostOrigin  string // the instance that had created the lost session
	// LostIdle is how long the client had been away when its session timed
	// out (idle for SessionTimeout); zero when it was lost otherwise.
	LostIdle time.Duration

	// recording tells serve to fill Cookies and SetCookies.
	recording bool
}

// start readies the reused exchange for request r field by field (a whole
// assignment would copy it under the collector's bulk write barrier); when
// recording, it copies the request's cookies into *sent.
func (ex *Exchange) start(r *Request, recording bool, sent *[]StoredCookie) *Exchange {
	ex.Seq++
	ex.Time, ex.Client, ex.SourceIP, ex.Path, ex.Cookies = r.Time, r.Client.Name, r.SourceIP, r.Path, nil
	ex.SourcePort, ex.NewConnection = r.SourcePort, r.NewConnection
	ex.Status, ex.Failure, ex.TargetID, ex.TargetName, ex.Reason, ex.Algorithm, ex.FailOpen = 0, "", "", "", 0, "", false
	ex.TargetGroup, ex.GroupReason = "", 0
	ex.SetCookies, ex.StickinessSet, ex.StoreError, ex.recording = nil, false, "", recording
	ex.Session, ex.SessionID, ex.Visits, ex.Cart, ex.User, ex.LostSession, ex.LostOrigin, ex.LostIdle = 0, "", 0, 0, "", "", "", 0
	if recording && len(r.Cookies) > 0 {
		*sent = append((*sent)[:0], r.Cookies...)
		ex.Cookies = *sent
	}
	return ex
}

// Clone returns a copy of the exchange that owns its cookies: the load
// balancer reuses the slices of the exchanges it hands subscribers.
func (e *Exchange) Clone() Exchange {
	c := *e
	c.Cookies = append([]StoredCookie(nil), e.Cookies...)
	c.SetCookies = append([]StoredCookie(nil), e.SetCookies...)
	c.recording = false
	return c
}

// CookieHeader renders the Cookie request header, "" when none.
func (e *Exchange) CookieHeader() string { return CookieHeader(e.Cookies) }

// SetCookieHeaders renders the Set-Cookie response headers, one a cookie.
func (e *Exchange) SetCookieHeaders() []string {
	var out []string
	for _, c := range e.SetCookies {
		out = append(out, FormatSetCookie(c))
	}
	return out
}

// Why explains to a learner why the request went where it did: its
// reason's text, except for a new client whose response set no stickiness
// cookie (the application did not set the cookie its policy names) and a
// Network Load Balancer's reset connection.
func (e *Exchange) Why() string {
	switch {
	case e.Reason == ReasonNewClient && e.Status == 200 && !e.StickinessSet:
		return newClientNoCookie
	case e.Reason == ReasonNoTargets && e.Failure == FailureReset:
		return "no registered targets: the connection is reset"
	}
	return e.Reason.Text()
}

// newClientNoCookie is Why's text for a new client left without a cookie.
const newClientNoCookie = "no stickiness cookie: the algorithm picked, and none was set: an application-based policy sets one only when the application's response sets the cookie it names"

// Sticky reports whether stickiness routed the request: a valid cookie,
// or a Network Load Balancer's source IP.
func (e *Exchange) Sticky() bool { return e.Reason.isSticky() }

// What becomes of a connection that gets no HTTP answer (Exchange.Failure).
const (
	FailureTimedOut = "timed out" // to a stopped instance: nothing answers
	FailureReset    = "reset"     // by a Network Load Balancer with no target to forward it to
)

// StatusText returns the HTTP status line text, e.g. "502 Bad Gateway", or
// what became of the connection, e.g. "Connection timed out".
func (e *Exchange) StatusText() string {
	if e.Status == 0 && e.Failure != "" {
		return "Connection " + e.Failure
	}
	switch e.Status {
	case 200:
		return "200 OK"
	case 502:
		return "502 Bad Gateway"
	case 503:
		return "503 Service Unavailable"
	}
	return fmt.Sprint(e.Status)
}

// Page returns the body the application answered, as the learner's
// browser shows it; for a 502 or 503, why (StatusText names the status).
func (e *Exchange) Page() string {
	switch {
	case e.Failure == FailureTimedOut && e.Reason == ReasonDirect:
		return e.TargetName + " did not answer: the instance is stopped, so the connection timed out."
	case e.Failure == FailureTimedOut:
		return e.TargetName + " did not answer: the instance is stopped, so the connection timed out. A Network Load Balancer forwards TCP connections and reads no HTTP, so there is no 502 page; new connections may land on the instance until it fails enough health checks in a row to be marked unhealthy."
	case e.Failure == FailureReset:
		return "No target is registered: the load balancer has nowhere to forward the connection, and resets it."
	case e.Status == 502:
		return e.TargetName + " did not answer: the instance is stopped. The load balancer keeps sending it requests until it fails enough health checks in a row to be marked unhealthy."
	case e.Status == 503:
		return "No target is registered: the load balancer has nowhere to send the request."
	case e.TargetName == "":
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s", strings.Replace(e.TargetName, "Instance ", "Instance Number ", 1))
	switch e.Session {
	case SessionNew:
		fmt.Fprintf(&b, " · new session for %s", e.User)
	case SessionLost:
		lost := "lost"
		if e.LostIdle > 0 {
			lost = "expired"
		}
		fmt.Fprintf(&b, " · session %s! new session for %s", lost, e.User)
	case SessionResumed:
		fmt.Fprintf(&b, " · logged in as %s, visit %d, cart: %s", e.User, e.Visits, plural(e.Cart, "item"))
	}
	return b.String()
}
