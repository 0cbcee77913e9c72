// Package browserjar is the learner's cookie jar in the browser lab: the
// page's real document.cookie, reached through safejs, with a partitioned and
// an in-memory fallback for pages that may not keep plain cookies.
package browserjar

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/stickylab/stickylab/engine"
)

// written is what the jar remembers of a cookie it wrote, since
// document.cookie shows only name=value.
type written struct {
	cookie      engine.StoredCookie // as written; Expires on the simulated clock
	partitioned bool
	seq         int // order of first writing
}

// Jar is an engine.InspectableJar on the page's real document.cookie, read afresh on each call so
// DevTools edits apply; its cookies get the site's Path and Expires on the browser's clock. It falls
// back to partitioned cookies in a cross-site frame, or to memory. Safe for concurrent use.
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

// newJar returns a jar on doc with Path from basePath. A probe cookie picks the mode: plain under
// that path, else under "/", else partitioned likewise, else memory (as for a nil or failing doc).
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
	case j.probe(j.path, false):
	case j.path != "/" && j.probe("/", false):
		j.path = "/"
	case j.probe(j.path, true):
		j.state = State{Mode: Partitioned, Reason: CrossSiteFrame}
	case j.path != "/" && j.probe("/", true):
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

// Header returns the Cookie header at now: what document.cookie holds (edits made elsewhere
// included), without the probe cookie and the jar's cookies expired on the simulated clock.
func (j *Jar) Header(now time.Time) string {
	j.mu.Lock()
	defer j.mu.Unlock()
	if cs, ok := j.read(now); ok {
		return engine.CookieHeader(cs)
	}
	return j.mem.Header(now)
}

// read returns the cookies document.cookie shows at now (visible), or ok
// false when the jar keeps them in memory, falling back to memory for good
// if document.cookie cannot be read. j.mu is held.
func (j *Jar) read(now time.Time) (cs []engine.StoredCookie, ok bool) {
	if j.state.Mode == Memory {
		return nil, false
	}
	cs, err := j.visible(now)
	if err != nil {
		j.fallBack(now, State{Mode: Memory, Reason: Sandboxed})
		return nil, false
	}
	return cs, true
}

// Store writes one Set-Cookie header to document.cookie and checks that it stuck; if not, it retries
// partitioned, then falls back to memory for good (State says why) and still returns nil. It returns
// an error for a header that names no cookie, or a cookie no browser would store.
func (j *Jar) Store(now time.Time, setCookie string) error {
	c, err := engine.ParseSetCookie(now, setCookie)
	if err != nil {
		return err
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.store(now, c)
}

// SetCookies stores each cookie of a response as Store stores its
// Set-Cookie header, and returns the first error. It writes them all, then
// reads document.cookie once to check which stuck (storeAll); those that did
// not take store's way (partitioned, then memory).
func (j *Jar) SetCookies(now time.Time, cs []engine.StoredCookie) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if len(cs) > 1 && j.state.Mode != Memory && distinctNames(cs) {
		return j.storeAll(now, cs)
	}
	return j.storeEach(now, cs)
}

// storeAll is SetCookies for cookies of distinct names outside memory, with
// j.mu held: one read of document.cookie checks every write (store reads it
// after each, a round trip to the browser's cookie store). From the first
// cookie that did not stick on, it undoes its later writes and goes on as
// store does, one cookie at a time.
func (j *Jar) storeAll(now time.Time, cs []engine.StoredCookie) error {
	for _, c := range cs {
		if !engine.ValidCookieName(c.Name) || storable(c) != nil || (!c.Expires.IsZero() && !c.Expires.After(now)) {
			return j.storeEach(now, cs)
		}
	}
	partitioned := j.state.Mode == Partitioned
	for _, c := range cs {
		w := j.placed(c)
		_ = j.doc.SetCookie(assignment(w, j.browserExpiry(now, w), partitioned)) // checked below
	}
	held, err := readCookies(j.doc)
	for i, c := range cs {
		if err == nil && slices.ContainsFunc(held, func(h engine.StoredCookie) bool { return h.Name == c.Name && h.Value == c.Value }) {
			j.remember(j.placed(c), partitioned)
			continue
		}
		for _, later := range cs[i+1:] {
			j.expire(later.Name, j.path, partitioned)
		}
		return j.storeEach(now, cs[i:])
	}
	return nil
}

