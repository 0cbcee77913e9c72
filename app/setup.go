package app

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/stickylab/stickylab/engine"
)

// Setup is the lab's starting state, read from the page URL so a course
// can link to a prepared lab, e.g. ?stickiness=lb_cookie&duration=30.
type Setup struct {
	Stickiness string // "off", "lb_cookie" or "app_cookie"
	Duration   time.Duration
	Algorithm  engine.Algorithm
	Instances  int
	Seed       uint64
}

// DefaultSetup is the article's starting point: three instances, no
// stickiness, AWS's defaults.
func DefaultSetup() Setup {
	return Setup{Stickiness: "off", Duration: 86400 * time.Second, Algorithm: engine.RoundRobin, Instances: 3, Seed: 1}
}

// MaxLabInstances is the most instances a URL can ask for.
const MaxLabInstances = 10

// ParseSetup reads the URL parameters stickiness, duration, algorithm,
// instances and seed. A bad value keeps its default and adds a message that
// says what was wrong and what the lab uses instead.
func ParseSetup(q url.Values) (Setup, []string) {
	s := DefaultSetup()
	var msgs []string
	bad := func(key, value, want, using string) {
		msgs = append(msgs, fmt.Sprintf("URL parameter %s=%q is not valid: %s. Using %s.", key, value, want, using))
	}
	if v, ok := first(q, "stickiness"); ok {
		switch v {
		case "off", "lb_cookie", "app_cookie":
			s.Stickiness = v
		default:
			bad("stickiness", v, "use off, lb_cookie or app_cookie", "off")
		}
	}
	if v, ok := first(q, "duration"); ok {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 || n > 604800 {
			bad("duration", v, "give whole seconds from 1 to 604800 (7 days)", "86400 (1 day)")
		} else {
			s.Duration = time.Duration(n) * time.Second
		}
	}
	if v, ok := first(q, "algorithm"); ok {
		switch a := engine.Algorithm(v); a {
		case engine.RoundRobin, engine.LeastOutstandingRequests, engine.WeightedRandom:
			s.Algorithm = a
		default:
			bad("algorithm", v, "use round_robin, least_outstanding_requests or weighted_random", "round_robin")
		}
	}
	if v, ok := first(q, "instances"); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxLabInstances {
			bad("instances", v, fmt.Sprintf("give a number from 1 to %d", MaxLabInstances), "3")
		} else {
			s.Instances = n
		}
	}
	if v, ok := first(q, "seed"); ok {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			bad("seed", v, "give a whole number from 0 to 18446744073709551615", "1")
		} else {
			s.Seed = n
		}
	}
	if s.Stickiness != "off" && s.Algorithm == engine.WeightedRandom {
		msgs = append(msgs, "URL parameters stickiness="+s.Stickiness+" and algorithm=weighted_random cannot be combined: You cannot have both stickiness and weighted random algorithm enabled on the same target group. Using round_robin.")
		s.Algorithm = engine.RoundRobin
	}
	return s, msgs
}

func first(q url.Values, key string) (string, bool) {
	vs, ok := q[key]
	if !ok || len(vs) == 0 {
		return "", false
	}
	return strings.TrimSpace(vs[0]), true
}

// Attributes returns the target group attributes the setup asks for.
func (s Setup) Attributes() engine.Attributes {
	a := engine.DefaultAttributes()
	a.Algorithm = s.Algorithm
	a.LBCookieDuration = s.Duration
	a.AppCookieDuration = s.Duration
	a.AppCookieName = engine.SessionCookie
	switch s.Stickiness {
	case "lb_cookie":
		a.StickinessEnabled, a.StickinessType = true, engine.LBCookie
	case "app_cookie":
		a.StickinessEnabled, a.StickinessType = true, engine.AppCookie
	}
	return a
}
