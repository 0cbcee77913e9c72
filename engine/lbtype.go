package engine

import (
	"fmt"
	"strings"
	"time"
)

// LoadBalancerType is the kind of Elastic Load Balancing load balancer, as
// the ELB API's Type spells it ("application", "network"), with "classic"
// for the previous generation's Classic Load Balancer.
type LoadBalancerType string

// The load balancer types.
const (
	ApplicationLoadBalancer LoadBalancerType = "application"
	ClassicLoadBalancer     LoadBalancerType = "classic"
	NetworkLoadBalancer     LoadBalancerType = "network"
)

// loadBalancerTypes is the table of the types, in the order the lab offers
// them: the console's title and a new load balancer's name.
var loadBalancerTypes = [...]lbTypeRow{
	{ApplicationLoadBalancer, "Application Load Balancer", "my-alb", Counters{
		NonSticky: "NonStickyRequestCount: stickiness on, new pick",
		Errors:    "5xx", ErrorsNote: "502 and 503 from the load balancer itself",
		Stopped: "answered 502 Bad Gateway",
	}},
	{ClassicLoadBalancer, "Classic Load Balancer", "my-clb", Counters{
		NonSticky: "stickiness on, new pick (a Classic Load Balancer has no NonStickyRequestCount metric)",
		Errors:    "5xx", ErrorsNote: "502 and 503 from the load balancer (HTTPCode_ELB_5XX)",
		Stopped: "answered 502 Bad Gateway",
	}},
	{NetworkLoadBalancer, "Network Load Balancer", "my-nlb", Counters{
		NonSticky: "source IP stickiness on, placed by the flow hash (the lab's count: no CloudWatch metric)",
		Errors:    "Failed connections", ErrorsNote: "timed out or reset: a Network Load Balancer forwards TCP and sends no HTTP errors",
		Stopped: "its connections time out",
	}},
}

// lbTypeRow is a row of loadBalancerTypes.
type lbTypeRow struct {
	typ         LoadBalancerType
	title, name string
	counters    Counters
}

// row returns t's row of loadBalancerTypes, and whether the lab knows t.
func (t LoadBalancerType) row() (lbTypeRow, bool) {
	for _, x := range loadBalancerTypes {
		if x.typ == t {
			return x, true
		}
	}
	return lbTypeRow{}, false
}

// Counters are the words the lab's counters use for a type of load
// balancer, after its CloudWatch metrics: the non-sticky count's note, the
// load balancer's own errors (label and note), and what a request sent to a
// stopped instance gets.
type Counters struct {
	NonSticky          string
	Errors, ErrorsNote string
	Stopped            string
}

// Counters returns the counters' words for type t (an Application Load
// Balancer's for a type the lab does not know).
func (t LoadBalancerType) Counters() Counters {
	if x, ok := t.row(); ok {
		return x.counters
	}
	return loadBalancerTypes[0].counters
}

// LoadBalancerTypes lists every LoadBalancerType, in the order the lab
// offers them.
var LoadBalancerTypes = func() []LoadBalancerType {
	ts := make([]LoadBalancerType, len(loadBalancerTypes))
	for i, x := range loadBalancerTypes {
		ts[i] = x.typ
	}
	return ts
}()

// Title returns the console's name of the type, e.g. "Classic Load Balancer".
func (t LoadBalancerType) Title() string {
	if x, ok := t.row(); ok {
		return x.title
	}
	return string(t)
}

// defaultName returns a new load balancer's name for type t, and whether
// the lab knows t.
func defaultName(t LoadBalancerType) (string, bool) {
	x, ok := t.row()
	return x.name, ok
}

// ErrLoadBalancerType is returned for a Config.Type the lab does not know.
var ErrLoadBalancerType = fmt.Errorf("load balancer type must be one of %s", strings.Join(names(LoadBalancerTypes), ", "))

// NetworkHealthCheckTimeout is a Network Load Balancer's TCP health check
// timeout (a Classic one's health check: classic_health.go).
const NetworkHealthCheckTimeout = 10 * time.Second

// DefaultAttributesFor returns the settings a new load balancer of type t
// starts with: its target group's attributes, or for Classic its instances'
// health check and draining, routed by least outstanding requests (§6).
func DefaultAttributesFor(t LoadBalancerType) Attributes {
	a := DefaultAttributes()
	switch t {
	case ClassicLoadBalancer:
		a.Algorithm = LeastOutstandingRequests
		a.classicHealthDefaults()
	case NetworkLoadBalancer:
		a.StickinessType = SourceIP
		a.HealthCheckTimeout = NetworkHealthCheckTimeout
	}
	return a
}

// Messages for settings a load balancer type does not have.
const (
	// MessageClassicNoTargetGroup is the lab's message for target group
	// stickiness or an algorithm on a Classic Load Balancer.
	MessageClassicNoTargetGroup = "A Classic Load Balancer has no target groups: stickiness is a policy of its listener (Edit stickiness), and it routes HTTP requests to the instance with the fewest outstanding requests"
	// messageNotTCP is AWS's message for a value an NLB's TCP target group
	// does not support.
	messageNotTCP = "%s '%s' is not supported for target groups with the TCP protocol"
)

// ValidateFor is Validate for a load balancer of type t: a Network Load
// Balancer's TCP target group takes stickiness.type source_ip and no
// algorithm or slow start; a Classic Load Balancer has no target group.
func (a Attributes) ValidateFor(t LoadBalancerType) error {
	switch t {
	case ClassicLoadBalancer:
		if a.StickinessEnabled || a.Algorithm != LeastOutstandingRequests {
			return &ValidationError{Key: KeyStickinessEnabled, Message: MessageClassicNoTargetGroup}
		}
		if err := a.validateClassicHealthCheck(); err != nil {
			return err // the ELB API's ranges before the ALB's
		}
	case NetworkLoadBalancer:
		if a.StickinessType != SourceIP {
			return invalid(KeyStickinessType, messageNotTCP, "Stickiness type", a.StickinessType)
		}
		if a.Algorithm != RoundRobin {
			return invalid(KeyAlgorithm, "The provided target group attribute is not supported: '%s'", KeyAlgorithm)
		}
		if a.SlowStart != 0 {
			return invalid(KeySlowStart, "The provided target group attribute is not supported: '%s'", KeySlowStart)
		}
		// Every other attribute as on an HTTP target group.
		a.StickinessType = LBCookie
	case ApplicationLoadBalancer, "":
	default:
		return ErrLoadBalancerType
	}
	return a.Validate()
}

// StickinessChoicesFor lists the lab's one-word stickiness settings of type
// t: off, then lb_cookie and app_cookie (Application: stickiness.type;
// Classic: the listener's policy), or source_ip (Network).
func StickinessChoicesFor(t LoadBalancerType) []string {
	if t == NetworkLoadBalancer {
		return []string{StickinessOff, string(SourceIP)}
	}
	return StickinessChoices()
}

// SetStickinessFor is SetStickiness for a target group of a load balancer
// of type t: a Network Load Balancer's choices are off and source_ip.
func (a *Attributes) SetStickinessFor(t LoadBalancerType, choice string) error {
	if t != NetworkLoadBalancer {
		return a.SetStickiness(choice)
	}
	switch choice {
	case StickinessOff:
		a.StickinessEnabled = false
	case string(SourceIP):
		a.StickinessEnabled, a.StickinessType = true, SourceIP
	default:
		return fmt.Errorf("stickiness must be one of %s, not %q", strings.Join(StickinessChoicesFor(t), ", "), choice)
	}
	return nil
}
