//go:build js && wasm

package browserjar

// These tests run in headless Chromium under agnivade/wasmbrowsertest, which
// serves the test page at http://127.0.0.1:<port>/ (see the report at the top
// of TestBrowserJarRoundTrip for what was verified there).

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hack-pad/safejs"

	"github.com/stickylab/stickylab/engine"
)

// The simulated clock is years away from the browser's on purpose: an
// Expires left on the simulated clock would make the browser drop the
// cookie at once.
var jsSimStart = time.Date(2020, 3, 1, 9, 0, 0, 0, time.UTC)

func jsHeader(name, value, extra string) string {
	return name + "=" + value + "; Expires=" + jsSimStart.Add(engine.CookieExpiry).Format(engine.TimeFormat) + "; Path=/" + extra
}

// expiredDate is an Expires value that deletes a cookie.
const expiredDate = "Thu, 01 Jan 1970 00:00:00 GMT"

// crossSiteHash marks the page loaded in the cross-site frame of
// TestBrowserJarCrossSiteFrame.
const crossSiteHash = "#stickylab-crosssite"

func init() {
	// wasmbrowsertest's page runs this whole test binary. Loaded in the
	// cross-site frame, it only runs the frame's half of
	// TestBrowserJarCrossSiteFrame, reports to the parent page and waits
	// there, printing nothing, until the parent removes the frame.
	if hash, err := jsEval("location.hash"); err == nil {
		if s, _ := hash.String(); s == crossSiteHash {
			reportCrossSiteFrame()
			select {}
		}
	}
}

// frameReport is what the cross-site frame learnt.
type frameReport struct {
	Location        string
	PlainStuck      bool // a plain "name=value; Path=/" cookie stuck
	InBrowser       bool
	Partitioned     bool
	State           State
	Header          string
	DocumentCookie  string
	Cookies         []engine.StoredCookie
	AfterClear      string
	RetryBefore     bool // the forced-plain jar was not partitioned before Store
	RetryAfter      bool // ... and was after Store retried the cookie
	RetryState      State
	RetryHeader     string
	Errors          []string
	CookieEnabled   string
	IsSecureContext string
}

func reportCrossSiteFrame() {
	var r frameReport
	fail := func(format string, args ...any) { r.Errors = append(r.Errors, fmt.Sprintf(format, args...)) }
	str := func(src string) string {
		v, err := jsEval(src)
		if err != nil {
			return err.Error()
		}
		s, _ := v.String()
		return s
	}
	r.Location = str("location.href")
	r.CookieEnabled = str("String(navigator.cookieEnabled)")
	r.IsSecureContext = str("String(isSecureContext)")

	doc, err := newBrowserDocument()
	if err != nil {
		fail("newBrowserDocument: %v", err)
	} else {
		_ = doc.SetCookie("plain=1; Path=/")
		s, _ := doc.Cookie()
		r.PlainStuck = strings.Contains(s, "plain=1")
	}

	j := New("/")
	r.State = j.State()
	r.InBrowser, r.Partitioned = r.State.InBrowser(), r.State.Mode == Partitioned
	for _, h := range []string{jsHeader("AWSALB", "ZnJhbWU=", ""), jsHeader("AWSALBCORS", "ZnJhbWU=", "; SameSite=None; Secure")} {
		if err := j.Store(jsSimStart, h); err != nil {
			fail("Store(%q): %v", h, err)
		}
	}
	r.Header = j.Header(jsSimStart)
	r.DocumentCookie, _ = doc.Cookie()
	r.Cookies = j.All(jsSimStart)
	j.Clear()
	r.AfterClear, _ = doc.Cookie()

	// A jar that believes it may write plain cookies must retry as
	// partitioned when its cookie does not stick.
	k := New("/")
	k.state = State{}
	r.RetryBefore = k.State().Mode == Partitioned
	if err := k.Store(jsSimStart, jsHeader("AWSALB", "cmV0cnk=", "")); err != nil {
		fail("retry Store: %v", err)
	}
	r.RetryState = k.State()
	r.RetryAfter, r.RetryHeader = r.RetryState.Mode == Partitioned, k.Header(jsSimStart)
	k.Clear()

	b, err := json.Marshal(r)
	if err != nil {
		b = []byte(`{"Errors":["marshal failed"]}`)
	}
	if parent, err := safejs.Global().Get("parent"); err == nil {
		_, _ = parent.Call("postMessage", string(b), "*")
	}
}

