package engine

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"time"
)

// Epoch is the simulated clock's default start: an ordinary Monday morning.
var Epoch = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

// MaxInstances is the most instances a load balancer can launch.
const MaxInstances = 20

// Config sets up a load balancer. The zero value is the article's lab:
// three healthy instances behind "my-alb", default target group attributes.
type Config struct {
	// Type is the kind of load balancer, default ApplicationLoadBalancer.
	Type      LoadBalancerType
	Name      string // load balancer name, default "my-alb", "my-clb" or "my-nlb"
	Region    string // default "us-east-1"
	Seed      uint64 // every random choice derives from it
	Instances int    // instances registered and healthy at the start, default 3
	// Attributes of the target group (Classic: of the instances' health
	// check); nil means DefaultAttributesFor(Type).
	Attributes *Attributes
	// TargetGroups, when set, make the listener's forward action weighted
	// across them (1 to MaxForwardTargetGroups), the first being
	// LoadBalancer.TargetGroup; Instances and Attributes must then be unset.
	// An Application Load Balancer's only.
	TargetGroups []TargetGroupConfig
	// TargetGroupStickiness is the weighted forward action's group
	// stickiness (AWSALBTG).
	TargetGroupStickiness TargetGroupStickinessConfig
	// ListenerStickiness is a Classic Load Balancer's stickiness policy.
	ListenerStickiness ClassicStickiness
	// ExternalSessionStore makes every instance keep sessions in one shared
	// store instead of its own memory.
	ExternalSessionStore bool
	Start                time.Time     // default Epoch
	Latency              time.Duration // each instance's answer time, default DefaultLatency
}

// DefaultLatency is how long an instance's application takes to answer.
const DefaultLatency = 20 * time.Millisecond

// LoadBalancer is a simulated Application, Classic or Network Load Balancer
// with one listener and one target group. It is not safe for concurrent use.
type LoadBalancer struct {
	Type     LoadBalancerType
	Name     string
	Region   string
	DNSName  string // e.g. my-alb-1234567890.us-east-1.elb.amazonaws.com
	Listener Listener
	// TargetGroup is the listener's default forward target group. A Classic
	// Load Balancer has none: its TargetGroup, with no Name or ARN, holds
	// the instances registered with the load balancer and their health check.
	TargetGroup *TargetGroup

	now        time.Time
	rng        *rand.Rand
	codec      *codec
	instances  []*Target
	external   *SessionStore
	useExt     bool
	latency    time.Duration
	sched      queue
	log        eventLog
	origins    map[uint64]*Session // every session of the last SessionTimeout, by sessionKey
	scratch    scratch
	issued     issuedCookies
	metrics    Metrics
	recent     recentCounter
	crowd      *Crowd
	history    history
	actions    map[uint32]func(*LoadBalancer)
	nextAction uint32
	classic    ClassicStickiness // Classic: the listener's policy
	nodeIP     string            // Network: the load balancer node's address
}

// Metrics are the load balancer's CloudWatch-like counters.
type Metrics struct {
	Requests              int64 // RequestCount
	Sticky                int64
	NonStickyRequestCount int64 // stickiness on, but a new target was picked
	SessionsCreated       int64
	SessionsLost          int64
	// Moved counts sticky clients sent to another target because theirs
	// was unhealthy, draining or deregistered.
	Moved  int64
	ELB502 int64 // HTTPCode_ELB_502_Count
	ELB503 int64 // HTTPCode_ELB_503_Count
	// FailedConnections counts a Network Load Balancer's connections that
	// got no answer (it sends no HTTP errors): timed out or reset.
	FailedConnections int64
}

// TargetGroup is a set of targets with attributes that decide how requests
// are routed to them.
type TargetGroup struct {
	Name string
	ARN  string

	id       uint32
	attrs    Attributes
	selector Selector
	// stickiness routes by cookies before the selector picks.
	stickiness StickinessPolicy
	targets    []*Target // registered and draining, in registration order
	pool       Pool
	lb         *LoadBalancer
}

