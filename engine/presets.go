package engine

import (
	"fmt"
	"time"
)

// Incident is something a preset does to the fleet while its crowd runs.
type Incident struct {
	After  time.Duration // after the preset starts
	Action string        // "stop" an instance, "launch" Count instances, or set "weights"
	Target string        // instance name, for "stop"
	Count  int           // for "launch"
	// Weights are the forward action's new weights, for "weights".
	Weights []int
}

// PresetGroup is one target group of a preset's weighted forward action.
type PresetGroup struct {
	Name      string
	Weight    int
	Instances int
}

// Preset stages one of the classic lessons of sticky sessions: a load
// balancer, a crowd, and an incident to watch.
type Preset struct {
	ID     string
	Title  string
	Lesson string // one paragraph, shown beside the chart
	// Type is the load balancer's type, "" for an Application Load Balancer.
	Type LoadBalancerType
	// Stickiness is one of StickinessChoicesFor(Type): off, lb_cookie, or
	// app_cookie on SessionCookie (Classic: the listener's policy), source_ip.
	Stickiness string
	// CookieExpirationPeriod is a Classic lb_cookie policy's period; 0 is
	// the browser session.
	CookieExpirationPeriod time.Duration
	ExternalStore          bool
	Instances              int
	// SlowStart is slow_start.duration_seconds; 0 is off.
	SlowStart time.Duration
	// Groups, when set, make the listener forward to weighted target
	// groups (each with the preset's attributes) instead of Instances
	// (Application only).
	Groups          []PresetGroup
	GroupStickiness time.Duration // 0: group stickiness off
	Crowd           CrowdConfig
	Incidents       []Incident
}

