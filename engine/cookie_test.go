package engine

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestCookieValue(t *testing.T) {
	tests := []struct {
		header, name string
		want         string
		wantOK       bool
	}{
		{"", CookieAWSALB, "", false},
		{"AWSALB=abc", CookieAWSALB, "abc", true},
		{"AWSALB=abc", CookieAWSALBCORS, "", false},
		{"SESSIONID=s-1", CookieAWSALB, "", false},

		// Names that are prefixes of others.
		{"AWSALBCORS=cors; AWSALB=alb", CookieAWSALB, "alb", true},
		{"AWSALBCORS=cors; AWSALB=alb", CookieAWSALBCORS, "cors", true},
		{"AWSALB=alb; AWSALBCORS=cors", CookieAWSALBCORS, "cors", true},
		{"AWSALBCORS=cors", CookieAWSALB, "", false},
		{"AWSALBAPP-0=app", CookieAWSALB, "", false},
		{"AWSALBAPP-0=app", "AWSALBAPP", "", false},
		{"AWSALBAPP-0=app; AWSALBAPP-1=more", CookieAWSALBAPP, "app", true},
		{"XAWSALB=x; AWSALBX=y", CookieAWSALB, "", false},
		{"awsalb=lower", CookieAWSALB, "", false},

		// The first of several cookies with the same name.
		{"a=1; a=2", "a", "1", true},
		{"b=0; a=1; a=2", "a", "1", true},

		// Spaces around names, values and separators.
		{"  a=1", "a", "1", true},
		{"a = 1 ", "a", "1", true},
		{"x=0;a=1", "a", "1", true},
		{"x=0;   a=1  ;b=2", "a", "1", true},
		{"x=0;\ta=1", "a", "1", true},

		// Quoted values lose their quotes.
		{`a="quoted"`, "a", "quoted", true},
		{`a=""`, "a", "", true},
		{`a="`, "a", `"`, true},
		{`a="x`, "a", `"x`, true},

		// Empty values and values with '='.
		{"a=", "a", "", true},
		{"a=; b=2", "a", "", true},
		{"a=b=c", "a", "b=c", true},
		{"a==", "a", "=", true},

		// Malformed parts are skipped.
		{"junk; a=1", "a", "1", true},
		{"a; a=2", "a", "2", true},
		{"a", "a", "", false},
		{";;; a=1 ;;", "a", "1", true},
		{"=x; a=1", "a", "1", true},
		{"=x", "", "x", true},
		{"a=1;", "a", "1", true},
		{";", "a", "", false},
		{" ", "a", "", false},
	}
	for _, tt := range tests {
		got, ok := CookieValue(tt.header, tt.name)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("CookieValue(%q, %q) = %q, %v; want %q, %v", tt.header, tt.name, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestCookieValueDoesNotAllocate(t *testing.T) {
	h := "SESSIONID=s-0123456789abcdef; AWSALB=" + strings.Repeat("A", b64Len) + "; AWSALBCORS=" + strings.Repeat("B", b64Len)
	allocs := testing.AllocsPerRun(100, func() {
		CookieValue(h, CookieAWSALBCORS)
		CookieValue(h, "missing")
	})
	if allocs != 0 {
		t.Errorf("CookieValue allocates %v times per call", allocs)
	}
}

func TestParseCookieHeader(t *testing.T) {
	pairs := func(cs []StoredCookie) string {
		var b strings.Builder
		for _, c := range cs {
			fmt.Fprintf(&b, "[%s|%s]", c.Name, c.Value)
		}
		return b.String()
	}
	tests := []struct {
		header, want string
	}{
		{"", ""},
		{"a=1", "[a|1]"},
		{"a=1; b=2", "[a|1][b|2]"},
		{"a=1;b=2", "[a|1][b|2]"},
		{"  a = 1 ;  b=2  ", "[a|1][b|2]"},
		{"a=1; a=2", "[a|1][a|2]"},
		{"a=; b", "[a|]"},
		{"junk; ; =v; c=3;", "[c|3]"},
		{"a=b=c", "[a|b=c]"},
		{"AWSALB=x; AWSALBCORS=x; SESSIONID=s-1", "[AWSALB|x][AWSALBCORS|x][SESSIONID|s-1]"},
	}
	for _, tt := range tests {
		cs := ParseCookieHeader(tt.header)
		if got := pairs(cs); got != tt.want {
			t.Errorf("ParseCookieHeader(%q) = %s, want %s", tt.header, got, tt.want)
		}
		for _, c := range cs {
			if !c.Expires.IsZero() || c.Path != "" || c.SameSite != "" || c.Secure {
				t.Errorf("ParseCookieHeader(%q) set attributes: %+v", tt.header, c)
			}
		}
	}
}

func TestParseSetCookie(t *testing.T) {
	now := Epoch // Monday 5 January 2026, 09:00:00 UTC
	in7d := "Mon, 12 Jan 2026 09:00:00 GMT"
	at7d := time.Date(2026, 1, 12, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name, h string
		want    StoredCookie
	}{
		{"session cookie", "SESSIONID=s-1; Path=/",
			StoredCookie{Name: "SESSIONID", Value: "s-1", Path: "/"}},
		{"no attributes", "a=1",
			StoredCookie{Name: "a", Value: "1"}},
		{"empty value", "a=",
			StoredCookie{Name: "a"}},
		{"value with '='", "a=b=c; Path=/x",
			StoredCookie{Name: "a", Value: "b=c", Path: "/x"}},
		{"spaces trimmed", "  a  =  1  ;  Path = /p  ",
			StoredCookie{Name: "a", Value: "1", Path: "/p"}},
		{"AWSALB as AWS sends it", "AWSALB=v; Expires=" + in7d + "; Path=/",
			StoredCookie{Name: "AWSALB", Value: "v", Expires: at7d, Path: "/"}},
		{"AWSALBCORS as AWS sends it", "AWSALBCORS=v; Expires=" + in7d + "; Path=/; SameSite=None; Secure",
			StoredCookie{Name: "AWSALBCORS", Value: "v", Expires: at7d, Path: "/", SameSite: "None", Secure: true}},
		{"attribute names in any case", "a=1; EXPIRES=" + in7d + "; path=/; samesite=Lax; SECURE",
			StoredCookie{Name: "a", Value: "1", Expires: at7d, Path: "/", SameSite: "Lax", Secure: true}},
		{"unknown attributes ignored", "a=1; HttpOnly; Domain=example.com; Priority=High; Partitioned",
			StoredCookie{Name: "a", Value: "1"}},
		{"Max-Age", "a=1; Max-Age=60",
			StoredCookie{Name: "a", Value: "1", Expires: now.Add(time.Minute)}},
		{"Max-Age wins over an earlier Expires", "a=1; Expires=" + in7d + "; Max-Age=60",
			StoredCookie{Name: "a", Value: "1", Expires: now.Add(time.Minute)}},
		{"Max-Age wins over a later Expires", "a=1; Max-Age=60; Expires=" + in7d,
			StoredCookie{Name: "a", Value: "1", Expires: now.Add(time.Minute)}},
		{"the last Max-Age counts", "a=1; Max-Age=60; Max-Age=120",
			StoredCookie{Name: "a", Value: "1", Expires: now.Add(2 * time.Minute)}},
		{"Max-Age with leading zeros", "a=1; Max-Age=007",
			StoredCookie{Name: "a", Value: "1", Expires: now.Add(7 * time.Second)}},
		{"Max-Age of a year", "a=1; Max-Age=31536000",
			StoredCookie{Name: "a", Value: "1", Expires: now.Add(365 * 24 * time.Hour)}},
		{"a bad Max-Age is ignored", "a=1; Max-Age=soon; Expires=" + in7d,
			StoredCookie{Name: "a", Value: "1", Expires: at7d}},
		{"an empty Max-Age is ignored", "a=1; Max-Age=",
			StoredCookie{Name: "a", Value: "1"}},
		{"a bad Expires is ignored", "a=1; Expires=tomorrow",
			StoredCookie{Name: "a", Value: "1"}},
		{"an Expires hour out of range is ignored", "a=1; Expires=Mon, 12 Jan 2026 25:00:00 GMT",
			StoredCookie{Name: "a", Value: "1"}},
		{"an Expires month that does not exist is ignored", "a=1; Expires=Mon, 12 Foo 2026 09:00:00 GMT",
			StoredCookie{Name: "a", Value: "1"}},
		{"an Expires day that does not exist is ignored", "a=1; Expires=Sat, 31 Feb 2026 09:00:00 GMT",
			StoredCookie{Name: "a", Value: "1"}},
		{"the name only is trimmed of tabs", "\ta=1",
			StoredCookie{Name: "a", Value: "1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseSetCookie(now, tt.h)
			if err != nil {
				t.Fatalf("ParseSetCookie(%q) = %v", tt.h, err)
			}
			if got.Name != tt.want.Name || got.Value != tt.want.Value || !got.Expires.Equal(tt.want.Expires) ||
				got.Path != tt.want.Path || got.SameSite != tt.want.SameSite || got.Secure != tt.want.Secure {
				t.Errorf("ParseSetCookie(%q)\n got %+v\nwant %+v", tt.h, got, tt.want)
			}
		})
	}
}

func TestParseSetCookieMaxAgeExpires(t *testing.T) {
	now := Epoch
	for _, h := range []string{"a=1; Max-Age=0", "a=1; Max-Age=-1", "a=1; Expires=Mon, 12 Jan 2026 09:00:00 GMT; Max-Age=0"} {
		c, err := ParseSetCookie(now, h)
		if err != nil {
			t.Fatalf("ParseSetCookie(%q) = %v", h, err)
		}
		if c.Expires.IsZero() || c.Expires.After(now) {
			t.Errorf("ParseSetCookie(%q).Expires = %v, want at or before now", h, c.Expires)
		}
	}
	// A Max-Age far beyond any duration keeps the cookie: it must not
	// overflow into the past.
	for _, h := range []string{"a=1; Max-Age=10000000000", "a=1; Max-Age=9223372036854775807", "a=1; Max-Age=99999999999999999999"} {
		c, err := ParseSetCookie(now, h)
		if err != nil {
			t.Fatalf("ParseSetCookie(%q) = %v", h, err)
		}
		if !c.Expires.IsZero() && !c.Expires.After(now.Add(365*24*time.Hour)) {
			t.Errorf("ParseSetCookie(%q).Expires = %v: a huge Max-Age expired the cookie", h, c.Expires)
		}
	}
}

func TestParseSetCookieMalformed(t *testing.T) {
	for _, h := range []string{
		"",
		" ",
		";",
		"novalue",
		"novalue; Path=/",
		"=v",
		" =v; Path=/",
		"; a=1",
		"a b=1",
		"a\tb=1",
		`a"b=1`,
		`"a"=1`,
		"a,b=1",
		`a\b=1`,
	} {
		c, err := ParseSetCookie(Epoch, h)
		if !errors.Is(err, ErrBadSetCookie) {
			t.Errorf("ParseSetCookie(%q) = %+v, %v; want ErrBadSetCookie", h, c, err)
		}
	}
}

// jarAt returns the time of the jar tests' clock at tick: ten seconds
// after Epoch per tick.
func jarAt(tick int) time.Time { return Epoch.Add(time.Duration(tick) * 10 * time.Second) }

func TestMemoryJarExpiry(t *testing.T) {
	var j MemoryJar
	now := Epoch
	exp := now.Add(time.Minute).Format(TimeFormat)
	for _, h := range []string{
		"SESSIONID=s-1; Path=/",
		"short=1; Max-Age=30",
		"minute=1; Expires=" + exp,
	} {
		if err := j.Store(now, h); err != nil {
			t.Fatal(err)
		}
	}
	steps := []struct {
		after time.Duration
		want  string
	}{
		{0, "SESSIONID=s-1; short=1; minute=1"},
		{29 * time.Second, "SESSIONID=s-1; short=1; minute=1"},
		{30 * time.Second, "SESSIONID=s-1; minute=1"},
		{59 * time.Second, "SESSIONID=s-1; minute=1"},
		{time.Minute, "SESSIONID=s-1"},
		{30 * 24 * time.Hour, "SESSIONID=s-1"},
	}
	for _, s := range steps {
		if got := j.Header(now.Add(s.after)); got != s.want {
			t.Errorf("Header(+%s) = %q, want %q", s.after, got, s.want)
		}
	}
	if got := j.All(now.Add(30 * 24 * time.Hour)); len(got) != 1 || got[0].Name != SessionCookie {
		t.Errorf("Cookies after a month = %+v, want only the session cookie", got)
	}
}

func TestMemoryJarReplaceAndDelete(t *testing.T) {
	var j MemoryJar
	now := Epoch
	store := func(h string) {
		t.Helper()
		if err := j.Store(now, h); err != nil {
			t.Fatalf("Store(%q) = %v", h, err)
		}
	}
	check := func(want string) {
		t.Helper()
		if got := j.Header(now); got != want {
			t.Fatalf("Header = %q, want %q", got, want)
		}
	}
	check("")
	store("a=1")
	store("b=1; Path=/")
	store("c=1")
	check("a=1; b=1; c=1")
	// Replacing keeps the cookie's place.
	store("b=2; Secure")
	check("a=1; b=2; c=1")
	if cs := j.All(now); !cs[1].Secure || cs[1].Path != "" {
		t.Errorf("replaced cookie = %+v, want the new attributes only", cs[1])
	}
	// An Expires in the past deletes.
	store("a=x; Expires=Thu, 01 Jan 1970 00:00:00 GMT")
	check("b=2; c=1")
	// So does Max-Age=0, and an Expires equal to now.
	store("c=x; Max-Age=0")
	check("b=2")
	store("b=x; Expires=" + now.Format(TimeFormat))
	check("")
	// Deleting a cookie the jar does not hold stores nothing.
	store("gone=1; Max-Age=0")
	store("gone=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT")
	check("")
	// Delete by name.
	store("a=1")
	store("b=1")
	j.Delete("a")
	j.Delete("missing")
	check("b=1")
	// A bad header stores nothing and says so.
	if err := j.Store(now, "no value"); !errors.Is(err, ErrBadSetCookie) {
		t.Errorf("Store(bad) = %v, want ErrBadSetCookie", err)
	}
	check("b=1")
}

func TestMemoryJarBlocked(t *testing.T) {
	j := MemoryJar{Blocked: true}
	if err := j.Store(Epoch, "a=1"); !errors.Is(err, ErrCookiesBlocked) {
		t.Errorf("Store on a blocked jar = %v, want ErrCookiesBlocked", err)
	}
	if h := j.Header(Epoch); h != "" {
		t.Errorf("blocked jar sends %q", h)
	}
	// Unblocked, it stores again.
	j.Blocked = false
	if err := j.Store(Epoch, "a=1"); err != nil || j.Header(Epoch) != "a=1" {
		t.Errorf("unblocked: %v, %q", err, j.Header(Epoch))
	}

	// A client that blocks cookies never sends one.
	lb, err := New(Config{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	c := lb.NewClient("private", nil, BlockCookies)
	for i := 0; i < 3; i++ {
		ex := lb.Do(c, "/")
		if len(ex.Cookies) != 0 || ex.StoreError == "" || ex.Session != SessionNew {
			t.Errorf("request %d from a blocking client: Cookie %q, StoreError %q, session %s", i, ex.CookieHeader(), ex.StoreError, ex.Session)
		}
	}
}

func TestMemoryJarClear(t *testing.T) {
	var j MemoryJar
	j.Clear() // empty: nothing to do
	if h := j.Header(Epoch); h != "" {
		t.Fatalf("Header = %q", h)
	}
	for _, h := range []string{"a=1", "b=2"} {
		if err := j.Store(Epoch, h); err != nil {
			t.Fatal(err)
		}
	}
	if h := j.Header(Epoch); h != "a=1; b=2" {
		t.Fatalf("Header = %q", h)
	}
	j.Clear()
	if h := j.Header(Epoch); h != "" {
		t.Errorf("Header after Clear = %q", h)
	}
	if cs := j.All(Epoch); len(cs) != 0 {
		t.Errorf("Cookies after Clear = %+v", cs)
	}
	if err := j.Store(Epoch, "c=3"); err != nil || j.Header(Epoch) != "c=3" {
		t.Errorf("after Clear and Store: %v, %q", err, j.Header(Epoch))
	}
}

func TestMemoryJarCookies(t *testing.T) {
	var j MemoryJar
	now := Epoch
	for _, h := range []string{"zeta=1", "alpha=2; Max-Age=10", "AWSALBCORS=3; SameSite=None; Secure", "AWSALB=4", "mid=5"} {
		if err := j.Store(now, h); err != nil {
			t.Fatal(err)
		}
	}
	names := func(cs []StoredCookie) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.Name)
		}
		return out
	}
	if got, want := names(j.All(now)), []string{"AWSALB", "AWSALBCORS", "alpha", "mid", "zeta"}; !slices.Equal(got, want) {
		t.Errorf("Cookies = %v, want sorted %v", got, want)
	}
	// Sorting the copy does not reorder the Cookie header.
	if h := j.Header(now); h != "zeta=1; alpha=2; AWSALBCORS=3; AWSALB=4; mid=5" {
		t.Errorf("Header = %q, want the order the cookies were set", h)
	}
	// Expired cookies are left out.
	if got, want := names(j.All(now.Add(10*time.Second))), []string{"AWSALB", "AWSALBCORS", "mid", "zeta"}; !slices.Equal(got, want) {
		t.Errorf("Cookies after alpha expired = %v, want %v", got, want)
	}
	// The result is a copy.
	cs := j.All(now)
	cs[0].Value = "changed"
	if v, _ := CookieValue(j.Header(now), "AWSALB"); v != "4" {
		t.Errorf("changing Cookies' result changed the jar: AWSALB=%q", v)
	}
}

// modelJar is a plain reference cookie store following RFC 6265 §5.3: it
// evicts expired cookies first, a replaced cookie keeps its place, and the
// Cookie header lists the rest in the order they were first set.
type modelJar struct {
	cookies []StoredCookie
}

func (m *modelJar) evict(now time.Time) {
	m.cookies = slices.DeleteFunc(m.cookies, func(c StoredCookie) bool {
		return !c.Expires.IsZero() && !c.Expires.After(now)
	})
}

func (m *modelJar) put(now time.Time, c StoredCookie) {
	m.evict(now)
	i := slices.IndexFunc(m.cookies, func(x StoredCookie) bool { return x.Name == c.Name })
	switch expired := !c.Expires.IsZero() && !c.Expires.After(now); {
	case expired && i >= 0:
		m.cookies = slices.Delete(m.cookies, i, i+1)
	case expired:
	case i >= 0:
		m.cookies[i] = c
	default:
		m.cookies = append(m.cookies, c)
	}
}

func (m *modelJar) header(now time.Time) string {
	m.evict(now)
	var parts []string
	for _, c := range m.cookies {
		parts = append(parts, c.Name+"="+c.Value)
	}
	return strings.Join(parts, "; ")
}

// TestMemoryJarHeaderCache drives a MemoryJar and the reference modelJar
// with the same random operations as the clock moves, and checks that the
// jar's cached Cookie header is always the model's.
func TestMemoryJarHeaderCache(t *testing.T) {
	for seed := uint64(1); seed <= 50; seed++ {
		rng := rand.New(rand.NewPCG(seed, 0))
		var j MemoryJar
		var m modelJar
		tick := 0
		var log []string
		for step := 0; step < 300; step++ {
			now := jarAt(tick)
			name := string(rune('a' + rng.IntN(5)))
			value := fmt.Sprint(step)
			if rng.IntN(4) == 0 {
				value = `"` + value + `"` // not plain: the header unquotes it
			}
			var op string
			switch rng.IntN(10) {
			case 0, 1, 2:
				op = "Store " + name + "=" + value
				if rng.IntN(2) == 0 {
					op += fmt.Sprintf("; Max-Age=%d", rng.IntN(60)-5)
				} else if rng.IntN(2) == 0 {
					op += "; Expires=" + jarAt(tick+rng.IntN(8)-1).Format(TimeFormat)
				}
				h := strings.TrimPrefix(op, "Store ")
				if err := j.Store(now, h); err != nil {
					t.Fatalf("seed %d: Store(%q) = %v", seed, h, err)
				}
				c, _ := ParseSetCookie(now, h)
				m.put(now, c)
			case 3:
				op = "Put " + name + "=" + value
				c := StoredCookie{Name: name, Value: value, Path: "/"}
				if rng.IntN(2) == 0 {
					c.Expires = jarAt(tick + rng.IntN(6) - 1)
					op += " until " + c.Expires.Format("15:04:05")
				}
				j.Put(now, c)
				m.put(now, c)
			case 4:
				op = "Delete " + name
				j.Delete(name)
				m.evict(now)
				m.cookies = slices.DeleteFunc(m.cookies, func(c StoredCookie) bool { return c.Name == name })
			case 5:
				if rng.IntN(4) == 0 {
					op = "Clear"
					j.Clear()
					m.cookies = nil
				}
			case 6, 7:
				tick += rng.IntN(4)
				op = fmt.Sprintf("clock %s", jarAt(tick).Format("15:04:05"))
			case 8:
				op = "Cookies"
				m.evict(now)
				want := slices.Clone(m.cookies)
				slices.SortFunc(want, func(a, b StoredCookie) int { return strings.Compare(a.Name, b.Name) })
				got := j.All(now)
				if len(got) != len(want) {
					t.Fatalf("seed %d step %d: Cookies = %+v, want %+v", seed, step, got, want)
				}
				for i := range got {
					if got[i].Name != want[i].Name || got[i].Value != want[i].Value || !got[i].Expires.Equal(want[i].Expires) {
						t.Fatalf("seed %d step %d: Cookies = %+v, want %+v", seed, step, got, want)
					}
				}
			case 9:
				// Read the header now, so that the cache is warm before
				// the next change.
				op = "Header"
			}
			if op != "" {
				log = append(log, fmt.Sprintf("%s: %s", jarAt(tick).Format("15:04:05"), op))
			}
			// Compare after some steps only, so that several changes and
			// clock moves pile up between two reads of the cached header.
			if op != "Header" && rng.IntN(3) != 0 {
				continue
			}
			now = jarAt(tick)
			if got, want := j.Header(now), m.header(now); got != want {
				t.Fatalf("seed %d step %d: Header = %q, want %q\nlast operations:\n  %s", seed, step, got, want, strings.Join(log[max(0, len(log)-8):], "\n  "))
			}
			odd := 0
			for _, c := range j.cookies {
				if !plainCookie(c.Name, c.Value) {
					odd++
				}
			}
			if odd != j.odd {
				t.Fatalf("seed %d step %d: the jar counts %d odd cookies, holds %d\nlast operations:\n  %s", seed, step, j.odd, odd, strings.Join(log[max(0, len(log)-8):], "\n  "))
			}
		}
	}
}

// FuzzCookieLookup checks that the load balancer's reading of a Cookie
// header, parsed once into cookies and then looked up by name, finds what a
// pair-by-pair scan of the text finds.
func FuzzCookieLookup(f *testing.F) {
	f.Add("AWSALB=a; AWSALBCORS=b")
	f.Add("AWSALBCORS=b;AWSALB=a; AWSALBCORS=c")
	f.Add(` AWSALB = "q" ; x=1;AWSALBCORS`)
	f.Add("AWSALBX=1; AWSALBCORS =2; ;=3")
	f.Fuzz(func(t *testing.T, h string) {
		cs := ParseCookieHeader(h)
		for _, name := range []string{CookieAWSALB, CookieAWSALBCORS, CookieAWSALBAPP, SessionCookie, "x"} {
			gv, gok := lookupCookie(cs, name)
			wv, wok := CookieValue(h, name)
			if gv != wv || gok != wok {
				t.Fatalf("header %q: lookup(%q) = %q %v, scan gives %q %v", h, name, gv, gok, wv, wok)
			}
		}
	})
}

// FuzzJarLookup checks a MemoryJar's Cookies, its own slice while every
// cookie is plain, against its Cookie header parsed: what the load
// balancer reads from a crowd client's jar instead of parsing the header.
func FuzzJarLookup(f *testing.F) {
	f.Add("AWSALB", "v1", "AWSALBCORS", "v2", "SESSIONID", "s-1")
	f.Add("AWSALB", " v1", "AWSALBCORS", `"v2"`, "SESSIONID", "a;AWSALBCORS=x")
	f.Add("AWSALB ", "v1", "a=b", "c", "", "x")
	f.Add("AWSALBCORS", "", "AWSALB", "\t", "x", `"`)
	f.Fuzz(func(t *testing.T, n1, v1, n2, v2, n3, v3 string) {
		now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		var j MemoryJar
		for _, c := range [][2]string{{n1, v1}, {n2, v2}, {n3, v3}} {
			j.Put(now, StoredCookie{Name: c[0], Value: c[1], Path: "/"})
		}
		// The jar is plain when each cookie it holds is.
		want := true
		for _, c := range j.cookies {
			want = want && plainCookie(c.Name, c.Value)
		}
		if got := j.plain(now); got != want {
			t.Fatalf("plain = %v with cookies %+v", got, j.cookies)
		}
		got, parsed := j.Cookies(now), ParseCookieHeader(j.Header(now))
		if len(got) != len(parsed) {
			t.Fatalf("jar %+v: Cookies %+v, header %q parses to %+v", j.cookies, got, j.Header(now), parsed)
		}
		for i := range got {
			if got[i].Name != parsed[i].Name || got[i].Value != parsed[i].Value {
				t.Fatalf("jar %+v: Cookies %+v, header %q parses to %+v", j.cookies, got, j.Header(now), parsed)
			}
		}
	})
}

// jarHeader renders the Cookie header c's next request at now carries.
func jarHeader(c *Client, now time.Time) string { return CookieHeader(c.Jar.Cookies(now)) }

// FuzzJarExpiry checks the cookies a MemoryJar hands a request, read past
// its earliest-expiry shortcut, against the plain rule: every cookie whose
// Expires is zero or after now, including expiries beyond UnixNano's range.
func FuzzJarExpiry(f *testing.F) {
	f.Add([]byte{1, 10, 2, 200, 3, 0, 0, 5, 1, 255})
	f.Add([]byte{0, 250, 1, 251, 2, 3, 0, 4})
	f.Fuzz(func(t *testing.T, ops []byte) {
		now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		var j MemoryJar
		names := []string{"AWSALB", "AWSALBCORS", "SESSIONID"}
		for len(ops) >= 2 {
			op, arg := ops[0], ops[1]
			ops = ops[2:]
			switch op % 4 {
			case 0: // time passes
				now = now.Add(time.Duration(arg) * time.Second)
			case 1, 2: // a cookie set to expire arg seconds (or centuries) from now
				exp := now.Add(time.Duration(arg) * time.Second)
				switch arg {
				case 255:
					exp = time.Time{} // a session cookie
				case 254:
					exp = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
				}
				c := StoredCookie{Name: names[int(op/4)%len(names)], Value: fmt.Sprint(arg), Expires: exp, Path: "/"}
				if op%4 == 1 || !exp.IsZero() && !exp.After(now) { // take gets unexpired cookies only
					j.Put(now, c)
				} else if j.take(now, []StoredCookie{c}) != nil {
					t.Fatal("take refused a cookie")
				}
			case 3: // a request reads the jar
				var want []string
				for _, c := range j.cookies {
					if c.Expires.IsZero() || c.Expires.After(now) {
						want = append(want, c.Name+"="+c.Value)
					}
				}
				var got []string
				for _, c := range j.Cookies(now) {
					got = append(got, c.Name+"="+c.Value)
				}
				if !slices.Equal(got, want) {
					t.Fatalf("at %v: Cookies %q, want %q", now, got, want)
				}
			}
		}
	})
}
