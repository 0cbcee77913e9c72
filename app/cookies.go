package app

import (
	"fmt"
	"strings"

	"github.com/maxence-charriere/go-app/v9/pkg/app"

	"github.com/stickylab/stickylab/engine"
)

// CookieView is one cookie of the learner's browser, with what the load
// balancer reads from it.
type CookieView struct {
	engine.StoredCookie
	// Decoded says what the load balancer reads from a stickiness cookie
	// ("" for other cookies); Accepted reports whether it would honour it.
	Decoded  string
	Accepted bool
	// ID names the row: the cookie's name, then "AWSALB-2" for a second
	// cookie of that name ("": the name).
	ID string
}

// rowID returns the ID that names the cookie's row.
func (c CookieView) rowID() string {
	if c.ID == "" {
		return c.Name
	}
	return c.ID
}

// viewCookies describes the cookies a jar holds (listed, as DevTools shows
// them), each with the engine's verdict on its own value in the request that
// would carry them (sent): ExplainCookies, which routes it.
func viewCookies(lb *engine.LoadBalancer, listed, sent []engine.StoredCookie) []CookieView {
	tg := lb.TargetGroup
	type sentCookie struct {
		value string
		v     engine.CookieVerdict
		used  bool
	}
	byName := make(map[string][]*sentCookie, len(sent))
	for i, v := range lb.ExplainCookies(sent) {
		byName[v.Name] = append(byName[v.Name], &sentCookie{value: sent[i].Value, v: v})
	}
	out := make([]CookieView, 0, len(listed))
	ids := make(map[string]bool, len(listed))
	for _, c := range listed {
		v := CookieView{StoredCookie: c, ID: c.Name}
		for n := 2; ids[v.ID]; n++ {
			v.ID = fmt.Sprintf("%s-%d", c.Name, n)
		}
		ids[v.ID] = true
		if s := pickSent(byName[c.Name], func(s *sentCookie) bool { return !s.used && s.value == c.Value }, func(s *sentCookie) bool { return !s.used }); s != nil {
			s.used = true
			v.Decoded, v.Accepted = describeVerdict(lb, tg, s.v)
			if note := s.v.NamesakeText(); note != "" && v.Decoded != "" {
				v.Decoded += " " + note
			}
		}
		out = append(out, v)
	}
	return out
}

// pickSent returns the first of ss that a test admits, trying the tests in
// order; the zero T when none does.
func pickSent[T any](ss []T, tests ...func(T) bool) (none T) {
	for _, ok := range tests {
		for _, s := range ss {
			if ok(s) {
				return s
			}
		}
	}
	return none
}

// describeVerdict words the load balancer's verdict on one cookie, and
// reports whether the load balancer honours it: it routes the request to
// the target it names, or it is the application cookie that lets it.
func describeVerdict(lb *engine.LoadBalancer, tg *engine.TargetGroup, vd engine.CookieVerdict) (string, bool) {
	switch {
	case vd.Role == engine.RoleAppCookie:
		return vd.Text(tg), true
	case vd.Role == engine.RoleOther:
		return "", false
	case vd.Name == engine.CookieAWSALBTG || vd.Name == engine.CookieAWSALBTGCORS:
		return describeGroupVerdict(lb, vd) // labgroups.go
	case vd.Err != nil:
		return "Not accepted: " + vd.Err.Error() + ". The load balancer treats it as no cookie.", false
	case vd.Target == nil:
		// An earlier lab with the same seed and more instances wrote it:
		// the browser keeps it for 7 days.
		return "Not accepted: it names an instance this load balancer does not have (a cookie from an earlier lab with more instances). The load balancer picks a target anew and rewrites it.", false
	}
	if g := vd.Target.TargetGroup(); g != nil && g.Name != "" {
		tg = g // the instance's own target group, behind a weighted rule
	}
	where := tg.Name
	if where == "" { // Classic: no target group
		where = lb.Name
	}
	s := fmt.Sprintf("Names %s (%s) in %s, issued %s ago", vd.Target.Name, vd.Target.ID, where, vd.Age)
	switch {
	case vd.Role == engine.RoleDisabled && lb.Type == engine.ClassicLoadBalancer:
		return s + ". " + vd.Text(tg), false
	case vd.Role == engine.RoleDisabled:
		return s + "; ignored: stickiness is off.", false
	case vd.Role != engine.RoleFollowed:
		return s + ". " + vd.Text(tg), false
	case vd.Reason == engine.ReasonSticky && vd.BrowserSession:
		return s + "; sticky while your browser keeps it: a session cookie, gone when the browser closes (no expiration period).", true
	case vd.Reason == engine.ReasonSticky && lb.Type == engine.ClassicLoadBalancer:
		return s + fmt.Sprintf("; sticky for %s more: then your browser drops it (set once with the expiration period, %s; the load balancer does not renew it).", vd.Left, durationWords(lb.ListenerStickiness().CookieExpirationPeriod)), true
	case vd.Reason == engine.ReasonSticky:
		return s + fmt.Sprintf("; sticky for %s more unless refreshed (each response re-issues it).", vd.Left), true
	case vd.Reason == engine.ReasonCookieExpired:
		return s + fmt.Sprintf("; expired: idle longer than the stickiness duration (%s).", tg.Attributes().StickinessDuration()), false
	}
	return s + "; " + vd.Reason.Text() + ".", false
}