// New returns a load balancer set up by cfg, at cfg.Start.
func New(cfg Config) (*LoadBalancer, error) {
	if cfg.Type == "" {
		cfg.Type = ApplicationLoadBalancer
	}
	name, ok := defaultName(cfg.Type)
	if !ok {
		return nil, ErrLoadBalancerType
	}
	if cfg.Name == "" {
		cfg.Name = name
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	groups, err := targetGroupConfigs(&cfg)
	if err != nil {
		return nil, err
	}
	if cfg.Type != ClassicLoadBalancer && cfg.ListenerStickiness != (ClassicStickiness{}) {
		return nil, fmt.Errorf("a %s has no listener stickiness policy", cfg.Type.Title())
	}
	if err := cfg.ListenerStickiness.Validate(); err != nil {
		return nil, err
	}
	if cfg.Start.IsZero() {
		cfg.Start = Epoch
	}
	if cfg.Latency == 0 {
		cfg.Latency = DefaultLatency
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15))
	var secret [32]byte
	for i := 0; i < 4; i++ {
		binary.LittleEndian.PutUint64(secret[i*8:], rng.Uint64())
	}
	lb := &LoadBalancer{
		Type:     cfg.Type,
		Name:     cfg.Name,
		Region:   cfg.Region,
		Listener: Listener{Protocol: "HTTP", Port: 80},
		now:      cfg.Start.UTC(),
		rng:      rng,
		latency:  cfg.Latency,
		useExt:   cfg.ExternalSessionStore,
		origins:  make(map[uint64]*Session),
	}
	if cfg.Type == NetworkLoadBalancer {
		lb.Listener.Protocol = "TCP"
		lb.DNSName = fmt.Sprintf("%s-%016x.elb.%s.amazonaws.com", cfg.Name, rng.Uint64(), cfg.Region)
		lb.nodeIP = fmt.Sprintf("10.0.%d.%d", rng.IntN(256), 1+rng.IntN(254))
	} else {
		lb.DNSName = fmt.Sprintf("%s-%d.%s.elb.amazonaws.com", cfg.Name, 1_000_000_000+rng.Int64N(9_000_000_000), cfg.Region)
	}
	lb.codec = newCodec(lb.DNSName, secret)
	lb.external = newSessionStore("external session store", true)
	account := 100_000_000_000 + rng.Int64N(900_000_000_000)
	if cfg.Type == ClassicLoadBalancer {
		lb.classic = lb.named(cfg.ListenerStickiness) // before the group's stickiness
	}
	tgs := make([]*TargetGroup, len(groups))
	for i, g := range groups {
		tg := &TargetGroup{
			Name:  g.Name,
			id:    uint32(i + 1),
			attrs: *g.Attributes,
			lb:    lb,
		}
		tg.ARN = fmt.Sprintf("arn:aws:elasticloadbalancing:%s:%d:targetgroup/%s/%016x", cfg.Region, account, tg.Name, rng.Uint64())
		if cfg.Type == ClassicLoadBalancer {
			tg.Name, tg.ARN = "", "" // its one internal group, which AWS does not show
		}
		tg.selector = newSelector(tg.attrs.Algorithm, rng)
		if cfg.Type == NetworkLoadBalancer {
			tg.selector = &FlowHashSelection{seed: rng.Uint64(), lb: lb}
		}
		tg.setStickiness()
		tgs[i] = tg
	}
	lb.TargetGroup = tgs[0]
	lb.Listener.defaultAction = tgs[0]
	if len(cfg.TargetGroups) > 0 {
		w := &weightedForward{groups: tgs, rng: rng}
		for _, g := range groups {
			w.weights = append(w.weights, g.Weight)
			w.total += g.Weight
		}
		w.setStickiness(lb, cfg.TargetGroupStickiness)
		lb.Listener.weighted = w
	}
	lb.sched.push(scheduled{at: lb.now.Add(sessionSweep).UnixNano(), kind: evSessionSweep})
	lb.history.cur.Time = lb.now.Truncate(time.Second)
	lb.sched.push(scheduled{at: lb.history.cur.Time.Add(time.Second).UnixNano(), kind: evSample})
	for i, tg := range tgs {
		for range groups[i].Instances {
			t := lb.launch()
			t.group = tg
			t.State = StateHealthy
			t.ConsecutivePasses = tg.attrs.HealthyThresholdCount
			tg.targets = append(tg.targets, t)
			lb.scheduleHealthCheck(t, time.Duration(rng.Int64N(int64(tg.attrs.HealthCheckInterval))))
		}
		tg.pool.Targets = tg.targets
	}
	return lb, nil
}

