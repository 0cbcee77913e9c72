package app

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v9/pkg/app"

	"github.com/stickylab/stickylab/engine"
)

// crowdDraft is what the learner typed in the crowd form, before Start.
type crowdDraft struct {
	clients string
	rate    string // total requests per second; "" means use the think time
	think   string // seconds
	clear   string // percent
	block   string // percent
	nat     string // percent behind NAT gateways (a Network Load Balancer)
	gateway string // how many NAT gateways
}

// defaultCrowdDraft is the form's first crowd: the presets' 300 clients
// with a 5 s think time.
func defaultCrowdDraft() crowdDraft {
	return crowdDraft{clients: "300", think: formatNumber(engine.DefaultThinkTime.Seconds()), clear: "0", block: "0", nat: "0"}
}

// draftOfCrowd returns the form's fields for a running crowd.
func draftOfCrowd(c engine.CrowdConfig) crowdDraft {
	d := crowdDraft{
		clients: strconv.Itoa(c.Clients),
		think:   formatNumber(c.ThinkTime.Seconds()),
		clear:   formatNumber(c.ClearShare * 100),
		block:   formatNumber(c.BlockShare * 100),
		nat:     formatNumber(c.NATShare * 100),
	}
	if c.NATGateways > 0 {
		d.gateway = strconv.Itoa(c.NATGateways)
	}
	if c.RequestRate > 0 {
		d.rate = formatNumber(c.RequestRate)
	}
	return d
}

func formatNumber(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// crowdError is a bad field of the crowd form and what is wrong with it.
type crowdError struct {
	Field   string // clients, rate, think, clear or block
	Message string
}

func (e *crowdError) Error() string { return e.Message }

// errComma is parseNumber's error for a comma that does not separate
// thousands in groups of three digits ("1,5"), instead of ignoring it.
var errComma = errors.New("a comma that does not separate thousands")

// parseNumber reads a number as people type it: spaces, underscores and
// thousands commas ("10,000") are ignored, and so is a trailing unit ("%").
func parseNumber(s, unit string) (float64, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimSpace(strings.TrimSuffix(s, unit))
	s = strings.NewReplacer("_", "", " ", "", "\u00a0", "", "\u202f", "").Replace(s)
	if strings.Contains(s, ",") {
		if !thousandsGroups(s) {
			return 0, errComma
		}
		s = strings.ReplaceAll(s, ",", "")
	}
	f, err := strconv.ParseFloat(s, 64)
	if s == "" || err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, errors.New("not a number")
	}
	return f, nil
}

// thousandsGroups reports whether the commas of s separate its whole part
// into groups of three digits after the first: "10,000", "-1,234.5".
func thousandsGroups(s string) bool {
	whole, fraction, _ := strings.Cut(strings.TrimLeft(s, "+-"), ".")
	for i, g := range strings.Split(whole, ",") {
		if g == "" || len(g) > 3 || i > 0 && len(g) != 3 || strings.Trim(g, "0123456789") != "" {
			return false
		}
	}
	return !strings.Contains(fraction, ",")
}

// notNumber ends a crowd field's message on what was typed; a misplaced
// comma is explained, with a decimal point's spelling unless whole.
func notNumber(typed string, err error, whole bool) string {
	if !errors.Is(err, errComma) {
		return fmt.Sprintf("%q is not.", typed)
	}
	s := fmt.Sprintf("%q is not: a comma only separates thousands, in groups of three digits as in 10,000", typed)
	if whole {
		return s + "."
	}
	example := "1.5"
	if t := strings.TrimSpace(typed); strings.Count(t, ",") == 1 && !strings.Contains(t, ".") {
		example = strings.Replace(t, ",", ".", 1)
	}
	return s + fmt.Sprintf("; write a decimal with a point, as in %s.", example)
}

