//go:build !(js && wasm)

package browserjar

import (
	"errors"
	"testing"
	"time"
)

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
	if j := New("/stickylab/"); !j.State().InBrowser() || j.Path() != "/stickylab" {
		t.Errorf("native New: State %+v, Path %q", j.State(), j.Path())
	}
}
