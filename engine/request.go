package engine

import "time"

// Request is one HTTP request from a client to the load balancer's
// listener: the first stage of serve.
type Request struct {
	Time     time.Time
	Client   *Client
	SourceIP string
	Path     string
	// Cookies are the cookies the request carries, as the load balancer
	// reads its Cookie header; read-only, valid during the request.
	Cookies []StoredCookie
	// On a Network Load Balancer: the TCP connection the request travels
	// on, its source port, and whether it was opened for this request
	// (reset: its target left service).
	Conn            *Connection
	SourcePort      int
	NewConnection   bool
	ConnectionReset bool
}

// Cookie returns the value of the first cookie called name the request
// carries, and whether it carries one.
func (r *Request) Cookie(name string) (string, bool) { return lookupCookie(r.Cookies, name) }

// receive reads client c's request for path at the current time into the
// reused scratch request: the client's cookies come from its jar.
func (lb *LoadBalancer) receive(c *Client, path string) *Request {
	now := lb.now
	c.Requests++
	if c.Behavior == ClearCookies && c.Requests%ClearEvery == 1 {
		c.Jar.Clear()
	}
	r := &lb.scratch.req
	r.Time, r.Client, r.SourceIP, r.Path = now, c, c.IP, path
	if lb.Type == NetworkLoadBalancer {
		lb.connect(c, r)
	}
	if j, ok := c.Jar.(*MemoryJar); ok { // without an interface call
		r.Cookies = j.Cookies(now)
	} else {
		r.Cookies = c.Jar.Cookies(now)
	}
	return r
}