// targetGroupConfigs returns cfg's target groups, validated, with their
// instances and attributes set: cfg.TargetGroups (an Application Load
// Balancer's only), or else the one group of cfg.Instances and
// cfg.Attributes (Classic: its instances' internal group).
func targetGroupConfigs(cfg *Config) ([]TargetGroupConfig, error) {
	groups := cfg.TargetGroups
	if cfg.Type != ApplicationLoadBalancer && (len(groups) > 0 || cfg.TargetGroupStickiness != (TargetGroupStickinessConfig{})) {
		return nil, fmt.Errorf(MessageWeightedNotALB, cfg.Type.Title())
	}
	if len(groups) == 0 {
		if cfg.Instances == 0 {
			cfg.Instances = defaultTargetGroupInstances
		}
		groups = []TargetGroupConfig{{Name: "my-target-group", Weight: 1, Instances: cfg.Instances, Attributes: cfg.Attributes}}
	} else {
		if cfg.Instances != 0 || cfg.Attributes != nil {
			return nil, fmt.Errorf("with TargetGroups, set instances and attributes in each target group")
		}
		if err := ValidateForward(groups, cfg.TargetGroupStickiness); err != nil {
			return nil, err
		}
		groups = append([]TargetGroupConfig(nil), groups...)
	}
	total := 0
	for i := range groups {
		g := &groups[i]
		if g.Instances == 0 {
			g.Instances = defaultTargetGroupInstances
		}
		total += g.Instances
		if g.Instances < 0 || total > MaxInstances {
			return nil, fmt.Errorf("instances must be between 1 and %d, not %d", MaxInstances, g.Instances)
		}
		a := DefaultAttributesFor(cfg.Type)
		if g.Attributes != nil {
			a = *g.Attributes
		}
		if err := a.ValidateFor(cfg.Type); err != nil {
			return nil, err
		}
		g.Attributes = &a
	}
	return groups, nil
}

var zones = [...]string{"a", "b", "c"}

// launch creates a running instance that is not registered yet.
func (lb *LoadBalancer) launch() *Target {
	n := len(lb.instances) + 1
	t := &Target{
		ID:      fmt.Sprintf("i-0%016x", lb.rng.Uint64())[:19],
		Name:    "Instance " + strconv.Itoa(n),
		Number:  n,
		Zone:    lb.Region + zones[(n-1)%len(zones)],
		State:   StateUnused,
		Running: true,
		Latency: lb.latency,
		uid:     uint32(n),
	}
	t.group = lb.TargetGroup
	t.own = newSessionStore(t.Name, false)
	t.sessions = t.own
	if lb.useExt {
		t.sessions = lb.external
	}
	lb.instances = append(lb.instances, t)
	return t
}

// Now returns the simulated time.
func (lb *LoadBalancer) Now() time.Time { return lb.now }

// Metrics returns the load balancer's counters.
func (lb *LoadBalancer) Metrics() Metrics { return lb.metrics }

// Instances returns every instance ever launched, registered or not, in
// launch order.
func (lb *LoadBalancer) Instances() []*Target { return append([]*Target(nil), lb.instances...) }

// Instance returns the instance with the given id or name ("i-…" or
// "Instance 2"), or nil.
func (lb *LoadBalancer) Instance(idOrName string) *Target {
	for _, t := range lb.instances {
		if t.ID == idOrName || t.Name == idOrName {
			return t
		}
	}
	return nil
}