// Presets are the lessons the traffic lab stages in one click.
var Presets = []Preset{
	{
		ID: "no-stickiness", Title: "Legacy app without stickiness loses sessions",
		Lesson: "The application keeps each user's session (login, cart) in the memory of the instance that created it. " +
			"Without stickiness the load balancer sends each request to the next instance, which does not know the session: " +
			"most requests land on an instance that has never seen the user, and the session is lost again and again.",
		Stickiness: StickinessOff, Instances: 3,
		Crowd: CrowdConfig{Clients: 300, ThinkTime: DefaultThinkTime},
	},
	{
		ID: "stickiness", Title: "Stickiness keeps the sessions",
		Lesson: "With duration-based stickiness the load balancer sets AWSALB on the first response and sends every later request " +
			"carrying it to the same instance. Each user stays where their session lives: no session is lost, and the load " +
			"stays balanced because new users are spread by the algorithm.",
		Stickiness: string(LBCookie), Instances: 3,
		Crowd: CrowdConfig{Clients: 300, ThinkTime: DefaultThinkTime},
	},
	{
		ID: "instance-fails", Title: "An instance fails: its sticky users lose their sessions",
		Lesson: "Stickiness does not make sessions durable. One minute in, Instance 2 stops: its users get 502 Bad Gateway until " +
			"two health checks fail (up to a minute), then the load balancer moves them to healthy instances, which do not " +
			"know their sessions. Every user of Instance 2 is logged out.",
		Stickiness: string(LBCookie), Instances: 3,
		Crowd:     CrowdConfig{Clients: 300, ThinkTime: DefaultThinkTime},
		Incidents: []Incident{{After: time.Minute, Action: "stop", Target: "Instance 2"}},
	},
	{
		ID: "scale-out", Title: "Scale out: new instances stay idle while cookies live",
		Lesson: "One minute in, two instances are launched. They pass their health checks, but every existing user holds a " +
			"cookie for an old instance, so the new ones only get users who arrive or clear their cookies. The imbalance " +
			"(busiest instance ÷ average) stays high for as long as the users keep coming back: every response renews " +
			"AWSALB (the duration is an idle window), so a user moves only after being away longer than the duration " +
			"(1 day here) or clearing their cookies.",
		Stickiness: string(LBCookie), Instances: 3,
		Crowd:     CrowdConfig{Clients: 300, ThinkTime: DefaultThinkTime, ClearShare: 0.05},
		Incidents: []Incident{{After: time.Minute, Action: "launch", Count: 2}},
	},
	{
		ID: "external-store", Title: "External session store: no stickiness needed",
		Lesson: "The modern fix: the application keeps sessions in one external store (ElastiCache/Redis, DynamoDB) that every " +
			"instance reads. Any instance can serve any user, so stickiness is off, the load stays even, and users who land " +
			"on a new instance keep their session. Users who clear their cookies still log in anew: their SESSIONID went " +
			"with the cookies (the store never loses a session, the browser forgot its key).",
		Stickiness: StickinessOff, ExternalStore: true, Instances: 3,
		Crowd:     CrowdConfig{Clients: 300, ThinkTime: DefaultThinkTime, ClearShare: 0.2},
		Incidents: []Incident{{After: time.Minute, Action: "launch", Count: 2}},
	},
	{
		ID: "classic-duration", Title: "Classic Load Balancer: AWSELB for an expiration period",
		Lesson: "A Classic Load Balancer has no target group: its listener's stickiness policy (Edit stickiness) sets AWSELB and " +
			"AWSELBCORS with a 2-minute expiration period, set once and never renewed (so even a busy user is picked anew, and " +
			"may lose their session, two minutes after their first request), and new users go to the instance with the fewest " +
			"outstanding requests. " +
			"One minute in, Instance 2 stops: once it is OutOfService its users are routed \"as if there is no cookie\" and lose their sessions.",
		Type: ClassicLoadBalancer, Stickiness: string(LBCookie), CookieExpirationPeriod: 2 * time.Minute, Instances: 3,
		Crowd:     CrowdConfig{Clients: 300, ThinkTime: DefaultThinkTime},
		Incidents: []Incident{{After: time.Minute, Action: "stop", Target: "Instance 2"}},
	},
	{
		ID: "nlb-office-nat", Title: "Network Load Balancer: a whole office behind one NAT lands on one target",
		Lesson: "A Network Load Balancer sets no cookie: source IP stickiness keeps each source IP on one target. Half of the " +
			"users work in one office behind one NAT gateway, so they share its public IP, and all of them land on the same " +
			"target: that instance carries the office, and the imbalance stays high however many users there are.",
		Type: NetworkLoadBalancer, Stickiness: string(SourceIP), Instances: 3,
		Crowd: CrowdConfig{Clients: 300, ThinkTime: DefaultThinkTime, NATShare: 0.5, NATGateways: 1},
	},
	{
		ID: "slow-start", Title: "Scale out with slow start: new instances ramp up",
		Lesson: "Slow start gives a target that has just become healthy a share of round robin's requests that grows linearly " +
			"to a full one over slow_start.duration_seconds, so that a cold instance warms up before it takes a full load. " +
			"One minute in, two instances are launched; once they pass their health checks (5 checks 30 s apart: 2 minutes " +
			"later) watch their requests per second climb over 2 minutes instead of jumping to a full share, a fifth of the " +
			"load. Sessions are in an external " +
			"store, so stickiness is off.",
		Stickiness: StickinessOff, ExternalStore: true, Instances: 3, SlowStart: 2 * time.Minute,
		Crowd:     CrowdConfig{Clients: 300, ThinkTime: DefaultThinkTime},
		Incidents: []Incident{{After: time.Minute, Action: "launch", Count: 2}},
	},
	{
		ID: "blue-green", Title: "Blue/green: sticky users stay on blue until their group cookie runs out",
		Lesson: "The listener rule forwards to two target groups, blue (weight 100) and green (weight 0), with group " +
			"stickiness of 1 minute: AWSALBTG names the target group, AWSALB the instance in it. One minute in, the weights " +
			"shift to 0/100. A user without a valid group cookie would go to green at once (this crowd has no newcomers), " +
			"but every user whose group cookie is still valid stays on blue: " +
			"each response renews it, so a user leaves blue only after idling longer than a minute, and then lands on green, " +
			"which does not know their session. Blue drains slowly; it is safe to remove once its load is zero.",
		Stickiness: string(LBCookie), Instances: 4, GroupStickiness: time.Minute,
		Groups:    []PresetGroup{{Name: "blue", Weight: 100, Instances: 2}, {Name: "green", Weight: 0, Instances: 2}},
		Crowd:     CrowdConfig{Clients: 300, ThinkTime: 30 * time.Second},
		Incidents: []Incident{{After: time.Minute, Action: "weights", Weights: []int{0, 100}}},
	},
}

