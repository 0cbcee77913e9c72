package engine

import "time"

// Do sends one request from client c to the load balancer's listener at the
// current simulated time and returns the exchange: the cookies the client
// sent, the target, why, and the cookies it received (already in c's jar).
func (lb *LoadBalancer) Do(c *Client, path string) Exchange {
	return lb.serve(c, path, true).Clone()
}

// DoDirect sends a request from c straight to an instance, as the article's
// step 2 opens each one: at the instance's own address, the client sends
// none of the load balancer's cookies and stores nothing.
func (lb *LoadBalancer) DoDirect(c *Client, idOrName, path string) (Exchange, error) {
	t, err := lb.instance(idOrName)
	if err != nil {
		return Exchange{}, err
	}
	ex := Exchange{Time: lb.now, Client: c.Name, SourceIP: c.IP, Path: path, Reason: ReasonDirect, TargetID: t.ID, TargetName: t.Name}
	if !t.Running {
		ex.Failure = FailureTimedOut // no gateway in between to answer 502
		return ex, nil
	}
	ex.Status = 200
	return ex, nil
}

// serve handles one request of c, stage by stage as AWS documents them,
// into the reused exchange it returns. With record false and no subscriber
// reading cookies, the exchange leaves the cookies out.
func (lb *LoadBalancer) serve(c *Client, path string, record bool) *Exchange {
	s := &lb.scratch
	r := lb.receive(c, path)                                   // the request and its cookies
	ex := s.ex.start(r, record || lb.log.cookies > 0, &s.sent) // its record
	tg := lb.Listener.forward(r, ex)                           // listener: the forward action's target group
	ex.TargetGroup = tg.Name
	t, reason := tg.stickiness.Route(r) // stickiness: the target a cookie names
	if t == nil {
		t = tg.pick(r, ex) // algorithm: the Selector picks
	}
	ex.Reason = reason
	lb.count(tg, t, reason)
	if t != nil {
		ex.TargetID, ex.TargetName = t.ID, t.Name
	}
	switch {
	case t == nil:
		if lb.Type == NetworkLoadBalancer {
			c.NewConnection() // reset: the next request opens another
		}
		return lb.fail(ex, nil)
	case !t.Running:
		// The load balancer cannot reach the instance: 502 (a Network
		// Load Balancer's connection times out), and no cookie
		// (simulated assumption, see Assumptions); a TCP connection to
		// it is lost.
		c.NewConnection()
		return lb.fail(ex, t)
	}
	t.accept(r.Time)                                      // target: in flight
	app := lb.application(t, r, ex, s.resp[:0])           // application: its session
	sticky := tg.stickiness.Issue(t, reason, app, r.Time) // stickiness: the cookies
	groups := lb.Listener.issue(tg, r.Time)               // group stickiness: AWSALBTG
	s.resp = app
	return lb.respond(c, ex, app, sticky, groups)
}

// pick asks tg's algorithm for a target for r, failing open when no
// registered target is healthy (REFERENCE.md §4).
func (tg *TargetGroup) pick(r *Request, ex *Exchange) *Target {
	if tg.attrs.Algorithm == LeastOutstandingRequests {
		tg.settle(tg.lb.now.UnixNano())
	}
	tg.pool.FailOpen = !tg.anyHealthy()
	ex.FailOpen = tg.pool.FailOpen
	ex.Algorithm = tg.attrs.Algorithm
	if tg.lb.Type == NetworkLoadBalancer {
		ex.Algorithm = FlowHash
	}
	return tg.selector.Select(&tg.pool, r)
}

// accept starts a request on t, which answers after its latency.
func (t *Target) accept(now time.Time) {
	if t.Latency > 0 {
		t.settle(now.UnixNano())
		t.begin(now.UnixNano() + int64(t.Latency))
	}
}

