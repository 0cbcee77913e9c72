package app

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/stickylab/stickylab/engine"
)

// The actions a learner takes, as journal entries (Action.Do).
const (
	DoRefresh          = "refresh"            // a request through the load balancer
	DoOpen             = "open"               // an instance opened directly (Instance)
	DoDeleteCookie     = "delete-cookie"      // a cookie deleted with the lab's button (Name)
	DoSaveAttributes   = "save-attributes"    // a target group's attributes saved (Attributes; Name: its group, "" the default)
	DoStopInstance     = "stop-instance"      // (Instance)
	DoStartInstance    = "start-instance"     // (Instance)
	DoFailChecks       = "fail-health-checks" // (Instance)
	DoPassChecks       = "pass-health-checks" // (Instance)
	DoDeregister       = "deregister"         // (Instance)
	DoRegister         = "register"           // (Instance)
	DoSlowDown         = "slow-down"          // (Instance)
	DoSpeedUp          = "speed-up"           // (Instance)
	DoLaunch           = "launch-instance"    // (Name: its target group, "" the default)
	DoExternalStoreOn  = "external-store-on"
	DoExternalStoreOff = "external-store-off"
	DoStartCrowd       = "start-crowd" // (Crowd)
	DoStopCrowd        = "stop-crowd"
	DoPreset           = "preset"          // a traffic lab preset staged (Name)
	DoNewConnection    = "new-connection"  // a Network Load Balancer: the browser's TCP connection closed
	DoEditStickiness   = "edit-stickiness" // a Classic listener's policy saved (Attributes: listenerKeys)
)

// Action is one thing the learner did to the lab, at a simulated time. The
// engine is deterministic, so the setup and the actions are the whole lab:
// replaying them rebuilds the fleet, the sessions and the request log.
type Action struct {
	// At is the simulated time of the action, in milliseconds since the
	// lab started.
	At int64  `json:"at"`
	Do string `json:"do"`
	// Instance names the instance of an instance action, e.g. "Instance 2".
	Instance string `json:"instance,omitempty"`
	// Name is the cookie of delete-cookie, the preset of preset, the
	// target group of save-attributes and launch-instance ("" the
	// default), and the value of set-weights and group-stickiness
	// (journalgroups.go).
	Name string `json:"name,omitempty"`
	// Cookies are, for a refresh, the cookies the request carried when they
	// were not the ones the load balancer and the lab left in the browser
	// (a cookie deleted or edited in DevTools, blocked cookies); nil when
	// they were.
	Cookies *[]CookieValue `json:"cookies,omitempty"`
	// Attributes are the target group attributes saved, key to value as the
	// AWS API prints them.
	Attributes map[string]string `json:"attributes,omitempty"`
	// Crowd is the crowd started.
	Crowd *CrowdSettings `json:"crowd,omitempty"`
}

// CookieValue is a cookie as a request carries it: a name and a value.
type CookieValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// CrowdSettings are a crowd's settings (engine.CrowdConfig) in a saved or
// shared lab.
type CrowdSettings struct {
	Clients     int     `json:"clients"`
	ThinkTimeMs int64   `json:"thinkTimeMs,omitempty"`
	RequestRate float64 `json:"requestRate,omitempty"`
	ArrivalRate float64 `json:"arrivalRate,omitempty"`
	ClearShare  float64 `json:"clearShare,omitempty"`
	BlockShare  float64 `json:"blockShare,omitempty"`
	NATShare    float64 `json:"natShare,omitempty"`
	NATGateways int     `json:"natGateways,omitempty"`
}

func crowdSettings(c engine.CrowdConfig) *CrowdSettings {
	return &CrowdSettings{Clients: c.Clients, ThinkTimeMs: c.ThinkTime.Milliseconds(), RequestRate: c.RequestRate,
		ArrivalRate: c.ArrivalRate, ClearShare: c.ClearShare, BlockShare: c.BlockShare, NATShare: c.NATShare, NATGateways: c.NATGateways}
}

