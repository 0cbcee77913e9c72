package engine

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// A crowd's bounds, checked by CrowdConfig.Validate and quoted by the
// traffic lab's form.
const (
	MaxCrowd         = 10000                 // clients
	MinRequestRate   = 0.1                   // requests per second, for the whole crowd
	MaxRequestRate   = 100000                // requests per second
	MinThinkTime     = 10 * time.Millisecond // mean pause of one client
	MaxThinkTime     = time.Hour             // mean pause of one client
	DefaultThinkTime = 5 * time.Second       // when ThinkTime is 0
	MinNATGateways   = 1                     // gateways the NAT share spreads over, when set
	MaxNATGateways   = 100                   // gateways the NAT share spreads over
)

// CrowdConfig describes a crowd of virtual clients.
type CrowdConfig struct {
	// Clients is the number of virtual clients, 1 to MaxCrowd.
	Clients int
	// ThinkTime is the mean pause between two requests of one client
	// (exponentially distributed), MinThinkTime to MaxThinkTime;
	// StartCrowd makes 0 DefaultThinkTime.
	ThinkTime time.Duration
	// RequestRate, when positive, sets the total requests per second
	// instead (MinRequestRate to MaxRequestRate): ThinkTime becomes
	// Clients / RequestRate.
	RequestRate float64
	// ArrivalRate is how many clients join per second; 0 means they all
	// join at random moments during the first think time.
	ArrivalRate float64
	// ClearShare and BlockShare are the shares (0 to 1) of clients that
	// clear their cookies every ClearEvery requests, and that block them.
	ClearShare float64
	BlockShare float64
	// NATShare is the share (0 to 1) of clients behind NAT gateways: each
	// gateway's clients share its one source IP, as an office does.
	// NATGateways is how many gateways they spread over, 1 (for 0) to
	// MaxNATGateways.
	NATShare    float64
	NATGateways int
}

// CrowdError is a CrowdConfig field out of its bounds, with a message
// worded for the learner's form.
type CrowdError struct {
	Field   string // clients, rate, think, clear, block, arrival, nat or gateways
	Message string
}

func (e *CrowdError) Error() string { return e.Message }

// Validate reports the first field of c out of its bounds, as a *CrowdError,
// or nil. The fields are checked in the traffic lab form's order.
func (c CrowdConfig) Validate() error {
	bad := func(field, format string, args ...any) error {
		return &CrowdError{Field: field, Message: fmt.Sprintf(format, args...)}
	}
	clearPct, blockPct, natPct := percent(c.ClearShare), percent(c.BlockShare), percent(c.NATShare)
	switch {
	case c.Clients < 1 || c.Clients > MaxCrowd:
		return bad("clients", "Clients must be from 1 to %s, not %d.", amount(MaxCrowd), c.Clients)
	case c.RequestRate != 0 && !(c.RequestRate >= MinRequestRate && c.RequestRate <= MaxRequestRate):
		return bad("rate", "Request rate must be from %s to %s requests per second, not %s.", amount(MinRequestRate), amount(MaxRequestRate), number(c.RequestRate))
	case c.RequestRate != 0 && float64(c.Clients)/c.RequestRate < MinThinkTime.Seconds():
		return bad("rate", "%s from %s would be one every %s from each: a client pauses at least %s between requests, so at most %s can come from %s.",
			rateWords(c.RequestRate), clientWords(c.Clients), time.Duration(float64(c.Clients)/c.RequestRate*float64(time.Second)), MinThinkTime,
			rateWords(float64(c.Clients)/MinThinkTime.Seconds()), clientWords(c.Clients))
	case c.RequestRate != 0 && float64(c.Clients)/c.RequestRate > MaxThinkTime.Seconds():
		return bad("rate", "%s from %s would be one every %s from each: a client pauses at most %s, so at least %s come from %s.",
			rateWords(c.RequestRate), clientWords(c.Clients), time.Duration(float64(c.Clients)/c.RequestRate*float64(time.Second)).Round(time.Second), durationText(MaxThinkTime),
			rateWords(math.Ceil(float64(c.Clients)/MaxThinkTime.Seconds()*10)/10), clientWords(c.Clients))
	case c.ThinkTime < MinThinkTime || c.ThinkTime > MaxThinkTime:
		return bad("think", "Think time must be from %s to %s seconds, not %s.", amount(MinThinkTime.Seconds()), amount(MaxThinkTime.Seconds()), number(c.ThinkTime.Seconds()))
	case !(clearPct >= 0 && clearPct <= 100):
		return bad("clear", "The share of clients that clear their cookies must be from 0%% to 100%%, not %s%%.", number(clearPct))
	case !(blockPct >= 0 && blockPct <= 100):
		return bad("block", "The share of clients that block cookies must be from 0%% to 100%%, not %s%%.", number(blockPct))
	case clearPct+blockPct > 100:
		return bad("block", "The shares of clients that clear cookies (%s%%) and block them (%s%%) add up to %s%%: together they can be at most 100%% of the clients.",
			number(clearPct), number(blockPct), number(clearPct+blockPct))
	case !(c.ArrivalRate >= 0):
		return bad("arrival", "Arrival rate must be 0 or more clients per second, not %s.", number(c.ArrivalRate))
	case !(natPct >= 0 && natPct <= 100):
		return bad("nat", "The share of clients behind NAT gateways must be from 0%% to 100%%, not %s%%.", number(natPct))
	case c.NATGateways < 0 || c.NATGateways > MaxNATGateways:
		return bad("gateways", "NAT gateways must be from %d to %s, not %d.", MinNATGateways, amount(MaxNATGateways), c.NATGateways)
	}
	return nil
}

