package engine

import (
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/datadriven"
)

// TestScenarios replays engine/testdata/*.txt: each file is a script of
// commands and the trace the engine must print. Regenerate with
//
//	go test ./engine -run TestScenarios -rewrite
//
// and review the diff.
func TestScenarios(t *testing.T) {
	// Only *.txt: testdata/fuzz holds the fuzzers' corpora.
	paths, err := filepath.Glob("testdata/*.txt")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no scenarios: %v", err)
	}
	for _, path := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txt"), func(t *testing.T) {
			s := &scenario{}
			datadriven.RunTest(t, path, func(t *testing.T, d *datadriven.TestData) string {
				out, err := s.run(d)
				if err != nil {
					return "error: " + err.Error() + "\n"
				}
				return out
			})
		})
	}
}

// scenario runs the commands of one testdata file against a load balancer.
// It replaces opaque values by labels so traces read well: session ids
// become s1, s2…, and each stickiness cookie value becomes ⟨cN Instance
// M⟩, decoded as the load balancer reads it.
type scenario struct {
	lb      *LoadBalancer
	clients map[string]*Client
	labels  map[string]string
	nSess   int
	nCookie int
	nGroup  int
	lastEv  uint64
	raw     bool // print raw values (determinism test)
}

func (s *scenario) run(d *datadriven.TestData) (string, error) {
	arg := func(key, def string) string {
		if a, ok := d.Arg(key); ok && len(a.Vals) > 0 {
			return a.Vals[0]
		}
		return def
	}
	dur := func(key, def string) time.Duration {
		v, err := time.ParseDuration(arg(key, def))
		if err != nil {
			d.Fatalf(nil, "bad duration %s: %v", key, err)
		}
		return v
	}
	num := func(key string, def int) int {
		v, err := strconv.Atoi(arg(key, strconv.Itoa(def)))
		if err != nil {
			d.Fatalf(nil, "bad number %s: %v", key, err)
		}
		return v
	}
	if d.Cmd != "new" && d.Cmd != "new-weighted" && d.Cmd != "validate" && d.Cmd != "validate-forward" && d.Cmd != "preset" && s.lb == nil {
		return "", fmt.Errorf("run 'new' first")
	}
	var b strings.Builder
	switch d.Cmd {
	case "new":
		typ := LoadBalancerType(arg("type", string(ApplicationLoadBalancer)))
		a := DefaultAttributesFor(typ)
		for _, line := range strings.Split(strings.TrimSpace(d.Input), "\n") {
			if k, v, ok := strings.Cut(line, "="); ok {
				if err := a.Set(strings.TrimSpace(k), v); err != nil {
					return "", err
				}
			}
		}
		lb, err := New(Config{
			Type:                 typ,
			Seed:                 uint64(num("seed", 1)),
			Instances:            num("instances", 3),
			Attributes:           &a,
			ExternalSessionStore: d.HasArg("external-store"),
		})
		if err != nil {
			return "", err
		}
		*s = scenario{lb: lb, clients: map[string]*Client{}, labels: map[string]string{}, raw: s.raw}
		s.lastEv = lb.log.seq
		to := lb.TargetGroup.Name
		if typ == ClassicLoadBalancer {
			to = "instances registered with the load balancer, " + string(lb.TargetGroup.attrs.Algorithm)
		}
		fmt.Fprintf(&b, "%s, listener %s:%d → %s\n", lb.DNSName, lb.Listener.Protocol, lb.Listener.Port, to)
		b.WriteString(s.targets())
	case "new-weighted":
		// One target group a line: "NAME weight=W instances=N key=value…",
		// and the rule's "rule group-stickiness=SECONDS".
		groups, sticky, err := parseForward(strings.Split(strings.TrimSpace(d.Input), "\n"))
		if err != nil {
			return "", err
		}
		lb, err := New(Config{Seed: uint64(num("seed", 1)), TargetGroups: groups, TargetGroupStickiness: sticky})
		if err != nil {
			return "", err
		}
		*s = scenario{lb: lb, clients: map[string]*Client{}, labels: map[string]string{}, raw: s.raw}
		s.lastEv = lb.log.seq
		fmt.Fprintf(&b, "%s, listener %s:%d → %s\n", lb.DNSName, lb.Listener.Protocol, lb.Listener.Port, forwardText(lb.Forward()))
		b.WriteString(s.targets())
	case "validate-forward":
		// One forward action a line, its parts as new-weighted's lines,
		// separated by " | ".
		for _, line := range strings.Split(strings.TrimSpace(d.Input), "\n") {
			groups, sticky, err := parseForward(strings.Split(line, " | "))
			if err == nil {
				err = ValidateForward(groups, sticky)
			}
			if err == nil {
				fmt.Fprintf(&b, "%s: ok\n", line)
			} else {
				fmt.Fprintf(&b, "%s: %v\n", line, err)
			}
		}
	case "weights":
		var ws []int
		for _, v := range strings.Split(arg("w", ""), ",") {
			n, err := strconv.Atoi(v)
			if err != nil {
				return "", err
			}
			ws = append(ws, n)
		}
		if err := s.lb.SetTargetGroupWeights(ws...); err != nil {
			return "", err
		}
		b.WriteString(s.events())
	case "group-stickiness":
		var sticky TargetGroupStickinessConfig
		if v := arg("duration", "off"); v != "off" {
			sticky.Enabled = true
			sticky.DurationSeconds = num("duration", 0)
		}
		if err := s.lb.SetTargetGroupStickiness(sticky); err != nil {
			return "", err
		}
		b.WriteString(s.events())
	case "client":
		behavior := map[string]CookieBehavior{"keep": KeepCookies, "clear": ClearCookies, "block": BlockCookies}[arg("cookies", "keep")]
		c := s.lb.NewClient(arg("name", "learner"), nil, behavior)
		if from, ok := s.clients[arg("behind-nat-with", "")]; ok {
			c.IP = from.IP // one office, one NAT gateway: one source IP
		}
		s.clients[c.Name] = c
		fmt.Fprintf(&b, "%s from %s, %s\n", c.Name, c.IP, c.Behavior)
	case "request":
		c := s.client(d, arg("client", "learner"))
		n := num("n", 1)
		every := dur("every", "1s")
		for i := 0; i < n; i++ {
			if i > 0 {
				s.lb.Advance(every)
			}
			ex := s.lb.Do(c, "/")
			b.WriteString(s.exchange(&ex, d.HasArg("brief")))
		}
	case "direct":
		c := s.client(d, arg("client", "learner"))
		ex, err := s.lb.DoDirect(c, "Instance "+arg("instance", "1"), "/")
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "%s %s: %s\n", ex.TargetName, ex.StatusText(), ex.Page())
	case "edit-stickiness":
		// A Classic Load Balancer's listener, as the console's "Edit
		// stickiness" page sets it.
		var cs ClassicStickiness
		if err := cs.SetChoice(arg("policy", StickinessOff)); err != nil {
			return "", err
		}
		cs.CookieExpirationPeriod = dur("period", "0s")
		cs.CookieName = arg("cookie", "")
		if err := s.lb.SetListenerStickiness(cs); err != nil {
			return "", err
		}
		got := s.lb.ListenerStickiness()
		fmt.Fprintf(&b, "%s %s\n", got, got.PolicyName)
		b.WriteString(s.events())
	case "new-connection":
		c := s.client(d, arg("client", "learner"))
		c.NewConnection()
		b.WriteString("connection closed: the next request opens a new one\n")
	case "advance":
		s.lb.Advance(dur("by", "1s"))
		fmt.Fprintf(&b, "now %s\n", s.lb.Now().Format("15:04:05"))
	case "set":
		tg := s.lb.TargetGroupByName(arg("group", s.lb.TargetGroup.Name))
		if tg == nil {
			return "", fmt.Errorf("no target group %q", arg("group", ""))
		}
		a := tg.Attributes()
		for _, line := range strings.Split(strings.TrimSpace(d.Input), "\n") {
			k, v, _ := strings.Cut(line, "=")
			if err := a.Set(strings.TrimSpace(k), v); err != nil {
				return "", err
			}
		}
		if err := tg.SetAttributes(a); err != nil {
			return "", err
		}
		b.WriteString("ok\n")
	case "validate":
		for _, line := range strings.Split(strings.TrimSpace(d.Input), "\n") {
			a := DefaultAttributes()
			var err error
			for _, kv := range strings.Fields(line) {
				k, v, _ := strings.Cut(kv, "=")
				if err = a.Set(k, v); err != nil {
					break
				}
			}
			if err == nil {
				err = a.Validate()
			}
			if err == nil {
				fmt.Fprintf(&b, "%s: ok\n", line)
			} else {
				fmt.Fprintf(&b, "%s: %v\n", line, err)
			}
		}
	case "stop", "start", "fail-health", "pass-health", "deregister", "register", "latency":
		name := "Instance " + arg("instance", "1")
		var err error
		switch d.Cmd {
		case "stop":
			err = s.lb.StopInstance(name)
		case "start":
			err = s.lb.StartInstance(name)
		case "fail-health":
			err = s.lb.SetFailHealthChecks(name, true)
		case "pass-health":
			err = s.lb.SetFailHealthChecks(name, false)
		case "deregister":
			err = s.lb.DeregisterTarget(name)
		case "register":
			err = s.lb.RegisterTarget(name)
		case "latency":
			err = s.lb.SetLatency(name, dur("d", "20ms"))
		}
		if err != nil {
			return "", err
		}
		b.WriteString(s.events())
	case "launch":
		tg := s.lb.TargetGroupByName(arg("group", s.lb.TargetGroup.Name))
		if tg == nil {
			return "", fmt.Errorf("no target group %q", arg("group", ""))
		}
		t, err := s.lb.LaunchInstanceIn(tg)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "launched %s (%s)\n", t.Name, t.Zone)
		b.WriteString(s.events())
	case "external-store":
		s.lb.SetExternalSessionStore(arg("on", "true") == "true")
		b.WriteString(s.events())
	case "events":
		b.WriteString(s.events())
	case "targets":
		b.WriteString(s.targets())
	case "cookies":
		c := s.client(d, arg("client", "learner"))
		for _, ck := range c.Jar.(*MemoryJar).All(s.lb.Now()) {
			fmt.Fprintf(&b, "%s=%s\n", ck.Name, s.label(ck.Name, ck.Value))
		}
	case "set-cookie":
		// Edit the client's jar by hand, as a user would in DevTools.
		c := s.client(d, arg("client", "learner"))
		jar := c.Jar.(*MemoryJar)
		for _, line := range strings.Split(strings.TrimSpace(d.Input), "\n") {
			k, v, _ := strings.Cut(line, "=")
			jar.Put(s.lb.Now(), StoredCookie{Name: k, Value: v, Path: "/"})
		}
		fmt.Fprintf(&b, "Cookie: %s\n", s.labelHeader(jar.Header(s.lb.Now())))
	case "copy-cookie":
		// Copy one cookie from a client to another (a stolen or shared cookie).
		from, to := s.client(d, arg("from", "")), s.client(d, arg("to", ""))
		name := arg("name", CookieAWSALB)
		v, _ := CookieValue(jarHeader(from, s.lb.Now()), name)
		to.Jar.(*MemoryJar).Put(s.lb.Now(), StoredCookie{Name: name, Value: v, Path: "/"})
		fmt.Fprintf(&b, "Cookie: %s\n", s.labelHeader(jarHeader(to, s.lb.Now())))
	case "foreign-cookie":
		// Put a cookie issued by another load balancer (another seed) in
		// the client's jar.
		a := s.lb.TargetGroup.Attributes()
		var start time.Time // the ALB traces' foreign cookies were issued at Epoch
		if s.lb.Type != ApplicationLoadBalancer {
			start = s.lb.Now()
		}
		other, err := New(Config{Type: s.lb.Type, Seed: uint64(num("seed", 99)), Attributes: &a, ListenerStickiness: s.lb.ListenerStickiness(), Start: start})
		if err != nil {
			return "", err
		}
		oc := other.NewClient("other", nil, KeepCookies)
		ex := other.Do(oc, "/")
		c := s.client(d, arg("client", "learner"))
		for _, h := range ex.SetCookieHeaders() {
			if ck, _ := ParseSetCookie(other.Now(), h); ck.Name != SessionCookie {
				c.Jar.(*MemoryJar).Put(s.lb.Now(), ck)
			}
		}
		fmt.Fprintf(&b, "Cookie: %s\n", s.labelHeader(jarHeader(c, s.lb.Now())))
	case "tamper":
		// Flip one bit in the middle of a genuine cookie value.
		c := s.client(d, arg("client", "learner"))
		name := arg("name", CookieAWSALB)
		v, ok := CookieValue(jarHeader(c, s.lb.Now()), name)
		if !ok {
			return "", fmt.Errorf("%s holds no %s", c.Name, name)
		}
		raw := []byte(v)
		raw[len(raw)/2] ^= 0x01
		c.Jar.(*MemoryJar).Put(s.lb.Now(), StoredCookie{Name: name, Value: string(raw), Path: "/"})
		fmt.Fprintf(&b, "%s: one character of %s changed\n", name, s.label(name, v))
	case "delete-cookie":
		c := s.client(d, arg("client", "learner"))
		for _, a := range d.CmdArgs {
			if a.Key == "name" {
				for _, n := range a.Vals {
					c.Jar.(*MemoryJar).Delete(n)
				}
			}
		}
		fmt.Fprintf(&b, "Cookie: %s\n", s.labelHeader(jarHeader(c, s.lb.Now())))
	case "crowd":
		_, err := s.lb.StartCrowd(CrowdConfig{
			Clients:     num("clients", 100),
			ThinkTime:   dur("think", "5s"),
			ClearShare:  float64(num("clear-pct", 0)) / 100,
			BlockShare:  float64(num("block-pct", 0)) / 100,
			NATShare:    float64(num("nat-pct", 0)) / 100,
			NATGateways: num("gateways", 0),
		})
		if err != nil {
			return "", err
		}
		b.WriteString("crowd started\n")
	case "preset":
		p, ok := PresetByID(arg("id", ""))
		if !ok {
			return "", fmt.Errorf("no preset %q", arg("id", ""))
		}
		lb, err := p.Start(uint64(num("seed", 1)), Epoch)
		if err != nil {
			return "", err
		}
		*s = scenario{lb: lb, clients: map[string]*Client{}, labels: map[string]string{}, raw: s.raw}
		fmt.Fprintf(&b, "%s: %s\n", p.ID, p.Title)
	case "history":
		// One line per window of the last n seconds: requests per target,
		// sticky, non-sticky, lost, moved.
		n, window := num("n", 60), num("window", 10)
		samples := s.lb.History(nil, n)
		for i := 0; i+window <= len(samples); i += window {
			var sum Sample
			for _, x := range samples[i : i+window] {
				sum.Requests += x.Requests
				sum.Sticky += x.Sticky
				sum.NonSticky += x.NonSticky
				sum.Lost += x.Lost
				sum.Moved += x.Moved
				for j := range x.Targets {
					sum.Targets[j].Requests += x.Targets[j].Requests
				}
			}
			last := samples[i+window-1]
			fmt.Fprintf(&b, "%s req=%d sticky=%d non-sticky=%d lost=%d moved=%d per-target=", samples[i].Time.Format("15:04:05"), sum.Requests, sum.Sticky, sum.NonSticky, sum.Lost, sum.Moved)
			for j, t := range s.lb.Instances() {
				if j > 0 {
					b.WriteString(",")
				}
				fmt.Fprintf(&b, "%d", sum.Targets[t.Number-1].Requests)
				if !last.Targets[t.Number-1].InService {
					b.WriteString("!")
				}
				if last.Targets[t.Number-1].SlowStart {
					b.WriteString("~")
				}
			}
			b.WriteString("\n")
		}
	case "stop-crowd":
		s.lb.StopCrowd()
		b.WriteString("crowd stopped\n")
	case "metrics":
		b.WriteString(s.metrics(num("window", 60)))
	default:
		return "", fmt.Errorf("unknown command %q", d.Cmd)
	}
	return b.String(), nil
}

