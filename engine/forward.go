package engine

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// The bounds of a weighted forward action (REFERENCE.md §1, §5).
const (
	MaxForwardTargetGroups = 5
	MaxTargetGroupWeight   = 999
)

// Keys of a forward action's settings in a *ValidationError, spelled as in
// the AWS API's ForwardActionConfig.
const (
	KeyForwardTargetGroups     = "ForwardConfig.TargetGroups"
	KeyTargetGroupWeight       = "ForwardConfig.TargetGroups.Weight"
	KeyGroupStickinessDuration = "TargetGroupStickinessConfig.DurationSeconds"
	KeyGroupStickinessEnabled  = "TargetGroupStickinessConfig.Enabled"
)

// defaultTargetGroupInstances is how many instances a target group starts
// with when its config says 0.
const defaultTargetGroupInstances = 3

// AWS's messages for a forward action, and the simulator's where AWS's
// wording is not known (see Assumptions).
const (
	// MessageGroupStickinessRequired is AWS's message for a rule forwarding
	// to several target groups, one with target stickiness, without group
	// stickiness.
	MessageGroupStickinessRequired = "You must enable group stickiness on a rule if you enabled target stickiness on one of its target groups"
	// MessageEnableGroupStickinessFirst ends AWS's message for target
	// stickiness enabled on a target group behind such a rule.
	MessageEnableGroupStickinessFirst = "You must enable group stickiness before enabling target stickiness"
	// MessageAppCookieWithWeightedGroups refuses app_cookie stickiness on a
	// target group of a weighted forward action (REFERENCE.md §3).
	MessageAppCookieWithWeightedGroups = "Application-based stickiness (app_cookie) is not supported with weighted target groups"
	// MessageWeightedNotALB refuses weighted target groups (or group
	// stickiness) on a load balancer of another type, named by %s: a
	// forward action to several target groups is an ALB listener's.
	MessageWeightedNotALB = "A %s has no weighted target groups: forwarding to several target groups with group stickiness is an Application Load Balancer listener's action"
)

// TargetGroupConfig sets up one target group of a weighted forward action.
type TargetGroupConfig struct {
	Name   string // unique within the forward action
	Weight int    // 0 to MaxTargetGroupWeight
	// Instances registered and healthy at the start; 0 means 3.
	Instances int
	// Attributes of the target group; nil means DefaultAttributes.
	Attributes *Attributes
}

// TargetGroupStickinessConfig is a forward action's group stickiness, as
// AWS's TargetGroupStickinessConfig: AWSALBTG names the target group.
type TargetGroupStickinessConfig struct {
	Enabled         bool
	DurationSeconds int // 1 to 604800 when enabled
}

// Duration returns the group stickiness duration.
func (s TargetGroupStickinessConfig) Duration() time.Duration {
	return time.Duration(s.DurationSeconds) * time.Second
}

// TargetGroupTuple is one target group of a forward action and its weight.
type TargetGroupTuple struct {
	TargetGroup *TargetGroup
	Weight      int
}

// ForwardActionConfig is the listener's forward action, as DescribeListeners
// shows it: its target groups, weighted, and its group stickiness.
type ForwardActionConfig struct {
	TargetGroups                []TargetGroupTuple
	TargetGroupStickinessConfig TargetGroupStickinessConfig
}

