package engine

import (
	"fmt"
	"time"
)

// CookieRole is the part one cookie of a request plays in routing it.
type CookieRole uint8

// The cookie roles.
const (
	// RoleOther is a cookie the load balancer does not read.
	RoleOther CookieRole = iota
	// RoleFollowed is the stickiness cookie routing follows, or AWSALB
	// when it holds the same value as the AWSALBCORS followed; the
	// verdict's Reason says what came of it.
	RoleFollowed
	// RoleShadowed is a stickiness cookie routing skips for another one:
	// AWSALB beside AWSALBCORS, or a second cookie of the same name.
	RoleShadowed
	// RoleAppCookie is app_cookie stickiness's application cookie: while
	// the request carries it, AWSALBAPP-0 routes.
	RoleAppCookie
	// RoleDisabled is a stickiness cookie sent while stickiness is off.
	RoleDisabled
	// RoleOtherType is a stickiness cookie of the type the target group
	// does not use (AWSALB under app_cookie, AWSALBAPP-0 under lb_cookie).
	RoleOtherType
)

// CookieVerdict is what the load balancer makes of one cookie of a
// request, found by the same code that routes it.
type CookieVerdict struct {
	Name string
	Role CookieRole
	// Reason is what routing does with the request, for RoleFollowed.
	Reason Reason
	// Info is a stickiness cookie's sealed content, when it opens; Err
	// says why it does not.
	Info CookieInfo
	Err  error
	// Target is the instance the cookie names, nil when none.
	Target *Target
	// TargetGroup is the target group a group cookie (AWSALBTG,
	// AWSALBTGCORS) names, nil when none.
	TargetGroup *TargetGroup
	// Age is how long ago the cookie was issued, and Left how long it keeps
	// routing unless a response re-issues it (negative: past the duration;
	// for AWSELB, until the browser drops it at its Expires), both in whole
	// seconds as routing counts them (routeCookie).
	Age, Left time.Duration
	// BrowserSession is set for a Classic Load Balancer's AWSELB without an
	// expiration period: a session cookie, routing while the browser keeps it.
	BrowserSession bool
	// Namesakes counts the request's cookies of this name (a copy made in
	// DevTools under another path, say), and Nth is this one's place among
	// them in the order the browser sends them: only the first (0) is read.
	Namesakes, Nth int
}

// Text explains the verdict to a learner in one sentence.
func (v CookieVerdict) Text(tg *TargetGroup) string {
	if tg.lb.Type == ApplicationLoadBalancer && isGroupCookie(v.Name) {
		return v.groupText()
	}
	plain, cors := CookieAWSALB, CookieAWSALBCORS
	if tg.lb.Type == ClassicLoadBalancer {
		plain, cors = CookieAWSELB, CookieAWSELBCORS
	}
	if s, ok := v.readText(v.Reason.Text(), plain, cors); ok {
		return s
	}
	switch v.Role {
	case RoleAppCookie:
		if tg.lb.Type == ClassicLoadBalancer {
			return fmt.Sprintf("The application's cookie (the AppCookieStickinessPolicy's CookieName): while it is sent, %s routes.", CookieAWSELB)
		}
		return fmt.Sprintf("The application's cookie (stickiness.app_cookie.cookie_name): while it is sent, %s routes.", CookieAWSALBAPP)
	case RoleDisabled:
		if tg.lb.Type == ClassicLoadBalancer {
			return "Ignored: the listener has no stickiness policy."
		}
		return "Ignored: stickiness is off for " + tg.Name + "."
	case RoleOtherType:
		return fmt.Sprintf("Not read: %s uses %s stickiness.", tg.Name, tg.attrs.StickinessType)
	}
	return ""
}