// PresetByID returns the preset called id, and whether there is one.
func PresetByID(id string) (Preset, bool) {
	for _, p := range Presets {
		if p.ID == id {
			return p, true
		}
	}
	return Preset{}, false
}

// Attributes returns the target group attributes of the preset.
func (p Preset) Attributes() Attributes {
	a, _ := p.attributes() // Start reports a Stickiness that is not a choice
	return a
}

func (p Preset) attributes() (Attributes, error) {
	a := DefaultAttributesFor(p.Type)
	a.AppCookieName = SessionCookie
	var err error
	if p.Type == ClassicLoadBalancer {
		_, err = p.classic()
	} else {
		err = a.SetStickinessFor(p.Type, p.Stickiness)
	}
	if err != nil {
		return a, fmt.Errorf("preset %s: %w", p.ID, err)
	}
	a.SlowStart = p.SlowStart
	return a, nil
}

// ListenerStickiness returns a Classic preset's listener policy (the zero
// one for other types).
func (p Preset) ListenerStickiness() ClassicStickiness {
	s, _ := p.classic()
	return s
}

func (p Preset) classic() (ClassicStickiness, error) {
	if p.Type != ClassicLoadBalancer {
		return ClassicStickiness{}, nil
	}
	s := ClassicStickiness{CookieExpirationPeriod: p.CookieExpirationPeriod, CookieName: SessionCookie}
	return s, s.SetChoice(p.Stickiness)
}

// Start builds the preset's load balancer at start, starts its crowd and
// schedules its incidents.
func (p Preset) Start(seed uint64, start time.Time) (*LoadBalancer, error) {
	a, err := p.attributes()
	if err != nil {
		return nil, err
	}
	cfg := Config{Type: p.Type, Seed: seed, Instances: p.Instances, Attributes: &a, ListenerStickiness: p.ListenerStickiness(),
		ExternalSessionStore: p.ExternalStore, Start: start}
	if len(p.Groups) > 0 {
		cfg.Instances, cfg.Attributes = 0, nil
		for _, g := range p.Groups {
			ga := a
			cfg.TargetGroups = append(cfg.TargetGroups, TargetGroupConfig{Name: g.Name, Weight: g.Weight, Instances: g.Instances, Attributes: &ga})
		}
		cfg.TargetGroupStickiness = TargetGroupStickinessConfig{Enabled: p.GroupStickiness > 0, DurationSeconds: int(p.GroupStickiness / time.Second)}
	}
	lb, err := New(cfg)
	if err != nil {
		return nil, err
	}
	if _, err := lb.StartCrowd(p.Crowd); err != nil {
		return nil, err
	}
	for _, inc := range p.Incidents {
		inc := inc
		switch inc.Action {
		case "stop":
			lb.At(inc.After, func(lb *LoadBalancer) { _ = lb.StopInstance(inc.Target) })
		case "launch":
			lb.At(inc.After, func(lb *LoadBalancer) {
				for i := 0; i < inc.Count; i++ {
					if _, err := lb.LaunchInstance(); err != nil {
						return
					}
				}
			})
		case "weights":
			lb.At(inc.After, func(lb *LoadBalancer) { _ = lb.SetTargetGroupWeights(inc.Weights...) })
		default:
			return nil, fmt.Errorf("preset %s: unknown incident %q", p.ID, inc.Action)
		}
	}
	return lb, nil
}