func (s *scenario) client(d *datadriven.TestData, name string) *Client {
	c, ok := s.clients[name]
	if !ok {
		c = s.lb.NewClient(name, nil, KeepCookies)
		s.clients[name] = c
	}
	return c
}

// label returns a readable stand-in for a cookie value.
func (s *scenario) label(name, value string) string {
	if s.raw {
		return value
	}
	if l, ok := s.labels[value]; ok {
		return l
	}
	var l string
	switch {
	case name == SessionCookie && strings.HasPrefix(value, "s-"):
		s.nSess++
		l = fmt.Sprintf("s%d", s.nSess)
	case name == CookieAWSALB || name == CookieAWSALBCORS || name == CookieAWSALBAPP || name == CookieAWSELB || name == CookieAWSELBCORS:
		info, err := s.lb.DecodeCookie(name, value)
		if err != nil {
			return value
		}
		s.nCookie++
		t := s.lb.TargetByUID(info.Target)
		l = fmt.Sprintf("⟨c%d %s, issued %s⟩", s.nCookie, t.Name, info.Issued.Format("15:04:05"))
	case isGroupCookie(name):
		info, err := s.lb.DecodeCookie(name, value)
		if err != nil {
			return value
		}
		s.nGroup++
		l = fmt.Sprintf("⟨g%d %s, issued %s⟩", s.nGroup, s.lb.Listener.weighted.group(info.TargetGroup).Name, info.Issued.Format("15:04:05"))
	default:
		return value
	}
	s.labels[value] = l
	return l
}

