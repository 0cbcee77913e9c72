//go:build !(js && wasm)

package browserjar

import (
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stickylab/stickylab/engine"
)

// The simulated clock and the browser's clock differ on purpose: the jar
// must move Expires from one to the other.
var (
	simStart  = time.Date(2026, 12, 2, 11, 0, 0, 0, time.UTC)
	wallStart = time.Date(2030, 5, 17, 8, 30, 0, 0, time.UTC)
)

// expiredDate is an Expires value that deletes a cookie.
const expiredDate = "Thu, 01 Jan 1970 00:00:00 GMT"

// clock is a settable clock.
type clock struct{ t time.Time }

func (c *clock) Now() time.Time          { return c.t }
func (c *clock) Advance(d time.Duration) { c.t = c.t.Add(d) }

// recorder is a document that records what is written to it.
type recorder struct {
	document
	sets []string
}

func (r *recorder) SetCookie(s string) error {
	r.sets = append(r.sets, s)
	return r.document.SetCookie(s)
}

// CookieEnabled forwards to the wrapped document, if it can tell.
func (r *recorder) CookieEnabled() (bool, error) {
	if ce, ok := r.document.(cookieEnabler); ok {
		return ce.CookieEnabled()
	}
	return true, nil
}

// lastSet returns the last header written for name.
func (r *recorder) lastSet(name string) string {
	for i := len(r.sets) - 1; i >= 0; i-- {
		if strings.HasPrefix(r.sets[i], name+"=") {
			return r.sets[i]
		}
	}
	return ""
}

// fixture is a jar on an emulated document with separate simulated and
// browser clocks.
type fixture struct {
	wall *clock
	doc  *memoryDocument
	rec  *recorder
	jar  *Jar
}

func newFixture(t *testing.T, pagePath, basePath string, setup func(*memoryDocument)) *fixture {
	t.Helper()
	f := &fixture{wall: &clock{wallStart}}
	f.doc = newMemoryDocument(pagePath, f.wall.Now)
	if setup != nil {
		setup(f.doc)
	}
	f.rec = &recorder{document: f.doc}
	f.jar = newJar(f.rec, basePath)
	f.jar.wall = f.wall.Now
	return f
}

// raw returns the emulated document.cookie; it fails the test on error.
func (f *fixture) raw(t *testing.T) string {
	t.Helper()
	s, err := f.doc.Cookie()
	if err != nil {
		t.Fatalf("document.cookie: %v", err)
	}
	return s
}

// stored returns the emulated browser's cookie called name, whatever its
// path, and whether there is one.
func (f *fixture) stored(name string) (docCookie, bool) {
	for _, c := range f.doc.store.cookies {
		if c.name == name {
			return c, true
		}
	}
	return docCookie{}, false
}

func mustStore(t *testing.T, j *Jar, now time.Time, h string) {
	t.Helper()
	if err := j.Store(now, h); err != nil {
		t.Fatalf("Store(%q): %v", h, err)
	}
}

func expires(t time.Time) string { return t.UTC().Format(engine.TimeFormat) }

var (
	albHeader     = "AWSALB=Zm9vYmFy+/x=; Expires=" + expires(simStart.Add(engine.CookieExpiry)) + "; Path=/"
	albCORSHeader = "AWSALBCORS=Zm9vYmFy+/x=; Expires=" + expires(simStart.Add(engine.CookieExpiry)) + "; Path=/; SameSite=None; Secure"
	appHeader     = "AWSALBAPP-0=QkFSQkFa; Expires=" + expires(simStart.Add(engine.CookieExpiry)) + "; Path=/"
	sessionHeader = "SESSIONID=s-1a2b3c; Path=/; HttpOnly"
)

func TestCookiePath(t *testing.T) {
	tests := []struct{ base, want string }{
		{"", "/"},
		{"/", "/"},
		{"//", "/"},
		{"/stickylab", "/stickylab"},
		{"/stickylab/", "/stickylab"},
		{"stickylab", "/stickylab"},
		{" /stickylab/ ", "/stickylab"},
		{"/a/b/", "/a/b"},
		{"/stickylab/?x=1#top", "/stickylab"},
		{"https://user.github.io/stickylab/", "/stickylab"},
		{"https://user.github.io", "/"},
		{"/bad;Path=/x", "/"},
		{"/bad\npath", "/"},
	}
	for _, tt := range tests {
		if got := cookiePath(tt.base); got != tt.want {
			t.Errorf("cookiePath(%q) = %q, want %q", tt.base, got, tt.want)
		}
	}
}

