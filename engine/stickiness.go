package engine

import (
	"slices"
	"time"
)

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

// setStickiness sets tg's policy from its attributes (Classic: from the
// listener's policy).
func (tg *TargetGroup) setStickiness() { tg.stickiness = newStickiness(tg) }

// Sticky reports whether the load balancer routes by stickiness in any of
// the target groups it forwards to (a Classic Load Balancer: its listener's
// policy), as the Sticky and NonStickyRequestCount metrics count it.
func (lb *LoadBalancer) Sticky() bool {
	return slices.ContainsFunc(lb.TargetGroups(), (*TargetGroup).sticky)
}

// sticky reports whether stickiness is on, for the metrics.
func (tg *TargetGroup) sticky() bool {
	if tg.lb.Type == ClassicLoadBalancer {
		return tg.lb.classic.Type != ""
	}
	return tg.attrs.StickinessEnabled
}

// newStickiness returns the policy of tg's attributes.
func newStickiness(tg *TargetGroup) StickinessPolicy {
	a := &tg.attrs
	switch {
	case tg.lb.Type == ClassicLoadBalancer:
		return newClassicStickiness(tg)
	case tg.lb.Type == NetworkLoadBalancer:
		return newNetworkStickiness(tg)
	case !a.StickinessEnabled:
		return NoStickiness{}
	case a.StickinessType == AppCookie:
		return &AppCookieStickiness{tg: tg, AppCookieName: a.AppCookieName, Duration: a.StickinessDuration()}
	default:
		return &LBCookieStickiness{tg: tg, Duration: a.StickinessDuration()}
	}
}

// stickinessCookies are the cookies any stickiness type of an Application
// Load Balancer sets; elbCookies a Classic Load Balancer's.
var (
	stickinessCookies = []string{CookieAWSALB, CookieAWSALBCORS, CookieAWSALBAPP}
	elbCookies        = []string{CookieAWSELB, CookieAWSELBCORS}
)

// NoStickiness is the policy of a target group with stickiness.enabled
// false (or a Classic listener without a policy): every request goes to the
// algorithm, and a stickiness cookie the client still sends is ignored.
type NoStickiness struct {
	classic bool // a Classic listener's: the cookies it ignores are AWSELB's
}

// Route notes an ignored stickiness cookie; the algorithm always picks.
func (p NoStickiness) Route(r *Request) (*Target, Reason) {
	names := stickinessCookies
	if p.classic {
		names = elbCookies
	}
	for _, c := range r.Cookies {
		if isOneOf(c.Name, names) {
			return nil, ReasonStickinessDisabled
		}
	}
	return nil, ReasonNoStickiness
}

// followTwins returns the cookie a policy follows in r among a cookie
// (plain) and its CORS twin: the twin when r carries it, or else plain
// (AWSELB, AWSALBTG). AWSALB's own follow keeps constant names for its hot path.
func followTwins(r *Request, cors, plain string) (name, value string, ok bool) {
	if v, ok := r.Cookie(cors); ok {
		return cors, v, true
	}
	if v, ok := r.Cookie(plain); ok {
		return plain, v, true
	}
	return "", "", false
}

// isOneOf reports whether name is one of names.
func isOneOf(name string, names []string) bool {
	for _, n := range names {
		if name == n {
			return true
		}
	}
	return false
}

// isStickinessCookie reports whether name is a cookie some stickiness
// type of lb's type sets.
func (lb *LoadBalancer) isStickinessCookie(name string) bool {
	switch lb.Type {
	case ClassicLoadBalancer:
		return isOneOf(name, elbCookies)
	case NetworkLoadBalancer:
		return false
	}
	return isOneOf(name, stickinessCookies)
}

// Issue adds no cookie.
func (NoStickiness) Issue(*Target, Reason, []StoredCookie, time.Time) []StoredCookie { return nil }

// Follows returns "": no cookie routes a request.
func (NoStickiness) Follows(*Request) string { return "" }

// Reads reports false: no cookie routes a request.
func (NoStickiness) Reads(string) bool { return false }

// Moved reports whether a stickiness cookie named a target that could not
// take the request (unhealthy, initial, draining, deregistered, or in a
// target group the weights did not send it to), so it went to a new one and
// the cookie must name that one from now on.
func (r Reason) Moved() bool {
	switch r {
	case ReasonTargetUnhealthy, ReasonTargetInitial, ReasonTargetDraining, ReasonTargetDeregistered, ReasonCookieOtherGroup:
		return true
	}
	return false
}

// routeCookie returns the target a stickiness cookie value of kind k names
// in tg, or nil and the reason the algorithm must pick: the rules every
// cookie-based policy shares (REFERENCE.md §2–§4).
func (tg *TargetGroup) routeCookie(k cookieKind, value string, d time.Duration, now time.Time) (*Target, Reason) {
	sec := now.Unix()
	o, err := tg.lb.codec.openCached(k, value, sec)
	switch {
	case err != nil:
		return nil, ReasonCookieInvalid
	case o.targetGroup != tg.id:
		return nil, ReasonCookieOtherGroup
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
	case t.State == StateInitial && tg.lb.Type != ClassicLoadBalancer: // Classic: OutOfService, "unhealthy"
		return nil, ReasonTargetInitial
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
// target group tg, issued at now: AWSALB and AWSALBCORS, AWSALBAPP-0, or
// a Classic listener's AWSELB and AWSELBCORS.
func (lb *LoadBalancer) sealCookies(k cookieKind, tg *TargetGroup, t *Target, now time.Time) []StoredCookie {
	if k == kindELB {
		return lb.sealELBCookies(tg, t, now, lb.classic.CookieExpirationPeriod)
	}
	v := string(lb.codec.seal(k, tg.id, t.uid, now))
	if k == kindApp {
		return []StoredCookie{stickinessCookie(CookieAWSALBAPP, v, now, false)}
	}
	return []StoredCookie{stickinessCookie(CookieAWSALB, v, now, false), stickinessCookie(CookieAWSALBCORS, v, now, true)}
}
