package engine

import (
	"fmt"
	"time"
)

// CookieBehavior is how a client treats the cookies it receives.
type CookieBehavior uint8

// The cookie behaviours.
const (
	// KeepCookies stores cookies and sends them back, like a browser.
	KeepCookies CookieBehavior = iota
	// ClearCookies deletes every cookie before every ClearEvery-th request,
	// like a user who clears cookies or opens a private window.
	ClearCookies
	// BlockCookies refuses every cookie.
	BlockCookies
)

// ClearEvery is how many requests a ClearCookies client makes between two
// clearings of its cookies.
const ClearEvery = 3

var behaviorNames = [...]string{"keeps cookies", "clears cookies", "blocks cookies"}

// String returns the behaviour in words, e.g. "clears cookies".
func (b CookieBehavior) String() string {
	if int(b) < len(behaviorNames) {
		return behaviorNames[b]
	}
	return fmt.Sprintf("behavior(%d)", b)
}

// Client is a user's browser: a name, a source IP, a cookie jar and a way
// of treating cookies. The learner's own browser is one; a crowd adds many.
type Client struct {
	Name     string
	IP       string
	Jar      CookieJar
	Behavior CookieBehavior
	// Requests counts the requests the client sent.
	Requests int

	crowdIndex int // position in the crowd, -1 for a client of its own
	// conn is the client's TCP connection to a Network Load Balancer.
	conn *Connection
	// session is the session the application last served the client in:
	// most requests resume it, which spares parsing the id and looking it
	// up.
	session *Session
}

// NewClient returns a client with a source IP drawn from the seeded source.
// A nil jar gets a MemoryJar; a BlockCookies client's jar is wrapped so it
// refuses every cookie.
func (lb *LoadBalancer) NewClient(name string, jar CookieJar, behavior CookieBehavior) *Client {
	c := new(Client)
	lb.initClient(c, name, jar, behavior)
	return c
}

// initClient sets c up as NewClient sets up the client it returns.
func (lb *LoadBalancer) initClient(c *Client, name string, jar CookieJar, behavior CookieBehavior) {
	if jar == nil {
		jar = &MemoryJar{}
	}
	if behavior == BlockCookies {
		jar = blockingJar{jar}
	}
	ip := fmt.Sprintf("198.51.%d.%d", lb.rng.IntN(256), 1+lb.rng.IntN(254))
	*c = Client{Name: name, IP: ip, Jar: jar, Behavior: behavior, crowdIndex: -1}
}

// blockingJar is a jar that refuses every cookie.
type blockingJar struct{ CookieJar }

func (blockingJar) SetCookies(time.Time, []StoredCookie) error { return ErrCookiesBlocked }