func TestDocumentJarPathRewrite(t *testing.T) {
	wantExpires := expires(wallStart.Add(engine.CookieExpiry))
	tests := []struct {
		name, page, base, wantPath string
	}{
		{"root", "/", "", "/"},
		{"root slash", "/index.html", "/", "/"},
		{"GitHub Pages", "/stickylab/", "/stickylab", "/stickylab"},
		{"GitHub Pages trailing slash", "/stickylab/lab", "/stickylab/", "/stickylab"},
		{"nested", "/a/b/", "/a/b", "/a/b"},
		// The page is not under the base path: a cookie scoped to it
		// would be invisible, so the jar falls back to Path=/.
		{"page outside base", "/elsewhere/", "/stickylab", "/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, tt.page, tt.base, nil)
			if st := f.jar.State(); st != (State{}) {
				t.Fatalf("State %+v; want plain document cookies", st)
			}
			if got := f.jar.Path(); got != tt.wantPath {
				t.Errorf("Path() = %q, want %q", got, tt.wantPath)
			}
			mustStore(t, f.jar, simStart, albCORSHeader)
			want := "AWSALBCORS=Zm9vYmFy+/x=; Expires=" + wantExpires + "; Path=" + tt.wantPath + "; SameSite=None; Secure"
			if got := f.rec.lastSet("AWSALBCORS"); got != want {
				t.Errorf("wrote\n%s\nwant\n%s", got, want)
			}
			c, ok := f.stored("AWSALBCORS")
			if !ok || c.path != tt.wantPath || !c.secure || c.sameSite != "None" || c.partitioned {
				t.Errorf("browser holds %+v (found %v)", c, ok)
			}
			if got := f.jar.Header(simStart); got != "AWSALBCORS=Zm9vYmFy+/x=" {
				t.Errorf("Header = %q", got)
			}
		})
	}
}

// TestDocumentJarSiblingSites checks that two sites on one origin (GitHub
// Pages' user.github.io) keep separate cookies under their base paths.
func TestDocumentJarSiblingSites(t *testing.T) {
	wall := &clock{wallStart}
	docA := newMemoryDocument("/a/", wall.Now)
	docB := docA.at("/b/")
	a, b := newJar(docA, "/a"), newJar(docB, "/b/")
	mustStore(t, a, simStart, "AWSALB=from-a; Path=/")
	mustStore(t, b, simStart, "AWSALB=from-b; Path=/")
	if got := a.Header(simStart); got != "AWSALB=from-a" {
		t.Errorf("site a Header = %q", got)
	}
	if got := b.Header(simStart); got != "AWSALB=from-b" {
		t.Errorf("site b Header = %q", got)
	}
	a.Clear()
	if got := b.Header(simStart); got != "AWSALB=from-b" {
		t.Errorf("site b Header after site a's Clear = %q", got)
	}
	if got := a.Header(simStart); got != "" {
		t.Errorf("site a Header after Clear = %q", got)
	}
}

