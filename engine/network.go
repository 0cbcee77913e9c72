package engine

import (
	"fmt"
	"time"
)

// IdleTimeout is a Network Load Balancer's TCP idle timeout, AWS's
// default: a connection with no data for this long is closed.
const IdleTimeout = 350 * time.Second

// The ephemeral ports a client's TCP connections come from (Linux's range).
const (
	MinSourcePort = 32768
	MaxSourcePort = 60999
)

// Connection is a client's TCP connection to a Network Load Balancer: all
// of its requests go to one target, placed by the flow hash when it opens.
type Connection struct {
	SourceIP   string
	SourcePort int
	Opened     time.Time
	LastActive time.Time
	Requests   int

	seq    uint32  // initial sequence number, part of the flow hash
	target *Target // where the load balancer sent it; nil until placed
	open   bool
}

// String returns the connection's source, e.g. "198.51.100.7:40123".
func (c Connection) String() string { return fmt.Sprintf("%s:%d", c.SourceIP, c.SourcePort) }

// Target returns the target the connection is on, nil before its first
// request or after it closed.
func (c Connection) Target() *Target { return c.target }

// Connection returns c's TCP connection to a Network Load Balancer, and
// whether one is open (it may still time out at the next request).
func (c *Client) Connection() (Connection, bool) {
	if c.conn == nil || !c.conn.open {
		return Connection{}, false
	}
	return *c.conn, true
}

// NewConnection closes c's TCP connection, as a browser does when it is
// closed or a connection is reset: the next request opens a new one, from
// a new source port, which the flow hash places anew.
func (c *Client) NewConnection() {
	if c.conn != nil {
		c.conn.open = false
	}
}

// connect readies the connection request r travels on: c's open one, or a
// new one when none is open, it was idle IdleTimeout or more, or its
// target no longer takes its traffic (then the load balancer resets it).
func (lb *LoadBalancer) connect(c *Client, r *Request) {
	conn := c.conn
	if conn == nil {
		conn = new(Connection)
		c.conn = conn
	}
	now := r.Time
	r.NewConnection = false
	r.ConnectionReset = conn.open && conn.target != nil && !lb.keepsConnection(conn.target)
	if !conn.open || now.Sub(conn.LastActive) >= IdleTimeout || r.ConnectionReset {
		*conn = Connection{
			SourceIP:   c.IP,
			SourcePort: MinSourcePort + lb.rng.IntN(MaxSourcePort-MinSourcePort+1),
			Opened:     now,
			seq:        lb.rng.Uint32(),
			open:       true,
		}
		r.NewConnection = true
	}
	conn.LastActive = now
	conn.Requests++
	r.Conn, r.SourcePort = conn, conn.SourcePort
}

// keepsConnection reports whether an open connection to t carries on: t is
// healthy, draining (until the deregistration delay ends) or failing open;
// one to an unhealthy target is reset (simulated assumption).
func (lb *LoadBalancer) keepsConnection(t *Target) bool {
	switch t.State {
	case StateHealthy, StateDraining:
		return true
	case StateUnused:
		return false
	}
	return !lb.TargetGroup.anyHealthy()
}
