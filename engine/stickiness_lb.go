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
	v, ok := r.Cookie(CookieAWSALBCORS)
	if !ok {
		v, ok = r.Cookie(CookieAWSALB)
	}
	if !ok {
		return nil, ReasonNewClient
	}
	return p.tg.routeCookie(kindLB, v, p.Duration, r.Time)
}

// Follows returns AWSALBCORS when r carries it, or else AWSALB.
func (p *LBCookieStickiness) Follows(r *Request) string {
	for _, n := range [...]string{CookieAWSALBCORS, CookieAWSALB} {
		if _, ok := r.Cookie(n); ok {
			return n
		}
	}
	return ""
}

// Issue adds AWSALB and AWSALBCORS naming t, whatever routed the request.
func (p *LBCookieStickiness) Issue(cs []StoredCookie, t *Target, _ Reason, now time.Time) []StoredCookie {
	return append(cs, p.tg.lb.issued.cookies(kindLB, p.tg, t, now)...)
}

// Reads reports whether name is AWSALB or AWSALBCORS.
func (p *LBCookieStickiness) Reads(name string) bool {
	return name == CookieAWSALB || name == CookieAWSALBCORS
}