func TestDocumentJarRoundTrip(t *testing.T) {
	f := newFixture(t, "/stickylab/", "/stickylab", nil)
	for _, h := range []string{albHeader, albCORSHeader, appHeader, sessionHeader} {
		mustStore(t, f.jar, simStart, h)
	}
	want7d := expires(wallStart.Add(engine.CookieExpiry))
	for name, want := range map[string]string{
		"AWSALB":      "AWSALB=Zm9vYmFy+/x=; Expires=" + want7d + "; Path=/stickylab",
		"AWSALBCORS":  "AWSALBCORS=Zm9vYmFy+/x=; Expires=" + want7d + "; Path=/stickylab; SameSite=None; Secure",
		"AWSALBAPP-0": "AWSALBAPP-0=QkFSQkFa; Expires=" + want7d + "; Path=/stickylab",
		// HttpOnly is dropped: a browser ignores a script's HttpOnly cookie.
		"SESSIONID": "SESSIONID=s-1a2b3c; Path=/stickylab",
	} {
		if got := f.rec.lastSet(name); got != want {
			t.Errorf("wrote\n%s\nwant\n%s", got, want)
		}
	}
	wantHeader := "AWSALB=Zm9vYmFy+/x=; AWSALBCORS=Zm9vYmFy+/x=; AWSALBAPP-0=QkFSQkFa; SESSIONID=s-1a2b3c"
	if got := f.jar.Header(simStart.Add(time.Minute)); got != wantHeader {
		t.Errorf("Header = %q, want %q", got, wantHeader)
	}
	if got := f.raw(t); got != wantHeader {
		t.Errorf("document.cookie = %q, want %q", got, wantHeader)
	}
	if strings.Contains(strings.Join(f.rec.sets, "\n"), probeCookie+"=") && strings.Contains(f.raw(t), probeCookie) {
		t.Errorf("probe cookie left in document.cookie")
	}

	// Re-issue with a new value, as the engine does on every response: the
	// browser replaces the cookie and, its value being new, lists it last
	// (Chromium's order: longer Path first, then creation).
	next := simStart.Add(time.Hour)
	mustStore(t, f.jar, next, "AWSALB=bmV3; Expires="+expires(next.Add(engine.CookieExpiry))+"; Path=/")
	wantHeader = "AWSALBCORS=Zm9vYmFy+/x=; AWSALBAPP-0=QkFSQkFa; SESSIONID=s-1a2b3c; AWSALB=bmV3"
	if got := f.jar.Header(next); got != wantHeader {
		t.Errorf("Header after re-issue = %q, want %q", got, wantHeader)
	}
	// The engine reads the values it sealed.
	h := f.jar.Header(next)
	if v, _ := engine.CookieValue(h, engine.CookieAWSALBCORS); v != "Zm9vYmFy+/x=" {
		t.Errorf("AWSALBCORS value in header = %q", v)
	}
}

// TestDocumentJarMatchesMemoryJar drives a Jar and an
// engine.MemoryJar through the same Set-Cookie headers: they send the same
// cookies (in another order: a browser lists a cookie whose value changed
// last) and list the same cookies (but for Path).
func TestDocumentJarMatchesMemoryJar(t *testing.T) {
	f := newFixture(t, "/lab/", "/lab", nil)
	var mem engine.MemoryJar
	now := simStart
	steps := []struct {
		advance time.Duration
		header  string
	}{
		{0, albHeader},
		{0, albCORSHeader},
		{time.Minute, sessionHeader},
		{time.Minute, "AWSALB=second; Expires=" + expires(simStart.Add(2*time.Minute+engine.CookieExpiry)) + "; Path=/"},
		{time.Minute, "SESSIONID=; Max-Age=0; Path=/"},
		{time.Minute, "CART=3; Max-Age=60; Path=/"},
		{2 * time.Minute, ""}, // CART expires on the simulated clock
		{time.Minute, "AWSALBCORS=; Expires=" + expiredDate + "; Path=/; SameSite=None; Secure"},
		{8 * 24 * time.Hour, ""}, // AWSALB expires on the simulated clock
		{0, appHeader},
	}
	for i, s := range steps {
		now = now.Add(s.advance)
		f.wall.Advance(time.Second) // the browser's clock barely moves
		if s.header != "" {
			mustStore(t, f.jar, now, s.header)
			if err := mem.Store(now, s.header); err != nil {
				t.Fatal(err)
			}
		}
		if got, want := sortedPairs(f.jar.Header(now)), sortedPairs(mem.Header(now)); got != want {
			t.Errorf("step %d: Header = %q, MemoryJar says %q", i, got, want)
		}
		got, want := f.jar.All(now), mem.All(now)
		for k := range got {
			if got[k].Path != "/lab" {
				t.Errorf("step %d: %s has Path %q", i, got[k].Name, got[k].Path)
			}
			got[k].Path = "/"
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("step %d: Cookies =\n%+v\nMemoryJar says\n%+v", i, got, want)
		}
	}
}