// Config returns the engine's crowd configuration.
func (c *CrowdSettings) Config() engine.CrowdConfig {
	return engine.CrowdConfig{Clients: c.Clients, ThinkTime: time.Duration(c.ThinkTimeMs) * time.Millisecond, RequestRate: c.RequestRate,
		ArrivalRate: c.ArrivalRate, ClearShare: c.ClearShare, BlockShare: c.BlockShare, NATShare: c.NATShare, NATGateways: c.NATGateways}
}

// listenerKeys name a Classic listener policy's fields in an
// edit-stickiness action: the one-word choice, the period in seconds, the
// application cookie.
const (
	listenerKeyPolicy = "policy"
	listenerKeyPeriod = engine.KeyCookieExpirationPeriod
	listenerKeyCookie = engine.KeyCookieName
)

// listenerValues returns s as an edit-stickiness action's Attributes.
func listenerValues(s engine.ClassicStickiness) map[string]string {
	return map[string]string{listenerKeyPolicy: s.Choice(), listenerKeyPeriod: strconv.FormatInt(int64(s.CookieExpirationPeriod/time.Second), 10),
		listenerKeyCookie: s.CookieName}
}

// listenerFrom returns the listener policy vs describes, not yet validated.
func listenerFrom(vs map[string]string) (engine.ClassicStickiness, error) {
	var s engine.ClassicStickiness
	if err := s.SetChoice(vs[listenerKeyPolicy]); err != nil {
		return s, err
	}
	if p := vs[listenerKeyPeriod]; p != "" {
		n, err := strconv.ParseInt(p, 10, 64)
		if err != nil || n < 0 || n > int64(engine.MaxCookieExpirationPeriod/time.Second) {
			return s, &engine.ValidationError{Key: listenerKeyPeriod, Message: engine.MessageCookieExpirationPeriod}
		}
		s.CookieExpirationPeriod = time.Duration(n) * time.Second
	}
	s.CookieName = vs[listenerKeyCookie]
	return s, nil
}

// attributeValues returns every attribute of a, key to value.
func attributeValues(a engine.Attributes) map[string]string {
	vs := make(map[string]string)
	for _, s := range engine.AttributeSpecs() {
		vs[s.Key] = a.Value(s.Key)
	}
	return vs
}

// attributesFrom returns the attributes vs sets over base, validated for
// a load balancer of type t.
func attributesFrom(t engine.LoadBalancerType, base engine.Attributes, vs map[string]string) (engine.Attributes, error) {
	keys := make([]string, 0, len(vs))
	for k := range vs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	a := base
	for _, k := range keys {
		if err := a.Set(k, vs[k]); err != nil {
			return base, err
		}
	}
	return a, a.ValidateFor(t)
}

// cookieValues returns the name and value of each cookie, sorted.
func cookieValues(cs []engine.StoredCookie) []CookieValue {
	vs := make([]CookieValue, len(cs))
	for i, c := range cs {
		vs[i] = CookieValue{Name: c.Name, Value: c.Value}
	}
	slices.SortFunc(vs, func(a, b CookieValue) int {
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return strings.Compare(a.Value, b.Value)
	})
	return vs
}

// at returns the simulated time of an action at ms after start.
func at(start time.Time, ms int64) time.Time { return start.Add(time.Duration(ms) * time.Millisecond) }