// percent is a share as a percentage, rounded off float noise (0.07 → 7).
func percent(share float64) float64 { return math.Round(share*100*1e6) / 1e6 }

// number writes f as typed: 0.5, 200000.
func number(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// amount writes a bound as people read it: 0.1, 10,000.
func amount(f float64) string {
	s := number(f)
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i := range len(whole) {
		if i > 0 && (len(whole)-i)%3 == 0 && whole[i-1] != '-' {
			b.WriteByte(',')
		}
		b.WriteByte(whole[i])
	}
	if frac != "" {
		b.WriteString("." + frac)
	}
	return b.String()
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
		cfg.ThinkTime = DefaultThinkTime
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
	nNAT := int(cfg.NATShare*float64(cfg.Clients) + 0.5)
	nat := lb.natGateways(cfg.NATGateways, nNAT)
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
		if j := i - (cfg.Clients - nNAT); j >= 0 {
			c.IP = nat[j%len(nat)] // the last clients are behind NAT
		}
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

// natGateways returns the public IPs of n NAT gateways (0 means 1) for
// clients behind NAT, none without any: the seeded source is drawn only
// then, so a crowd without NAT replays as before.
func (lb *LoadBalancer) natGateways(n, clients int) []string {
	if clients == 0 {
		return nil
	}
	ips := make([]string, max(n, 1))
	base := lb.rng.IntN(254)
	for i := range ips { // distinct: MaxNATGateways < 254
		ips[i] = fmt.Sprintf("203.0.113.%d", 1+(base+i)%254)
	}
	return ips
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

// rateWords says a request rate: "1 request per second", "2.8 requests per second".
func rateWords(r float64) string {
	if r == 1 {
		return "1 request per second"
	}
	return amount(r) + " requests per second"
}

// durationText writes a whole number of hours as "1h", else as Duration does.
func durationText(d time.Duration) string {
	return strings.TrimSuffix(strings.TrimSuffix(d.String(), "0s"), "0m")
}

// clientWords says a number of clients: "1 client", "2,000 clients".
func clientWords(n int) string {
	if n == 1 {
		return "1 client"
	}
	return amount(float64(n)) + " clients"
}