// parseCrowd reads the crowd form; the engine's CrowdConfig.Validate then
// checks the bounds. The first bad field comes back as a *crowdError whose
// message says which field, what it holds and what it must be.
func parseCrowd(d crowdDraft) (engine.CrowdConfig, error) {
	var c engine.CrowdConfig
	n, err := parseNumber(d.clients, "")
	if err != nil || n != math.Trunc(n) || math.Abs(n) > math.MaxInt32 {
		return c, &crowdError{"clients", fmt.Sprintf("Clients must be a whole number from 1 to %s; %s", thousands(engine.MaxCrowd), notNumber(d.clients, err, true))}
	}
	c.Clients = int(n)
	if strings.TrimSpace(d.rate) != "" {
		r, err := parseNumber(d.rate, "/s")
		if err != nil || r == 0 {
			return c, &crowdError{"rate", fmt.Sprintf("Request rate must be a number of requests per second from %s to %s, or empty to use the think time; %s",
				formatNumber(engine.MinRequestRate), thousands(int64(engine.MaxRequestRate)), notNumber(d.rate, err, false))}
		}
		c.RequestRate = r
	}
	if strings.TrimSpace(d.think) == "" && c.RequestRate != 0 {
		c.ThinkTime = engine.DefaultThinkTime
	} else {
		th, err := parseNumber(d.think, "s")
		if err != nil || math.Abs(th) > math.MaxInt64/float64(time.Second) {
			return c, &crowdError{"think", fmt.Sprintf("Think time must be a number of seconds from %s to %s; %s",
				formatNumber(engine.MinThinkTime.Seconds()), thousands(int64(engine.MaxThinkTime/time.Second)), notNumber(d.think, err, false))}
		}
		c.ThinkTime = time.Duration(th * float64(time.Second))
	}
	shares := [2]float64{}
	for i, f := range [2]struct{ key, value, what string }{
		{"clear", d.clear, "clear their cookies"}, {"block", d.block, "block cookies"},
	} {
		if strings.TrimSpace(f.value) == "" {
			continue
		}
		p, err := parseNumber(f.value, "%")
		if err != nil {
			return c, &crowdError{f.key, fmt.Sprintf("The share of clients that %s must be a percentage from 0 to 100; %s", f.what, notNumber(f.value, err, false))}
		}
		shares[i] = p
	}
	c.ClearShare, c.BlockShare = shares[0]/100, shares[1]/100
	if strings.TrimSpace(d.nat) != "" {
		p, err := parseNumber(d.nat, "%")
		if err != nil {
			return c, &crowdError{"nat", fmt.Sprintf("The share of clients behind NAT gateways must be a percentage from 0 to 100; %s", notNumber(d.nat, err, false))}
		}
		c.NATShare = p / 100
	}
	if strings.TrimSpace(d.gateway) != "" {
		g, err := parseNumber(d.gateway, "")
		if err != nil || g != math.Trunc(g) || math.Abs(g) > math.MaxInt32 || g < engine.MinNATGateways {
			return c, &crowdError{"gateways", fmt.Sprintf("NAT gateways must be a whole number from %d to %d; %s", engine.MinNATGateways, engine.MaxNATGateways, notNumber(d.gateway, err, true))}
		}
		c.NATGateways = int(g)
	}
	var ce *engine.CrowdError
	if err := c.Validate(); errors.As(err, &ce) {
		return c, &crowdError{ce.Field, ce.Message}
	} else if err != nil {
		return c, &crowdError{"clients", "The crowd is not valid: " + err.Error()}
	}
	return c, nil
}

// crowdRate returns the total requests per second a crowd sends.
func crowdRate(c engine.CrowdConfig) float64 {
	if c.RequestRate > 0 {
		return c.RequestRate
	}
	if c.ThinkTime <= 0 {
		return 0
	}
	return float64(c.Clients) / c.ThinkTime.Seconds()
}

// describeCrowd says what a crowd does, in one line.
func describeCrowd(c engine.CrowdConfig) string {
	s := fmt.Sprintf("%s, about %s requests/s", plural(c.Clients, "client"), formatRate(crowdRate(c)))
	if c.RequestRate > 0 {
		s += fmt.Sprintf(" (each client every %s on average)", roundDuration(time.Duration(float64(c.Clients)/c.RequestRate*float64(time.Second))))
	} else {
		s += fmt.Sprintf(" (think time %s)", roundDuration(c.ThinkTime))
	}
	if c.ClearShare > 0 {
		s += fmt.Sprintf(", %s%% clear their cookies every %d requests", formatNumber(math.Round(c.ClearShare*1000)/10), engine.ClearEvery)
	}
	if c.BlockShare > 0 {
		s += fmt.Sprintf(", %s%% block cookies", formatNumber(math.Round(c.BlockShare*1000)/10))
	}
	if c.NATShare > 0 {
		s += fmt.Sprintf(", %s%% behind %s", formatNumber(math.Round(c.NATShare*1000)/10), plural(max(c.NATGateways, 1), "NAT gateway"))
	}
	return s
}

func formatRate(r float64) string {
	switch {
	case r >= 100:
		return thousands(int64(math.Round(r)))
	case r >= 10:
		return strconv.FormatFloat(r, 'f', 0, 64)
	default:
		return strconv.FormatFloat(r, 'f', 1, 64)
	}
}

func roundDuration(d time.Duration) time.Duration {
	switch {
	case d >= time.Minute:
		return d.Round(time.Second)
	case d >= time.Second:
		return d.Round(10 * time.Millisecond)
	default:
		return d.Round(time.Millisecond)
	}
}

