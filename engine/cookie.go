package engine

import (
	"errors"
	"fmt"
	"strconv"
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
	// CookieAWSALBTG is the group stickiness cookie of a weighted forward
	// action: it names a target group, not a target.
	CookieAWSALBTG = "AWSALBTG"
	// CookieAWSALBTGCORS is AWSALBTG's twin with SameSite=None; Secure.
	CookieAWSALBTGCORS = "AWSALBTGCORS"
)

// LoadBalancerCookie reports whether name is one a load balancer sets
// (AWSALB, AWSALBCORS, AWSALBAPP-0..3, AWSALBTG…, AWSELB, AWSELBCORS).
func LoadBalancerCookie(name string) bool {
	return strings.HasPrefix(name, "AWSALB") || strings.HasPrefix(name, CookieAWSELB)
}

// TimeFormat is the date layout of an Expires attribute (RFC 7231 IMF-fixdate,
// the same as net/http.TimeFormat).
const TimeFormat = "Mon, 02 Jan 2006 15:04:05 GMT"

// CookieExpiry is the browser lifetime of AWSALB, AWSALBCORS and AWSALBAPP-0:
// always 7 days, whatever the stickiness duration (REFERENCE.md §2).
const CookieExpiry = 7 * 24 * time.Hour

// CookieValue returns the value of the first cookie called name in a Cookie
// request header, and whether there is one. It does not allocate.
func CookieValue(header, name string) (string, bool) {
	for {
		n, v, rest, ok := nextCookie(header)
		if !ok {
			return "", false
		}
		if n == name {
			return v, true
		}
		header = rest
	}
}

// ParseCookieHeader splits a Cookie request header into its name=value
// pairs, in order, as the load balancer reads them: spaces and tabs trimmed,
// one pair of double quotes removed, parts without '=' skipped.
func ParseCookieHeader(header string) []StoredCookie { return appendCookies(nil, header, false) }

// ParseDocumentCookie splits document.cookie into its cookies as the
// browser holds them: ParseCookieHeader's pairs, values as stored (quotes
// kept), as DevTools lists them.
func ParseDocumentCookie(s string) []StoredCookie { return appendCookies(nil, s, true) }

// appendCookies appends the named pairs of a Cookie header to dst, values
// unquoted as a server reads them unless asStored.
func appendCookies(dst []StoredCookie, header string, asStored bool) []StoredCookie {
	for {
		name, value, rest, ok := nextPair(header)
		if !ok {
			return dst
		}
		header = rest
		if !asStored {
			value = unquote(value)
		}
		if name != "" {
			dst = append(dst, StoredCookie{Name: name, Value: value})
		}
	}
}

// CookieHeader renders the Cookie request header that carries cs, "" for
// none: the text a request log shows.
func CookieHeader(cs []StoredCookie) string {
	switch len(cs) {
	case 0:
		return ""
	case 1:
		return cs[0].Name + "=" + cs[0].Value
	}
	size := 0
	for _, c := range cs {
		size += len(c.Name) + len(c.Value) + 3
	}
	var b strings.Builder
	b.Grow(size)
	for i, c := range cs {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(c.Name)
		b.WriteByte('=')
		b.WriteString(c.Value)
	}
	return b.String()
}

// FormatSetCookie renders c as a Set-Cookie response header, attributes in
// the order AWS writes them: Expires, Path, SameSite, Secure.
func FormatSetCookie(c StoredCookie) string {
	b := make([]byte, 0, len(c.Name)+len(c.Value)+80)
	b = append(b, c.Name...)
	b = append(b, '=')
	b = append(b, c.Value...)
	if !c.Expires.IsZero() {
		b = append(b, "; Expires="...)
		b = c.Expires.UTC().AppendFormat(b, TimeFormat)
	}
	if c.Path != "" {
		b = append(b, "; Path="...)
		b = append(b, c.Path...)
	}
	if c.SameSite != "" {
		b = append(b, "; SameSite="...)
		b = append(b, c.SameSite...)
	}
	if c.Secure {
		b = append(b, "; Secure"...)
	}
	return string(b)
}

// lookupCookie returns the value of the first cookie called name in cs.
// Names compare by pointer first: the engine's cookies share its constants.
func lookupCookie(cs []StoredCookie, name string) (string, bool) {
	for i := range cs {
		if sameString(cs[i].Name, name) {
			return cs[i].Value, true
		}
	}
	return "", false
}

// nextCookie splits the first name=value pair off a Cookie header as a
// server reads it: nextPair, then one pair of quotes removed.
func nextCookie(h string) (name, value, rest string, ok bool) {
	name, value, rest, ok = nextPair(h)
	return name, unquote(value), rest, ok
}

// unquote removes one pair of double quotes around a cookie value.
func unquote(v string) string {
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
		return v[1 : len(v)-1]
	}
	return v
}

// nextPair splits the first name=value pair off a Cookie header or
// document.cookie, trimming spaces and tabs, without allocating. Parts
// without '=' are skipped; ok is false when the text is exhausted.
func nextPair(h string) (name, value, rest string, ok bool) {
	for len(h) > 0 {
		for len(h) > 0 && (h[0] == ' ' || h[0] == ';' || h[0] == '\t') {
			h = h[1:]
		}
		if h == "" {
			return "", "", "", false
		}
		end := strings.IndexByte(h, ';')
		part := h
		if end >= 0 {
			part, h = h[:end], h[end+1:]
		} else {
			h = ""
		}
		eq := strings.IndexByte(part, '=')
		if eq < 0 {
			continue
		}
		return trimSpace(part[:eq]), trimSpace(part[eq+1:]), h, true
	}
	return "", "", "", false
}