// jsEval evaluates a JavaScript expression.
func jsEval(expr string) (safejs.Value, error) {
	fn, err := safejs.Global().Get("Function")
	if err != nil {
		return safejs.Value{}, err
	}
	f, err := fn.New("return (" + expr + ");")
	if err != nil {
		return safejs.Value{}, err
	}
	return f.Invoke()
}

func mustEval(t *testing.T, expr string) safejs.Value {
	t.Helper()
	v, err := jsEval(expr)
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

func mustString(t *testing.T, expr string) string {
	t.Helper()
	v := mustEval(t, expr)
	s, err := v.String()
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return s
}

// await waits for a JavaScript promise.
func await(p safejs.Value, timeout time.Duration) (safejs.Value, error) {
	type result struct {
		v   safejs.Value
		err error
	}
	ch := make(chan result, 1)
	ok, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		v := safejs.Undefined()
		if len(args) > 0 {
			v = args[0]
		}
		ch <- result{v: v}
		return nil
	})
	if err != nil {
		return safejs.Value{}, err
	}
	defer ok.Release()
	bad, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		msg := "promise rejected"
		if len(args) > 0 {
			if s, err := args[0].String(); err == nil {
				msg = s
			}
		}
		ch <- result{err: errors.New(msg)}
		return nil
	})
	if err != nil {
		return safejs.Value{}, err
	}
	defer bad.Release()
	if _, err := p.Call("then", ok.Value(), bad.Value()); err != nil {
		return safejs.Value{}, err
	}
	select {
	case r := <-ch:
		return r.v, r.err
	case <-time.After(timeout):
		return safejs.Value{}, errors.New("promise timed out")
	}
}

// browserCookie is what the browser really holds for a cookie, as the
// CookieStore API reports it (document.cookie shows no attributes).
type browserCookie struct {
	Name, Value, Path, SameSite string
	Expires                     time.Time
	Secure, Partitioned, Found  bool
}

// cookieStoreGet asks the page's CookieStore for the cookie called name.
func cookieStoreGet(t *testing.T, name string) browserCookie {
	t.Helper()
	return cookieStoreGetIn(t, mustEval(t, "cookieStore"), name)
}

// cookieStoreGetIn asks store, a window's CookieStore, for the cookie
// called name.
func cookieStoreGetIn(t *testing.T, store safejs.Value, name string) browserCookie {
	t.Helper()
	p, err := store.Call("get", name)
	if err != nil {
		t.Fatalf("cookieStore.get(%q): %v", name, err)
	}
	v, err := await(p, 10*time.Second)
	if err != nil {
		t.Fatalf("cookieStore.get(%q): %v", name, err)
	}
	if v.IsNull() || v.IsUndefined() {
		return browserCookie{Name: name}
	}
	c := browserCookie{Found: true}
	get := func(p string) safejs.Value {
		x, err := v.Get(p)
		if err != nil {
			t.Fatalf("cookie.%s: %v", p, err)
		}
		return x
	}
	c.Name, _ = get("name").String()
	c.Value, _ = get("value").String()
	c.Path, _ = get("path").String()
	c.SameSite, _ = get("sameSite").String()
	c.Secure, _ = get("secure").Bool()
	c.Partitioned, _ = get("partitioned").Bool()
	if e := get("expires"); e.Type() == safejs.TypeNumber {
		ms, _ := e.Float()
		c.Expires = time.UnixMilli(int64(ms)).UTC()
	}
	return c
}

func jsQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func documentCookie(t *testing.T) string {
	t.Helper()
	return mustString(t, "document.cookie")
}