// ExternalSessionStore returns the shared store, and whether the instances
// use it.
func (lb *LoadBalancer) ExternalSessionStore() (*SessionStore, bool) { return lb.external, lb.useExt }

// SetExternalSessionStore switches every instance's application to the
// shared external store (on) or back to its own memory (off). Sessions are
// not migrated: users whose session lives in the other store lose it once.
func (lb *LoadBalancer) SetExternalSessionStore(on bool) {
	if on == lb.useExt {
		return
	}
	lb.useExt = on
	for _, t := range lb.instances {
		t.sessions = t.own
		if on {
			t.sessions = lb.external
		}
	}
	detail := "off: sessions live in each instance's memory"
	if on {
		detail = "on: every instance reads and writes sessions in one external store"
	}
	lb.emit(&Event{Kind: EventSessionStore, Detail: detail})
}

// Attributes returns the target group's attributes.
func (tg *TargetGroup) Attributes() Attributes { return tg.attrs }

// Targets returns the registered and draining targets, in registration
// order.
func (tg *TargetGroup) Targets() []*Target { return append([]*Target(nil), tg.targets...) }

// SetAttributes validates a and applies it to the running target group, as
// ModifyTargetGroupAttributes does. On error nothing changes.
func (tg *TargetGroup) SetAttributes(a Attributes) error {
	if err := a.ValidateFor(tg.lb.Type); err != nil {
		return err
	}
	if w := tg.lb.Listener.weighted; w != nil {
		if err := admitAttributes(len(w.groups), w.sticky.Enabled, a, tg.ARN); err != nil {
			return err
		}
	}
	old := tg.attrs
	tg.attrs = a
	if old.Algorithm != a.Algorithm {
		tg.selector = newSelector(a.Algorithm, tg.lb.rng)
	}
	tg.setStickiness()
	tg.slowStartOnAttributes()
	var changed []byte
	for _, k := range AttributeKeys {
		if old.Value(k) != a.Value(k) {
			if len(changed) > 0 {
				changed = append(changed, ", "...)
			}
			changed = append(changed, k+"="+a.Value(k)...)
		}
	}
	if len(changed) > 0 {
		tg.lb.emit(&Event{Kind: EventAttributesChanged, Detail: string(changed)})
	}
	return nil
}

// ErrNoInstance is returned for an instance id or name that does not exist.
var ErrNoInstance = errors.New("no such instance")

func (lb *LoadBalancer) instance(idOrName string) (*Target, error) {
	t := lb.Instance(idOrName)
	if t == nil {
		return nil, fmt.Errorf("%w: %q", ErrNoInstance, idOrName)
	}
	return t, nil
}

// LaunchInstance launches a new instance and registers it with the target
// group (scale out). It starts in state initial and receives traffic once
// it passes HealthyThresholdCount health checks.
func (lb *LoadBalancer) LaunchInstance() (*Target, error) {
	return lb.LaunchInstanceIn(lb.TargetGroup)
}

// LaunchInstanceIn is LaunchInstance for target group tg, one of
// TargetGroups.
func (lb *LoadBalancer) LaunchInstanceIn(tg *TargetGroup) (*Target, error) {
	if len(lb.instances) >= MaxInstances {
		return nil, fmt.Errorf("the lab runs at most %d instances", MaxInstances)
	}
	t := lb.launch()
	t.group = tg
	return t, lb.RegisterTarget(t.ID)
}

// RegisterTarget registers an unused or draining instance with its target
// group; it starts in state initial.
func (lb *LoadBalancer) RegisterTarget(idOrName string) error {
	t, err := lb.instance(idOrName)
	if err != nil {
		return err
	}
	tg := t.group
	switch t.State {
	case StateUnused:
		tg.targets = append(tg.targets, t)
		tg.pool.Targets = tg.targets
	case StateDraining:
	default:
		return fmt.Errorf("%s is already registered", t.Name)
	}
	from := t.State
	t.State = StateInitial
	t.DrainingUntil = time.Time{}
	t.ConsecutivePasses, t.ConsecutiveFailures = 0, 0
	lb.emit(&Event{Kind: EventTargetRegistered, Target: t.Name, From: from, To: StateInitial, Detail: "registered: health checks start"})
	lb.targetsChanged()
	lb.scheduleHealthCheck(t, 0)
	return nil
}

