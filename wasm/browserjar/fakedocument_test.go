//go:build !(js && wasm)

package browserjar

import (
	"errors"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stickylab/stickylab/engine"
)

// memoryDocument emulates Chromium's document.cookie for the native tests: Path scoping and order,
// expiry on a clock, silent refusals (HttpOnly, SameSite=None or Partitioned without Secure, Secure on
// http, control characters, over 4096 bytes). Documents made by at share one origin's cookies.
type memoryDocument struct {
	store    *cookieStore
	now      func() time.Time // the browser's clock; nil means time.Now
	pagePath string           // the page URL's path

	// insecure makes the page plain http on a host that is not potentially
	// trustworthy (not localhost): Secure cookies are refused.
	insecure bool
	// blocked emulates cookies blocked in the browser: writes are
	// ignored, reads give "" and CookieEnabled reports false.
	blocked bool
	// partitionedOnly emulates a cross-site frame with third-party cookies
	// blocked: only SameSite=None; Secure; Partitioned cookies are stored,
	// and only partitioned cookies are read.
	partitionedOnly bool
	// err, when set, is returned by every read and write, as document.cookie
	// throws SecurityError in a sandboxed frame without allow-same-origin.
	err error
}

// cookieStore is the cookies of one origin.
type cookieStore struct {
	mu      sync.Mutex
	cookies []docCookie
	seq     int
}

type docCookie struct {
	name, value, path   string
	expires             time.Time // zero for a session cookie
	sameSite            string
	secure, partitioned bool
	created             int
}

var _ cookieEnabler = (*memoryDocument)(nil)

// newMemoryDocument returns an empty document for a page at pagePath on the
// clock now.
func newMemoryDocument(pagePath string, now func() time.Time) *memoryDocument {
	return &memoryDocument{store: new(cookieStore), now: now, pagePath: pagePath}
}

// at returns a document for a page at pagePath on the same origin, sharing
// d's cookies and clock.
func (d *memoryDocument) at(pagePath string) *memoryDocument {
	return &memoryDocument{store: d.store, now: d.now, pagePath: pagePath}
}

func (d *memoryDocument) clock() time.Time {
	if d.now == nil {
		return time.Now()
	}
	return d.now()
}

// CookieEnabled reports whether cookies are not blocked.
func (d *memoryDocument) CookieEnabled() (bool, error) {
	if d.err != nil {
		return false, d.err
	}
	return !d.blocked, nil
}

// Cookie returns the name=value pairs visible to the page.
func (d *memoryDocument) Cookie() (string, error) {
	if d.err != nil {
		return "", d.err
	}
	if d.blocked {
		return "", nil
	}
	s := d.store
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expire(d.clock())
	var vis []docCookie
	for _, c := range s.cookies {
		if pathMatch(d.pagePath, c.path) && (!d.partitionedOnly || c.partitioned) {
			vis = append(vis, c)
		}
	}
	sort.SliceStable(vis, func(a, b int) bool {
		if len(vis[a].path) != len(vis[b].path) {
			return len(vis[a].path) > len(vis[b].path)
		}
		return vis[a].created < vis[b].created
	})
	var b strings.Builder
	for i, c := range vis {
		if i > 0 {
			b.WriteString("; ")
		}
		if c.name != "" {
			b.WriteString(c.name)
			b.WriteByte('=')
		}
		b.WriteString(c.value)
	}
	return b.String(), nil
}