// clearDocumentCookies deletes every cookie the page sees (other tests, such
// as TestSmoke, leave some behind).
func clearDocumentCookies(t *testing.T) {
	t.Helper()
	for _, c := range engine.ParseCookieHeader(documentCookie(t)) {
		for _, path := range []string{"/", "/stickylab"} {
			mustEval(t, "document.cookie = "+jsQuote(c.Name+"=; Expires="+expiredDate+"; Path="+path))
		}
	}
	if s := documentCookie(t); s != "" {
		t.Fatalf("document.cookie not empty after clearing: %q", s)
	}
}

// TestBrowserJarRoundTrip stores AWSALB and AWSALBCORS in the real
// document.cookie on http://127.0.0.1 and reads them back.
//
// Verified in Chromium 156: the test page is http://127.0.0.1:<port>/
// (wasmbrowsertest listens on "localhost:" and Chromium shows the IP), a
// potentially trustworthy origin, so isSecureContext is true and the Secure
// AWSALBCORS cookie sticks: the jar stays on document.cookie.
func TestBrowserJarRoundTrip(t *testing.T) {
	clearDocumentCookies(t)
	t.Cleanup(func() { clearDocumentCookies(t) })
	t.Logf("page %s, isSecureContext %s", mustString(t, "location.href"), mustString(t, "String(isSecureContext)"))

	j := New("/")
	if st := j.State(); st != (State{}) || j.Path() != "/" {
		t.Fatalf("State %+v, Path %q; want plain cookies at /", st, j.Path())
	}
	if s := documentCookie(t); s != "" {
		t.Errorf("probe left document.cookie = %q", s)
	}
	wallBefore := time.Now()
	for _, h := range []string{
		jsHeader("AWSALB", "QUxCK3ZhbHVlLz0=", ""),
		jsHeader("AWSALBCORS", "QUxCK3ZhbHVlLz0=", "; SameSite=None; Secure"),
	} {
		if err := j.Store(jsSimStart, h); err != nil {
			t.Fatalf("Store(%q): %v", h, err)
		}
	}
	if st := j.State(); st != (State{}) {
		t.Fatalf("the browser refused a cookie: %+v", st)
	}
	want := "AWSALB=QUxCK3ZhbHVlLz0=; AWSALBCORS=QUxCK3ZhbHVlLz0="
	if got := documentCookie(t); got != want {
		t.Errorf("document.cookie = %q, want %q", got, want)
	}
	if got := j.Header(jsSimStart.Add(time.Minute)); got != want {
		t.Errorf("Header = %q, want %q", got, want)
	}

	// What the browser really holds: Expires moved to its clock, 7 days on.
	for _, name := range []string{"AWSALB", "AWSALBCORS"} {
		c := cookieStoreGet(t, name)
		t.Logf("browser holds %+v", c)
		lo, hi := wallBefore.Add(engine.CookieExpiry-time.Minute), time.Now().Add(engine.CookieExpiry+time.Minute)
		if !c.Found || c.Path != "/" || c.Partitioned || c.Expires.Before(lo) || c.Expires.After(hi) {
			t.Errorf("browser holds %+v; want Path=/, Expires in 7 days", c)
		}
		if wantSecure := name == "AWSALBCORS"; c.Secure != wantSecure || (wantSecure && c.SameSite != "none") {
			t.Errorf("%s: Secure %v, SameSite %q", name, c.Secure, c.SameSite)
		}
	}

	exp := jsSimStart.Add(engine.CookieExpiry)
	wantCookies := []engine.StoredCookie{
		{Name: "AWSALB", Value: "QUxCK3ZhbHVlLz0=", Expires: exp, Path: "/"},
		{Name: "AWSALBCORS", Value: "QUxCK3ZhbHVlLz0=", Expires: exp, Path: "/", SameSite: "None", Secure: true},
	}
	if got := j.All(jsSimStart); fmt.Sprint(got) != fmt.Sprint(wantCookies) {
		t.Errorf("Cookies =\n%+v\nwant\n%+v", got, wantCookies)
	}

	// An edit made in DevTools (written straight to document.cookie) is
	// what the next request sends, with unknown attributes.
	mustEval(t, `document.cookie = "AWSALB=edited-in-devtools; Path=/"`)
	// (Chromium lists a cookie whose value changed last.)
	if got, want := j.Header(jsSimStart), "AWSALBCORS=QUxCK3ZhbHVlLz0=; AWSALB=edited-in-devtools"; got != want {
		t.Errorf("Header after edit = %q, want %q", got, want)
	}
	if got := j.All(jsSimStart); len(got) != 2 || got[0] != (engine.StoredCookie{Name: "AWSALB", Value: "edited-in-devtools"}) {
		t.Errorf("Cookies after edit = %+v", got)
	}
	mustEval(t, `document.cookie = "AWSALBCORS=; Max-Age=0; Path=/; SameSite=None; Secure"`)
	if got := j.Header(jsSimStart); got != "AWSALB=edited-in-devtools" {
		t.Errorf("Header after deletion outside = %q", got)
	}

	j.Delete("AWSALB")
	if got := documentCookie(t); got != "" {
		t.Errorf("document.cookie after Delete = %q", got)
	}

	// A deletion sent by the engine (Max-Age=0), and Clear.
	if err := j.Store(jsSimStart, jsHeader("AWSALB", "YWdhaW4=", "")); err != nil {
		t.Fatal(err)
	}
	if err := j.Store(jsSimStart, jsHeader("AWSALBAPP-0", "YXBw", "")); err != nil {
		t.Fatal(err)
	}
	if err := j.Store(jsSimStart, "AWSALB=; Max-Age=0; Path=/"); err != nil {
		t.Fatal(err)
	}
	if got := documentCookie(t); got != "AWSALBAPP-0=YXBw" {
		t.Errorf("document.cookie after Max-Age=0 = %q", got)
	}
	j.Clear()
	if got := documentCookie(t); got != "" {
		t.Errorf("document.cookie after Clear = %q", got)
	}

	// Expiry on the simulated clock deletes the browser's copy too.
	if err := j.Store(jsSimStart, jsHeader("AWSALB", "b2xk", "")); err != nil {
		t.Fatal(err)
	}
	if got := j.Header(exp.Add(time.Second)); got != "" {
		t.Errorf("Header 7 simulated days later = %q", got)
	}
	if got := documentCookie(t); got != "" {
		t.Errorf("document.cookie 7 simulated days later = %q", got)
	}
}