// sortedPairs returns the pairs of a Cookie header sorted.
func sortedPairs(h string) string {
	parts := strings.Split(h, "; ")
	sort.Strings(parts)
	return strings.Join(parts, "; ")
}

func TestDocumentJarDeletion(t *testing.T) {
	tests := []struct {
		name   string
		delete func(t *testing.T, j *Jar, now time.Time)
	}{
		{"Expires in the past", func(t *testing.T, j *Jar, now time.Time) {
			mustStore(t, j, now, "AWSALB=; Expires="+expiredDate+"; Path=/")
		}},
		{"Expires now", func(t *testing.T, j *Jar, now time.Time) {
			mustStore(t, j, now, "AWSALB=x; Expires="+expires(now)+"; Path=/")
		}},
		{"Max-Age=0", func(t *testing.T, j *Jar, now time.Time) {
			mustStore(t, j, now, "AWSALB=; Max-Age=0")
		}},
		{"Max-Age negative", func(t *testing.T, j *Jar, now time.Time) {
			mustStore(t, j, now, "AWSALB=; Path=/; Max-Age=-1")
		}},
		{"Delete", func(t *testing.T, j *Jar, now time.Time) { j.Delete("AWSALB") }},
	}
	for _, tt := range tests {
		for _, partitioned := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/partitioned=%v", tt.name, partitioned), func(t *testing.T) {
				f := newFixture(t, "/stickylab/", "/stickylab", func(d *memoryDocument) { d.partitionedOnly = partitioned })
				mustStore(t, f.jar, simStart, albHeader)
				mustStore(t, f.jar, simStart, albCORSHeader)
				tt.delete(t, f.jar, simStart.Add(time.Second))
				if _, ok := f.stored("AWSALB"); ok {
					t.Errorf("browser still holds AWSALB: %q", f.raw(t))
				}
				if got := f.jar.Header(simStart.Add(time.Second)); got != "AWSALBCORS=Zm9vYmFy+/x=" {
					t.Errorf("Header = %q", got)
				}
				cs := f.jar.All(simStart.Add(time.Second))
				if len(cs) != 1 || cs[0].Name != "AWSALBCORS" {
					t.Errorf("Cookies = %+v", cs)
				}
				if st := f.jar.State(); !st.InBrowser() || (st.Mode == Partitioned) != partitioned {
					t.Errorf("State %+v", st)
				}
			})
		}
	}
}

func TestDocumentJarDeleteCopiesElsewhere(t *testing.T) {
	f := newFixture(t, "/stickylab/x", "/stickylab", nil)
	// Copies made in DevTools under other paths, and one partitioned.
	for _, h := range []string{
		"AWSALB=a; Path=/",
		"AWSALB=b; Path=/stickylab/",
		"AWSALB=c; Path=/stickylab",
		"AWSALB=d; Path=/stickylab; Secure; SameSite=None; Partitioned",
		"OTHER=1; Path=/",
	} {
		if err := f.doc.SetCookie(h); err != nil {
			t.Fatal(err)
		}
	}
	f.jar.Delete("AWSALB")
	if got := f.raw(t); got != "OTHER=1" {
		t.Errorf("document.cookie after Delete = %q, want %q", got, "OTHER=1")
	}
	// Nameless cookies, as DevTools can make: document.cookie shows their
	// bare values, and Clear deletes them too.
	for _, h := range []string{"bare; Path=/stickylab", "=also; Path=/"} {
		if err := f.doc.SetCookie(h); err != nil {
			t.Fatal(err)
		}
	}
	if got := f.raw(t); got != "bare; OTHER=1; also" {
		t.Errorf("document.cookie with nameless cookies = %q", got)
	}
	f.jar.Clear()
	if got := f.raw(t); got != "" {
		t.Errorf("document.cookie after Clear = %q", got)
	}
	f.jar.Delete("") // a nameless cookie cannot be deleted by name; no panic
}