// thousands formats n with thousands separators: 10000 → "10,000".
func thousands[T int | int64](n T) string {
	s := strconv.FormatInt(int64(n), 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// CrowdControls is the crowd form of the traffic lab: how many virtual
// clients, how fast they send requests, which share clears or blocks
// cookies; Start and Stop; and the external session store. A bad value is
// named in a message under the form and what the learner typed stays.
type CrowdControls struct {
	app.Compo

	IRunning  bool
	ICrowd    engine.CrowdConfig // the running crowd's configuration
	IExternal bool               // the instances keep sessions in the external store
	INetwork  bool               // a Network Load Balancer: the NAT fields
	// IOnStart starts the crowd; its error shows under the form.
	IOnStart    func(engine.CrowdConfig) error
	IOnStop     func()
	IOnExternal func(on bool)

	draft    crowdDraft
	loaded   bool
	err      *crowdError
	lastSeen engine.CrowdConfig
}

// OnUpdate loads a crowd started elsewhere (a preset) into the form, unless
// the form shows an error about what the learner typed.
func (c *CrowdControls) OnUpdate(ctx app.Context) {
	if c.IRunning && c.ICrowd != c.lastSeen && c.err == nil {
		c.draft, c.lastSeen = draftOfCrowd(c.ICrowd), c.ICrowd
	}
}

// start validates the form and starts the crowd.
func (c *CrowdControls) start() {
	cfg, err := parseCrowd(c.draft)
	if err == nil && c.IOnStart != nil {
		err = c.IOnStart(cfg)
	}
	if err != nil {
		ce, ok := err.(*crowdError)
		if !ok {
			ce = &crowdError{Message: "The crowd could not start: " + err.Error()}
		}
		c.err = ce
		return
	}
	c.err = nil
	c.lastSeen = cfg
}

// Render draws the form.
func (c *CrowdControls) Render() app.UI {
	if !c.loaded {
		c.draft, c.loaded = defaultCrowdDraft(), true
		if c.IRunning {
			c.draft, c.lastSeen = draftOfCrowd(c.ICrowd), c.ICrowd
		}
	}
	d := c.draft
	status := "No crowd: only your browser uses the load balancer."
	if c.IRunning {
		status = "Running: " + describeCrowd(c.ICrowd) + "."
	}
	startLabel := "Start crowd"
	if c.IRunning {
		startLabel = "Restart crowd"
	}
	// A form, so Enter in a field starts the crowd.
	return app.Form().Class("panel", "crowd").Aria("label", "Crowd").OnSubmit(func(ctx app.Context, e app.Event) {
		e.PreventDefault()
		c.start()
	}).Body(
		app.H2().Text("Crowd"),
		app.P().Class("muted").Text("Virtual clients, each with its own cookie jar, use the same load balancer as your browser. Change anything while they run: attributes, the fleet, the session store."),
		app.Div().Class("crowd-form").Body(
			c.field("clients", "Clients", "1 to 10,000", d.clients, func(v string) { c.draft.clients = v }),
			c.field("rate", "Request rate (requests/s, all clients)", "empty: use the think time", d.rate, func(v string) { c.draft.rate = v }),
			c.field("think", "Think time (s between two requests of a client)", "mean, e.g. 5", d.think, func(v string) { c.draft.think = v }),
			c.field("clear", "Clear cookies (% of clients)", "0 to 100", d.clear, func(v string) { c.draft.clear = v }),
			c.field("block", "Block cookies (% of clients)", "0 to 100", d.block, func(v string) { c.draft.block = v }),
			when(c.INetwork, func() app.UI {
				return c.field("nat", "Behind NAT gateways (% of clients, sharing its source IP)", "0 to 100", d.nat, func(v string) { c.draft.nat = v })
			}),
			when(c.INetwork, func() app.UI {
				return c.field("gateways", "NAT gateways", fmt.Sprintf("%d to %d", engine.MinNATGateways, engine.MaxNATGateways), d.gateway, func(v string) { c.draft.gateway = v })
			}),
		),
		app.Div().Class("row").Body(
			app.Button().Type("submit").Class("primary").DataSet("testid", "crowd-start").Text(startLabel),
			app.Button().Type("button").Class("secondary").DataSet("testid", "crowd-stop").Disabled(!c.IRunning).Text("Stop crowd").OnClick(func(ctx app.Context, e app.Event) {
				if c.IOnStop != nil {
					c.IOnStop()
				}
				focusTestID(ctx, c, "crowd-start") // Stop crowd is disabled now
			}),
		),
		when(c.err != nil, func() app.UI {
			return app.P().Class("error").ID("crowd-error").Role("alert").DataSet("testid", "crowd-error").DataSet("field", c.err.Field).Text(c.err.Message)
		}),
		app.P().Class("muted").DataSet("testid", "crowd-status").Text(status),
		&ExternalStoreSwitch{IOn: c.IExternal, IOnSwitch: c.IOnExternal},
	)
}

// field is one labelled text input of the form; typing only updates the
// draft (no render: ctx.PreventUpdate).
func (c *CrowdControls) field(key, label, hint, value string, set func(string)) app.UI {
	bad := c.err != nil && c.err.Field == key
	in := app.Input().Type("text").Attr("inputmode", "decimal").DataSet("testid", "crowd-"+key).
		Placeholder(hint).Value(value).Aria("invalid", bad).
		OnInput(func(ctx app.Context, e app.Event) {
			set(ctx.JSSrc().Get("value").String())
			ctx.PreventUpdate()
		}, key)
	if bad {
		in = in.Aria("describedby", "crowd-error")
	}
	return app.Label().Class(map[bool]string{true: "invalid", false: ""}[bad]).Body(app.Span().Text(label), in)
}
