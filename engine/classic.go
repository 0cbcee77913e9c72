package engine

import (
	"fmt"
	"strings"
	"time"
)

// ClassicPolicyType is the type of a Classic Load Balancer's stickiness
// policy, as the ELB API's PolicyTypeName spells it.
type ClassicPolicyType string

// The Classic Load Balancer's stickiness policy types; "" is no policy.
const (
	// LBCookieStickinessPolicyType is duration-based stickiness: the
	// console's "Enable load balancer generated cookie stickiness".
	LBCookieStickinessPolicyType ClassicPolicyType = "LBCookieStickinessPolicyType"
	// AppCookieStickinessPolicyType is application-controlled stickiness:
	// the console's "Enable application generated cookie stickiness".
	AppCookieStickinessPolicyType ClassicPolicyType = "AppCookieStickinessPolicyType"
)

// ClassicStickiness is the stickiness policy of a Classic Load Balancer's
// HTTP listener, as the console's "Edit stickiness" sets it (REFERENCE.md
// §6): none, load balancer generated or application generated cookies.
type ClassicStickiness struct {
	// Type is the policy's type, "" for none.
	Type ClassicPolicyType
	// PolicyName is the name the console gives the policy; the load
	// balancer sets it.
	PolicyName string
	// CookieExpirationPeriod is the LBCookieStickinessPolicy's period,
	// whole seconds; 0 (not specified) makes AWSELB a browser-session
	// cookie.
	CookieExpirationPeriod time.Duration
	// CookieName is the AppCookieStickinessPolicy's application cookie.
	CookieName string
}

// The console's words and AWS's messages for a Classic Load Balancer's
// stickiness.
const (
	// LabelNoStickiness, LabelLBCookieStickiness and
	// LabelAppCookieStickiness are the console's choices on "Edit stickiness".
	LabelNoStickiness        = "Disable stickiness"
	LabelLBCookieStickiness  = "Enable load balancer generated cookie stickiness"
	LabelAppCookieStickiness = "Enable application generated cookie stickiness"
	// LabelCookieExpirationPeriod and LabelCookieName are its fields.
	LabelCookieExpirationPeriod = "Expiration Period"
	LabelCookieName             = "Cookie Name"
	// MaxCookieExpirationPeriod is the longest period the lab accepts
	// (AWS documents none: the API's type is Long).
	MaxCookieExpirationPeriod = 2147483647 * time.Second
	// MessageCookieNameRequired is AWS's MissingParameter message for an
	// AppCookieStickinessPolicy without a cookie name.
	MessageCookieNameRequired = "The request must contain the parameter CookieName"
	// MessageCookieExpirationPeriod is the lab's message for a period
	// outside 0 to MaxCookieExpirationPeriod (a simulated assumption).
	MessageCookieExpirationPeriod = "CookieExpirationPeriod must be a whole number of seconds from 0 (the browser session) to 2147483647"
	// MessageCookieNameReserved is the lab's message for an application
	// cookie named like the load balancer's own (a simulated assumption).
	MessageCookieNameReserved = "CookieName cannot be AWSELB or AWSELBCORS: the load balancer sets them"
)

// Key names of ClassicStickiness's fields in a *ValidationError, as the API
// spells its parameters.
const (
	KeyCookieExpirationPeriod = "CookieExpirationPeriod"
	KeyCookieName             = "CookieName"
)

// Choice returns s's one-word setting: StickinessOff, "lb_cookie" or
// "app_cookie", the words the lab's URL uses for every type.
func (s ClassicStickiness) Choice() string {
	switch s.Type {
	case LBCookieStickinessPolicyType:
		return string(LBCookie)
	case AppCookieStickinessPolicyType:
		return string(AppCookie)
	}
	return StickinessOff
}

// SetChoice sets s's type from a one-word setting of StickinessChoices.
func (s *ClassicStickiness) SetChoice(choice string) error {
	switch choice {
	case StickinessOff:
		s.Type = ""
	case string(LBCookie):
		s.Type = LBCookieStickinessPolicyType
	case string(AppCookie):
		s.Type = AppCookieStickinessPolicyType
	default:
		return fmt.Errorf("stickiness must be one of %s, not %q", strings.Join(StickinessChoices(), ", "), choice)
	}
	return nil
}