func TestDocumentJarOutsideEdits(t *testing.T) {
	f := newFixture(t, "/stickylab/", "/stickylab", nil)
	mustStore(t, f.jar, simStart, albHeader)
	mustStore(t, f.jar, simStart, albCORSHeader)
	otherTab := f.doc.at("/stickylab/other-tab")
	exp := simStart.Add(engine.CookieExpiry)

	tests := []struct {
		name       string
		edit       string // written to document.cookie, as DevTools or another tab would
		doc        *memoryDocument
		wantHeader string
		wantALB    *engine.StoredCookie // nil: AWSALB not listed
	}{
		{
			name:       "untouched",
			wantHeader: "AWSALB=Zm9vYmFy+/x=; AWSALBCORS=Zm9vYmFy+/x=",
			wantALB:    &engine.StoredCookie{Name: "AWSALB", Value: "Zm9vYmFy+/x=", Expires: exp, Path: "/stickylab"},
		},
		{
			name:       "value edited in DevTools",
			edit:       "AWSALB=tampered; Path=/stickylab",
			wantHeader: "AWSALBCORS=Zm9vYmFy+/x=; AWSALB=tampered",
			wantALB:    &engine.StoredCookie{Name: "AWSALB", Value: "tampered"},
		},
		{
			name:       "garbage with quotes",
			edit:       `AWSALB="x y,z"; Path=/stickylab`,
			wantHeader: `AWSALBCORS=Zm9vYmFy+/x=; AWSALB="x y,z"`,
			wantALB:    &engine.StoredCookie{Name: "AWSALB", Value: `"x y,z"`},
		},
		{
			name:       "deleted in another tab",
			edit:       "AWSALB=; Max-Age=0; Path=/stickylab",
			doc:        otherTab,
			wantHeader: "AWSALBCORS=Zm9vYmFy+/x=",
		},
		{
			name:       "added in DevTools",
			edit:       "AWSALB=added; Path=/",
			wantHeader: "AWSALBCORS=Zm9vYmFy+/x=; AWSALB=added",
			wantALB:    &engine.StoredCookie{Name: "AWSALB", Value: "added"},
		},
		{
			name:       "unrelated cookie",
			edit:       "theme=dark",
			doc:        otherTab,
			wantHeader: "AWSALBCORS=Zm9vYmFy+/x=; theme=dark; AWSALB=added", // theme got Path=/stickylab
			wantALB:    &engine.StoredCookie{Name: "AWSALB", Value: "added"},
		},
	}
	for _, tt := range tests {
		if tt.edit != "" {
			d := tt.doc
			if d == nil {
				d = f.doc
			}
			if err := d.SetCookie(tt.edit); err != nil {
				t.Fatal(err)
			}
		}
		now := simStart.Add(time.Minute)
		if got := f.jar.Header(now); got != tt.wantHeader {
			t.Errorf("%s: Header = %q, want %q", tt.name, got, tt.wantHeader)
		}
		var alb *engine.StoredCookie
		for _, c := range f.jar.All(now) {
			if c.Name == "AWSALB" {
				alb = &c
			}
		}
		if !reflect.DeepEqual(alb, tt.wantALB) {
			t.Errorf("%s: AWSALB listed as %+v, want %+v", tt.name, alb, tt.wantALB)
		}
	}
}