// loadFrame appends an iframe loading src and waits for it to load.
func loadFrame(t *testing.T, src string) safejs.Value {
	t.Helper()
	p := mustEval(t, `new Promise((resolve, reject) => {
		const f = document.createElement("iframe");
		f.onload = () => resolve(f);
		f.onerror = () => reject(new Error("frame failed to load"));
		f.src = `+jsQuote(src)+`;
		document.body.appendChild(f);
	})`)
	f, err := await(p, 30*time.Second)
	if err != nil {
		t.Fatalf("frame %s: %v", src, err)
	}
	t.Cleanup(func() { _, _ = f.Call("remove") })
	return f
}

// frameDocument returns a same-origin frame's document, and its window.
func frameDocument(t *testing.T, frame safejs.Value) (browserDocument, safejs.Value) {
	t.Helper()
	win, err := frame.Get("contentWindow")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := frame.Get("contentDocument")
	if err != nil || doc.Type() != safejs.TypeObject {
		t.Fatalf("contentDocument: %v (%s)", err, doc.Type())
	}
	d, err := newBrowserDocumentOn(doc)
	if err != nil {
		t.Fatal(err)
	}
	return d, win
}

// TestBrowserJarBasePath checks that the cookies are scoped to the base path
// in pages under it, as on GitHub Pages. document.cookie keeps the path of
// the URL the document was loaded from (history.pushState does not change
// it), so the pages are same-origin frames; wasmbrowsertest answers any path
// but its own with an empty page.
func TestBrowserJarBasePath(t *testing.T) {
	clearDocumentCookies(t)
	t.Cleanup(func() { clearDocumentCookies(t) })

	// The test page is at "/": a cookie scoped to /stickylab would not be
	// visible there, so the jar uses "/".
	if j := New("/stickylab/"); !j.State().InBrowser() || j.Path() != "/" {
		t.Errorf("at /: State %+v, Path %q; want /", j.State(), j.Path())
	}
	if s := documentCookie(t); s != "" {
		t.Errorf("probe left document.cookie = %q", s)
	}

	lab, labWin := frameDocument(t, loadFrame(t, "/stickylab/lab"))
	other, _ := frameDocument(t, loadFrame(t, "/stickylab-other/"))
	j := newJar(lab, "/stickylab/")
	if st := j.State(); st != (State{}) || j.Path() != "/stickylab" {
		t.Fatalf("in /stickylab/lab: State %+v, Path %q", st, j.Path())
	}
	if err := j.Store(jsSimStart, jsHeader("AWSALBCORS", "c2NvcGVk", "; SameSite=None; Secure")); err != nil {
		t.Fatal(err)
	}
	if got := j.Header(jsSimStart); got != "AWSALBCORS=c2NvcGVk" {
		t.Errorf("Header = %q", got)
	}
	store, err := labWin.Get("cookieStore")
	if err != nil {
		t.Fatal(err)
	}
	c := cookieStoreGetIn(t, store, "AWSALBCORS")
	t.Logf("browser holds %+v", c)
	if !c.Found || c.Path != "/stickylab" || !c.Secure || c.SameSite != "none" {
		t.Errorf("browser holds %+v; want Path=/stickylab, Secure, SameSite=none", c)
	}
	if got := documentCookie(t); got != "" {
		t.Errorf("at /, document.cookie = %q; want the /stickylab cookie hidden", got)
	}
	if got, err := other.Cookie(); got != "" || err != nil {
		t.Errorf("at /stickylab-other/, document.cookie = %q, %v; want the /stickylab cookie hidden", got, err)
	}
	j.Delete("AWSALBCORS")
	if got, err := lab.Cookie(); got != "" || err != nil {
		t.Errorf("document.cookie after Delete = %q, %v", got, err)
	}
}

