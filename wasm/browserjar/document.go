package browserjar

import (
	"fmt"
	"strings"
	"time"

	"github.com/stickylab/stickylab/engine"
)

// document is the page's cookie store as document.cookie exposes it: reading gives the visible
// name=value pairs; writing applies one Set-Cookie string, silently ignored if refused. The browser's
// is in document_js.go; fakedocument_test.go emulates Chromium's.
type document interface {
	// Cookie returns the value of document.cookie.
	Cookie() (string, error)
	// SetCookie assigns s to document.cookie.
	SetCookie(s string) error
}

// cookieEnabler is implemented by a document that can tell whether the
// browser allows cookies at all (navigator.cookieEnabled). It only chooses
// the State's Reason (Disabled): the jar trusts what sticks in document.cookie.
type cookieEnabler interface {
	CookieEnabled() (bool, error)
}

// probeCookie names the cookie newJar writes and deletes to find out
// whether the browser stores cookies. It is never listed or sent.
const probeCookie = "stickylab-probe"

// maxCookieSize is the largest name plus value a browser stores (RFC 6265bis).
const maxCookieSize = 4096

// readCookies returns the cookies doc shows, in its order, as stored
// (engine.ParseDocumentCookie): names and values only. A nameless cookie
// shows as its bare value and is skipped.
func readCookies(doc document) ([]engine.StoredCookie, error) {
	s, err := doc.Cookie()
	if err != nil {
		return nil, err
	}
	return engine.ParseDocumentCookie(s), nil
}

// assignment renders c as a document.cookie assignment: Expires at expires
// on the browser's clock (zero: a session cookie), then Path, SameSite,
// Secure and, for a cross-site frame, Partitioned.
func assignment(c engine.StoredCookie, expires time.Time, partitioned bool) string {
	var b strings.Builder
	b.WriteString(c.Name)
	b.WriteByte('=')
	b.WriteString(c.Value)
	if !expires.IsZero() {
		b.WriteString("; Expires=")
		b.WriteString(expires.UTC().Format(engine.TimeFormat))
	}
	b.WriteString("; Path=")
	b.WriteString(c.Path)
	if c.SameSite != "" {
		b.WriteString("; SameSite=")
		b.WriteString(c.SameSite)
	}
	if c.Secure {
		b.WriteString("; Secure")
	}
	if partitioned {
		b.WriteString("; Partitioned")
	}
	return b.String()
}

// deletion is the assignment that deletes the cookie called name under
// path, plain or partitioned (which needs SameSite=None; Secure).
func deletion(name, path string, partitioned bool) string {
	c := engine.StoredCookie{Name: name, Path: path}
	if partitioned {
		c.SameSite, c.Secure = "None", true
	}
	return assignment(c, time.Unix(0, 0), partitioned)
}

// storable returns an error when no browser would store c, a cookie
// engine.ParseSetCookie accepted.
func storable(c engine.StoredCookie) error {
	if c.Name == probeCookie {
		return fmt.Errorf("cookie name %q is reserved for the lab's cookie probe", c.Name)
	}
	if len(c.Name)+len(c.Value) > maxCookieSize {
		return fmt.Errorf("cookie %s is %d bytes; browsers store at most %d", c.Name, len(c.Name)+len(c.Value), maxCookieSize)
	}
	// ParseSetCookie refuses a control character in the name only; a
	// browser ignores an assignment with one anywhere (RFC 6265bis §5.6).
	if strings.ContainsFunc(c.Value, isCTL) || strings.ContainsFunc(c.SameSite, isCTL) {
		return fmt.Errorf("cookie %q contains a control character; browsers refuse it", c.Name)
	}
	return nil
}

// isCTL reports whether r is an ASCII control character.
func isCTL(r rune) bool { return r < 0x20 || r == 0x7f }

// cookiePath turns a base path into a cookie Path attribute: "/" or a path
// starting with "/" and not ending with one (so "/stickylab" covers
// "/stickylab/..." but not "/stickylab-other").
func cookiePath(base string) string {
	base = strings.TrimSpace(base)
	if i := strings.Index(base, "://"); i >= 0 {
		rest := base[i+3:]
		k := strings.IndexByte(rest, '/')
		if k < 0 {
			return "/"
		}
		base = rest[k:]
	}
	if i := strings.IndexAny(base, "?#"); i >= 0 {
		base = base[:i]
	}
	if strings.ContainsFunc(base, func(r rune) bool { return isCTL(r) || r == ';' }) {
		return "/"
	}
	base = strings.TrimRight(base, "/")
	if base == "" {
		return "/"
	}
	if base[0] != '/' {
		base = "/" + base
	}
	return base
}
