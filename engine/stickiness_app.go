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
	v, ok := r.Cookie(CookieAWSALBAPP)
	if !ok {
		return nil, ReasonNewClient
	}
	if _, ok := r.Cookie(p.AppCookieName); !ok {
		return nil, ReasonAppCookieMissing
	}
	return p.tg.routeCookie(kindApp, v, p.Duration, r.Time)
}

// Issue adds AWSALBAPP-0 naming t when the request was sticky, when the
// response sets the application cookie, and when the request was moved off
// its target: the session then stays on t, even once the old target is back.
func (p *AppCookieStickiness) Issue(cs []StoredCookie, t *Target, reason Reason, now time.Time) []StoredCookie {
	if reason == ReasonSticky || reason.Moved() || setsCookie(cs, p.AppCookieName) {
		cs = append(cs, p.tg.lb.issued.cookies(kindApp, p.tg, t, now)...)
	}
	return cs
}

// Follows returns AWSALBAPP-0 when r carries it.
func (p *AppCookieStickiness) Follows(r *Request) string {
	if _, ok := r.Cookie(CookieAWSALBAPP); ok {
		return CookieAWSALBAPP
	}
	return ""
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