func TestDocumentJarCookiesMerge(t *testing.T) {
	f := newFixture(t, "/stickylab/", "/stickylab", nil)
	for _, h := range []string{sessionHeader, albCORSHeader, appHeader, albHeader} {
		mustStore(t, f.jar, simStart, h)
	}
	// Left over from a crashed probe, and one set elsewhere.
	for _, h := range []string{probeCookie + "=stale; Path=/stickylab", "zz=1; Path=/", "AWSALBAPP-0=edited; Path=/stickylab"} {
		if err := f.doc.SetCookie(h); err != nil {
			t.Fatal(err)
		}
	}
	exp := simStart.Add(engine.CookieExpiry)
	want := []engine.StoredCookie{
		{Name: "AWSALB", Value: "Zm9vYmFy+/x=", Expires: exp, Path: "/stickylab"},
		{Name: "AWSALBAPP-0", Value: "edited"},
		{Name: "AWSALBCORS", Value: "Zm9vYmFy+/x=", Expires: exp, Path: "/stickylab", SameSite: "None", Secure: true},
		{Name: "SESSIONID", Value: "s-1a2b3c", Path: "/stickylab"},
		{Name: "zz", Value: "1"},
	}
	if got := f.jar.All(simStart.Add(time.Hour)); !reflect.DeepEqual(got, want) {
		t.Errorf("Cookies =\n%+v\nwant\n%+v", got, want)
	}
	if got := f.jar.Header(simStart); strings.Contains(got, probeCookie) {
		t.Errorf("Header includes the probe cookie: %q", got)
	}
	// On the simulated clock the 7 days pass; the browser's clock says
	// minutes. The jar drops (and deletes) the cookies it wrote; the
	// edited AWSALBAPP-0 has unknown attributes and stays.
	later := exp.Add(time.Second)
	want = []engine.StoredCookie{
		{Name: "AWSALBAPP-0", Value: "edited"},
		{Name: "SESSIONID", Value: "s-1a2b3c", Path: "/stickylab"},
		{Name: "zz", Value: "1"},
	}
	if got := f.jar.All(later); !reflect.DeepEqual(got, want) {
		t.Errorf("Cookies after 7 simulated days =\n%+v\nwant\n%+v", got, want)
	}
	if _, ok := f.stored("AWSALB"); ok {
		t.Errorf("browser still holds AWSALB expired on the simulated clock")
	}
}

func TestDocumentJarBrowserExpiry(t *testing.T) {
	f := newFixture(t, "/", "/", nil)
	mustStore(t, f.jar, simStart, albHeader)
	f.wall.Advance(engine.CookieExpiry + time.Second) // the browser enforces Expires
	if got := f.jar.Header(simStart.Add(time.Minute)); got != "" {
		t.Errorf("Header after the browser expired AWSALB = %q", got)
	}
}

var errSecurity = errors.New("SecurityError: Failed to read the 'cookie' property from 'Document': The document is sandboxed and lacks the 'allow-same-origin' flag.")

func TestDocumentJarFallback(t *testing.T) {
	tests := []struct {
		name       string
		setup      func(*memoryDocument)
		wantReason Reason
	}{
		{"cookies disabled", func(d *memoryDocument) { d.blocked = true }, Disabled},
		{"sandboxed frame", func(d *memoryDocument) { d.err = errSecurity }, Sandboxed},
		{"cross-site frame on http", func(d *memoryDocument) { d.partitionedOnly, d.insecure = true, true }, Blocked},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, "/stickylab/", "/stickylab", tt.setup)
			if st := f.jar.State(); st.InBrowser() || st.Mode == Partitioned {
				t.Fatalf("State %+v; want memory", st)
			}
			if got, want := f.jar.State(), (State{Mode: Memory, Reason: tt.wantReason}); got != want {
				t.Errorf("State = %+v, want %+v", got, want)
			}
			checkMemoryJar(t, f)
		})
	}
	t.Run("nil document", func(t *testing.T) {
		j := newJar(nil, "/")
		if st := j.State(); st.InBrowser() || st != (State{Mode: Memory, Reason: Sandboxed}) {
			t.Errorf("State %+v", st)
		}
		mustStore(t, j, simStart, albHeader)
		if got := j.Header(simStart); got != "AWSALB=Zm9vYmFy+/x=" {
			t.Errorf("Header = %q", got)
		}
	})
}

// checkMemoryJar checks that a fallen-back jar behaves as a MemoryJar and
// leaves document.cookie alone.
func checkMemoryJar(t *testing.T, f *fixture) {
	t.Helper()
	writes := len(f.rec.sets)
	mustStore(t, f.jar, simStart, albHeader)
	mustStore(t, f.jar, simStart, albCORSHeader)
	if got := f.jar.Header(simStart); got != "AWSALB=Zm9vYmFy+/x=; AWSALBCORS=Zm9vYmFy+/x=" {
		t.Errorf("Header = %q", got)
	}
	if cs := f.jar.All(simStart); len(cs) != 2 || cs[1].Path != "/" || !cs[1].Secure || cs[1].SameSite != "None" {
		t.Errorf("Cookies = %+v", cs)
	}
	f.jar.Delete("AWSALB")
	if got := f.jar.Header(simStart); got != "AWSALBCORS=Zm9vYmFy+/x=" {
		t.Errorf("Header after Delete = %q", got)
	}
	f.jar.Clear()
	if got := f.jar.Header(simStart); got != "" {
		t.Errorf("Header after Clear = %q", got)
	}
	if len(f.rec.sets) != writes {
		t.Errorf("memory jar wrote to document.cookie: %q", f.rec.sets[writes:])
	}
}

