package engine

import "time"

// StickinessPolicy is how a target group keeps a client on one target, as
// Caddy's cookie affinity is a policy with a fallback: when Route names no
// target, the algorithm picks. One type implements each stickiness.type.
type StickinessPolicy interface {
	// Route returns the target the request's stickiness cookie names, or
	// nil and the reason the algorithm must pick.
	Route(r *Request) (*Target, Reason)
	// Issue returns the stickiness cookies of a response from t, given the
	// reason the request reached t and the application's cookies (app).
	Issue(t *Target, reason Reason, app []StoredCookie, now time.Time) []StoredCookie
	// Follows returns the name of the cookie Route follows in r, "" for
	// none: the one stickiness cookie that decides where r goes.
	Follows(r *Request) string
	// Reads reports whether Route reads the cookie called name.
	Reads(name string) bool
}

// Interface guards.
var (
	_ StickinessPolicy = NoStickiness{}
	_ StickinessPolicy = (*LBCookieStickiness)(nil)
	_ StickinessPolicy = (*AppCookieStickiness)(nil)
)

// newStickiness returns the policy of tg's attributes.
func newStickiness(tg *TargetGroup) StickinessPolicy {
	a := &tg.attrs
	switch {
	case !a.StickinessEnabled:
		return NoStickiness{}
	case a.StickinessType == AppCookie:
		return &AppCookieStickiness{tg: tg, AppCookieName: a.AppCookieName, Duration: a.StickinessDuration()}
	default:
		return &LBCookieStickiness{tg: tg, Duration: a.StickinessDuration()}
	}
}

// stickinessCookies are the cookies any stickiness type sets.
var stickinessCookies = [...]string{CookieAWSALB, CookieAWSALBCORS, CookieAWSALBAPP}

// NoStickiness is the policy of a target group with stickiness.enabled
// false: every request goes to the algorithm, and a stickiness cookie the
// client still sends is ignored.
type NoStickiness struct{}

// Route notes an ignored stickiness cookie; the algorithm always picks.
func (NoStickiness) Route(r *Request) (*Target, Reason) {
	for _, c := range r.Cookies {
		if isStickinessCookie(c.Name) {
			return nil, ReasonStickinessDisabled
		}
	}
	return nil, ReasonNoStickiness
}

// followTwins returns the cookie a policy follows in r among a cookie
// (plain) and its CORS twin: the twin when r carries it, or else plain.
// AWSALB's own follow keeps constant names, which its hot path needs.
func followTwins(r *Request, cors, plain string) (name, value string, ok bool) {
	if v, ok := r.Cookie(cors); ok {
		return cors, v, true
	}
	if v, ok := r.Cookie(plain); ok {
		return plain, v, true
	}
	return "", "", false
}

// isStickinessCookie reports whether name is a cookie some stickiness
// type sets.
func isStickinessCookie(name string) bool {
	for _, n := range stickinessCookies {
		if name == n {
			return true
		}
	}
	return false
}

// Issue adds no cookie.
func (NoStickiness) Issue(*Target, Reason, []StoredCookie, time.Time) []StoredCookie { return nil }

// Follows returns "": no cookie routes a request.
func (NoStickiness) Follows(*Request) string { return "" }

// Reads reports false: no cookie routes a request.
func (NoStickiness) Reads(string) bool { return false }

// Moved reports whether a stickiness cookie named a target that could not
// take the request (unhealthy, draining, deregistered), so it went to a
// new one and the cookie must name that one from now on.
func (r Reason) Moved() bool {
	return r == ReasonTargetUnhealthy || r == ReasonTargetDraining || r == ReasonTargetDeregistered
}

// routeCookie returns the target a stickiness cookie value of kind k names
// in tg, or nil and the reason the algorithm must pick: the rules every
// cookie-based policy shares (REFERENCE.md §2–§4).
func (tg *TargetGroup) routeCookie(k cookieKind, value string, d time.Duration, now time.Time) (*Target, Reason) {
	sec := now.Unix()
	o, err := tg.lb.codec.openCached(k, value, sec)
	if err != nil || o.targetGroup != tg.id {
		return nil, ReasonCookieInvalid
	}
	if sec-o.issued > int64(d/time.Second) {
		return nil, ReasonCookieExpired
	}
	t := tg.lb.TargetByUID(o.target)
	switch {
	case t == nil || t.State == StateUnused:
		return nil, ReasonTargetDeregistered
	case t.State == StateDraining:
		return nil, ReasonTargetDraining
	case t.State == StateHealthy:
		return t, ReasonSticky
	case !tg.anyHealthy():
		// Fail open: every target is unhealthy, so all of them are
		// routable and the cookie is honoured (simulated assumption).
		return t, ReasonSticky
	default:
		return nil, ReasonTargetUnhealthy
	}
}

// stickinessCookie is one cookie the load balancer sets, shaped like AWS's:
// a 7-day Expires and Path=/, plus SameSite=None; Secure for the CORS
// cookie (REFERENCE.md §2).
func stickinessCookie(name, value string, now time.Time, cors bool) StoredCookie {
	c := StoredCookie{Name: name, Value: value, Expires: time.Unix(now.Unix(), 0).UTC().Add(CookieExpiry), Path: "/"}
	if cors {
		c.SameSite, c.Secure = "None", true
	}
	return c
}

// sealCookies returns the stickiness cookies of kind k naming target t of
// target group tg, issued at now: AWSALB and AWSALBCORS, or AWSALBAPP-0.
func (lb *LoadBalancer) sealCookies(k cookieKind, tg *TargetGroup, t *Target, now time.Time) []StoredCookie {
	v := string(lb.codec.seal(k, tg.id, t.uid, now))
	if k == kindApp {
		return []StoredCookie{stickinessCookie(CookieAWSALBAPP, v, now, false)}
	}
	return []StoredCookie{stickinessCookie(CookieAWSALB, v, now, false), stickinessCookie(CookieAWSALBCORS, v, now, true)}
}
