// Package browserjar is the learner's cookie jar in the browser lab: the
// page's real document.cookie, reached through safejs, with a partitioned and
// an in-memory fallback for pages that may not keep plain cookies.
package browserjar

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/stickylab/stickylab/engine"
)

// document is the page's cookie store as document.cookie exposes it. Reading
// gives the name=value pairs visible to the page; writing applies one
// Set-Cookie string, and the browser silently ignores a cookie it refuses.
// The browser implementation is in document_js.go; document_other.go
// emulates it for native builds and tests.
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

// expiredDate is an Expires value that deletes a cookie.
const expiredDate = "Thu, 01 Jan 1970 00:00:00 GMT"

// partitionedAttrs are the attributes a cookie needs to be stored in a
// cross-site frame when third-party cookies are blocked (REFERENCE.md §9).
const partitionedAttrs = "; SameSite=None; Secure; Partitioned"

// maxCookieSize is the largest name plus value a browser stores (RFC 6265bis).
const maxCookieSize = 4096

// written is what the jar remembers of a cookie it wrote, since
// document.cookie shows only name=value.
type written struct {
	cookie      engine.StoredCookie // as written; Expires on the simulated clock
	partitioned bool
	seq         int // order of first writing
}

// Jar is an engine.InspectableJar backed by the page's real
// document.cookie, so the lab's cookies show in DevTools and edits made there
// (or in another tab) apply to the next request: every call reads
// document.cookie afresh.
//
// Cookies are written with Path set to the site's base path, and their
// Expires is moved from the simulated clock to the browser's clock at the
// same distance, so the browser enforces the 7-day expiry; the jar also
// drops a cookie it wrote once it has expired on the simulated clock.
//
// In a cross-site frame the jar writes its cookies partitioned; when the
// browser refuses cookies altogether it keeps them in memory instead. State
// tells which, and why. A Jar is safe for concurrent use.
type Jar struct {
	mu      sync.Mutex
	doc     document
	path    string
	state   State
	mem     engine.MemoryJar
	written map[string]written
	wall    func() time.Time // the browser's clock
	seq     int
}

var _ engine.InspectableJar = (*Jar)(nil)

// newJar returns a jar that stores cookies in doc with Path set to
// basePath, the path the site is served under ("" or "/" for the root, or
// e.g. "/stickylab" on GitHub Pages; a trailing slash, query or scheme and
// host are dropped). It probes doc by writing and deleting a test cookie: if
// a cookie under basePath does not stick but one under "/" does, the jar
// uses "/"; if only a partitioned cookie sticks, it writes partitioned
// cookies; if none sticks, or doc is nil or fails, it keeps cookies in
// memory. State says which.
func newJar(doc document, basePath string) *Jar {
	j := &Jar{
		doc:     doc,
		path:    cookiePath(basePath),
		written: make(map[string]written),
		wall:    time.Now,
	}
	if doc == nil {
		j.state = State{Mode: Memory, Reason: Sandboxed}
		return j
	}
	if _, err := doc.Cookie(); err != nil {
		j.state = State{Mode: Memory, Reason: Sandboxed}
		return j
	}
	switch {
	case j.probe(j.path, ""):
	case j.path != "/" && j.probe("/", ""):
		j.path = "/"
	case j.probe(j.path, partitionedAttrs):
		j.state = State{Mode: Partitioned, Reason: CrossSiteFrame}
	case j.path != "/" && j.probe("/", partitionedAttrs):
		j.path = "/"
		j.state = State{Mode: Partitioned, Reason: CrossSiteFrame}
	default:
		j.state = State{Mode: Memory, Reason: Blocked}
		if ce, ok := doc.(cookieEnabler); ok {
			if on, err := ce.CookieEnabled(); err == nil && !on {
				j.state.Reason = Disabled
			}
		}
	}
	return j
}

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
	for i := 0; i < len(base); i++ {
		if b := base[i]; b < 0x20 || b == 0x7f || b == ';' {
			return "/"
		}
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

// State returns where the jar keeps its cookies, and why.
func (j *Jar) State() State {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.state
}

// Path returns the Path attribute the jar writes its cookies with.
func (j *Jar) Path() string {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.path
}

// Header returns the Cookie header for a request at now: document.cookie as
// the browser holds it (whatever DevTools or another tab did to it), without
// the probe cookie and without cookies the jar wrote that have expired on the
// simulated clock. In memory mode it returns the memory jar's header.
func (j *Jar) Header(now time.Time) string {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.state.Mode == Memory {
		return j.mem.Header(now)
	}
	pairs, err := j.visible(now)
	if err != nil {
		j.fallBack(now, State{Mode: Memory, Reason: Sandboxed})
		return j.mem.Header(now)
	}
	var b strings.Builder
	for i, p := range pairs {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(p.raw)
	}
	return b.String()
}

// Store applies one Set-Cookie header received at now. It writes the cookie
// to document.cookie with Path set to the jar's path, Expires moved to the
// browser's clock, and SameSite and Secure kept (HttpOnly, Domain and other
// attributes are dropped: a page cannot set them). A cookie that is already
// expired, by Expires or Max-Age, deletes its namesake.
//
// Store reads document.cookie back to check that the cookie stuck. If it did
// not, Store retries once as a partitioned cookie (SameSite=None; Secure;
// Partitioned) and, if that sticks, writes partitioned cookies from then on.
// Otherwise the jar moves what it knows, and this cookie, to memory for good
// and State says why; Store still returns nil, since the jar holds the
// cookie. It returns an error for a header that names no cookie or a cookie
// no browser could store (control characters, more than 4096 bytes).
func (j *Jar) Store(now time.Time, setCookie string) error {
	c, err := engine.ParseSetCookie(now, setCookie)
	if err != nil {
		return err
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.state.Mode == Memory {
		return j.mem.Store(now, setCookie)
	}
	if err := storable(c); err != nil {
		return err
	}
	if !c.Expires.IsZero() && !c.Expires.After(now) {
		j.delete(c.Name)
		return nil
	}
	w := c
	w.Path = j.path
	if j.state.Mode == Partitioned {
		w.SameSite, w.Secure = "None", true
	}
	if j.write(now, w, j.state.Mode == Partitioned) {
		return nil
	}
	if j.state.Mode == Document {
		p := w
		p.SameSite, p.Secure = "None", true
		if j.write(now, p, true) {
			j.state = State{Mode: Partitioned, Reason: CrossSiteFrame}
			return nil
		}
	}
	st := State{Mode: Memory, Reason: Blocked}
	if j.state.Mode == Document && j.probe(j.path, "") {
		// Cookies in general stick; this one was refused.
		st.Reason, st.Cookie = CookieRefused, c.Name
		if c.Secure {
			st.Reason = InsecurePage
		}
	}
	j.fallBack(now, st)
	j.mem.Put(now, c)
	return nil
}

// storable returns an error when no browser would store c.
func storable(c engine.StoredCookie) error {
	if c.Name == probeCookie {
		return fmt.Errorf("cookie name %q is reserved for the lab's cookie probe", c.Name)
	}
	if len(c.Name)+len(c.Value) > maxCookieSize {
		return fmt.Errorf("cookie %s is %d bytes; browsers store at most %d", c.Name, len(c.Name)+len(c.Value), maxCookieSize)
	}
	if hasCTL(c.Name) || hasCTL(c.Value) || hasCTL(c.SameSite) {
		return fmt.Errorf("cookie %q contains a control character; browsers refuse it", c.Name)
	}
	return nil
}

func hasCTL(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			return true
		}
	}
	return false
}