func (s *scenario) labelHeader(h string) string {
	if h == "" {
		return "-"
	}
	var parts []string
	for _, c := range ParseCookieHeader(h) {
		parts = append(parts, c.Name+"="+s.label(c.Name, c.Value))
	}
	return strings.Join(parts, "; ")
}

func (s *scenario) exchange(ex *Exchange, brief bool) string {
	var b strings.Builder
	to := ex.TargetName
	if to == "" {
		to = "(no target)"
	}
	fmt.Fprintf(&b, "%s %s", ex.Time.Format("15:04:05"), ex.Client)
	if ex.SourcePort != 0 {
		fmt.Fprintf(&b, " %s:%d", ex.SourceIP, ex.SourcePort)
		if ex.NewConnection {
			b.WriteString(" (new connection)")
		}
	}
	fmt.Fprintf(&b, " → %s %s %s", to, ex.StatusText(), ex.Reason)
	if ex.Algorithm != "" {
		fmt.Fprintf(&b, " (%s)", ex.Algorithm)
	}
	if ex.FailOpen {
		b.WriteString(" [fail open]")
	}
	if s.lb.Listener.weighted != nil {
		fmt.Fprintf(&b, " · group %s: %s", ex.TargetGroup, ex.GroupReason)
	}
	b.WriteString("\n")
	if brief {
		return b.String()
	}
	fmt.Fprintf(&b, "  Cookie: %s\n", s.labelHeader(ex.CookieHeader()))
	for _, h := range ex.SetCookieHeaders() {
		name, rest, _ := strings.Cut(h, "=")
		value, attrs, _ := strings.Cut(rest, ";")
		fmt.Fprintf(&b, "  Set-Cookie: %s=%s;%s\n", name, s.label(name, value), attrs)
	}
	if ex.StoreError != "" {
		fmt.Fprintf(&b, "  jar: %s\n", ex.StoreError)
	}
	switch ex.Session {
	case SessionNone:
	case SessionLost:
		timedOut := ""
		if ex.LostIdle > 0 {
			timedOut = fmt.Sprintf(", timed out after %s idle", ex.LostIdle)
		}
		fmt.Fprintf(&b, "  session: LOST %s (created on %s%s), new %s\n", s.label(SessionCookie, ex.LostSession), ex.LostOrigin, timedOut, s.label(SessionCookie, ex.SessionID))
	default:
		fmt.Fprintf(&b, "  session: %s %s, visit %d, cart %d\n", ex.Session, s.label(SessionCookie, ex.SessionID), ex.Visits, ex.Cart)
	}
	return b.String()
}