// ExplainCookies says, cookie by cookie, what the load balancer makes of a
// request carrying cs now: which cookie it follows and why, which it skips.
func (lb *LoadBalancer) ExplainCookies(cs []StoredCookie) []CookieVerdict {
	r := Request{Time: lb.now, Cookies: cs}
	tg := lb.Listener.route(&r)
	p := tg.stickiness
	_, reason := p.Route(&r)
	followed := p.Follows(&r)
	value, _ := r.Cookie(followed)
	out := make([]CookieVerdict, 0, len(cs))
	names := make(map[string]int, len(cs))
	for _, c := range cs {
		names[c.Name]++
	}
	seen := make(map[string]int, len(cs))
	for _, c := range cs {
		v := CookieVerdict{Name: c.Name, Namesakes: names[c.Name], Nth: seen[c.Name]}
		seen[c.Name]++
		if lb.Type == ApplicationLoadBalancer && isGroupCookie(c.Name) {
			lb.explainGroup(&v, c, &r, v.Nth > 0)
			out = append(out, v)
			continue
		}
		sticky := lb.isStickinessCookie(c.Name)
		switch {
		case v.Nth > 0 && (sticky || p.Reads(c.Name)):
			v.Role = RoleShadowed
		case followed != "" && (c.Name == followed || c.Name+"CORS" == followed && c.Value == value):
			v.Role, v.Reason = RoleFollowed, reason
		case p.Reads(c.Name) && sticky:
			v.Role = RoleShadowed
		case p.Reads(c.Name):
			v.Role = RoleAppCookie
		case sticky && !tg.sticky():
			v.Role = RoleDisabled
		case sticky:
			v.Role = RoleOtherType
		}
		if sticky {
			lb.decode(&v, c, tg)
		}
		out = append(out, v)
	}
	return out
}

// NamesakeText says which of several cookies of one name the browser sends
// this one as, "" for a cookie alone of its name.
func (v CookieVerdict) NamesakeText() string {
	s := fmt.Sprintf("%d cookies are named %s: your browser sends this one ", v.Namesakes, v.Name)
	switch {
	case v.Namesakes < 2:
		return ""
	case v.Nth == 0:
		return s + "first, and the load balancer reads only the first."
	case v.Nth == 1:
		return s + "after another."
	}
	return s + fmt.Sprintf("after %d others.", v.Nth)
}

// decode fills in what a stickiness cookie's sealed value says.
func (lb *LoadBalancer) decode(v *CookieVerdict, c StoredCookie, tg *TargetGroup) {
	v.Info, v.Err = lb.DecodeCookie(c.Name, c.Value)
	if v.Err != nil {
		return
	}
	v.Target = lb.TargetByUID(v.Info.Target)
	v.Age = lb.cookieAge(v.Info)
	if tg.lb.Type == ClassicLoadBalancer {
		// The browser expires AWSELB at issue time plus the period (set
		// once, never renewed); the load balancer checks no period.
		p := lb.classic.CookieExpirationPeriod
		v.BrowserSession = p == 0
		if p != 0 {
			v.Left = p - v.Age
		}
		return
	}
	v.Left = tg.attrs.StickinessDuration() - v.Age
}

// cookieAge is how long before now a cookie was issued, in the whole
// seconds its sealed value and routeCookie's expiry check count.
func (lb *LoadBalancer) cookieAge(info CookieInfo) time.Duration {
	return time.Duration(lb.now.Unix()-info.Issued.Unix()) * time.Second
}

// explainGroup fills in the verdict on a group cookie c of request r, by
// the weighted forward action's own Route and Follows; seen says a cookie
// of its name came before.
func (lb *LoadBalancer) explainGroup(v *CookieVerdict, c StoredCookie, r *Request, seen bool) {
	w := lb.Listener.weighted
	switch {
	case w == nil || !w.sticky.Enabled:
		v.Role = RoleDisabled
	case seen:
		v.Role = RoleShadowed
	default:
		followed := w.policy.Follows(r)
		value, _ := r.Cookie(followed)
		v.Role = RoleShadowed
		if c.Name == followed || c.Name == CookieAWSALBTG && followed == CookieAWSALBTGCORS && c.Value == value {
			_, v.Reason = w.policy.Route(r)
			v.Role = RoleFollowed
		}
	}
	v.Info, v.Err = lb.DecodeCookie(c.Name, c.Value)
	if v.Err == nil && w != nil {
		v.TargetGroup = w.group(v.Info.TargetGroup)
		v.Age = lb.cookieAge(v.Info)
		v.Left = w.sticky.Duration() - v.Age
	}
}

// groupText is Text for a group cookie.
func (v CookieVerdict) groupText() string {
	if s, ok := v.readText(v.Reason.GroupText(), CookieAWSALBTG, CookieAWSALBTGCORS); ok {
		return s
	}
	return "Ignored: the listener's forward action has no group stickiness."
}

// readText is Text for a followed or shadowed cookie of a pair, plain and
// its CORS twin, given the text of the reason; false for other roles.
func (v CookieVerdict) readText(reason, plain, cors string) (string, bool) {
	switch v.Role {
	case RoleFollowed:
		return "Read by the load balancer: " + reason + ".", true
	case RoleShadowed:
		if v.Name == plain && v.Nth == 0 {
			return "Not read: " + cors + " is sent too, and the load balancer follows it first.", true
		}
		return "Not read: the load balancer reads only the first cookie of this name.", true
	}
	return "", false
}
