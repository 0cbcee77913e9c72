package engine

import (
	"errors"
	"sort"
	"strings"
	"time"
	"unsafe"
)

// ErrCookiesBlocked is returned by a CookieJar that refuses to store cookies.
var ErrCookiesBlocked = errors.New("cookies are blocked by this client")

// CookieJar is a client's cookie store, shaped like net/http/cookiejar:
// the load balancer takes a request's cookies from it and hands it the
// response's. MemoryJar is one; the browser lab's document.cookie is another.
type CookieJar interface {
	// Cookies returns the cookies a request sent at now carries, in order;
	// Name and Value are what the server reads (other fields may be set).
	// The slice is read-only and valid until the jar changes.
	Cookies(now time.Time) []StoredCookie
	// SetCookies stores a response's cookies, received at now (one that
	// has expired deletes its namesake); it does not keep cs. It returns
	// an error when a cookie was not stored.
	SetCookies(now time.Time, cs []StoredCookie) error
	// Clear deletes every cookie in the jar.
	Clear()
}

// StoredCookie is one cookie held by a jar, with the attributes it was set
// with.
type StoredCookie struct {
	Name     string
	Value    string
	Expires  time.Time // zero for a session cookie
	Path     string
	SameSite string
	Secure   bool
}

// MemoryJar is a CookieJar that keeps cookies in memory and expires them by
// the simulated clock, as a browser would. The zero value is ready to use.
type MemoryJar struct {
	cookies []StoredCookie
	header  string
	dirty   bool
	// nextExpiry is the earliest Expires among the cookies (zero: none
	// expires), so Header skips the expiry scan until then.
	nextExpiry time.Time
	// odd counts the cookies that the Cookie header would not carry as
	// they are stored (see plainCookie); while it is 0, the load balancer
	// can read values from the jar instead of parsing its header.
	odd int
	// sweptAt is when (UnixNano) Cookies last evicted the expired cookies.
	sweptAt int64
	// Blocked makes the jar refuse every cookie, like a browser with
	// cookies disabled.
	Blocked bool
}

var _ CookieJar = (*MemoryJar)(nil)

// Cookies returns the cookies that have not expired at now, in the order
// they were first set. While every cookie is plain (see plainCookie) that
// is the jar's own slice; otherwise it is its Cookie header, parsed.
func (j *MemoryJar) Cookies(now time.Time) []StoredCookie {
	if j.plain(now) {
		return j.cookies
	}
	return ParseCookieHeader(j.Header(now))
}

// Header renders the Cookie header for the cookies that have not expired
// at now, in the order they were first set.
func (j *MemoryJar) Header(now time.Time) string {
	j.evict(now)
	if j.dirty {
		j.header = CookieHeader(j.cookies)
		j.dirty = false
	}
	return j.header
}

// evict drops the cookies that have expired at now.
func (j *MemoryJar) evict(now time.Time) {
	if j.nextExpiry.IsZero() || now.Before(j.nextExpiry) {
		return
	}
	n := 0
	j.nextExpiry = time.Time{}
	for i := range j.cookies {
		c := &j.cookies[i]
		if c.Expires.IsZero() || c.Expires.After(now) {
			if n != i {
				j.cookies[n] = *c
			}
			n++
			j.noteExpiry(c.Expires)
		} else if j.odd > 0 && !plainCookie(c.Name, c.Value) {
			j.odd--
		}
	}
	if n != len(j.cookies) {
		clear(j.cookies[n:])
		j.cookies = j.cookies[:n]
		j.dirty = true
	}
}

// plainCookie reports whether the Cookie header carries a cookie called
// name with this value as it is: parsing the header gives back the same
// name and value (nextCookie trims spaces and tabs, unquotes, and splits at
// ';' and at the first '=').
func plainCookie(name, value string) bool {
	edge := func(c byte) bool { return c == ' ' || c == '\t' }
	if name == "" || strings.IndexByte(name, ';') >= 0 || strings.IndexByte(name, '=') >= 0 ||
		strings.IndexByte(value, ';') >= 0 {
		return false
	}
	if name != "" && (edge(name[0]) || edge(name[len(name)-1])) {
		return false
	}
	if value != "" && (edge(value[0]) || edge(value[len(value)-1])) {
		return false
	}
	return len(value) < 2 || value[0] != '"' || value[len(value)-1] != '"'
}

// plain reports whether Header(now) would carry every cookie of the jar
// as it is stored, so that Cookies can hand out the jar's own slice.
func (j *MemoryJar) plain(now time.Time) bool {
	j.evict(now)
	j.sweptAt = now.UnixNano()
	return j.odd == 0
}

// Store parses setCookie and stores, replaces or (when it is already expired)
// deletes the cookie it names.
func (j *MemoryJar) Store(now time.Time, setCookie string) error {
	if j.Blocked {
		return ErrCookiesBlocked
	}
	c, err := ParseSetCookie(now, setCookie)
	if err != nil {
		return err
	}
	j.Put(now, c)
	return nil
}

// sameString reports whether a and b are equal, without comparing their
// bytes when they share them, as the load balancer's cookies re-issued
// within one second do.
func sameString(a, b string) bool {
	return sameData(a, b) || len(a) == len(b) && a == b
}

// sameData reports whether a and b are the very same bytes in memory.
func sameData(a, b string) bool {
	return len(a) == len(b) && unsafe.StringData(a) == unsafe.StringData(b)
}

func (j *MemoryJar) noteExpiry(t time.Time) {
	if !t.IsZero() && (j.nextExpiry.IsZero() || t.Before(j.nextExpiry)) {
		j.nextExpiry = t
	}
}