// CookiePanel lists the cookies the learner's browser really holds for the
// lab, like DevTools → Application → Cookies, with delete buttons and the
// load balancer's reading of its opaque cookies.
type CookiePanel struct {
	app.Compo

	ICookies []CookieView
	INotice  string // e.g. the browser refused cookies: they live in memory
	// INoLBCookie says why the load balancer sets no cookie (a Network
	// Load Balancer); "" for types that do.
	INoLBCookie string
	IOnDelete   func(name string)
	IOnClear    func()
}

// Render draws the cookie table.
func (p *CookiePanel) Render() app.UI {
	return app.Section().Class("panel", "cookies").DataSet("testid", "cookie-panel").Aria("label", "Cookies").Body(
		app.H2().Text("Cookies in your browser"),
		app.If(p.INotice != "", app.P().Class("warning").Role("status").DataSet("testid", "cookie-notice").Text(p.INotice)),
		app.If(p.INoLBCookie != "", app.P().Class("note").DataSet("testid", "no-lb-cookie").Text(p.INoLBCookie)),
		app.P().Class("muted").Text("These are real cookies: DevTools → Application → Cookies shows the same ones for this site. Delete or edit them there and the next Refresh sends what your browser holds."),
		app.If(len(p.ICookies) == 0,
			app.P().Class("empty").DataSet("testid", "no-cookies").Text("No cookies yet."),
		).Else(
			app.Table().Class("stack").Body(
				app.THead().Body(app.Tr().Body(
					app.Th().Text("Name"), app.Th().Text("Value"), app.Th().Text("Expires"), app.Th().Text("Path"), app.Th().Text("SameSite"), app.Th().Text("Secure"), app.Th().Body(app.Span().Class("visually-hidden").Text("Actions")),
				)),
				app.TBody().Body(
					app.Range(p.ICookies).Slice(func(i int) app.UI { return p.row(p.ICookies[i], p.namesakes(p.ICookies[i].Name)) }),
				),
			),
		),
	)
}

// namesakes counts the cookies called name.
func (p *CookiePanel) namesakes(name string) int {
	n := 0
	for _, c := range p.ICookies {
		if c.Name == name {
			n++
		}
	}
	return n
}

// row is one cookie's row; Delete removes every cookie of its name (the
// browser's store is keyed by name and path), which it says when there are n > 1.
func (p *CookiePanel) row(c CookieView, n int) app.UI {
	name := c.Name
	label, text := "Delete cookie "+c.Name, "Delete"
	if n > 1 {
		label, text = fmt.Sprintf("Delete the %d cookies named %s", n, c.Name), fmt.Sprintf("Delete all %d", n)
	}
	expires := "Session"
	if !c.Expires.IsZero() {
		expires = c.Expires.Format("2006-01-02 15:04:05")
	}
	secure := ""
	if c.Secure {
		secure = "✓"
	}
	return app.Tr().DataSet("testid", "cookie-"+c.rowID()).Body(
		app.Td().DataSet("label", "Name").Body(app.Code().Text(c.Name), termLink(cookieTerm(c.Name))),
		app.Td().Class("value").DataSet("label", "Value").Body(
			app.Code().Title(c.Value).Text(shorten(c.Value, 28)),
			app.If(c.Decoded != "", app.Div().Class("decoded", map[bool]string{true: "ok", false: "bad"}[c.Accepted]).DataSet("testid", "decoded-"+c.rowID()).Text(c.Decoded)),
		),
		app.Td().DataSet("label", "Expires").Text(expires),
		app.Td().DataSet("label", "Path").Text(c.Path),
		app.Td().DataSet("label", "SameSite").Text(c.SameSite),
		app.Td().DataSet("label", "Secure").Text(secure),
		// The scope makes go-app swap the handler when a row shows another
		// cookie (it compares handlers by code, not by captured name).
		app.Td().Class("actions").Body(app.Button().Class("small").DataSet("testid", "delete-cookie-"+c.rowID()).Text(text).Aria("label", label).OnClick(func(ctx app.Context, e app.Event) {
			call1(p.IOnDelete, name)
		}, name)),
	)
}

// cookieTerm is the glossary entry of a stickiness cookie's name, "" for
// another cookie.
func cookieTerm(name string) string {
	for _, g := range glossary {
		if g.Term == name {
			return g.ID
		}
	}
	return ""
}

// shorten cuts s to its first n bytes and "…" when longer, never inside a
// character.
func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "…"
}