func (s *scenario) events() string {
	var b strings.Builder
	for _, e := range s.lb.Events(s.lastEv) {
		if e.Kind == EventSessionLost {
			continue // shown with its request
		}
		fmt.Fprintf(&b, "%s %s\n", e.Time.Format("15:04:05"), e)
	}
	s.lastEv = s.lb.log.seq
	if b.Len() == 0 {
		return "no events\n"
	}
	return b.String()
}

func (s *scenario) targets() string {
	var b strings.Builder
	for _, t := range s.lb.Instances() {
		run := "running"
		if !t.Running {
			run = "stopped"
		}
		state := string(t.State)
		if s.lb.Type == ClassicLoadBalancer {
			state = t.InstanceState()
		}
		fmt.Fprintf(&b, "%s %s %s %s sessions=%d requests=%d", t.Name, t.Zone, state, run, t.Sessions().Len(), t.Metrics.Requests)
		if s.lb.Listener.weighted != nil {
			fmt.Fprintf(&b, " group=%s", t.TargetGroup().Name)
		}
		if now := s.lb.Now(); t.InSlowStart(now) {
			fmt.Fprintf(&b, " slow-start until %s share=%.2f", t.SlowStartUntil.Format("15:04:05"), t.SlowStartShare(now))
		}
		b.WriteString("\n")
	}
	return b.String()
}

