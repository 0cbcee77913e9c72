package engine

import "time"

// Do sends one request from client c to the load balancer's listener at the
// current simulated time and returns the exchange: the Cookie header the
// client sent, the target, why, and the Set-Cookie headers it received
// (already stored in c's jar).
func (lb *LoadBalancer) Do(c *Client, path string) Exchange {
	return *lb.serve(c, path)
}

// DoDirect sends a request from c straight to an instance, bypassing the
// load balancer, as the article's step 2 opens each instance in a browser.
// The instance has its own address, so the client's cookies for the load
// balancer's DNS name are not sent and nothing is stored.
func (lb *LoadBalancer) DoDirect(c *Client, idOrName, path string) (Exchange, error) {
	t, err := lb.instance(idOrName)
	if err != nil {
		return Exchange{}, err
	}
	ex := Exchange{Time: lb.now, Client: c.Name, SourceIP: c.IP, Path: path, Reason: ReasonDirect, TargetID: t.ID, TargetName: t.Name}
	if !t.Running {
		ex.Status = 502
		return ex, nil
	}
	ex.Status = 200
	return ex, nil
}

// serve handles one request into the reused exchange lb.ex.
func (lb *LoadBalancer) serve(c *Client, path string) *Exchange {
	now := lb.now
	c.Requests++
	if c.Behavior == ClearCookies && c.Requests%ClearEvery == 1 {
		c.Jar.Clear()
	}
	ex := &lb.ex
	*ex = Exchange{
		Seq:      ex.Seq + 1,
		Time:     now,
		Client:   c.Name,
		SourceIP: c.IP,
		Path:     path,
		Cookie:   c.Jar.Header(now),
	}
	tg := lb.TargetGroup
	a := &tg.attrs
	lb.metrics.Requests++
	lb.recent.add(now.Unix())

	t, reason := tg.route(ex.Cookie, now)
	ex.Reason = reason
	if t == nil {
		tg.pool.FailOpen = !tg.anyHealthy()
		ex.FailOpen = tg.pool.FailOpen
		t = tg.selector.Select(&tg.pool, nil)
		ex.Algorithm = a.Algorithm
	}
	if t == nil {
		ex.Reason = ReasonNoTargets
		ex.Status = 503
		lb.metrics.ELB503++
		lb.emit(Event{Kind: EventRequest, Client: c.Name, Exchange: ex})
		return ex
	}
	ex.TargetID, ex.TargetName = t.ID, t.Name
	t.Metrics.Requests++
	t.buckets.add(now.Unix())
	if a.StickinessEnabled {
		if reason == ReasonSticky {
			t.Metrics.Sticky++
			lb.metrics.Sticky++
		} else {
			t.Metrics.NonSticky++
			lb.metrics.NonStickyRequestCount++
		}
	}
	if !t.Running {
		// The load balancer cannot reach the instance: 502, and no
		// cookie (simulated assumption, see Assumptions).
		ex.Status = 502
		t.Metrics.Errors5xx++
		lb.metrics.ELB502++
		lb.emit(Event{Kind: EventRequest, Client: c.Name, Target: t.Name, Exchange: ex})
		return ex
	}
	ex.Status = 200
	if t.Latency > 0 {
		t.InFlight++
		lb.sched.push(scheduled{at: now.Add(t.Latency).UnixNano(), kind: evRequestDone, target: t})
	}

	// The application: find or create the user's session.
	buf := lb.setCookie[:0]
	buf = lb.application(t, c, ex, buf)

	// The load balancer's stickiness cookies.
	if a.StickinessEnabled {
		switch a.StickinessType {
		case LBCookie:
			v := lb.codec.seal(kindLB, tg.id, t.uid, now)
			buf = appendLBCookie(buf, CookieAWSALB, v, now, false)
			buf = appendLBCookie(buf, CookieAWSALBCORS, v, now, true)
		case AppCookie:
			if reason == ReasonSticky || setsCookie(buf, a.AppCookieName) {
				v := lb.codec.seal(kindApp, tg.id, t.uid, now)
				buf = appendLBCookie(buf, CookieAWSALBAPP, v, now, false)
			}
		}
	}
	lb.setCookie = buf
	if len(buf) > 0 {
		ex.SetCookie = string(buf)
		rest := ex.SetCookie
		for rest != "" {
			line := rest
			if i := indexNL(rest); i >= 0 {
				line, rest = rest[:i], rest[i+1:]
			} else {
				rest = ""
			}
			if err := c.Jar.Store(now, line); err != nil && ex.StoreError == "" {
				ex.StoreError = err.Error()
			}
		}
	}
	lb.emit(Event{Kind: EventRequest, Client: c.Name, Target: t.Name, Exchange: ex})
	return ex
}

func indexNL(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			return i
		}
	}
	return -1
}

// setsCookie reports whether the Set-Cookie lines in buf set cookie name.
func setsCookie(buf []byte, name string) bool {
	for len(buf) > 0 {
		if len(buf) > len(name) && string(buf[:len(name)]) == name && buf[len(name)] == '=' {
			return true
		}
		i := 0
		for i < len(buf) && buf[i] != '\n' {
			i++
		}
		if i == len(buf) {
			return false
		}
		buf = buf[i+1:]
	}
	return false
}

