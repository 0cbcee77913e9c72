package engine

import (
	"fmt"
	"time"
)

// MaxCrowd is the largest crowd a load balancer runs.
const MaxCrowd = 10000

// CrowdConfig describes a crowd of virtual clients.
type CrowdConfig struct {
	// Clients is the number of virtual clients, 1 to MaxCrowd.
	Clients int
	// ThinkTime is the mean pause between two requests of one client
	// (exponentially distributed), default 5s.
	ThinkTime time.Duration
	// RequestRate, when positive, sets the total requests per second
	// instead: ThinkTime becomes Clients / RequestRate.
	RequestRate float64
	// ArrivalRate is how many clients join per second; 0 means they all
	// join at random moments during the first think time.
	ArrivalRate float64
	// ClearShare and BlockShare are the shares (0 to 1) of clients that
	// clear their cookies every ClearEvery requests, and that block them.
	ClearShare float64
	BlockShare float64
}

// Validate reports the first invalid field of c, worded for a form.
func (c CrowdConfig) Validate() error {
	switch {
	case c.Clients < 1 || c.Clients > MaxCrowd:
		return fmt.Errorf("the number of clients must be between 1 and %d, not %d", MaxCrowd, c.Clients)
	case c.ThinkTime < 0 || c.ThinkTime > time.Hour:
		return fmt.Errorf("think time must be between 0 and 1h, not %s", c.ThinkTime)
	case c.RequestRate < 0 || c.RequestRate > 100000:
		return fmt.Errorf("request rate must be between 0 and 100000 per second, not %g", c.RequestRate)
	case c.ArrivalRate < 0:
		return fmt.Errorf("arrival rate cannot be negative")
	case c.ClearShare < 0 || c.ClearShare > 1 || c.BlockShare < 0 || c.BlockShare > 1 || c.ClearShare+c.BlockShare > 1:
		return fmt.Errorf("the shares of clients that clear and block cookies must each be between 0%% and 100%%, and add up to at most 100%%")
	}
	return nil
}

// Crowd is a running crowd of virtual clients, each with its own memory
// cookie jar, sending requests on the simulated clock.
type Crowd struct {
	Config  CrowdConfig
	Clients []*Client
	think   time.Duration
	gen     uint32
}

// member is a client of a crowd and its jar, side by side: every request
// touches both. (Room for the jar's cookies in the member too was faster
// natively but slower in WebAssembly.)
type member struct {
	client Client
	jar    MemoryJar
}

// StartCrowd starts a crowd, replacing any crowd already running. Its
// clients join from now on and keep requesting as the clock advances.
func (lb *LoadBalancer) StartCrowd(cfg CrowdConfig) (*Crowd, error) {
	if cfg.ThinkTime == 0 {
		cfg.ThinkTime = 5 * time.Second
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	gen := uint32(1)
	if lb.crowd != nil {
		gen = lb.crowd.gen + 1
	}
	cr := &Crowd{Config: cfg, think: cfg.ThinkTime, gen: gen}
	if cfg.RequestRate > 0 {
		cr.think = time.Duration(float64(cfg.Clients) / cfg.RequestRate * float64(time.Second))
	}
	lb.sched.startCrowd(newCalendar(cfg.Clients, cr.think), gen)
	cr.Clients = make([]*Client, cfg.Clients)
	nClear := int(cfg.ClearShare*float64(cfg.Clients) + 0.5)
	nBlock := int(cfg.BlockShare*float64(cfg.Clients) + 0.5)
	for i := range cr.Clients {
		b := KeepCookies
		switch {
		case i < nBlock:
			b = BlockCookies
		case i < nBlock+nClear:
			b = ClearCookies
		}
		// One allocation each (Clients points into it): a small object,
		// which the collector scans faster than one big array of them.
		m := new(member)
		c := &m.client
		lb.initClient(c, fmt.Sprintf("client-%04d", i+1), &m.jar, b)
		c.crowdIndex = i
		cr.Clients[i] = c
		var join time.Duration
		if cfg.ArrivalRate > 0 {
			join = time.Duration(float64(i) / cfg.ArrivalRate * float64(time.Second))
		} else {
			join = time.Duration(lb.rng.Int64N(int64(cr.think) + 1))
		}
		lb.sched.pushRequest(int32(i), lb.now.Add(join).UnixNano(), lb.now.UnixNano())
	}
	lb.crowd = cr
	return cr, nil
}

// StopCrowd stops the running crowd, if any.
func (lb *LoadBalancer) StopCrowd() {
	if lb.crowd == nil {
		return
	}
	lb.crowd = nil
	// Drop its pending requests now rather than when they come due.
	lb.sched.stopCrowd()
}

// Crowd returns the running crowd, or nil.
func (lb *LoadBalancer) Crowd() *Crowd { return lb.crowd }

// request sends c's next request and returns when the one after is due
// (UnixNano).
func (cr *Crowd) request(lb *LoadBalancer, c *Client) int64 {
	lb.serve(c, "/", false)
	pause := time.Duration(lb.rng.ExpFloat64() * float64(cr.think))
	if pause < time.Millisecond {
		pause = time.Millisecond
	}
	return lb.now.Add(pause).UnixNano()
}
