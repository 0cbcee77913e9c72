package engine

import "time"

// Interface guards.
var (
	_ StickinessPolicy = (*FlowRouting)(nil)
	_ StickinessPolicy = (*SourceIPStickiness)(nil)
)

// newNetworkStickiness returns the policy of a Network Load Balancer's
// target group: by connection, or by source IP too.
func newNetworkStickiness(tg *TargetGroup) StickinessPolicy {
	if tg.attrs.StickinessEnabled {
		return &SourceIPStickiness{tg: tg, targets: make(map[string]*Target)}
	}
	return &FlowRouting{}
}

// FlowRouting is a policy that keeps each TCP connection on the target the
// flow hash placed it on: a Network Load Balancer without stickiness
// (REFERENCE.md §7). No cookie is read or set.
type FlowRouting struct {
	conn *Connection // the connection Route saw, bound by Issue
}

// Route returns the target r's connection is on; a new connection goes to
// the flow hash. It notes the connection for Issue, which serve calls next.
func (p *FlowRouting) Route(r *Request) (*Target, Reason) {
	p.conn = r.Conn
	return routeConnection(r)
}

// routeConnection returns the target of r's open connection, or nil and
// why the flow hash must place it.
func routeConnection(r *Request) (*Target, Reason) {
	switch {
	case r.Conn != nil && r.Conn.target != nil:
		return r.Conn.target, ReasonSameConnection
	case r.ConnectionReset:
		return nil, ReasonConnectionReset
	}
	return nil, ReasonNewConnection
}

// Issue binds the connection to t and sets no cookie.
func (p *FlowRouting) Issue(t *Target, _ Reason, _ []StoredCookie, _ time.Time) []StoredCookie {
	if p.conn != nil {
		p.conn.target = t
	}
	return nil
}

// Follows returns "": no cookie routes a request.
func (*FlowRouting) Follows(*Request) string { return "" }

// Reads reports false: a Network Load Balancer reads no cookie.
func (*FlowRouting) Reads(string) bool { return false }

// SourceIPStickiness is a policy that sends every connection from one
// source IP to one target, stickiness.type source_ip (REFERENCE.md §7); it
// forgets them all when targets change health or (de)register.
type SourceIPStickiness struct {
	tg      *TargetGroup
	targets map[string]*Target // by source IP
	conn    *Connection        // the connection Route saw, bound by Issue
	ip      string
}

// Route returns the target of r's open connection, or else of its source
// IP; a source IP seen for the first time since the last reset goes to the
// flow hash.
func (p *SourceIPStickiness) Route(r *Request) (*Target, Reason) {
	p.conn, p.ip = r.Conn, r.SourceIP
	bound := p.targets[r.SourceIP]
	if t, reason := routeConnection(r); t != nil {
		if t == bound {
			return t, ReasonSourceIP
		}
		return t, reason
	}
	if bound != nil && bound.InService() {
		return bound, ReasonSourceIP
	}
	return nil, ReasonNewSourceIP
}

// Issue binds the connection and its source IP to t, and sets no cookie.
func (p *SourceIPStickiness) Issue(t *Target, reason Reason, _ []StoredCookie, _ time.Time) []StoredCookie {
	if p.conn != nil {
		p.conn.target = t
	}
	// A connection kept across a reset does not displace the target
	// another connection from the IP was bound to since.
	if _, bound := p.targets[p.ip]; p.ip != "" && (!bound || reason != ReasonSameConnection) {
		p.targets[p.ip] = t
	}
	return nil
}

// Follows returns "": no cookie routes a request.
func (*SourceIPStickiness) Follows(*Request) string { return "" }

// Reads reports false: a Network Load Balancer reads no cookie.
func (*SourceIPStickiness) Reads(string) bool { return false }

// Bound returns the number of source IPs the policy holds a target for.
func (p *SourceIPStickiness) Bound() int { return len(p.targets) }

// targetsChanged is called when a target's state changes or a target is
// registered: source IP stickiness resets (simulated: at every such change).
func (lb *LoadBalancer) targetsChanged() {
	p, ok := lb.TargetGroup.stickiness.(*SourceIPStickiness)
	if !ok || len(p.targets) == 0 {
		return
	}
	n := len(p.targets)
	clear(p.targets)
	lb.emit(&Event{Kind: EventStickinessReset, Detail: "source IP stickiness reset: " + plural(n, "source IP") + " forgotten, as targets changed"})
}