// Validate reports the first field AWS (or, where AWS documents nothing,
// the lab) would reject, as a *ValidationError, or nil.
func (s ClassicStickiness) Validate() error {
	switch s.Type {
	case "":
	case LBCookieStickinessPolicyType:
		if p := s.CookieExpirationPeriod; p < 0 || p > MaxCookieExpirationPeriod || p%time.Second != 0 {
			return &ValidationError{Key: KeyCookieExpirationPeriod, Message: MessageCookieExpirationPeriod}
		}
	case AppCookieStickinessPolicyType:
		switch n := s.CookieName; {
		case n == "":
			return &ValidationError{Key: KeyCookieName, Message: MessageCookieNameRequired}
		case strings.EqualFold(n, CookieAWSELB) || strings.EqualFold(n, CookieAWSELBCORS):
			return &ValidationError{Key: KeyCookieName, Message: MessageCookieNameReserved}
		default:
			if err := checkCookieName(KeyCookieName, KeyCookieName, n); err != nil {
				return err
			}
		}
	default:
		return invalid(KeyStickinessType, "PolicyTypeName must be %s or %s, not '%s'", LBCookieStickinessPolicyType, AppCookieStickinessPolicyType, s.Type)
	}
	return nil
}

// ListenerStickiness returns a Classic Load Balancer's stickiness policy
// (the zero ClassicStickiness for other types, or none set).
func (lb *LoadBalancer) ListenerStickiness() ClassicStickiness { return lb.classic }

// SetListenerStickiness validates s and applies it to a Classic Load
// Balancer's listener, as Create…StickinessPolicy and
// SetLoadBalancerPoliciesOfListener do. On error nothing changes.
func (lb *LoadBalancer) SetListenerStickiness(s ClassicStickiness) error {
	if lb.Type != ClassicLoadBalancer {
		return fmt.Errorf("a %s has no listener stickiness policy", lb.Type.Title())
	}
	if err := s.Validate(); err != nil {
		return err
	}
	s = lb.named(s)
	if same := lb.classic; same.Type == s.Type && same.CookieExpirationPeriod == s.CookieExpirationPeriod && same.CookieName == s.CookieName {
		return nil // unchanged: the policy keeps its name
	}
	lb.classic = s
	lb.issued = issuedCookies{} // sealed with the old period
	lb.TargetGroup.setStickiness()
	lb.emit(&Event{Kind: EventAttributesChanged, Detail: "listener HTTP:80 stickiness: " + s.String()})
	return nil
}

// named returns s as the load balancer keeps it: the other policy type's
// field cleared, and the name the console gives a policy (its type and the
// time in milliseconds).
func (lb *LoadBalancer) named(s ClassicStickiness) ClassicStickiness {
	if s.Type != LBCookieStickinessPolicyType {
		s.CookieExpirationPeriod = 0
	}
	if s.Type != AppCookieStickinessPolicyType {
		s.CookieName = ""
	}
	s.PolicyName = ""
	if s.Type != "" {
		s.PolicyName = fmt.Sprintf("AWSConsole-%s-%s-%d", strings.TrimSuffix(string(s.Type), "Type"), lb.Name, lb.now.UnixMilli())
	}
	return s
}

// String describes s as the console's listener list does.
func (s ClassicStickiness) String() string {
	switch s.Type {
	case LBCookieStickinessPolicyType:
		if s.CookieExpirationPeriod == 0 {
			return "LBCookieStickinessPolicy, browser session"
		}
		return fmt.Sprintf("LBCookieStickinessPolicy, expiration period %d seconds", s.CookieExpirationPeriod/time.Second)
	case AppCookieStickinessPolicyType:
		return "AppCookieStickinessPolicy, cookie name " + s.CookieName
	}
	return "disabled"
}

// The states of an instance registered with a Classic Load Balancer, as
// DescribeInstanceHealth words them.
const (
	InstanceInService    = "InService"
	InstanceOutOfService = "OutOfService"
)

// InstanceState returns t's state in a Classic Load Balancer's words:
// InService while healthy, else OutOfService (initial, unhealthy, draining).
func (t *Target) InstanceState() string {
	if t.InService() {
		return InstanceInService
	}
	return InstanceOutOfService
}