// SetCookie applies one Set-Cookie string as a browser applies an assignment
// to document.cookie.
func (d *memoryDocument) SetCookie(h string) error {
	if d.err != nil {
		return d.err
	}
	if d.blocked {
		return nil
	}
	now := d.clock()
	first, rest, _ := strings.Cut(h, ";")
	name, value, ok := strings.Cut(first, "=")
	if !ok {
		name, value = "", first
	}
	c := docCookie{name: strings.TrimSpace(name), value: strings.TrimSpace(value)}
	if c.name == "" && c.value == "" || strings.ContainsFunc(c.name, isCTL) || strings.ContainsFunc(c.value, isCTL) ||
		len(c.name)+len(c.value) > maxCookieSize {
		return nil
	}
	var maxAge *int
	for rest != "" {
		var attr string
		attr, rest, _ = strings.Cut(rest, ";")
		k, v, _ := strings.Cut(attr, "=")
		v = strings.TrimSpace(v)
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "expires":
			if t, err := time.Parse(engine.TimeFormat, v); err == nil {
				c.expires = t
			}
		case "max-age":
			if n, err := strconv.Atoi(v); err == nil {
				maxAge = &n
			}
		case "path":
			if strings.HasPrefix(v, "/") {
				c.path = v
			}
		case "samesite":
			c.sameSite = v
		case "secure":
			c.secure = true
		case "partitioned":
			c.partitioned = true
		case "httponly":
			return nil // a script may not set an HttpOnly cookie
		}
	}
	if maxAge != nil {
		if *maxAge <= 0 {
			c.expires = time.Unix(0, 0)
		} else {
			c.expires = now.Add(time.Duration(*maxAge) * time.Second)
		}
	}
	if c.path == "" {
		c.path = defaultPath(d.pagePath)
	}
	none := strings.EqualFold(c.sameSite, "none")
	switch {
	case c.secure && d.insecure,
		none && !c.secure,
		c.partitioned && !c.secure,
		d.partitionedOnly && !(c.partitioned && c.secure && none):
		return nil
	}
	s := d.store
	s.mu.Lock()
	defer s.mu.Unlock()
	expired := !c.expires.IsZero() && !c.expires.After(now)
	for i, old := range s.cookies {
		if old.name == c.name && old.path == c.path && old.partitioned == c.partitioned {
			if expired {
				s.cookies = append(s.cookies[:i], s.cookies[i+1:]...)
				return nil
			}
			if c.value == old.value {
				c.created = old.created
			} else {
				s.seq++
				c.created = s.seq
			}
			s.cookies[i] = c
			return nil
		}
	}
	if !expired {
		s.seq++
		c.created = s.seq
		s.cookies = append(s.cookies, c)
	}
	return nil
}

func (s *cookieStore) expire(now time.Time) {
	n := 0
	for _, c := range s.cookies {
		if c.expires.IsZero() || c.expires.After(now) {
			s.cookies[n] = c
			n++
		}
	}
	s.cookies = s.cookies[:n]
}

// pathMatch reports whether a cookie with Path cookiePath is visible at
// requestPath (RFC 6265 §5.1.4).
func pathMatch(requestPath, cookiePath string) bool {
	if requestPath == cookiePath {
		return true
	}
	if !strings.HasPrefix(requestPath, cookiePath) {
		return false
	}
	return strings.HasSuffix(cookiePath, "/") || requestPath[len(cookiePath)] == '/'
}

// defaultPath is the Path of a cookie set without one from a page at
// pagePath (RFC 6265 §5.1.4).
func defaultPath(pagePath string) string {
	i := strings.LastIndexByte(pagePath, '/')
	if !strings.HasPrefix(pagePath, "/") || i <= 0 {
		return "/"
	}
	return pagePath[:i]
}