func (s *scenario) metrics(window int) string {
	m := s.lb.Metrics()
	var b strings.Builder
	fmt.Fprintf(&b, "requests=%d sticky=%d non-sticky=%d sessions-created=%d sessions-lost=%d ",
		m.Requests, m.Sticky, m.NonStickyRequestCount, m.SessionsCreated, m.SessionsLost)
	if s.lb.Type == NetworkLoadBalancer { // no HTTP errors
		fmt.Fprintf(&b, "failed-connections=%d\n", m.FailedConnections)
	} else {
		fmt.Fprintf(&b, "502=%d 503=%d\n", m.ELB502, m.ELB503)
	}
	var names []string
	per := map[string]string{}
	for _, t := range s.lb.Instances() {
		names = append(names, t.Name)
		per[t.Name] = fmt.Sprintf("%s: %s requests=%d last-%ds=%d sessions=%d lost=%d", t.Name, t.State, t.Metrics.Requests, window, s.lb.RecentRequests(t, window), t.Sessions().Len(), t.Metrics.SessionsLost)
	}
	sort.Strings(names)
	for _, n := range names {
		b.WriteString(per[n] + "\n")
	}
	fmt.Fprintf(&b, "imbalance(last %ds)=%.2f\n", window, s.lb.Imbalance(window))
	return b.String()
}