// DeregisterTarget starts deregistering a target: it drains for the
// deregistration delay, finishing in-flight requests while new ones (sticky
// ones included) go elsewhere, then becomes unused.
func (lb *LoadBalancer) DeregisterTarget(idOrName string) error {
	t, err := lb.instance(idOrName)
	if err != nil {
		return err
	}
	if !t.registered() {
		return fmt.Errorf("%s is not registered", t.Name)
	}
	t.hcGen++ // draining targets are not health checked
	t.NextHealthCheck = time.Time{}
	delay := t.group.attrs.DeregistrationDelay
	drain := "deregistration delay"
	if lb.Type == ClassicLoadBalancer {
		drain = "connection draining" // the Classic console's word
	}
	lb.setState(t, StateDraining, fmt.Sprintf("%s %s", drain, delay))
	t.DrainingUntil = lb.now.Add(delay)
	lb.sched.push(scheduled{at: lb.now.Add(delay).UnixNano(), kind: evDrainDone, idx: int32(t.Number), gen: t.hcGen})
	if delay == 0 {
		lb.finishDraining(t)
	}
	return nil
}

func (lb *LoadBalancer) finishDraining(t *Target) {
	if t.State != StateDraining {
		return
	}
	tg := t.group
	for i, x := range tg.targets {
		if x == t {
			tg.targets = append(tg.targets[:i:i], tg.targets[i+1:]...)
			break
		}
	}
	tg.pool.Targets = tg.targets
	t.DrainingUntil = time.Time{}
	lb.setState(t, StateUnused, "deregistration complete")
	lb.emit(&Event{Kind: EventTargetDeregistered, Target: t.Name, Detail: "deregistration complete"})
}

// StopInstance stops an instance. Its in-memory sessions are gone. The load
// balancer keeps sending it requests, answered 502 Bad Gateway (a Network
// Load Balancer's connections time out), until health checks mark it unhealthy.
func (lb *LoadBalancer) StopInstance(idOrName string) error {
	t, err := lb.instance(idOrName)
	if err != nil {
		return err
	}
	if !t.Running {
		return fmt.Errorf("%s is already stopped", t.Name)
	}
	t.Running = false
	lost := t.own.Len()
	t.own.reset()
	lb.emit(&Event{Kind: EventInstanceStopped, Target: t.Name, Detail: fmt.Sprintf("stopped: %s in memory gone", plural(lost, "session"))})
	return nil
}

// StartInstance starts a stopped instance with an empty memory; health
// checks bring it back to healthy.
func (lb *LoadBalancer) StartInstance(idOrName string) error {
	t, err := lb.instance(idOrName)
	if err != nil {
		return err
	}
	if t.Running {
		return fmt.Errorf("%s is already running", t.Name)
	}
	t.Running = true
	lb.emit(&Event{Kind: EventInstanceStarted, Target: t.Name, Detail: "started with an empty session memory"})
	return nil
}

// SetFailHealthChecks makes an instance's health check endpoint fail (or
// pass again) while it keeps serving requests.
func (lb *LoadBalancer) SetFailHealthChecks(idOrName string, fail bool) error {
	t, err := lb.instance(idOrName)
	if err != nil {
		return err
	}
	t.FailHealthChecks = fail
	detail := "health checks pass again"
	if fail {
		detail = "health checks now fail"
	}
	lb.emit(&Event{Kind: EventTargetChanged, Target: t.Name, Detail: detail})
	return nil
}