func appendLine(buf []byte) []byte {
	if len(buf) > 0 {
		buf = append(buf, '\n')
	}
	return buf
}

// appendLBCookie appends a Set-Cookie header shaped like AWS's: the value,
// a 7-day Expires and Path=/, plus SameSite=None; Secure for the CORS
// cookie (REFERENCE.md §2).
func appendLBCookie(buf []byte, name string, value []byte, now time.Time, cors bool) []byte {
	buf = appendLine(buf)
	buf = append(buf, name...)
	buf = append(buf, '=')
	buf = append(buf, value...)
	buf = append(buf, "; Expires="...)
	buf = now.Add(CookieExpiry).AppendFormat(buf, TimeFormat)
	buf = append(buf, "; Path=/"...)
	if cors {
		buf = append(buf, "; SameSite=None; Secure"...)
	}
	return buf
}

// application runs the legacy application on t: it looks the session
// cookie up in t's session store, creating a session when there is none or
// when the store does not know it (a lost session). A new session's cookie
// is appended to buf.
func (lb *LoadBalancer) application(t *Target, c *Client, ex *Exchange, buf []byte) []byte {
	store := t.sessions
	id, sent := CookieValue(ex.Cookie, SessionCookie)
	var s *Session
	if sent {
		s = store.Lookup(id)
	}
	switch {
	case s != nil:
		ex.Session = SessionResumed
	case sent:
		ex.Session = SessionLost
		ex.LostSession = id
		ex.LostOrigin = lb.origins[id]
		t.Metrics.SessionsLost++
		lb.metrics.SessionsLost++
		lb.emit(Event{Kind: EventSessionLost, Client: c.Name, Target: t.Name, Detail: lostDetail(ex.LostOrigin)})
	default:
		ex.Session = SessionNew
	}
	if s == nil {
		s = store.create(lb.rng, c.Name, t.Name, lb.now)
		lb.origins[s.ID] = t.Name
		t.Metrics.SessionsCreated++
		lb.metrics.SessionsCreated++
		buf = appendLine(buf)
		buf = append(buf, SessionCookie...)
		buf = append(buf, '=')
		buf = append(buf, s.ID...)
		buf = append(buf, "; Path=/"...)
	}
	s.Visits++
	if s.Visits%2 == 0 {
		s.Cart++
	}
	s.LastSeen = lb.now
	ex.SessionID, ex.Visits, ex.Cart, ex.User = s.ID, s.Visits, s.Cart, s.User
	return buf
}

func lostDetail(origin string) string {
	if origin == "" {
		return "unknown session id"
	}
	return "the session lives on " + origin
}

// route returns the target the request's stickiness cookie sends it to,
// or nil and the reason the algorithm must pick.
func (tg *TargetGroup) route(cookie string, now time.Time) (*Target, Reason) {
	a := &tg.attrs
	if !a.StickinessEnabled {
		if hasStickinessCookie(cookie) {
			return nil, ReasonStickinessDisabled
		}
		return nil, ReasonNoStickiness
	}
	var value string
	var ok bool
	kind := kindLB
	switch a.StickinessType {
	case AppCookie:
		kind = kindApp
		value, ok = CookieValue(cookie, CookieAWSALBAPP)
		if !ok {
			return nil, ReasonNewClient
		}
		if _, has := CookieValue(cookie, a.AppCookieName); !has {
			return nil, ReasonAppCookieMissing
		}
	default:
		// Both sent: AWSALBCORS wins (REFERENCE.md §2).
		if value, ok = CookieValue(cookie, CookieAWSALBCORS); !ok {
			if value, ok = CookieValue(cookie, CookieAWSALB); !ok {
				return nil, ReasonNewClient
			}
		}
	}
	info, err := tg.lb.codec.open(kind, value, now)
	if err != nil || info.TargetGroup != tg.id {
		return nil, ReasonCookieInvalid
	}
	if now.Unix()-info.Issued.Unix() > int64(a.StickinessDuration()/time.Second) {
		return nil, ReasonCookieExpired
	}
	t := tg.lb.TargetByUID(info.Target)
	switch {
	case t == nil || t.State == StateUnused:
		return nil, ReasonTargetDeregistered
	case t.State == StateDraining:
		return nil, ReasonTargetDraining
	case t.State == StateHealthy:
		return t, ReasonSticky
	case !tg.anyHealthy():
		// Fail open: every target is unhealthy, so all of them are
		// routable and the cookie is honoured (simulated assumption).
		return t, ReasonSticky
	default:
		return nil, ReasonTargetUnhealthy
	}
}

func hasStickinessCookie(cookie string) bool {
	for _, n := range [...]string{CookieAWSALB, CookieAWSALBCORS, CookieAWSALBAPP} {
		if _, ok := CookieValue(cookie, n); ok {
			return true
		}
	}
	return false
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