// count updates the CloudWatch-like metrics for a request routed to t (nil:
// no target) for reason.
func (lb *LoadBalancer) count(tg *TargetGroup, t *Target, reason Reason) {
	sec := lb.now.Unix()
	cur := &lb.history.cur
	lb.metrics.Requests++
	lb.recent.add(sec)
	cur.Requests++
	if t == nil {
		return
	}
	t.Metrics.Requests++
	t.buckets.add(sec)
	cur.Targets[t.Number-1].Requests++
	if tg.sticky() && reason != ReasonSameConnection { // a connection's later requests: no decision
		if reason.isSticky() {
			t.Metrics.Sticky++
			lb.metrics.Sticky++
			cur.Sticky++
		} else {
			t.Metrics.NonSticky++
			lb.metrics.NonStickyRequestCount++
			cur.NonSticky++
		}
	}
	if reason.Moved() {
		lb.metrics.Moved++
		cur.Moved++
	}
}

// fail answers when no target answers: 503 when none is registered, 502
// when target t does not answer; a Network Load Balancer, which reads no
// HTTP, resets the connection or lets it time out (simulated assumption).
func (lb *LoadBalancer) fail(ex *Exchange, t *Target) *Exchange {
	lb.history.cur.Errors++
	if t == nil {
		ex.Reason = ReasonNoTargets
	} else {
		t.Metrics.Errors++
	}
	switch {
	case lb.Type == NetworkLoadBalancer && t == nil:
		ex.Failure = FailureReset
		lb.metrics.FailedConnections++
	case lb.Type == NetworkLoadBalancer:
		ex.Failure = FailureTimedOut
		lb.metrics.FailedConnections++
	case t == nil:
		ex.Status = 503
		lb.metrics.ELB503++
	default:
		ex.Status = 502
		lb.metrics.ELB502++
	}
	lb.emitRequest(ex, ex.TargetName)
	return ex
}

// respond sends the response's cookies, the application's, the
// stickiness policy's then the group stickiness's, to c's jar and records
// the exchange.
func (lb *LoadBalancer) respond(c *Client, ex *Exchange, app, sticky, groups []StoredCookie) *Exchange {
	ex.Status, ex.StickinessSet = 200, len(sticky) > 0
	if ex.recording {
		s := &lb.scratch
		s.set = append(append(s.set[:0], app...), sticky...)
		if groups != nil {
			s.set = append(s.set, groups...)
		}
		ex.SetCookies = s.set
	}
	lb.store(c, ex, app)
	lb.store(c, ex, sticky)
	if groups != nil {
		lb.store(c, ex, groups)
	}
	lb.emitRequest(ex, ex.TargetName)
	return ex
}

// store hands a response's cookies cs to c's jar, noting in ex the first
// one the jar refuses.
func (lb *LoadBalancer) store(c *Client, ex *Exchange, cs []StoredCookie) {
	if len(cs) == 0 {
		return
	}
	var err error
	if j, ok := c.Jar.(*MemoryJar); ok { // without an interface call
		err = j.take(lb.now, cs)
	} else {
		err = c.Jar.SetCookies(lb.now, cs)
	}
	if err != nil && ex.StoreError == "" {
		ex.StoreError = err.Error()
	}
}

// emitRequest hands the exchange to the subscribers. Requests are not kept
// in the event log, so without subscribers there is nothing to do but
// count.
func (lb *LoadBalancer) emitRequest(ex *Exchange, target string) {
	if len(lb.log.subs) == 0 {
		lb.log.seq++
		return
	}
	lb.emit(&Event{Kind: EventRequest, Client: ex.Client, Target: target, Exchange: ex})
}

// settle brings every target's in-flight count up to now (UnixNano).
func (tg *TargetGroup) settle(now int64) {
	for _, t := range tg.targets {
		t.settle(now)
	}
}

// anyHealthy reports whether any registered target is healthy.
func (tg *TargetGroup) anyHealthy() bool {
	for _, t := range tg.targets {
		if t.State == StateHealthy {
			return true
		}
	}
	return false
}
