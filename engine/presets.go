package engine

import (
	"fmt"
	"time"
)

// Incident is something a preset does to the fleet while its crowd runs.
type Incident struct {
	After  time.Duration // after the preset starts
	Action string        // "stop" an instance, or "launch" Count instances
	Target string        // instance name, for "stop"
	Count  int           // for "launch"
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
	Crowd                  CrowdConfig
	Incidents              []Incident
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
			"(busiest instance ÷ average) stays high until the stickiness duration runs out.",
		Stickiness: string(LBCookie), Instances: 3,
		Crowd:     CrowdConfig{Clients: 300, ThinkTime: DefaultThinkTime, ClearShare: 0.05},
		Incidents: []Incident{{After: time.Minute, Action: "launch", Count: 2}},
	},
	{
		ID: "external-store", Title: "External session store: no stickiness needed",
		Lesson: "The modern fix: the application keeps sessions in one external store (ElastiCache/Redis, DynamoDB) that every " +
			"instance reads. Any instance can serve any user, so stickiness is off, the load stays even, and even users who " +
			"clear their cookies or land on a new instance keep their session.",
		Stickiness: StickinessOff, ExternalStore: true, Instances: 3,
		Crowd:     CrowdConfig{Clients: 300, ThinkTime: DefaultThinkTime, ClearShare: 0.2},
		Incidents: []Incident{{After: time.Minute, Action: "launch", Count: 2}},
	},
	{
		ID: "classic-duration", Title: "Classic Load Balancer: AWSELB for an expiration period",
		Lesson: "A Classic Load Balancer has no target group: its listener's stickiness policy (Edit stickiness) sets AWSELB and " +
			"AWSELBCORS with a 2-minute expiration period, and new users go to the instance with the fewest outstanding requests. " +
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
	lb, err := New(Config{Type: p.Type, Seed: seed, Instances: p.Instances, Attributes: &a, ListenerStickiness: p.ListenerStickiness(),
		ExternalSessionStore: p.ExternalStore, Start: start})
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
		default:
			return nil, fmt.Errorf("preset %s: unknown incident %q", p.ID, inc.Action)
		}
	}
	return lb, nil
}
