package engine

import "time"

// LBCookieStickiness is a policy that routes by the load balancer
// generated cookie, stickiness.type lb_cookie (REFERENCE.md §2): AWSALB and
// its twin AWSALBCORS, re-issued on every response.
type LBCookieStickiness struct {
	tg *TargetGroup
	// Duration is stickiness.lb_cookie.duration_seconds: how long a
	// cookie routes after it was issued.
	Duration time.Duration
}

// Route follows AWSALBCORS, or else AWSALB: when both are sent,
// AWSALBCORS wins.
func (p *LBCookieStickiness) Route(r *Request) (*Target, Reason) {
	_, v, ok := p.follow(r)
	if !ok {
		return nil, ReasonNewClient
	}
	return p.tg.routeCookie(kindLB, v, p.Duration, r.Time)
}

// Follows returns AWSALBCORS when r carries it, or else AWSALB.
func (p *LBCookieStickiness) Follows(r *Request) string {
	name, _, _ := p.follow(r)
	return name
}

// follow returns the cookie Route follows: AWSALBCORS, or else AWSALB.
func (p *LBCookieStickiness) follow(r *Request) (name, value string, ok bool) {
	if v, ok := r.Cookie(CookieAWSALBCORS); ok {
		return CookieAWSALBCORS, v, true
	}
	if v, ok := r.Cookie(CookieAWSALB); ok {
		return CookieAWSALB, v, true
	}
	return "", "", false
}

// Issue adds AWSALB and AWSALBCORS naming t, whatever routed the request.
func (p *LBCookieStickiness) Issue(t *Target, _ Reason, _ []StoredCookie, now time.Time) []StoredCookie {
	return p.tg.lb.issued.cookies(kindLB, p.tg, t, now)
}

// Reads reports whether name is AWSALB or AWSALBCORS.
func (p *LBCookieStickiness) Reads(name string) bool {
	return name == CookieAWSALB || name == CookieAWSALBCORS
}