// ValidateForward reports the first setting of a forward action to groups
// with group stickiness s that AWS would reject, as a *ValidationError, or
// nil: counts, names, weights, duration, then each group's attributes.
func ValidateForward(groups []TargetGroupConfig, s TargetGroupStickinessConfig) error {
	n := len(groups)
	if n < 1 || n > MaxForwardTargetGroups {
		return invalid(KeyForwardTargetGroups, "A forward action must have between 1 and %d target groups, not %d", MaxForwardTargetGroups, n)
	}
	total := 0
	for i, g := range groups {
		if strings.TrimSpace(g.Name) == "" {
			return invalid(KeyForwardTargetGroups, "Target group %d of the forward action has no name", i+1)
		}
		for _, h := range groups[:i] {
			if h.Name == g.Name {
				return invalid(KeyForwardTargetGroups, "Target group '%s' appears twice in the forward action", g.Name)
			}
		}
		if g.Weight < 0 || g.Weight > MaxTargetGroupWeight {
			return invalid(KeyTargetGroupWeight, "Target group weight must be between 0 and %d, not %d ('%s')", MaxTargetGroupWeight, g.Weight, g.Name)
		}
		total += g.Weight
	}
	if total == 0 {
		return invalid(KeyTargetGroupWeight, "At least one target group of the forward action must have a weight above 0")
	}
	if s.Enabled && (s.DurationSeconds < minStickinessDurationSeconds || s.DurationSeconds > maxStickinessDurationSeconds) {
		return invalid(KeyGroupStickinessDuration, "Target group stickiness duration must be between %d and %d seconds", minStickinessDurationSeconds, maxStickinessDurationSeconds)
	}
	for _, g := range groups {
		a := DefaultAttributes()
		if g.Attributes != nil {
			a = *g.Attributes
		}
		if err := a.Validate(); err != nil {
			return err
		}
		if err := admitAttributes(n, s.Enabled, a, ""); err != nil {
			return err
		}
	}
	return nil
}

// admitAttributes reports whether target group attributes a are allowed
// behind a forward action to n target groups with group stickiness on or
// off; arn names the target group in AWS's message when it is set.
func admitAttributes(n int, groupSticky bool, a Attributes, arn string) error {
	switch {
	case n < 2 || !a.StickinessEnabled:
		return nil
	case a.StickinessType == AppCookie:
		return invalid(KeyStickinessType, MessageAppCookieWithWeightedGroups)
	case groupSticky:
		return nil
	case arn != "":
		return invalid(KeyStickinessEnabled, "This target group appears behind a rule with group stickiness disabled (%s). %s", arn, MessageEnableGroupStickinessFirst)
	}
	return invalid(KeyGroupStickinessEnabled, MessageGroupStickinessRequired)
}

// weightedForward is a forward action to several target groups: a group
// cookie routes, or else the weights split the requests.
type weightedForward struct {
	groups  []*TargetGroup
	weights []int
	total   int
	sticky  TargetGroupStickinessConfig
	policy  GroupStickinessPolicy
	rng     *rand.Rand
}

// forward returns the target group that takes r, noting why in ex: the
// one a group cookie names, or a weighted random one.
func (w *weightedForward) forward(r *Request, ex *Exchange) *TargetGroup {
	tg, reason := w.policy.Route(r)
	if tg == nil {
		tg = w.split()
	}
	ex.GroupReason = reason
	return tg
}

// split returns a target group at random by weight.
func (w *weightedForward) split() *TargetGroup {
	n := w.rng.IntN(w.total)
	for i, wt := range w.weights {
		if n < wt {
			return w.groups[i]
		}
		n -= wt
	}
	return w.groups[len(w.groups)-1]
}

// group returns the forward action's target group with id, or nil.
func (w *weightedForward) group(id uint32) *TargetGroup {
	for _, tg := range w.groups {
		if tg.id == id {
			return tg
		}
	}
	return nil
}

// setStickiness applies group stickiness s: the policy that reads and
// issues AWSALBTG.
func (w *weightedForward) setStickiness(lb *LoadBalancer, s TargetGroupStickinessConfig) {
	w.sticky = s
	if s.Enabled {
		w.policy = &GroupCookieStickiness{w: w, lb: lb, Duration: s.Duration()}
	} else {
		w.policy = NoGroupStickiness{}
	}
}

// GroupStickinessPolicy is how a weighted forward action keeps a client on
// one target group; when Route names none, the weights split. One type
// implements group stickiness on and off.
type GroupStickinessPolicy interface {
	// Route returns the target group the request's group cookie names, or
	// nil and the reason the weights must split.
	Route(r *Request) (*TargetGroup, Reason)
	// Issue returns the group cookies of a response from tg.
	Issue(tg *TargetGroup, now time.Time) []StoredCookie
	// Follows returns the name of the group cookie Route follows in r, ""
	// for none.
	Follows(r *Request) string
}

// Interface guards.
var (
	_ GroupStickinessPolicy = NoGroupStickiness{}
	_ GroupStickinessPolicy = (*GroupCookieStickiness)(nil)
)

