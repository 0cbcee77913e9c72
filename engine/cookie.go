package engine

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Cookie names set by the load balancer, as AWS spells them.
const (
	// CookieAWSALB is the load balancer generated stickiness cookie.
	CookieAWSALB = "AWSALB"
	// CookieAWSALBCORS is AWSALB's twin with SameSite=None; Secure, for
	// cross-origin requests.
	CookieAWSALBCORS = "AWSALBCORS"
	// CookieAWSALBAPP is the cookie the load balancer adds beside an
	// application cookie (split into AWSALBAPP-0..3 above 4 KB; the
	// simulator's values always fit in AWSALBAPP-0).
	CookieAWSALBAPP = "AWSALBAPP-0"
)

// TimeFormat is the date layout of an Expires attribute (RFC 7231 IMF-fixdate,
// the same as net/http.TimeFormat).
const TimeFormat = "Mon, 02 Jan 2006 15:04:05 GMT"

// CookieExpiry is the browser lifetime of AWSALB, AWSALBCORS and AWSALBAPP-0:
// always 7 days, whatever the stickiness duration (REFERENCE.md §2).
const CookieExpiry = 7 * 24 * time.Hour

// CookieValue returns the value of the first cookie called name in a Cookie
// request header, and whether there is one. It does not allocate.
func CookieValue(header, name string) (string, bool) {
	for header != "" {
		var part string
		part, header, _ = strings.Cut(header, ";")
		part = strings.TrimSpace(part)
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			continue
		}
		if strings.TrimSpace(k) == name {
			v = strings.TrimSpace(v)
			if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
				v = v[1 : len(v)-1]
			}
			return v, true
		}
	}
	return "", false
}

// ParseCookieHeader splits a Cookie request header into its name=value
// pairs, in order, skipping malformed parts.
func ParseCookieHeader(header string) []StoredCookie {
	var out []StoredCookie
	for header != "" {
		var part string
		part, header, _ = strings.Cut(header, ";")
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			continue
		}
		out = append(out, StoredCookie{Name: k, Value: strings.TrimSpace(v)})
	}
	return out
}

// ErrBadSetCookie reports a Set-Cookie header that names no cookie.
var ErrBadSetCookie = errors.New("malformed Set-Cookie header")

// ParseSetCookie parses one Set-Cookie response header. It understands the
// attributes the load balancer and the simulated application use: Expires,
// Max-Age (counted from now), Path, SameSite and Secure; others are ignored.
func ParseSetCookie(now time.Time, h string) (StoredCookie, error) {
	first, rest, _ := strings.Cut(h, ";")
	name, value, ok := strings.Cut(strings.TrimSpace(first), "=")
	name = strings.TrimSpace(name)
	if !ok || name == "" || strings.ContainsAny(name, " \t\",\\") {
		return StoredCookie{}, fmt.Errorf("%w: %q", ErrBadSetCookie, h)
	}
	c := StoredCookie{Name: name, Value: strings.TrimSpace(value)}
	var maxAge *int
	for rest != "" {
		var attr string
		attr, rest, _ = strings.Cut(rest, ";")
		k, v, _ := strings.Cut(strings.TrimSpace(attr), "=")
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "expires":
			if t, err := time.Parse(TimeFormat, strings.TrimSpace(v)); err == nil {
				c.Expires = t
			}
		case "max-age":
			var n int
			if _, err := fmt.Sscanf(strings.TrimSpace(v), "%d", &n); err == nil {
				maxAge = &n
			}
		case "path":
			c.Path = strings.TrimSpace(v)
		case "samesite":
			c.SameSite = strings.TrimSpace(v)
		case "secure":
			c.Secure = true
		}
	}
	if maxAge != nil {
		// Max-Age wins over Expires (RFC 6265 §5.3). A non-positive
		// Max-Age expires the cookie at once.
		if *maxAge <= 0 {
			c.Expires = time.Unix(0, 0).UTC()
		} else {
			c.Expires = now.Add(time.Duration(*maxAge) * time.Second)
		}
	}
	return c, nil
}