// apply carries a out on the lab: the one path of a live action and of a
// replayed one. It returns the exchange of a request.
func (m *model) apply(a *Action) (ex *engine.Exchange, err error) {
	defer func() {
		if err == nil {
			for _, r := range m.lessons { // the guided lessons watch every action (lessons.go)
				r.observe(m, a, ex)
			}
		}
	}()
	lb := m.lb
	inst := func(f func(string) error) error { return f(a.Instance) }
	switch a.Do {
	case DoRefresh:
		return m.request(a, func() (engine.Exchange, error) { return lb.Do(m.learner, "/"), nil })
	case DoOpen:
		return m.request(a, func() (engine.Exchange, error) { return lb.DoDirect(m.learner, a.Instance, "/") })
	case DoDeleteCookie:
		if !m.replaying {
			m.jar.Delete(a.Name)
		}
		m.shadow.Delete(a.Name)
		return nil, nil
	case DoSaveAttributes:
		tg, err := m.group(a.Name)
		if err != nil {
			return nil, err
		}
		attrs, err := attributesFrom(lb.Type, tg.Attributes(), a.Attributes)
		if err != nil {
			return nil, err
		}
		return nil, tg.SetAttributes(attrs)
	case DoSetWeights, DoGroupStickiness:
		return nil, m.applyGroups(a)
	case DoStopInstance:
		return nil, inst(lb.StopInstance)
	case DoStartInstance:
		return nil, inst(lb.StartInstance)
	case DoFailChecks, DoPassChecks:
		return nil, lb.SetFailHealthChecks(a.Instance, a.Do == DoFailChecks)
	case DoDeregister:
		return nil, inst(lb.DeregisterTarget)
	case DoRegister:
		return nil, inst(lb.RegisterTarget)
	case DoSlowDown, DoSpeedUp:
		d := engine.DefaultLatency
		if a.Do == DoSlowDown {
			d = slowLatency
		}
		return nil, lb.SetLatency(a.Instance, d)
	case DoLaunch:
		tg, err := m.group(a.Name)
		if err != nil {
			return nil, err
		}
		_, err = lb.LaunchInstanceIn(tg)
		return nil, err
	case DoExternalStoreOn, DoExternalStoreOff:
		lb.SetExternalSessionStore(a.Do == DoExternalStoreOn)
		return nil, nil
	case DoStartCrowd:
		if a.Crowd == nil {
			return nil, fmt.Errorf("%s without its crowd settings", a.Do)
		}
		if _, err := lb.StartCrowd(a.Crowd.Config()); err != nil {
			return nil, err
		}
		m.player.resetCounters()
		m.preset = ""
		return nil, nil
	case DoStopCrowd:
		lb.StopCrowd()
		return nil, nil
	case DoPreset:
		return nil, m.stagePreset(a.Name)
	case DoNewConnection:
		if lb.Type != engine.NetworkLoadBalancer {
			return nil, fmt.Errorf("a %s does not keep TCP connections to its targets", lb.Type.Title())
		}
		m.learner.NewConnection()
		return nil, nil
	case DoEditStickiness:
		s, err := listenerFrom(a.Attributes)
		if err != nil {
			return nil, err
		}
		return nil, lb.SetListenerStickiness(s)
	}
	return nil, fmt.Errorf("unknown action %q", a.Do)
}

// resetShadow makes the shadow jar hold exactly cs, as session cookies:
// the same for a live request that noted them and for its replay.
func (m *model) resetShadow(now time.Time, cs []CookieValue) {
	m.shadow.Clear()
	for _, c := range cs {
		m.shadow.Put(now, engine.StoredCookie{Name: c.Name, Value: c.Value, Path: "/"})
	}
}

// request sends the learner's request with do and records it. Live, the
// request carries the browser's real cookies and a refresh notes them when
// they are not the ones the lab expected; replayed, it carries the
// expected ones, or the noted ones.
func (m *model) request(a *Action, do func() (engine.Exchange, error)) (*engine.Exchange, error) {
	if m.replaying && a.Cookies != nil {
		m.resetShadow(m.lb.Now(), *a.Cookies)
	}
	ex, err := do()
	if err != nil {
		return nil, err
	}
	// An instance opened directly has its own address: the browser sends it
	// none of the load balancer's cookies, which stay as they were.
	if !m.replaying && a.Do == DoRefresh {
		carried := cookieValues(ex.Cookies)
		if want := cookieValues(m.shadow.Cookies(ex.Time)); !slices.Equal(carried, want) {
			a.Cookies = &carried
			m.resetShadow(ex.Time, carried)
		}
	}
	// Taken even when the browser refused them, so that the next request
	// notes the cookies missing, live as replayed.
	_ = m.shadow.SetCookies(ex.Time, ex.SetCookies)
	m.record(ex)
	if a.Do == DoRefresh {
		m.last, m.direct = &ex, nil
	} else {
		m.direct = &ex
	}
	return &ex, nil
}

// Journal is a lab's setup, its start and every action since: all that a
// replay needs.
type Journal struct {
	Setup   Setup
	Start   time.Time
	Actions []Action
}