// parseForward reads a forward action from lines: "NAME weight=W
// instances=N key=value…" for each target group, and "rule
// group-stickiness=SECONDS" for the rule.
func parseForward(lines []string) ([]TargetGroupConfig, TargetGroupStickinessConfig, error) {
	var groups []TargetGroupConfig
	var sticky TargetGroupStickinessConfig
	for _, line := range lines {
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		if fields[0] == "rule" {
			for _, kv := range fields[1:] {
				k, v, _ := strings.Cut(kv, "=")
				if k != "group-stickiness" {
					return nil, sticky, fmt.Errorf("unknown rule setting %q", k)
				}
				n, err := strconv.Atoi(v)
				if err != nil {
					return nil, sticky, err
				}
				sticky = TargetGroupStickinessConfig{Enabled: true, DurationSeconds: n}
			}
			continue
		}
		g := TargetGroupConfig{Name: fields[0], Weight: 1}
		a := DefaultAttributes()
		for _, kv := range fields[1:] {
			k, v, _ := strings.Cut(kv, "=")
			var err error
			switch k {
			case "weight":
				g.Weight, err = strconv.Atoi(v)
			case "instances":
				g.Instances, err = strconv.Atoi(v)
			default:
				err = a.Set(k, v)
			}
			if err != nil {
				return nil, sticky, err
			}
		}
		g.Attributes = &a
		groups = append(groups, g)
	}
	return groups, sticky, nil
}

// forwardText describes a forward action in one line.
func forwardText(f ForwardActionConfig) string {
	var parts []string
	for _, g := range f.TargetGroups {
		parts = append(parts, fmt.Sprintf("%s (weight %d)", g.TargetGroup.Name, g.Weight))
	}
	s := strings.Join(parts, ", ")
	if st := f.TargetGroupStickinessConfig; st.Enabled {
		return s + "; group stickiness " + st.Duration().String()
	}
	return s + "; group stickiness off"
}