// storeEach stores cs one by one, with j.mu held, and returns the first error.
func (j *Jar) storeEach(now time.Time, cs []engine.StoredCookie) error {
	var first error
	for _, c := range cs {
		if err := j.store(now, c); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// distinctNames reports whether no two cookies of cs share a name.
func distinctNames(cs []engine.StoredCookie) bool {
	for i := range cs {
		for k := i + 1; k < len(cs); k++ {
			if cs[i].Name == cs[k].Name {
				return false
			}
		}
	}
	return true
}

// placed returns c as the jar writes it: its path, and SameSite=None;
// Secure when partitioned.
func (j *Jar) placed(c engine.StoredCookie) engine.StoredCookie {
	c.Path = j.path
	if j.state.Mode == Partitioned {
		c.SameSite, c.Secure = "None", true
	}
	return c
}

// store is Store for a parsed cookie, with j.mu held.
func (j *Jar) store(now time.Time, c engine.StoredCookie) error {
	if !engine.ValidCookieName(c.Name) {
		return fmt.Errorf("%w: cookie name %q", engine.ErrBadSetCookie, c.Name)
	}
	if j.state.Mode == Memory {
		j.mem.Put(now, c)
		return nil
	}
	if err := storable(c); err != nil {
		return err
	}
	if !c.Expires.IsZero() && !c.Expires.After(now) {
		j.delete(c.Name)
		return nil
	}
	w := j.placed(c)
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
	if j.state.Mode == Document && j.probe(j.path, false) {
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

// Cookies returns the cookies a request at now carries: document.cookie
// (edits made elsewhere included) as the load balancer reads it, without
// the probe cookie and the jar's cookies expired on the simulated clock.
func (j *Jar) Cookies(now time.Time) []engine.StoredCookie {
	j.mu.Lock()
	defer j.mu.Unlock()
	if cs, ok := j.read(now); ok {
		// The browser sends document.cookie as the Cookie header.
		return engine.ParseCookieHeader(engine.CookieHeader(cs))
	}
	return slices.Clone(j.mem.Cookies(now)) // the memory jar's own slice
}

// All returns document.cookie's cookies at now, sorted by name. One whose value the jar last
// wrote has the attributes it was written with; one set elsewhere only its value (all it shows).
func (j *Jar) All(now time.Time) []engine.StoredCookie {
	j.mu.Lock()
	defer j.mu.Unlock()
	if cs, ok := j.read(now); ok {
		return j.merge(cs)
	}
	return j.mem.All(now)
}

// Views returns All(now) and Cookies(now) from one read of document.cookie.
func (j *Jar) Views(now time.Time) (all, sent []engine.StoredCookie) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if cs, ok := j.read(now); ok {
		return j.merge(cs), engine.ParseCookieHeader(engine.CookieHeader(cs))
	}
	return j.mem.All(now), slices.Clone(j.mem.Cookies(now))
}

// merge returns cs sorted by name, each with the attributes it is known by.
func (j *Jar) merge(cs []engine.StoredCookie) []engine.StoredCookie {
	out := make([]engine.StoredCookie, 0, len(cs))
	for _, c := range cs {
		out = append(out, j.known(c))
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Name < out[b].Name })
	return out
}

// known returns c, read from document.cookie, with the attributes the jar
// wrote it with if its value is the one the jar last wrote.
func (j *Jar) known(c engine.StoredCookie) engine.StoredCookie {
	if w, ok := j.written[c.Name]; ok && w.cookie.Value == c.Value {
		return w.cookie
	}
	return c
}

// Delete expires the cookie called name under the jar's path, the same with a trailing slash and
// "/", plain and partitioned, so that a copy made in DevTools goes too.
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
	cs, _ := readCookies(j.doc) // on error, nothing is visible
	for _, c := range cs {
		if c.Name != probeCookie {
			j.delete(c.Name)
		}
	}
	// A nameless cookie (made in DevTools) shows as its bare value, which
	// the parser skips; it is deleted by its empty name and path alone.
	for _, p := range []string{j.path, "/"} {
		nameless := engine.StoredCookie{Value: "-", Path: p}
		_ = j.doc.SetCookie(assignment(nameless, time.Unix(0, 0), false))
	}
	for name := range j.written {
		j.delete(name)
	}
}

// paths returns the paths a copy of the jar's cookies may live under: the
// jar's path and, below the root, the same with a trailing slash, and "/".
func (j *Jar) paths() []string {
	if j.path == "/" {
		return []string{"/"}
	}
	return []string{j.path, j.path + "/", "/"}
}

// delete writes name expired under every path variant, plain and
// partitioned, and forgets what the jar wrote for it.
func (j *Jar) delete(name string) {
	delete(j.written, name)
	if name == "" {
		return
	}
	for _, p := range j.paths() {
		j.expire(name, p, false)
		j.expire(name, p, true)
	}
}

// expire deletes the cookie called name under path, plain or partitioned.
func (j *Jar) expire(name, path string, partitioned bool) {
	_ = j.doc.SetCookie(deletion(name, path, partitioned)) // best effort: a browser that refuses it holds nothing to delete
}

// write writes c (Expires on the simulated clock at now) to document.cookie
// and reports whether it stuck; if so it remembers c.
func (j *Jar) write(now time.Time, c engine.StoredCookie, partitioned bool) bool {
	if err := j.doc.SetCookie(assignment(c, j.browserExpiry(now, c), partitioned)); err != nil || !j.holds(c.Name, c.Value) {
		return false
	}
	j.remember(c, partitioned)
	return true
}

// browserExpiry returns c's Expires (on the simulated clock at now) on the
// browser's clock, zero for a session cookie.
func (j *Jar) browserExpiry(now time.Time, c engine.StoredCookie) time.Time {
	if c.Expires.IsZero() {
		return time.Time{}
	}
	return j.wall().Add(c.Expires.Sub(now))
}

// remember notes that c stuck in document.cookie as written.
func (j *Jar) remember(c engine.StoredCookie, partitioned bool) {
	w, ok := j.written[c.Name]
	if !ok {
		j.seq++
		w.seq = j.seq
	}
	w.cookie, w.partitioned = c, partitioned
	j.written[c.Name] = w
}

// probe writes and deletes a test cookie under path, plain or partitioned,
// and reports whether it stuck.
func (j *Jar) probe(path string, partitioned bool) bool {
	j.seq++
	c := engine.StoredCookie{Name: probeCookie, Path: path}
	c.Value = strconv.FormatInt(j.wall().UnixNano(), 36) + "-" + strconv.Itoa(j.seq)
	if partitioned {
		c.SameSite, c.Secure = "None", true
	}
	if err := j.doc.SetCookie(assignment(c, time.Time{}, partitioned)); err != nil {
		return false
	}
	ok := j.holds(c.Name, c.Value)
	j.expire(probeCookie, path, partitioned)
	return ok
}

// holds reports whether document.cookie shows name=value.
func (j *Jar) holds(name, value string) bool {
	cs, err := readCookies(j.doc)
	if err != nil {
		return false
	}
	for _, c := range cs {
		if c.Name == name && c.Value == value {
			return true
		}
	}
	return false
}

// visible returns the cookies of document.cookie without the probe cookie,
// after deleting the cookies the jar wrote that have expired at now on the
// simulated clock.
func (j *Jar) visible(now time.Time) ([]engine.StoredCookie, error) {
	all, err := readCookies(j.doc)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, c := range all {
		if c.Name == probeCookie {
			continue
		}
		if w, ok := j.written[c.Name]; ok && w.cookie.Value == c.Value &&
			!w.cookie.Expires.IsZero() && !w.cookie.Expires.After(now) {
			j.expire(c.Name, w.cookie.Path, w.partitioned)
			delete(j.written, c.Name)
			continue
		}
		out = append(out, c)
	}
	return out, nil
}

// fallBack moves the jar to memory for good, in state st, with the cookies it knows: document.cookie's,
// then those it wrote that the browser now hides. It deletes from document.cookie what it wrote.
func (j *Jar) fallBack(now time.Time, st State) {
	if j.state.Mode == Memory {
		return
	}
	cs, _ := j.visible(now) // on error, nothing is visible
	seen := make(map[string]bool, len(cs))
	for _, c := range cs {
		if !seen[c.Name] {
			j.mem.Put(now, j.known(c))
		}
		seen[c.Name] = true
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
		j.expire(name, w.cookie.Path, w.partitioned)
	}
	clear(j.written)
	j.state = st
}