func TestDocumentJarFallbackMidSession(t *testing.T) {
	tests := []struct {
		name      string
		change    func(*memoryDocument)
		wantState State
		wantInDoc bool // AWSALB, written before the change, is still in the browser
	}{
		// The jar cannot delete what it wrote while cookies are blocked.
		{"cookies blocked", func(d *memoryDocument) { d.blocked = true }, State{Mode: Memory, Reason: Blocked}, true},
		// http on a LAN address: AWSALB sticks, Secure AWSALBCORS does not.
		{"insecure page", func(d *memoryDocument) { d.insecure = true }, State{Mode: Memory, Reason: InsecurePage, Cookie: "AWSALBCORS"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, "/", "/", nil)
			mustStore(t, f.jar, simStart, sessionHeader)
			mustStore(t, f.jar, simStart, albHeader)
			tt.change(f.doc)
			mustStore(t, f.jar, simStart, albCORSHeader)
			if f.jar.State().InBrowser() {
				t.Fatal("InBrowser after a refused cookie")
			}
			if got := f.jar.State(); got != tt.wantState {
				t.Errorf("State = %+v, want %+v", got, tt.wantState)
			}
			// Nothing known is lost.
			if got, want := f.jar.Header(simStart), "SESSIONID=s-1a2b3c; AWSALB=Zm9vYmFy+/x=; AWSALBCORS=Zm9vYmFy+/x="; got != want {
				t.Errorf("Header = %q, want %q", got, want)
			}
			cs := f.jar.All(simStart)
			if len(cs) != 3 || !cs[0].Expires.Equal(simStart.Add(engine.CookieExpiry)) || !cs[1].Secure {
				t.Errorf("Cookies = %+v", cs)
			}
			f.doc.blocked = false
			if _, ok := f.stored("AWSALB"); ok != tt.wantInDoc {
				t.Errorf("browser holds AWSALB: %v, want %v", ok, tt.wantInDoc)
			}
		})
	}
	t.Run("document.cookie starts throwing", func(t *testing.T) {
		f := newFixture(t, "/", "/", nil)
		mustStore(t, f.jar, simStart, albHeader)
		f.doc.err = errSecurity
		if got := f.jar.Header(simStart); got != "AWSALB=Zm9vYmFy+/x=" {
			t.Errorf("Header = %q", got)
		}
		if st := f.jar.State(); st.InBrowser() || st != (State{Mode: Memory, Reason: Sandboxed}) {
			t.Errorf("State %+v", st)
		}
	})
}

func TestDocumentJarPartitioned(t *testing.T) {
	t.Run("detected by the probe", func(t *testing.T) {
		f := newFixture(t, "/stickylab/", "/stickylab", func(d *memoryDocument) { d.partitionedOnly = true })
		if st := f.jar.State(); !st.InBrowser() || st != (State{Mode: Partitioned, Reason: CrossSiteFrame}) {
			t.Fatalf("State %+v", st)
		}
		checkPartitioned(t, f)
	})
	t.Run("retried on Store", func(t *testing.T) {
		f := newFixture(t, "/stickylab/", "/stickylab", nil)
		if f.jar.State().Mode == Partitioned {
			t.Fatal("partitioned before the change")
		}
		f.doc.partitionedOnly = true
		checkPartitioned(t, f)
		if st := f.jar.State(); st != (State{Mode: Partitioned, Reason: CrossSiteFrame}) {
			t.Errorf("State %+v", st)
		}
	})
}

