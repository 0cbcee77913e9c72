//go:build !(js && wasm)

package browserjar

import (
	"fmt"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/stickylab/stickylab/engine"
)

// readCounter counts the reads of document.cookie.
type readCounter struct {
	*recorder
	reads int
}

func (r *readCounter) Cookie() (string, error) { r.reads++; return r.recorder.Cookie() }

// TestSetCookiesOneRead checks that SetCookies (storeAll: every write
// checked by one read) leaves the jar, the browser and the error as storing
// the cookies one by one does, in every mode and on refusals.
func TestSetCookiesOneRead(t *testing.T) {
	exp := simStart.Add(engine.CookieExpiry)
	alb := engine.StoredCookie{Name: "AWSALB", Value: "Zm9vYmFy+/x=", Path: "/", Expires: exp}
	cors := engine.StoredCookie{Name: "AWSALBCORS", Value: "Zm9vYmFy+/x=", Path: "/", Expires: exp, SameSite: "None", Secure: true}
	session := engine.StoredCookie{Name: "SESSIONID", Value: "s-1a2b3c", Path: "/"}
	responses := map[string][]engine.StoredCookie{
		"alb, cors, session": {alb, cors, session},
		"session, alb":       {session, alb},
		"duplicate names":    {alb, session, {Name: "AWSALB", Value: "other", Path: "/"}},
		"a bad name first":   {{Name: "bad name", Value: "1"}, alb, session},
		"a control char":     {alb, {Name: "X", Value: "a\x01b"}, session},
		"expired":            {{Name: "AWSALB", Value: "gone", Path: "/", Expires: simStart.Add(-time.Second)}, session},
	}
	conditions := map[string]func(*memoryDocument){
		"document":          func(*memoryDocument) {},
		"insecure page":     func(d *memoryDocument) { d.insecure = true },
		"blocked":           func(d *memoryDocument) { d.blocked = true },
		"cross-site now":    func(d *memoryDocument) { d.partitionedOnly = true },
		"throwing":          func(d *memoryDocument) { d.err = errSecurity },
		"secure refused at": func(d *memoryDocument) { d.insecure = true; d.pagePath = "/stickylab/" },
	}
	// A response whose later cookie is refused after earlier ones stuck
	// (Secure on an insecure page) moves the jar to memory mid-response:
	// SetCookies has written the cookies after it too, and deletes its
	// copies, so a copy of one of them set outside the lab (SESSIONID=olds)
	// goes with it and the memory jar may hold them in another order. The
	// cookies known, their values and attributes are the same.
	midResponseFallback := map[string]bool{"insecure page": true, "secure refused at": true}
	for rn, cs := range responses {
		for cn, change := range conditions {
			t.Run(rn+"/"+cn, func(t *testing.T) {
				var got, want string
				var reads [2]int
				for i := range 2 {
					f := newFixture(t, "/stickylab/", "/stickylab", nil)
					f.doc.store.cookies = append(f.doc.store.cookies, docCookie{name: "AWSALB", value: "old", path: "/stickylab"}, docCookie{name: "SESSIONID", value: "olds", path: "/stickylab"})
					change(f.doc)
					rc := &readCounter{recorder: f.rec}
					f.jar.doc = rc
					var err error
					if i == 0 {
						err = f.jar.SetCookies(simStart, cs)
					} else {
						for _, c := range cs {
							if e := f.jar.SetCookies(simStart, []engine.StoredCookie{c}); e != nil && err == nil {
								err = e
							}
						}
					}
					reads[i] = rc.reads
					f.doc.err, f.doc.blocked, f.doc.partitionedOnly = nil, false, false
					s := fmt.Sprintf("err %v\nstate %+v\nall %+v\n", err, f.jar.State(), f.jar.All(simStart))
					if !midResponseFallback[cn] {
						s += fmt.Sprintf("header %q\nbrowser %+v\n", f.jar.Header(simStart), browserCookies(f.doc))
					}
					if i == 0 {
						got = s
					} else {
						want = s
					}
				}
				if got != want {
					t.Errorf("SetCookies:\n%s\none by one:\n%s", got, want)
				}
				if cn == "document" && rn == "alb, cors, session" && (reads[0] != 1 || reads[1] != 3) {
					t.Errorf("document.cookie read %d times (one by one: %d), want 1 (3)", reads[0], reads[1])
				}
			})
		}
	}
}

// browserCookies returns the emulated browser's cookies in a stable order.
func browserCookies(d *memoryDocument) []docCookie {
	cs := append([]docCookie(nil), d.store.cookies...)
	for i := range cs {
		cs[i].created = 0
	}
	sort.SliceStable(cs, func(a, b int) bool {
		return fmt.Sprint(cs[a]) < fmt.Sprint(cs[b])
	})
	return cs
}

// TestViewsOneRead checks that Views gives All and Cookies from one read of
// document.cookie, in the browser and in memory, with an expired cookie the
// first read deletes.
func TestViewsOneRead(t *testing.T) {
	for _, blocked := range []bool{false, true} {
		build := func() *fixture {
			f := newFixture(t, "/stickylab/", "/stickylab", func(d *memoryDocument) { d.blocked = blocked })
			mustStore(t, f.jar, simStart, albHeader)
			mustStore(t, f.jar, simStart, "SESSIONID=abc; Path=/")
			mustStore(t, f.jar, simStart, "SHORT=1; Path=/; Expires="+expires(simStart.Add(time.Second)))
			f.doc.store.cookies = append(f.doc.store.cookies, docCookie{name: "DEVTOOLS", value: "x", path: "/stickylab"})
			return f
		}
		later := simStart.Add(2 * time.Second)
		f, g := build(), build()
		rc := &readCounter{recorder: f.rec}
		f.jar.doc = rc
		all, sent := f.jar.Views(later)
		wantAll, wantSent := g.jar.All(later), g.jar.Cookies(later)
		if !reflect.DeepEqual(all, wantAll) || !reflect.DeepEqual(sent, wantSent) {
			t.Errorf("blocked %v: Views =\n%+v\n%+v\nwant All, Cookies\n%+v\n%+v", blocked, all, sent, wantAll, wantSent)
		}
		if want := map[bool]int{false: 1, true: 0}[blocked]; rc.reads != want {
			t.Errorf("blocked %v: %d reads of document.cookie, want %d", blocked, rc.reads, want)
		}
		if len(sent) < 2 {
			t.Errorf("blocked %v: Views sends %+v", blocked, sent)
		}
	}
}