// NoGroupStickiness is the policy of a forward action without group
// stickiness: every request is split by weight, with no affinity across
// target groups (REFERENCE.md §5); a group cookie sent is ignored.
type NoGroupStickiness struct{}

// Route notes an ignored group cookie; the weights always split.
func (NoGroupStickiness) Route(r *Request) (*TargetGroup, Reason) {
	if _, _, ok := followTwins(r, CookieAWSALBTGCORS, CookieAWSALBTG); ok {
		return nil, ReasonStickinessDisabled
	}
	return nil, ReasonNoStickiness
}

// Issue adds no cookie.
func (NoGroupStickiness) Issue(*TargetGroup, time.Time) []StoredCookie { return nil }

// Follows returns "": no cookie routes a request.
func (NoGroupStickiness) Follows(*Request) string { return "" }

// GroupCookieStickiness is a policy that keeps a client on one target group
// with AWSALBTG and its twin AWSALBTGCORS, re-issued on every response
// (REFERENCE.md §5).
type GroupCookieStickiness struct {
	w  *weightedForward
	lb *LoadBalancer
	// Duration is TargetGroupStickinessConfig.DurationSeconds: how long a
	// cookie routes after it was issued.
	Duration time.Duration
	issued   [MaxForwardTargetGroups]issuedGroup
}

// issuedGroup is the group cookies last sealed for one target group.
type issuedGroup struct {
	sec     int64
	cookies []StoredCookie
}

// Route follows AWSALBTGCORS, or else AWSALBTG, to the target group it
// names while the duration holds; a value that does not open, or names no
// target group of the action, is treated as absent.
func (p *GroupCookieStickiness) Route(r *Request) (*TargetGroup, Reason) {
	_, v, ok := followTwins(r, CookieAWSALBTGCORS, CookieAWSALBTG)
	if !ok {
		return nil, ReasonNewClient
	}
	sec := r.Time.Unix()
	o, err := p.lb.codec.openCached(kindGroup, v, sec)
	if err != nil || o.target != 0 {
		return nil, ReasonCookieInvalid
	}
	tg := p.w.group(o.targetGroup)
	switch {
	case tg == nil:
		return nil, ReasonCookieInvalid
	case sec-o.issued > int64(p.Duration/time.Second):
		return nil, ReasonCookieExpired
	}
	return tg, ReasonSticky
}

// Follows returns AWSALBTGCORS when r carries it, or else AWSALBTG.
func (p *GroupCookieStickiness) Follows(r *Request) string {
	name, _, _ := followTwins(r, CookieAWSALBTGCORS, CookieAWSALBTG)
	return name
}

// Issue adds AWSALBTG and AWSALBTGCORS naming tg, sealed at most once per
// second for each target group.
func (p *GroupCookieStickiness) Issue(tg *TargetGroup, now time.Time) []StoredCookie {
	s := &p.issued[tg.id-1]
	if sec := now.Unix(); s.sec != sec || s.cookies == nil {
		v := string(p.lb.codec.seal(kindGroup, tg.id, 0, now))
		s.sec = sec
		s.cookies = []StoredCookie{stickinessCookie(CookieAWSALBTG, v, now, false), stickinessCookie(CookieAWSALBTGCORS, v, now, true)}
	}
	return s.cookies
}

// groupReasonTexts explain the reasons a forward action gives, by Reason.
var groupReasonTexts = map[Reason]string{
	ReasonNoStickiness:       "group stickiness off: a target group picked by weight",
	ReasonNewClient:          "no group cookie: a target group picked by weight, AWSALBTG set",
	ReasonSticky:             "group sticky: the cookie names this target group",
	ReasonCookieExpired:      "group cookie expired (older than the group stickiness duration): a target group picked by weight",
	ReasonCookieInvalid:      "group cookie invalid (does not decrypt: tampered or foreign): treated as absent",
	ReasonStickinessDisabled: "group stickiness off: the group cookie sent was ignored",
}

// GroupText returns a sentence explaining the reason a forward action
// gave for its target group (Exchange.GroupReason) to a learner.
func (r Reason) GroupText() string {
	if s, ok := groupReasonTexts[r]; ok {
		return s
	}
	return r.Text()
}

// isGroupCookie reports whether name is AWSALBTG or AWSALBTGCORS.
func isGroupCookie(name string) bool {
	return name == CookieAWSALBTG || name == CookieAWSALBTGCORS
}

