package engine

import "time"

// AppCookieStickinessPolicy is a policy that routes a Classic Load
// Balancer's requests by AWSELB while the application's cookie lives: AWSELB
// is inserted only beside a new one, with its lifetime (REFERENCE.md §6).
type AppCookieStickinessPolicy struct {
	tg *TargetGroup
	// CookieName is the application cookie AWSELB follows.
	CookieName string
}

// Route follows AWSELBCORS, or else AWSELB, while the application cookie
// is sent with it: without it the session is not sticky.
func (p *AppCookieStickinessPolicy) Route(r *Request) (*Target, Reason) {
	_, v, ok := followTwins(r, CookieAWSELBCORS, CookieAWSELB)
	if !ok {
		return nil, ReasonNewClient
	}
	if _, ok := r.Cookie(p.CookieName); !ok {
		return nil, ReasonAppCookieMissing
	}
	// The browser expires AWSELB with the application cookie.
	return p.tg.routeCookie(kindELB, v, browserSession, r.Time)
}

// Issue adds AWSELB and AWSELBCORS naming t beside a new application
// cookie, with its expiry, path and Secure flag; a request moved to t gets a
// browser-session pair, so it stays "stuck" to t (simulated assumption).
func (p *AppCookieStickinessPolicy) Issue(t *Target, reason Reason, app []StoredCookie, now time.Time) []StoredCookie {
	for _, c := range app {
		if c.Name == p.CookieName {
			return elbCookiePair(p.tg.lb.codec.sealELB(p.tg.id, t.uid, t.ID, now), c.Expires, c.Path, c.Secure)
		}
	}
	if reason != ReasonNewClient && reason != ReasonAppCookieMissing && reason != ReasonSticky {
		return elbCookiePair(p.tg.lb.codec.sealELB(p.tg.id, t.uid, t.ID, now), time.Time{}, "/", false)
	}
	return nil
}

// Follows returns AWSELBCORS when r carries it, or else AWSELB.
func (p *AppCookieStickinessPolicy) Follows(r *Request) string {
	name, _, _ := followTwins(r, CookieAWSELBCORS, CookieAWSELB)
	return name
}

// Reads reports whether name is AWSELB, AWSELBCORS or the application
// cookie.
func (p *AppCookieStickinessPolicy) Reads(name string) bool {
	return name == p.CookieName || isOneOf(name, elbCookies)
}