// Cookies returns the cookies document.cookie holds at now, sorted by name,
// without the probe cookie. A cookie whose value is the one the jar last
// wrote carries the attributes it was written with (Expires on the simulated
// clock); one added or edited elsewhere, such as in DevTools, carries its
// current value and no attributes, since document.cookie does not show them.
func (j *Jar) Cookies(now time.Time) []engine.StoredCookie {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.state.Mode == Memory {
		return j.mem.Cookies(now)
	}
	pairs, err := j.visible(now)
	if err != nil {
		j.fallBack(now, State{Mode: Memory, Reason: Sandboxed})
		return j.mem.Cookies(now)
	}
	return j.merge(pairs)
}

func (j *Jar) merge(pairs []pair) []engine.StoredCookie {
	out := make([]engine.StoredCookie, 0, len(pairs))
	for _, p := range pairs {
		c := engine.StoredCookie{Name: p.name, Value: p.value}
		if w, ok := j.written[p.name]; ok && w.cookie.Value == p.value {
			c = w.cookie
		}
		out = append(out, c)
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Name < out[b].Name })
	return out
}

// Delete removes the cookie called name from document.cookie: it writes it
// expired under the jar's path, the same path with a trailing slash and "/",
// each plain and partitioned, so it also removes a copy DevTools made.
func (j *Jar) Delete(name string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.state.Mode == Memory {
		j.mem.Delete(name)
		return
	}
	j.delete(name)
}

// Clear deletes every cookie visible in document.cookie (except the probe),
// or every cookie in memory.
func (j *Jar) Clear() {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.state.Mode == Memory {
		j.mem.Clear()
		return
	}
	s, _ := j.doc.Cookie()
	for _, p := range splitCookies(s) {
		switch {
		case p.name == probeCookie:
		case p.name == "" && !strings.Contains(p.raw, "="):
			// A nameless cookie shows as its bare value; "=value" names it.
			j.expire("="+p.value, j.path, false)
			j.expire("="+p.value, "/", false)
		default:
			j.delete(p.name)
		}
	}
	for name := range j.written {
		j.delete(name)
	}
}

// delete writes name expired under every path variant, plain and
// partitioned, and forgets what the jar wrote for it.
func (j *Jar) delete(name string) {
	delete(j.written, name)
	if name == "" {
		return
	}
	paths := []string{j.path}
	if j.path != "/" {
		paths = append(paths, j.path+"/", "/")
	}
	for _, p := range paths {
		j.expire(name+"=", p, false)
		j.expire(name+"=", p, true)
	}
}

