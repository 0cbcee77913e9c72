package engine

import (
	"strings"
	"time"
)

// Do sends one request from client c to the load balancer's listener at the
// current simulated time and returns the exchange: the Cookie header the
// client sent, the target, why, and the Set-Cookie headers it received
// (already stored in c's jar).
func (lb *LoadBalancer) Do(c *Client, path string) Exchange {
	return *lb.serve(c, path, true)
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

// serve handles one request into the reused exchange lb.ex. With headers
// false, unless a subscriber reads them, the Cookie and Set-Cookie headers
// are written out only where the client's jar needs them: a MemoryJar
// answers for its cookies and takes the response's as cookies, so
// ex.Cookie and ex.SetCookie are left empty.
func (lb *LoadBalancer) serve(c *Client, path string, headers bool) *Exchange {
	now := lb.now
	c.Requests++
	if c.Behavior == ClearCookies && c.Requests%ClearEvery == 1 {
		c.Jar.Clear()
	}
	ex := &lb.ex
	ex.start(now, c, path)
	// jar, when not nil, answers for the Cookie header: its values are
	// the ones the header would carry (MemoryJar.plain).
	headers = headers || lb.log.headers > 0 || readHeaders
	mem, _ := c.Jar.(*MemoryJar)
	jar := mem
	if jar == nil || headers || !jar.plain(now) {
		jar = nil
		ex.Cookie = c.Jar.Header(now)
	}
	tg := lb.TargetGroup
	a := &tg.attrs
	lb.metrics.Requests++
	lb.recent.add(now.Unix())
	cur := &lb.history.cur
	cur.Requests++

	var t *Target
	var reason Reason
	if jar != nil {
		t, reason = tg.routeJar(jar, now)
	} else {
		t, reason = tg.route(ex.Cookie, now)
	}
	ex.Reason = reason
	if t == nil {
		if a.Algorithm == LeastOutstandingRequests {
			tg.settle(now.UnixNano())
		}
		tg.pool.FailOpen = !tg.anyHealthy()
		ex.FailOpen = tg.pool.FailOpen
		t = tg.selector.Select(&tg.pool, nil)
		ex.Algorithm = a.Algorithm
	}
	if t == nil {
		ex.Reason = ReasonNoTargets
		ex.Status = 503
		lb.metrics.ELB503++
		lb.history.cur.Errors++
		lb.emitRequest(ex, "")
		return ex
	}
	ex.TargetID, ex.TargetName = t.ID, t.Name
	t.Metrics.Requests++
	t.buckets.add(now.Unix())
	cur.Targets[t.Number-1].Requests++
	if a.StickinessEnabled {
		if reason == ReasonSticky {
			t.Metrics.Sticky++
			lb.metrics.Sticky++
			cur.Sticky++
		} else {
			t.Metrics.NonSticky++
			lb.metrics.NonStickyRequestCount++
			cur.NonSticky++
		}
	}
	switch reason {
	case ReasonTargetUnhealthy, ReasonTargetDraining, ReasonTargetDeregistered:
		lb.metrics.Moved++
		cur.Moved++
	}
	if !t.Running {
		// The load balancer cannot reach the instance: 502, and no
		// cookie (simulated assumption, see Assumptions).
		ex.Status = 502
		t.Metrics.Errors5xx++
		lb.metrics.ELB502++
		cur.Errors++
		lb.emitRequest(ex, t.Name)
		return ex
	}
	ex.Status = 200
	if t.Latency > 0 {
		t.settle(now.UnixNano())
		t.begin(now.UnixNano() + int64(t.Latency))
	}

	// The application: find or create the user's session.
	var id string
	var sent bool
	if jar != nil {
		id, sent = jar.lookup(SessionCookie)
	} else {
		id, sent = CookieValue(ex.Cookie, SessionCookie)
	}
	buf := lb.application(t, c, ex, id, sent, lb.setCookie[:0])
	lb.setCookie = buf

	// The load balancer's stickiness cookies, sealed once per target and
	// second (see codec.seal).
	var lbLines string
	if a.StickinessEnabled {
		switch a.StickinessType {
		case LBCookie:
			lbLines = t.cookieLines(lb, kindLB, now)
		case AppCookie:
			if reason == ReasonSticky || setsCookie(buf, a.AppCookieName) {
				lbLines = t.cookieLines(lb, kindApp, now)
			}
		}
	}
	var putter CookiePutter = mem // without looking the interface up
	ok := mem != nil
	if !ok {
		putter, ok = c.Jar.(CookiePutter)
	}
	ok = ok && !parseSetCookies
	switch {
	case !headers && ok:
		// No one reads the text: the jar takes cookies.
	case len(buf) == 0:
		ex.SetCookie = lbLines
	case lbLines == "":
		ex.SetCookie = string(buf)
	default:
		ex.SetCookie = string(buf) + "\n" + lbLines
	}
	if ok {
		// The same cookies, without parsing the headers again.
		if ex.Session == SessionNew || ex.Session == SessionLost {
			lb.putCookie(ex, putter, jar, now, &StoredCookie{Name: SessionCookie, Value: ex.SessionID, Path: "/"})
		}
		if lbLines != "" {
			k := kindLB
			if a.StickinessType == AppCookie {
				k = kindApp
			}
			cs := t.parsedCookies(k)
			for i := range cs {
				lb.putCookie(ex, putter, jar, now, &cs[i])
			}
		}
	} else {
		for rest := ex.SetCookie; rest != ""; {
			var line string
			line, rest, _ = strings.Cut(rest, "\n")
			lb.storeError(ex, c.Jar.Store(now, line))
		}
	}
	lb.emitRequest(ex, t.Name)
	return ex
}

// start readies the reused exchange for a new request of c, field by
// field: assigning a whole Exchange would copy it with the collector's bulk
// write barrier while a collection runs, which costs most in WebAssembly.
func (ex *Exchange) start(now time.Time, c *Client, path string) {
	ex.Seq++
	ex.Time, ex.Client, ex.SourceIP, ex.Path, ex.Cookie = now, c.Name, c.IP, path, ""
	ex.Status, ex.TargetID, ex.TargetName, ex.Reason, ex.Algorithm, ex.FailOpen = 0, "", "", 0, "", false
	ex.SetCookie, ex.StoreError = "", ""
	ex.Session, ex.SessionID, ex.Visits, ex.Cart, ex.User, ex.LostSession, ex.LostOrigin = 0, "", 0, 0, "", "", ""
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
func appendLBCookie(buf []byte, name string, value, expires []byte, cors bool) []byte {
	buf = appendLine(buf)
	buf = append(buf, name...)
	buf = append(buf, '=')
	buf = append(buf, value...)
	buf = append(buf, "; Expires="...)
	buf = append(buf, expires...)
	buf = append(buf, "; Path=/"...)
	if cors {
		buf = append(buf, "; SameSite=None; Secure"...)
	}
	return buf
}

// parseSetCookies makes serve hand every jar the Set-Cookie header text,
// even a CookiePutter, and readHeaders makes it read every request's
// cookies from the Cookie header, even a MemoryJar's; tests use them to
// check both paths give the same runs.
var parseSetCookies, readHeaders = false, false

// emitRequest hands the exchange to the subscribers. Requests are not kept
// in the event log, so without subscribers there is nothing to do but
// count.
func (lb *LoadBalancer) emitRequest(ex *Exchange, target string) {
	if len(lb.log.subs) == 0 {
		lb.log.seq++
		return
	}
	lb.emit(Event{Kind: EventRequest, Client: ex.Client, Target: target, Exchange: ex})
}

// putCookie hands a jar one cookie of the load balancer's or the
// application's making: a session id or a sealed value, both plain (see
// plainCookie) and not expired, which a MemoryJar need not check. swept is
// the jar when serve read the request's cookies from it, and so evicted
// its expired ones at now.
func (lb *LoadBalancer) putCookie(ex *Exchange, putter CookiePutter, swept *MemoryJar, now time.Time, ck *StoredCookie) {
	switch j, ok := putter.(*MemoryJar); {
	case ok && j.Blocked:
	case ok && j == swept:
		j.reissue(ck)
		return
	case ok:
		j.put(now, ck, true)
		return
	}
	lb.storeError(ex, putter.PutCookie(now, *ck))
}

// storeError records the first error a jar gave.
func (lb *LoadBalancer) storeError(ex *Exchange, err error) {
	if err != nil && ex.StoreError == "" {
		ex.StoreError = err.Error()
	}
}

// cookieLines returns the load balancer's Set-Cookie headers naming t,
// issued at now: AWSALB and AWSALBCORS, or AWSALBAPP-0.
func (t *Target) cookieLines(lb *LoadBalancer, k cookieKind, now time.Time) string {
	c := &t.cookies[0]
	if k == kindApp {
		c = &t.cookies[1]
	}
	tg := lb.TargetGroup
	if sec := now.Unix(); c.sec != sec || c.tg != tg.id || c.lines == "" {
		v := lb.codec.seal(k, tg.id, t.uid, now)
		exp := lb.expires(now)
		var b []byte
		if k == kindApp {
			b = appendLBCookie(nil, CookieAWSALBAPP, v, exp, false)
		} else {
			b = appendLBCookie(nil, CookieAWSALB, v, exp, false)
			b = appendLBCookie(b, CookieAWSALBCORS, v, exp, true)
		}
		c.sec, c.tg, c.lines, c.n = sec, tg.id, string(b), 0
		for rest := c.lines; rest != ""; c.n++ {
			var line string
			line, rest, _ = strings.Cut(rest, "\n")
			ck, _ := ParseSetCookie(now, line)
			// The constants, not substrings of this second's lines:
			// jars then compare names by pointer (sameString).
			ck.Name, ck.Path, ck.SameSite = intern(ck.Name), intern(ck.Path), intern(ck.SameSite)
			c.parsed[c.n] = ck
		}
	}
	return c.lines
}

// intern returns the constant equal to s among the names and attribute
// values of the load balancer's cookies, or s.
func intern(s string) string {
	for _, k := range [...]string{CookieAWSALB, CookieAWSALBCORS, CookieAWSALBAPP, "/", "None"} {
		if s == k {
			return k
		}
	}
	return s
}

// parsedCookies returns the cookies of the lines cookieLines last returned
// for kind k.
func (t *Target) parsedCookies(k cookieKind) []StoredCookie {
	c := &t.cookies[0]
	if k == kindApp {
		c = &t.cookies[1]
	}
	return c.parsed[:c.n]
}

// expires returns the Expires date of a cookie issued at now, formatted
// once per simulated second.
func (lb *LoadBalancer) expires(now time.Time) []byte {
	if sec := now.Unix(); sec != lb.expSec || lb.expBuf == nil {
		lb.expSec = sec
		lb.expBuf = now.Add(CookieExpiry).AppendFormat(lb.expBuf[:0], TimeFormat)
	}
	return lb.expBuf
}

// application runs the legacy application on t: it looks the session
// cookie up in t's session store, creating a session when there is none or
// when the store does not know it (a lost session). A new session's cookie
// is appended to buf. id is the session cookie the client sent, if sent.
func (lb *LoadBalancer) application(t *Target, c *Client, ex *Exchange, id string, sent bool, buf []byte) []byte {
	store := t.sessions
	var s *Session
	switch cs := c.session; {
	case !sent:
	case cs != nil && cs.in == store && cs.ID == id:
		// What store.Lookup(id) would return: the store holds cs, under
		// the key id spells.
		s = cs
	default:
		s = store.Lookup(id)
	}
	switch {
	case s != nil:
		ex.Session = SessionResumed
	case sent:
		ex.Session = SessionLost
		ex.LostSession = id
		ex.LostOrigin = lb.sessionOrigin(id)
		t.Metrics.SessionsLost++
		lb.metrics.SessionsLost++
		lb.history.cur.Lost++
		lb.emit(Event{Kind: EventSessionLost, Client: c.Name, Target: t.Name, Detail: lostDetail(ex.LostOrigin)})
	default:
		ex.Session = SessionNew
	}
	if s == nil {
		lb.makeRoom(store)
		var k uint64
		s, k = store.create(lb.rng, c.Name, t.Name, lb.now)
		lb.origins[k] = s
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
	c.session = s
	ex.SessionID, ex.Visits, ex.Cart, ex.User = s.ID, s.Visits, s.Cart, s.User
	return buf
}

// sessionOrigin returns the instance that created session id, if it was
// seen in the last SessionTimeout.
func (lb *LoadBalancer) sessionOrigin(id string) string {
	if k, ok := sessionKey(id); ok {
		if s := lb.origins[k]; s != nil {
			return s.Origin
		}
	}
	return ""
}

func lostDetail(origin string) string {
	if origin == "" {
		return "unknown session id"
	}
	return "the session was created on " + origin
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
	if a.StickinessType == AppCookie {
		v, appOK, nameOK := scanCookies(cookie, CookieAWSALBAPP, a.AppCookieName)
		if !appOK {
			return nil, ReasonNewClient
		}
		if !nameOK {
			return nil, ReasonAppCookieMissing
		}
		return tg.routeCookie(kindApp, v, now)
	}
	// Both sent: AWSALBCORS wins (REFERENCE.md §2).
	cors, alb, corsOK, albOK := scanLBCookies(cookie)
	switch {
	case corsOK:
		return tg.routeCookie(kindLB, cors, now)
	case albOK:
		return tg.routeCookie(kindLB, alb, now)
	}
	return nil, ReasonNewClient
}

// routeJar is route for the cookies of a jar that is plain at now.
func (tg *TargetGroup) routeJar(j *MemoryJar, now time.Time) (*Target, Reason) {
	a := &tg.attrs
	if !a.StickinessEnabled {
		for _, n := range [...]string{CookieAWSALB, CookieAWSALBCORS, CookieAWSALBAPP} {
			if _, ok := j.lookup(n); ok {
				return nil, ReasonStickinessDisabled
			}
		}
		return nil, ReasonNoStickiness
	}
	if a.StickinessType == AppCookie {
		v, ok := j.lookup(CookieAWSALBAPP)
		if !ok {
			return nil, ReasonNewClient
		}
		if _, ok := j.lookup(a.AppCookieName); !ok {
			return nil, ReasonAppCookieMissing
		}
		return tg.routeCookie(kindApp, v, now)
	}
	if v, ok := j.lookup(CookieAWSALBCORS); ok {
		return tg.routeCookie(kindLB, v, now)
	}
	if v, ok := j.lookup(CookieAWSALB); ok {
		return tg.routeCookie(kindLB, v, now)
	}
	return nil, ReasonNewClient
}

// routeCookie returns the target the stickiness cookie value of kind k
// sends a request to, or nil and the reason the algorithm must pick.
func (tg *TargetGroup) routeCookie(k cookieKind, value string, now time.Time) (*Target, Reason) {
	a := &tg.attrs
	sec := now.Unix()
	o, err := tg.lb.codec.openCached(k, value, sec)
	if err != nil || o.targetGroup != tg.id {
		return nil, ReasonCookieInvalid
	}
	if sec-o.issued > int64(a.StickinessDuration()/time.Second) {
		return nil, ReasonCookieExpired
	}
	t := tg.lb.TargetByUID(o.target)
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

// nextCookie splits the first name=value pair off a Cookie header, trimming
// spaces, without allocating. ok is false when the header is exhausted.
func nextCookie(h string) (name, value, rest string, ok bool) {
	for len(h) > 0 {
		for len(h) > 0 && (h[0] == ' ' || h[0] == ';' || h[0] == '\t') {
			h = h[1:]
		}
		if h == "" {
			return "", "", "", false
		}
		end := strings.IndexByte(h, ';')
		part := h
		if end >= 0 {
			part, h = h[:end], h[end+1:]
		} else {
			h = ""
		}
		eq := strings.IndexByte(part, '=')
		if eq < 0 {
			continue
		}
		name, value = trimSpace(part[:eq]), trimSpace(part[eq+1:])
		if len(value) >= 2 && value[0] == '"' && value[len(value)-1] == '"' {
			value = value[1 : len(value)-1]
		}
		return name, value, h, true
	}
	return "", "", "", false
}

// scanLBCookies finds AWSALBCORS and AWSALB in a Cookie header; the first
// of each name counts, and alb is not looked for once cors is found (it
// would lose to it). It walks the pairs from ';' to ';' and looks closer
// only at the ones that start with "AWSALB", which keeps the sticky
// decision cheap. FuzzScanLBCookies checks it against a pair-by-pair scan
// with nextCookie.
func scanLBCookies(h string) (cors, alb string, corsOK, albOK bool) {
	const n = len(CookieAWSALB)
	for len(h) > 0 {
		i := 0
		for i < len(h) && (h[i] == ' ' || h[i] == ';' || h[i] == '\t') {
			i++
		}
		h = h[i:]
		part := h
		if end := strings.IndexByte(h, ';'); end >= 0 {
			part, h = h[:end], h[end+1:]
		} else {
			h = ""
		}
		if len(part) <= n || part[:n] != CookieAWSALB {
			continue
		}
		var name, value string
		switch {
		case part[n] == '=':
			name, value = CookieAWSALB, part[n+1:]
		case len(part) > n+4 && part[n:n+5] == "CORS=":
			name, value = CookieAWSALBCORS, part[n+5:]
		default: // spaces before '=', or another name
			eq := strings.IndexByte(part, '=')
			if eq < 0 {
				continue
			}
			name, value = trimSpace(part[:eq]), part[eq+1:]
		}
		value = trimSpace(value)
		if len(value) >= 2 && value[0] == '"' && value[len(value)-1] == '"' {
			value = value[1 : len(value)-1]
		}
		switch {
		case name == CookieAWSALBCORS:
			return value, alb, true, albOK
		case name == CookieAWSALB && !albOK:
			alb, albOK = value, true
		}
	}
	return
}

// scanCookies finds cookie a's value and whether cookie b is present, in
// one pass.
func scanCookies(h, a, b string) (aValue string, aOK, bOK bool) {
	for {
		name, value, rest, ok := nextCookie(h)
		if !ok {
			return
		}
		h = rest
		if name == a && !aOK {
			aValue, aOK = value, true
		}
		if name == b {
			bOK = true
		}
	}
}

// trimSpace trims spaces and tabs, cheaper than strings.TrimSpace for the
// short ASCII parts of a Cookie header.
func trimSpace(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}