// TestBrowserJarThrowingDocument gives the jar JavaScript objects whose
// cookie property throws SecurityError, as document.cookie does in a
// sandboxed frame without allow-same-origin, or is not a string: no panic,
// the jar falls back to memory.
func TestBrowserJarThrowingDocument(t *testing.T) {
	tests := []struct{ name, object, wantErr string }{
		{"SecurityError", `{
			get cookie() { throw new DOMException("The document is sandboxed and lacks the 'allow-same-origin' flag.", "SecurityError"); },
			set cookie(v) { throw new DOMException("The document is sandboxed and lacks the 'allow-same-origin' flag.", "SecurityError"); },
		}`, "lacks the 'allow-same-origin' flag"},
		{"not a string", `{ cookie: 42 }`, "not a string"},
		{"null", `null`, "reading document.cookie"},
	}
	// What a real sandboxed frame gets (its document is out of this
	// page's reach, so the frame reports it).
	p := mustEval(t, `new Promise((resolve) => {
		const f = document.createElement("iframe");
		f.sandbox = "allow-scripts";
		f.srcdoc = "<script>let r; try { r = 'no error: ' + document.cookie; } catch (e) { r = e.name + ': ' + e.message; } parent.postMessage('sandboxed ' + r, '*');</script>";
		addEventListener("message", function m(e) {
			if (typeof e.data === "string" && e.data.startsWith("sandboxed ")) {
				removeEventListener("message", m); f.remove(); resolve(e.data);
			}
		});
		document.body.appendChild(f);
	})`)
	v, err := await(p, 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := v.String()
	t.Logf("real %s", got)
	if !strings.HasPrefix(got, "sandboxed SecurityError: ") || !strings.Contains(got, tests[0].wantErr) {
		t.Errorf("a sandboxed frame reading document.cookie got %q; the fake below imitates SecurityError", got)
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := newBrowserDocumentOn(mustEval(t, tt.object))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := doc.Cookie(); err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Cookie() error = %v, want one mentioning %q", err, tt.wantErr)
			}
			j := newJar(doc, "/")
			if st := j.State(); st.InBrowser() || st != (State{Mode: Memory, Reason: Sandboxed}) {
				t.Fatalf("State %+v", st)
			}
			if err := j.Store(jsSimStart, jsHeader("AWSALB", "bWVt", "")); err != nil {
				t.Fatal(err)
			}
			if got := j.Header(jsSimStart); got != "AWSALB=bWVt" {
				t.Errorf("Header = %q", got)
			}
		})
	}
}