// trimSpace trims spaces and tabs, cheaper than strings.TrimSpace for the
// short ASCII parts of a Cookie header.
func trimSpace(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}

// ErrBadSetCookie reports a Set-Cookie header that names no cookie.
var ErrBadSetCookie = errors.New("malformed Set-Cookie header")

// ParseSetCookie parses one Set-Cookie response header. It understands the
// attributes the load balancer and the simulated application use: Expires,
// Max-Age (counted from now), Path, SameSite and Secure; others are ignored.
func ParseSetCookie(now time.Time, h string) (StoredCookie, error) {
	first, rest := h, ""
	if i := strings.IndexByte(h, ';'); i >= 0 {
		first, rest = h[:i], h[i+1:]
	}
	eq := strings.IndexByte(first, '=')
	if eq < 0 {
		return StoredCookie{}, fmt.Errorf("%w: %q", ErrBadSetCookie, h)
	}
	name := trimSpace(first[:eq])
	if !ValidCookieName(name) {
		return StoredCookie{}, fmt.Errorf("%w: %q", ErrBadSetCookie, h)
	}
	c := StoredCookie{Name: name, Value: trimSpace(first[eq+1:])}
	maxAge, hasMaxAge := 0, false
	for rest != "" {
		attr := rest
		if i := strings.IndexByte(rest, ';'); i >= 0 {
			attr, rest = rest[:i], rest[i+1:]
		} else {
			rest = ""
		}
		k, v := attr, ""
		if i := strings.IndexByte(attr, '='); i >= 0 {
			k, v = attr[:i], trimSpace(attr[i+1:])
		}
		switch k = trimSpace(k); {
		case strings.EqualFold(k, "expires"):
			if t, ok := parseHTTPDate(v); ok {
				c.Expires = t
			}
		case strings.EqualFold(k, "max-age"):
			if n, err := strconv.Atoi(v); err == nil {
				maxAge, hasMaxAge = n, true
			}
		case strings.EqualFold(k, "path"):
			c.Path = v
		case strings.EqualFold(k, "samesite"):
			c.SameSite = v
		case strings.EqualFold(k, "secure"):
			c.Secure = true
		}
	}
	if hasMaxAge {
		// Max-Age wins over Expires (RFC 6265 §5.3). A non-positive
		// Max-Age expires the cookie at once.
		if maxAge <= 0 {
			c.Expires = time.Unix(0, 0).UTC()
		} else {
			// Capped at 400 days as browsers do (RFC 6265bis), which
			// also keeps a huge Max-Age from overflowing into the past.
			c.Expires = now.Add(time.Duration(min(maxAge, maxCookieAge)) * time.Second)
		}
	}
	return c, nil
}

// ValidCookieName reports whether a cookie called name can be set and sent
// back intact: not empty, no separator, no control character (which makes
// browsers ignore the whole line, RFC 6265bis §5.6).
func ValidCookieName(name string) bool {
	return name != "" && !strings.ContainsAny(name, " \t\",\\;=") && !strings.ContainsFunc(name, isCTL)
}

// isCTL reports whether r is an ASCII control character.
func isCTL(r rune) bool { return r < 0x20 || r == 0x7f }

// maxCookieAge is the longest Max-Age, in seconds, a cookie keeps.
const maxCookieAge = 400 * 24 * 60 * 60

var months = [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// isWeekday reports whether s is a day name as IMF-fixdate spells it.
func isWeekday(s string) bool {
	switch s {
	case "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun":
		return true
	}
	return false
}

// parseHTTPDate parses an IMF-fixdate ("Mon, 02 Jan 2006 15:04:05 GMT")
// without allocating, falling back to time.Parse for anything unusual.
func parseHTTPDate(s string) (time.Time, bool) {
	if len(s) == len(TimeFormat) && s[3] == ',' && s[4] == ' ' && s[7] == ' ' && s[11] == ' ' &&
		s[16] == ' ' && s[19] == ':' && s[22] == ':' && s[25:] == " GMT" && isWeekday(s[:3]) {
		num := func(b string) int {
			n := 0
			for i := 0; i < len(b); i++ {
				if b[i] < '0' || b[i] > '9' {
					return -1
				}
				n = n*10 + int(b[i]-'0')
			}
			return n
		}
		day, year, hh, mm, ss := num(s[5:7]), num(s[12:16]), num(s[17:19]), num(s[20:22]), num(s[23:25])
		month := 0
		for i, m := range months {
			if s[8:11] == m {
				month = i + 1
			}
		}
		if day >= 1 && day <= 31 && year >= 0 && month > 0 && hh >= 0 && hh < 24 && mm >= 0 && mm < 60 && ss >= 0 && ss < 60 {
			// time.Date normalizes 31 Feb to 3 Mar: a date that does
			// not exist is left to time.Parse, which rejects it.
			if t := time.Date(year, time.Month(month), day, hh, mm, ss, 0, time.UTC); t.Day() == day {
				return t, true
			}
		}
	}
	t, err := time.Parse(TimeFormat, s)
	return t, err == nil
}