// SetCookies stores each of cs as Put does.
func (j *MemoryJar) SetCookies(now time.Time, cs []StoredCookie) error {
	if j.Blocked {
		return ErrCookiesBlocked
	}
	for i := range cs {
		j.put(now, &cs[i], false)
	}
	return nil
}

// take stores a response's cookies, which the load balancer and its
// application made: plain and not expired. A jar swept at now (its
// Cookies read for this request) takes them without put's expiry checks.
func (j *MemoryJar) take(now time.Time, cs []StoredCookie) error {
	if j.Blocked {
		return ErrCookiesBlocked
	}
	swept := now.UnixNano() == j.sweptAt
	for i := range cs {
		if swept {
			j.reissue(&cs[i])
		} else {
			j.put(now, &cs[i], true)
		}
	}
	return nil
}

// Put stores c as if a Set-Cookie header carrying it had been received at
// now; a cookie that expires at or before now deletes its namesake.
func (j *MemoryJar) Put(now time.Time, c StoredCookie) { j.put(now, &c, false) }

// put is Put; plain tells that c is known to be plain (see plainCookie),
// as the load balancer's own cookies are.
func (j *MemoryJar) put(now time.Time, c *StoredCookie, plain bool) {
	j.dirty = true
	for i := range j.cookies {
		if sameString(j.cookies[i].Name, c.Name) {
			old := j.cookies[i].Expires
			if !c.Expires.IsZero() && !c.Expires.After(now) || !old.IsZero() && !old.After(now) {
				// Deleted; or the namesake has expired, so a browser
				// has evicted it and the new cookie goes last. Either
				// way the order does not depend on whether Header ran
				// since the namesake expired.
				j.remove(i)
				break
			}
			j.update(&j.cookies[i], c, plain)
			return
		}
	}
	if !c.Expires.IsZero() && !c.Expires.After(now) {
		return
	}
	j.add(c, plain)
}

// reissue is put for a plain, unexpired cookie into a jar evict swept at
// the same time: no namesake can have expired either, so put's expiry
// checks are skipped. It is how a crowd client's jar takes each response.
func (j *MemoryJar) reissue(c *StoredCookie) {
	j.dirty = true
	for i := range j.cookies {
		if sameString(j.cookies[i].Name, c.Name) {
			j.update(&j.cookies[i], c, true)
			return
		}
	}
	j.add(c, true)
}

// update gives cur, the namesake of c in the jar, c's value, expiry and
// attributes. plain tells that c is known to be plain.
func (j *MemoryJar) update(cur, c *StoredCookie, plain bool) {
	// Write only what changed: a re-issued cookie changes its value and
	// expiry, and each string written is a pointer write the collector
	// may have to track.
	if !sameData(cur.Value, c.Value) {
		// Not the very same string: written without comparing bytes,
		// since a value re-issued a second later differs anyway.
		// With no odd cookie in the jar, the old one was plain.
		if j.odd > 0 && !plainCookie(cur.Name, cur.Value) {
			j.odd--
		}
		if !plain && !plainCookie(c.Name, c.Value) {
			j.odd++
		}
		cur.Value = c.Value
	}
	old := cur.Expires
	cur.Expires = c.Expires
	if !sameString(cur.Path, c.Path) || !sameString(cur.SameSite, c.SameSite) || cur.Secure != c.Secure {
		cur.Path, cur.SameSite, cur.Secure = c.Path, c.SameSite, c.Secure
	}
	// nextExpiry may be left earlier than every cookie's expiry: evict
	// then scans once for nothing and sets it right. Only an earlier
	// expiry must be noted.
	if old.IsZero() || c.Expires.Before(old) {
		j.noteExpiry(c.Expires)
	}
}

// add appends c, which the jar holds no namesake of.
func (j *MemoryJar) add(c *StoredCookie, plain bool) {
	if !plain && !plainCookie(c.Name, c.Value) {
		j.odd++
	}
	j.cookies = append(j.cookies, *c)
	j.noteExpiry(c.Expires)
}

// remove drops the i-th cookie.
func (j *MemoryJar) remove(i int) {
	if j.odd > 0 && !plainCookie(j.cookies[i].Name, j.cookies[i].Value) {
		j.odd--
	}
	j.cookies = append(j.cookies[:i], j.cookies[i+1:]...)
	j.dirty = true
}

// Delete removes the cookie called name, if the jar holds one.
func (j *MemoryJar) Delete(name string) {
	for i := range j.cookies {
		if j.cookies[i].Name == name {
			j.remove(i)
			return
		}
	}
}

// Clear deletes every cookie.
func (j *MemoryJar) Clear() {
	if len(j.cookies) > 0 {
		clear(j.cookies)
		j.cookies = j.cookies[:0]
		j.dirty = true
		j.odd = 0
	}
}

// All returns a copy of the cookies that have not expired at now, with
// their attributes, sorted by name.
func (j *MemoryJar) All(now time.Time) []StoredCookie {
	out := make([]StoredCookie, 0, len(j.cookies))
	for _, c := range j.cookies {
		if c.Expires.IsZero() || c.Expires.After(now) {
			out = append(out, c)
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Name < out[b].Name })
	return out
}

// InspectableJar is a CookieJar whose cookies can be listed and deleted one
// by one, as in the browser's DevTools. MemoryJar is one; the browser lab's
// document.cookie jar is another.
type InspectableJar interface {
	CookieJar
	// All returns the cookies held at now, with their attributes, sorted
	// by name, as DevTools lists them.
	All(now time.Time) []StoredCookie
	// Delete removes the cookie called name, if the jar holds one.
	Delete(name string)
}

var _ InspectableJar = (*MemoryJar)(nil)