// SetLatency sets how long an instance takes to answer (a slowed instance).
// A latency at or above the health check timeout fails health checks.
func (lb *LoadBalancer) SetLatency(idOrName string, d time.Duration) error {
	t, err := lb.instance(idOrName)
	if err != nil {
		return err
	}
	if d < 0 || d > time.Minute {
		return fmt.Errorf("latency must be between 0 and 60s, not %s", d)
	}
	t.Latency = d
	lb.emit(&Event{Kind: EventTargetChanged, Target: t.Name, Detail: "answers in " + d.String()})
	return nil
}

func (lb *LoadBalancer) setState(t *Target, to TargetState, detail string) {
	if t.State == to {
		return
	}
	from := t.State
	t.State, t.stateSince = to, lb.now
	lb.emit(&Event{Kind: EventTargetState, Target: t.Name, From: from, To: to, Detail: detail})
	t.group.slowStartOnStateChange(t, from, to)
	lb.targetsChanged()
}

func (lb *LoadBalancer) emit(e *Event) {
	e.Time = lb.now
	lb.log.emit(e)
}

// DecodeCookie reads a stickiness cookie value the way the load balancer
// does (name is AWSALB, AWSALBCORS, AWSALBAPP-0, AWSALBTG, AWSALBTGCORS,
// AWSELB or AWSELBCORS), for the UI's decoded view. It reports why a value
// is not accepted.
func (lb *LoadBalancer) DecodeCookie(name, value string) (CookieInfo, error) {
	k := kindLB
	switch {
	case name == CookieAWSALBAPP:
		k = kindApp
	case isGroupCookie(name):
		k = kindGroup
	case isOneOf(name, elbCookies):
		k = kindELB
	}
	return lb.codec.open(k, value, lb.now)
}

// TargetByUID returns the instance a decoded cookie names, or nil.
func (lb *LoadBalancer) TargetByUID(uid uint32) *Target {
	if uid == 0 || int(uid) > len(lb.instances) {
		return nil
	}
	return lb.instances[uid-1]
}

// RecentRequests returns the requests t received in the last window seconds
// (at most 60) of simulated time.
func (lb *LoadBalancer) RecentRequests(t *Target, window int) int64 {
	return t.buckets.sum(lb.now.Unix(), window)
}

// Imbalance returns max/mean of the requests each in-service target of a
// target group got in the last window seconds (at most 60; fewer when a
// target came into service since, see groupImbalance), the highest of
// the groups the listener forwards to (their weights split traffic on
// purpose): 1 is perfectly even, 0 when no in-service target got a request.
func (lb *LoadBalancer) Imbalance(window int) float64 {
	var worst float64
	for _, tg := range lb.TargetGroups() {
		worst = max(worst, lb.groupImbalance(tg, window))
	}
	return worst
}

// groupImbalance is Imbalance within target group tg, over the part of the
// window every in-service target spent in service: a target that came into
// service a moment ago is compared with the others over the same seconds,
// and one in service for less than imbalanceMinAge is left out.
func (lb *LoadBalancer) groupImbalance(tg *TargetGroup, window int) float64 {
	now := lb.now.Unix()
	judged := func(t *Target) bool { return t.InService() && t.stateAge(now) >= imbalanceMinAge }
	w := int64(window)
	for _, t := range tg.targets {
		if judged(t) {
			w = min(w, t.stateAge(now))
		}
	}
	var sum, busiest int64
	n := 0
	for _, t := range tg.targets {
		if !judged(t) {
			continue
		}
		r := lb.RecentRequests(t, int(w))
		sum += r
		n++
		busiest = max(busiest, r)
	}
	if sum == 0 {
		return 0
	}
	return float64(busiest) / (float64(sum) / float64(n))
}

// stateAge is how many seconds, counting the one under way, t has been in
// its state at now (Unix seconds); without a change since the start, longer
// than any window.
func (t *Target) stateAge(now int64) int64 {
	if t.stateSince.IsZero() {
		return math.MaxInt64
	}
	return now - t.stateSince.Unix() + 1
}

// imbalanceMinAge is the seconds a target must have been in service to
// count in the imbalance: fewer seconds say nothing of how it is loaded.
const imbalanceMinAge = 5

// plural returns "1 session", "2 sessions".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}
