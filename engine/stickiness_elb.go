package engine

import (
	"math"
	"time"
)

// Cookie names a Classic Load Balancer sets, as AWS spells them.
const (
	// CookieAWSELB is the Classic Load Balancer's stickiness cookie.
	CookieAWSELB = "AWSELB"
	// CookieAWSELBCORS is AWSELB's twin with SameSite=None; Secure,
	// observed carrying the same value.
	CookieAWSELBCORS = "AWSELBCORS"
)

// Interface guards.
var (
	_ StickinessPolicy = (*LBCookieStickinessPolicy)(nil)
	_ StickinessPolicy = (*AppCookieStickinessPolicy)(nil)
)

// browserSession is the duration routeCookie checks for AWSELB: none, the
// browser's expiry decides (the Classic guide: the load balancer "does not
// check whether the cookie is expired").
const browserSession = time.Duration(math.MaxInt64)

// newClassicStickiness returns the policy of a Classic Load Balancer's
// listener.
func newClassicStickiness(tg *TargetGroup) StickinessPolicy {
	s := tg.lb.classic
	switch s.Type {
	case LBCookieStickinessPolicyType:
		return &LBCookieStickinessPolicy{tg: tg}
	case AppCookieStickinessPolicyType:
		return &AppCookieStickinessPolicy{tg: tg, CookieName: s.CookieName}
	}
	return NoStickiness{classic: true}
}

// LBCookieStickinessPolicy is a policy that routes a Classic Load
// Balancer's requests by AWSELB, the cookie it generates, for the listener's
// expiration period (the cookie's Expires) or the browser session
// (REFERENCE.md §6).
type LBCookieStickinessPolicy struct {
	tg *TargetGroup
}

// Route follows AWSELBCORS, or else AWSELB (as an ALB's AWSALBCORS wins,
// a simulated assumption). AWS "does not check whether the cookie is
// expired before using it": the browser drops it at its Expires. An
// instance that is not healthy is left "as if there is no cookie".
func (p *LBCookieStickinessPolicy) Route(r *Request) (*Target, Reason) {
	_, v, ok := followTwins(r, CookieAWSELBCORS, CookieAWSELB)
	if !ok {
		return nil, ReasonNewClient
	}
	return p.tg.routeCookie(kindELB, v, browserSession, r.Time)
}

// Issue adds AWSELB and AWSELBCORS naming t to a response that a cookie
// did not route, expiring after the period or with the browser session:
// AWS "does not refresh the expiry time of the cookie".
func (p *LBCookieStickinessPolicy) Issue(t *Target, reason Reason, _ []StoredCookie, now time.Time) []StoredCookie {
	if reason == ReasonSticky {
		return nil
	}
	return p.tg.lb.issued.cookies(kindELB, p.tg, t, now)
}

// Follows returns AWSELBCORS when r carries it, or else AWSELB.
func (p *LBCookieStickinessPolicy) Follows(r *Request) string {
	name, _, _ := followTwins(r, CookieAWSELBCORS, CookieAWSELB)
	return name
}

// Reads reports whether name is AWSELB or AWSELBCORS.
func (p *LBCookieStickinessPolicy) Reads(name string) bool { return isOneOf(name, elbCookies) }

// elbCookiePair returns AWSELB and AWSELBCORS holding value, with the
// given expiry (zero: a browser-session cookie) and path; secure copies an
// application cookie's Secure flag onto AWSELB.
func elbCookiePair(value string, expires time.Time, path string, secure bool) []StoredCookie {
	return []StoredCookie{
		{Name: CookieAWSELB, Value: value, Expires: expires, Path: path, Secure: secure},
		{Name: CookieAWSELBCORS, Value: value, Expires: expires, Path: path, SameSite: "None", Secure: true},
	}
}

// sealELBCookies returns the AWSELB cookies naming target t of tg, issued
// at now, for a duration-based policy of period (0: browser session).
func (lb *LoadBalancer) sealELBCookies(tg *TargetGroup, t *Target, now time.Time, period time.Duration) []StoredCookie {
	var expires time.Time
	if period > 0 {
		expires = time.Unix(now.Unix(), 0).UTC().Add(period)
	}
	return elbCookiePair(lb.codec.sealELB(tg.id, t.uid, t.ID, now), expires, "/", false)
}
