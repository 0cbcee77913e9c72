package engine

import "time"

// AppCookieStickiness is a policy that routes by the application's own
// cookie, stickiness.type app_cookie (REFERENCE.md §3): the load balancer
// adds AWSALBAPP-0 beside it and routes while both are sent.
type AppCookieStickiness struct {
	tg *TargetGroup
	// AppCookieName is stickiness.app_cookie.cookie_name.
	AppCookieName string
	// Duration is stickiness.app_cookie.duration_seconds.
	Duration time.Duration
}

// Route follows AWSALBAPP-0 while the application cookie is sent with it;
// without it, stickiness is re-established by a fresh pick.
func (p *AppCookieStickiness) Route(r *Request) (*Target, Reason) {
	_, v, ok := p.follow(r)
	if !ok {
		return nil, ReasonNewClient
	}
	if _, ok := r.Cookie(p.AppCookieName); !ok {
		return nil, ReasonAppCookieMissing
	}
	return p.tg.routeCookie(kindApp, v, p.Duration, r.Time)
}

// Issue adds AWSALBAPP-0 naming t when the response sets the application
// cookie, and whenever the request carried both cookies: sticky, or picked
// anew (moved, expired, invalid), after which the session stays on t.
func (p *AppCookieStickiness) Issue(t *Target, reason Reason, app []StoredCookie, now time.Time) []StoredCookie {
	carriedBoth := reason != ReasonNewClient && reason != ReasonAppCookieMissing
	if carriedBoth || setsCookie(app, p.AppCookieName) {
		return p.tg.lb.issued.cookies(kindApp, p.tg, t, now)
	}
	return nil
}

// Follows returns AWSALBAPP-0 when r carries it.
func (p *AppCookieStickiness) Follows(r *Request) string {
	name, _, _ := p.follow(r)
	return name
}

// follow returns the cookie Route follows: AWSALBAPP-0.
func (p *AppCookieStickiness) follow(r *Request) (name, value string, ok bool) {
	if v, ok := r.Cookie(CookieAWSALBAPP); ok {
		return CookieAWSALBAPP, v, true
	}
	return "", "", false
}

// Reads reports whether name is AWSALBAPP-0 or the application cookie.
func (p *AppCookieStickiness) Reads(name string) bool {
	return name == CookieAWSALBAPP || name == p.AppCookieName
}

// setsCookie reports whether cs sets the cookie called name.
func setsCookie(cs []StoredCookie, name string) bool {
	_, ok := lookupCookie(cs, name)
	return ok
}