// TestMemoryDocument checks the emulated document.cookie against what
// Chromium does (the behaviours cookiejar_js_test.go relies on were seen
// there: order after an overwrite, Secure on http://127.0.0.1, partitioned
// cookies in a cross-site frame).
func TestMemoryDocument(t *testing.T) {
	tests := []struct {
		name  string
		page  string
		setup func(*memoryDocument)
		sets  []string
		want  string
	}{
		{"name=value", "/", nil, []string{"a=1", "b=2; Path=/"}, "a=1; b=2"},
		{"nameless", "/", nil, []string{"bare", "=", ""}, "bare"},
		{"longer path first", "/x/y", nil, []string{"a=1; Path=/", "b=2; Path=/x"}, "b=2; a=1"},
		{"path scope", "/stickylab-other/", nil, []string{"a=1; Path=/stickylab", "b=2; Path=/stickylab-other"}, "b=2"},
		{"path with trailing slash", "/stickylab", nil, []string{"a=1; Path=/stickylab/", "b=2; Path=/stickylab"}, "b=2"},
		{"default path", "/x/page", nil, []string{"a=1", "b=2; Path=relative"}, "a=1; b=2"},
		{"new value goes last", "/", nil, []string{"a=1", "b=1", "a=2"}, "b=1; a=2"},
		{"same value keeps its place", "/", nil, []string{"a=1", "b=1", "a=1; Max-Age=60"}, "a=1; b=1"},
		{"paths are separate cookies", "/x/", nil, []string{"a=1; Path=/", "a=2; Path=/x"}, "a=2; a=1"},
		{"deleted by Expires", "/", nil, []string{"a=1", "b=2", "a=; Expires=Thu, 01 Jan 1970 00:00:00 GMT"}, "b=2"},
		{"deleted by Max-Age", "/", nil, []string{"a=1", "a=1; Max-Age=0"}, ""},
		{"deleting another path keeps it", "/", nil, []string{"a=1; Path=/", "a=; Max-Age=0; Path=/x"}, "a=1"},
		{"already expired is not stored", "/", nil, []string{"a=1; Max-Age=-5"}, ""},
		{"HttpOnly refused", "/", nil, []string{"a=1; HttpOnly", "b=2"}, "b=2"},
		{"SameSite=None needs Secure", "/", nil, []string{"a=1; SameSite=None", "b=2; SameSite=None; Secure"}, "b=2"},
		{"Partitioned needs Secure", "/", nil, []string{"a=1; Partitioned", "b=2; Secure; Partitioned"}, "b=2"},
		{"Secure on an insecure page", "/", func(d *memoryDocument) { d.insecure = true }, []string{"a=1; Secure", "b=2"}, "b=2"},
		{"control characters", "/", nil, []string{"a=1\x01", "b=2"}, "b=2"},
		{"cross-site frame", "/", func(d *memoryDocument) { d.partitionedOnly = true }, []string{
			"a=1", "b=2; SameSite=None; Secure", "c=3; Secure; Partitioned", "d=4; SameSite=None; Secure; Partitioned",
		}, "d=4"},
		{"blocked", "/", func(d *memoryDocument) { d.blocked = true }, []string{"a=1"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newMemoryDocument(tt.page, (&clock{wallStart}).Now)
			if tt.setup != nil {
				tt.setup(d)
			}
			for _, s := range tt.sets {
				if err := d.SetCookie(s); err != nil {
					t.Fatalf("SetCookie(%q): %v", s, err)
				}
			}
			if got, err := d.Cookie(); got != tt.want || err != nil {
				t.Errorf("document.cookie = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestMemoryDocumentClockAndErrors(t *testing.T) {
	wall := &clock{wallStart}
	d := newMemoryDocument("/", wall.Now)
	for _, s := range []string{
		"a=1; Max-Age=60",
		"b=2; Expires=" + expires(wallStart.Add(2*time.Minute)),
		"c=3",
	} {
		_ = d.SetCookie(s)
	}
	for _, step := range []struct {
		advance time.Duration
		want    string
	}{{0, "a=1; b=2; c=3"}, {time.Minute, "b=2; c=3"}, {time.Minute, "c=3"}} {
		wall.Advance(step.advance)
		if got, _ := d.Cookie(); got != step.want {
			t.Errorf("after %v: document.cookie = %q, want %q", step.advance, got, step.want)
		}
	}
	if on, _ := d.CookieEnabled(); !on {
		t.Error("CookieEnabled = false")
	}
	d.blocked = true
	if on, _ := d.CookieEnabled(); on {
		t.Error("CookieEnabled = true with cookies blocked")
	}
	d.err = errors.New("SecurityError")
	if _, err := d.Cookie(); err == nil {
		t.Error("Cookie: no error")
	}
	if err := d.SetCookie("a=1"); err == nil {
		t.Error("SetCookie: no error")
	}
	if _, err := d.CookieEnabled(); err == nil {
		t.Error("CookieEnabled: no error")
	}
}
