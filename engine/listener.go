package engine

// Listener is the load balancer's listener: it forwards every request to
// the target group of its default action.
type Listener struct {
	Protocol string // "HTTP"
	Port     int    // 80

	defaultAction *TargetGroup
}

// forward returns the target group that takes request r: the listener's
// stage of serve.
func (l *Listener) forward(*Request) *TargetGroup { return l.defaultAction }

// scratch holds what serve reuses from one request to the next, so that a
// crowd's request allocates nothing.
type scratch struct {
	req  Request
	ex   Exchange
	resp []StoredCookie // the application's cookies
	sent []StoredCookie // a recorded copy of the request's cookies
	set  []StoredCookie // a recorded copy of the response's cookies
}