// Forward returns the listener's forward action: one target group of
// weight 1, or the weighted target groups and their group stickiness.
func (lb *LoadBalancer) Forward() ForwardActionConfig {
	w := lb.Listener.weighted
	if w == nil {
		return ForwardActionConfig{TargetGroups: []TargetGroupTuple{{TargetGroup: lb.TargetGroup, Weight: 1}}}
	}
	c := ForwardActionConfig{TargetGroupStickinessConfig: w.sticky}
	for i, tg := range w.groups {
		c.TargetGroups = append(c.TargetGroups, TargetGroupTuple{TargetGroup: tg, Weight: w.weights[i]})
	}
	return c
}

// TargetGroups returns the target groups the listener forwards to, the
// default one (TargetGroup) first.
func (lb *LoadBalancer) TargetGroups() []*TargetGroup {
	if w := lb.Listener.weighted; w != nil {
		return append([]*TargetGroup(nil), w.groups...)
	}
	return []*TargetGroup{lb.TargetGroup}
}

// TargetGroupByName returns the target group called name, or nil.
func (lb *LoadBalancer) TargetGroupByName(name string) *TargetGroup {
	for _, tg := range lb.TargetGroups() {
		if tg.Name == name {
			return tg
		}
	}
	return nil
}

// SetTargetGroupWeights sets the weights of the forward action's target
// groups, in order, as ModifyRule does (a blue/green shift: 100,0 → 0,100).
// Clients with a valid group cookie stay on their group. On error nothing
// changes.
func (lb *LoadBalancer) SetTargetGroupWeights(weights ...int) error {
	w := lb.Listener.weighted
	if w == nil {
		return lb.notWeighted("it has no weights")
	}
	if len(weights) != len(w.groups) {
		return fmt.Errorf("the forward action has %d target groups, not %d weights", len(w.groups), len(weights))
	}
	if err := ValidateForward(lb.forwardConfigs(weights), w.sticky); err != nil {
		return err
	}
	copy(w.weights, weights)
	w.total = 0
	for _, x := range weights {
		w.total += x
	}
	lb.emitForward()
	return nil
}

// SetTargetGroupStickiness turns the forward action's group stickiness on
// or off, or changes its duration, as ModifyRule does. On error nothing
// changes.
func (lb *LoadBalancer) SetTargetGroupStickiness(s TargetGroupStickinessConfig) error {
	w := lb.Listener.weighted
	if w == nil {
		return lb.notWeighted("group stickiness needs a weighted forward action")
	}
	if err := ValidateForward(lb.forwardConfigs(w.weights), s); err != nil {
		return err
	}
	w.setStickiness(lb, s)
	lb.emitForward()
	return nil
}

// notWeighted is the error of a change to the weighted forward action of a
// listener without one, for the reason given.
func (lb *LoadBalancer) notWeighted(why string) error {
	if lb.Type != ApplicationLoadBalancer {
		return fmt.Errorf(MessageWeightedNotALB, lb.Type.Title())
	}
	return fmt.Errorf("the listener forwards to one target group: %s", why)
}

// forwardConfigs returns the running target groups as configs with
// weights, for ValidateForward.
func (lb *LoadBalancer) forwardConfigs(weights []int) []TargetGroupConfig {
	w := lb.Listener.weighted
	out := make([]TargetGroupConfig, len(w.groups))
	for i, tg := range w.groups {
		a := tg.attrs
		out[i] = TargetGroupConfig{Name: tg.Name, Weight: weights[i], Instances: 1, Attributes: &a}
	}
	return out
}

// emitForward logs the forward action as it now is.
func (lb *LoadBalancer) emitForward() {
	w := lb.Listener.weighted
	var b strings.Builder
	for i, tg := range w.groups {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s weight %d", tg.Name, w.weights[i])
	}
	if w.sticky.Enabled {
		fmt.Fprintf(&b, "; group stickiness %s", w.sticky.Duration())
	} else {
		b.WriteString("; group stickiness off")
	}
	lb.emit(&Event{Kind: EventForwardChanged, Detail: b.String()})
}

// TargetGroup returns the target group the instance registers with.
func (t *Target) TargetGroup() *TargetGroup { return t.group }
