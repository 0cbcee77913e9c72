package engine

import "time"

// Listener is the load balancer's listener: it forwards every request to
// the target group of its default action, or to one of weighted target
// groups.
type Listener struct {
	Protocol string // "HTTP"
	Port     int    // 80

	defaultAction *TargetGroup
	weighted      *weightedForward // nil: one target group
}

// forward returns the target group that takes request r, noting in ex why
// when a weighted forward action chose it: the listener's stage of serve.
func (l *Listener) forward(r *Request, ex *Exchange) *TargetGroup {
	if w := l.weighted; w != nil {
		return w.forward(r, ex)
	}
	return l.defaultAction
}

// route is forward without the weighted split, which draws from the
// random source: the group a cookie names, or else the default one.
func (l *Listener) route(r *Request) *TargetGroup {
	if l.weighted != nil {
		if tg, _ := l.weighted.policy.Route(r); tg != nil {
			return tg
		}
	}
	return l.defaultAction
}

// issue returns the group cookies of a response from tg, nil for one
// target group or without group stickiness.
func (l *Listener) issue(tg *TargetGroup, now time.Time) []StoredCookie {
	if l.weighted == nil {
		return nil
	}
	return l.weighted.policy.Issue(tg, now)
}

// scratch holds what serve reuses from one request to the next, so that a
// crowd's request allocates nothing.
type scratch struct {
	req  Request
	ex   Exchange
	resp []StoredCookie // the application's cookies
	sent []StoredCookie // a recorded copy of the request's cookies
	set  []StoredCookie // a recorded copy of the response's cookies
}