func checkPartitioned(t *testing.T, f *fixture) {
	t.Helper()
	mustStore(t, f.jar, simStart, albHeader)
	mustStore(t, f.jar, simStart, "SESSIONID=abc; Path=/; SameSite=Lax")
	want := "AWSALB=Zm9vYmFy+/x=; Expires=" + expires(wallStart.Add(engine.CookieExpiry)) + "; Path=/stickylab; SameSite=None; Secure; Partitioned"
	if got := f.rec.lastSet("AWSALB"); got != want {
		t.Errorf("wrote\n%s\nwant\n%s", got, want)
	}
	if c, ok := f.stored("SESSIONID"); !ok || !c.partitioned || c.sameSite != "None" {
		t.Errorf("browser holds SESSIONID %+v (found %v)", c, ok)
	}
	if got := f.jar.Header(simStart); got != "AWSALB=Zm9vYmFy+/x=; SESSIONID=abc" {
		t.Errorf("Header = %q", got)
	}
	cs := f.jar.All(simStart)
	if len(cs) != 2 || cs[0].SameSite != "None" || !cs[0].Secure || cs[0].Path != "/stickylab" {
		t.Errorf("Cookies = %+v", cs)
	}
	f.jar.Delete("AWSALB")
	if got := f.jar.Header(simStart); got != "SESSIONID=abc" {
		t.Errorf("Header after Delete = %q", got)
	}
}

func TestDocumentJarRejects(t *testing.T) {
	f := newFixture(t, "/", "/", nil)
	for _, h := range []string{
		"",
		";",
		"=",
		"noequals",
		"=value",
		"bad name=1",
		probeCookie + "=1",
		"ctl=a\x01b",
		"big=" + strings.Repeat("x", maxCookieSize),
	} {
		if err := f.jar.Store(simStart, h); err == nil {
			t.Errorf("Store(%.40q) = nil, want an error", h)
		}
	}
	if st := f.jar.State(); !st.InBrowser() {
		t.Errorf("a malformed cookie made the jar fall back: %+v", st)
	}
	if got := f.raw(t); got != "" {
		t.Errorf("document.cookie = %q", got)
	}
}

// FuzzDocumentJar checks that no Set-Cookie header or document.cookie
// content makes the jar panic or leak the probe cookie.
func FuzzDocumentJar(f *testing.F) {
	for _, s := range []string{albHeader, albCORSHeader, sessionHeader, "a=b; Max-Age=x", `q="; Path=;;;`, "=;=;=", "\x00=\xff", "a=1; Expires=Thu, 31 Dec 9999 23:59:59 GMT"} {
		f.Add(s, "x=1; y", false)
	}
	f.Add("AWSALB=1", "=; ;;"+probeCookie+"=2", true)
	f.Fuzz(func(t *testing.T, setCookie, edit string, partitioned bool) {
		wall := &clock{wallStart}
		doc := newMemoryDocument("/s/", wall.Now)
		doc.partitionedOnly = partitioned
		j := newJar(doc, "/s")
		_ = j.Store(simStart, setCookie)
		_ = doc.SetCookie(edit)
		if h := j.Header(simStart); strings.Contains(h, probeCookie+"=") {
			t.Errorf("Header %q has the probe cookie", h)
		}
		for _, c := range j.All(simStart) {
			j.Delete(c.Name)
		}
		_ = j.Store(simStart.Add(time.Hour), setCookie)
		j.Clear()
	})
}

// TestNativeNew checks New outside the browser: there is no page, so the jar
// keeps its cookies in memory, with Path taken from the base path.
func TestNativeNew(t *testing.T) {
	j := New("/stickylab/")
	if st := j.State(); st != (State{Mode: Memory, Reason: Sandboxed}) || j.Path() != "/stickylab" {
		t.Errorf("native New: State %+v, Path %q", st, j.Path())
	}
	var mem engine.MemoryJar
	for _, h := range []string{albHeader, albCORSHeader, "AWSALB=; Max-Age=0"} {
		mustStore(t, j, simStart, h)
		if err := mem.Store(simStart, h); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := j.Header(simStart), mem.Header(simStart); got != want || got != "AWSALBCORS=Zm9vYmFy+/x=" {
		t.Errorf("Header = %q, MemoryJar says %q", got, want)
	}
	if got, want := j.Cookies(simStart), mem.Cookies(simStart); !reflect.DeepEqual(got, want) {
		t.Errorf("Cookies = %+v, MemoryJar says %+v", got, want)
	}
}