// TestBrowserJarCrossSiteFrame loads this test binary in an iframe on the
// other loopback name (localhost inside 127.0.0.1, a different site), where
// init runs reportCrossSiteFrame.
//
// Verified in headless Chromium 156: third-party cookies are blocked there,
// a plain cookie does not stick, only SameSite=None; Secure; Partitioned
// cookies do, so the probe makes the jar write partitioned cookies, and a
// jar that tries a plain cookie first retries it as partitioned.
func TestBrowserJarCrossSiteFrame(t *testing.T) {
	host := mustString(t, "location.hostname")
	other := "localhost"
	if host == "localhost" {
		other = "127.0.0.1"
	}
	src := "http://" + other + ":" + mustString(t, "location.port") + "/" + crossSiteHash

	msgs := make(chan string, 1)
	onMessage, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		if len(args) == 0 {
			return nil
		}
		if d, err := args[0].Get("data"); err == nil && d.Type() == safejs.TypeString {
			if s, err := d.String(); err == nil {
				select {
				case msgs <- s:
				default:
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	defer onMessage.Release()
	window := safejs.Global()
	if _, err := window.Call("addEventListener", "message", onMessage.Value()); err != nil {
		t.Fatal(err)
	}
	defer window.Call("removeEventListener", "message", onMessage.Value())

	frame := mustEval(t, `document.body.appendChild(document.createElement("iframe"))`)
	defer frame.Call("remove")
	if err := frame.Set("src", src); err != nil {
		t.Fatal(err)
	}

	var r frameReport
	select {
	case s := <-msgs:
		if err := json.Unmarshal([]byte(s), &r); err != nil {
			t.Fatalf("frame report %q: %v", s, err)
		}
	case <-time.After(90 * time.Second):
		t.Fatalf("no report from the cross-site frame %s", src)
	}
	t.Logf("frame report: %+v", r)

	if len(r.Errors) > 0 {
		t.Errorf("frame errors: %q", r.Errors)
	}
	if r.PlainStuck {
		t.Fatalf("a plain cookie stuck in the cross-site frame: third-party cookies are allowed in this browser, so the Partitioned path is not exercised")
	}
	if !r.InBrowser || !r.Partitioned || r.State != (State{Mode: Partitioned, Reason: CrossSiteFrame}) {
		t.Errorf("jar in frame: InBrowser %v, Partitioned %v, State %+v; want partitioned", r.InBrowser, r.Partitioned, r.State)
	}
	want := "AWSALB=ZnJhbWU=; AWSALBCORS=ZnJhbWU="
	if r.Header != want || r.DocumentCookie != want {
		t.Errorf("frame Header %q, document.cookie %q; want %q", r.Header, r.DocumentCookie, want)
	}
	if len(r.Cookies) != 2 || r.Cookies[0].SameSite != "None" || !r.Cookies[0].Secure {
		t.Errorf("frame Cookies = %+v; want AWSALB written SameSite=None; Secure", r.Cookies)
	}
	if r.AfterClear != "" {
		t.Errorf("frame document.cookie after Clear = %q", r.AfterClear)
	}
	if r.RetryBefore || !r.RetryAfter || r.RetryState != (State{Mode: Partitioned, Reason: CrossSiteFrame}) || r.RetryHeader != "AWSALB=cmV0cnk=" {
		t.Errorf("Store retry: partitioned before %v, after %v, State %+v, Header %q", r.RetryBefore, r.RetryAfter, r.RetryState, r.RetryHeader)
	}
	if s := documentCookie(t); strings.Contains(s, "ZnJhbWU=") || strings.Contains(s, "cmV0cnk=") {
		t.Errorf("the frame's cookies leaked to the top-level page: %q", s)
	}
}