// expire writes the name=value pair nv with an Expires in the past.
func (j *Jar) expire(nv, path string, partitioned bool) {
	h := nv + "; Expires=" + expiredDate + "; Path=" + path
	if partitioned {
		h += partitionedAttrs
	}
	_ = j.doc.SetCookie(h) // best effort: a browser that refuses it holds nothing to delete
}

// write writes c (Expires on the simulated clock at now) to document.cookie
// and reports whether it stuck; if so it remembers c.
func (j *Jar) write(now time.Time, c engine.StoredCookie, partitioned bool) bool {
	var b strings.Builder
	b.WriteString(c.Name)
	b.WriteByte('=')
	b.WriteString(c.Value)
	if !c.Expires.IsZero() {
		b.WriteString("; Expires=")
		b.WriteString(j.wall().Add(c.Expires.Sub(now)).UTC().Format(engine.TimeFormat))
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
	if err := j.doc.SetCookie(b.String()); err != nil || !j.holds(c.Name, c.Value) {
		return false
	}
	w, ok := j.written[c.Name]
	if !ok {
		j.seq++
		w.seq = j.seq
	}
	w.cookie, w.partitioned = c, partitioned
	j.written[c.Name] = w
	return true
}

// probe writes and deletes a test cookie under path with the extra
// attributes, and reports whether it stuck.
func (j *Jar) probe(path, extra string) bool {
	j.seq++
	value := strconv.FormatInt(j.wall().UnixNano(), 36) + "-" + strconv.Itoa(j.seq)
	if err := j.doc.SetCookie(probeCookie + "=" + value + "; Path=" + path + extra); err != nil {
		return false
	}
	ok := j.holds(probeCookie, value)
	j.expire(probeCookie+"=", path, extra != "")
	return ok
}

// holds reports whether document.cookie shows name=value.
func (j *Jar) holds(name, value string) bool {
	s, err := j.doc.Cookie()
	if err != nil {
		return false
	}
	for _, p := range splitCookies(s) {
		if p.name == name && p.value == value {
			return true
		}
	}
	return false
}

// visible returns the pairs of document.cookie without the probe cookie,
// after deleting the cookies the jar wrote that have expired at now on the
// simulated clock.
func (j *Jar) visible(now time.Time) ([]pair, error) {
	s, err := j.doc.Cookie()
	if err != nil {
		return nil, err
	}
	all := splitCookies(s)
	out := all[:0]
	for _, p := range all {
		if p.name == probeCookie {
			continue
		}
		if w, ok := j.written[p.name]; ok && w.cookie.Value == p.value &&
			!w.cookie.Expires.IsZero() && !w.cookie.Expires.After(now) {
			j.expire(p.name+"=", w.cookie.Path, w.partitioned)
			delete(j.written, p.name)
			continue
		}
		out = append(out, p)
	}
	return out, nil
}

// fallBack moves the jar to memory for good, keeping the cookies it knows
// of: those document.cookie shows, in its order, then those the jar wrote
// that it no longer shows (a browser that starts blocking cookies hides
// them). It deletes from document.cookie the cookies it wrote.
func (j *Jar) fallBack(now time.Time, st State) {
	if j.state.Mode == Memory {
		return
	}
	pairs, _ := j.visible(now) // on error, nothing is visible
	seen := make(map[string]bool, len(pairs))
	for _, p := range pairs {
		c := engine.StoredCookie{Name: p.name, Value: p.value}
		if w, ok := j.written[p.name]; ok && w.cookie.Value == p.value {
			c = w.cookie
		}
		if p.name != "" && !seen[p.name] {
			j.mem.Put(now, c)
		}
		seen[p.name] = true
	}
	hidden := make([]written, 0, len(j.written))
	for name, w := range j.written {
		if !seen[name] {
			hidden = append(hidden, w)
		}
	}
	sort.Slice(hidden, func(a, b int) bool { return hidden[a].seq < hidden[b].seq })
	for _, w := range hidden {
		j.mem.Put(now, w.cookie)
	}
	for name, w := range j.written {
		j.expire(name+"=", w.cookie.Path, w.partitioned)
	}
	clear(j.written)
	j.state = st
}

// pair is one entry of document.cookie.
type pair struct {
	name, value string
	raw         string // as document.cookie shows it
}

// splitCookies splits document.cookie into its entries. An entry without
// "=" is a nameless cookie, shown as its bare value.
func splitCookies(s string) []pair {
	var out []pair
	for s != "" {
		var part string
		part, s, _ = strings.Cut(s, ";")
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, value, ok := strings.Cut(part, "=")
		if !ok {
			name, value = "", part
		}
		out = append(out, pair{name: strings.TrimSpace(name), value: strings.TrimSpace(value), raw: part})
	}
	return out
}
