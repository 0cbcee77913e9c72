package app

import (
	"fmt"

	"github.com/stickylab/stickylab/engine"
)

// The Network lesson's steps, numbered from 1 as data-step says.
const (
	networkSameConnection = iota + 1
	networkNewConnection
	networkEnable
	networkSourceIP
	networkReset
	numNetworkSteps = networkReset
)

// networkLessonSteps are the steps of LessonNetwork, by number - 1: a
// Network Load Balancer sticks by connection, then by source IP, never by
// a cookie.
var networkLessonSteps = [numNetworkSteps]lessonStepText{
	{"same-connection", "Refresh: one connection, one target, no cookie",
		"Press ⟳ Refresh a few times. Your browser keeps its TCP connection open between requests, and a Network Load Balancer keeps a connection on the target the flow hash placed it on: the same instance answers every time. Look in DevTools → Application → Cookies (on a phone, the lab's Cookies in your browser panel): the load balancer set none.",
		"Ticked after two answers in a row on your open connection, from its target, without stickiness."},
	{"new-connection", "New connection: the flow hash places it anew",
		"Press New connection (under the browser's page), then Refresh: the browser opens a new TCP connection from another source port, and the flow hash of its protocol, addresses, ports and sequence number places it independently of the last one. Again if it lands on the same instance: each connection is a new draw.",
		"Ticked when a new connection of yours lands on another target than your previous connection."},
	{"enable", "Turn on source IP stickiness",
		"In Target group attributes (a TCP target group), tick Stickiness, keep the type " + string(engine.SourceIP) + ", and press Save changes.",
		"Ticked when the target group runs with the " + string(engine.SourceIP) + " stickiness you switched on."},
	{"source-ip", "New connection, same target",
		"Refresh once, then press New connection and Refresh: the new connection comes from another port, but from your IP, and the load balancer sends every connection from one source IP to one target. Everyone behind one NAT shares that IP.",
		"Ticked when a new connection of yours is routed to your source IP's target."},
	{"reset", "Change the targets: source IP stickiness resets",
		"Deregister an instance that does not serve you (or stop one, or make one fail its health checks and wait for it to turn unhealthy, +1 min on the clock), then press New connection and Refresh: the load balancer forgot the targets of source IPs, and the flow hash places you anew.",
		"Ticked when a request from your IP, which had a target, finds source IP stickiness holding none."},
}

// networkLesson observes the Network lesson: connections, reasons and
// the target group's stickiness.
type networkLesson struct {
	stepProgress

	sourceIP bool   // source_ip stickiness, as the last look found it
	bound    bool   // a request of yours was answered with source_ip on since it was last saved
	sameRun  int    // answers in a row on the open connection
	connOn   string // the target of the previous connection
	lastConn string // the target of the current connection

	movedFrom, movedTo string
	ipTarget           string
	resetTo            string
}

func newNetworkLesson() *networkLesson {
	return &networkLesson{stepProgress: newStepProgress(numNetworkSteps)}
}

func (p *networkLesson) steps() *stepProgress { return &p.stepProgress }

// observe takes note of action a that apply carried out on m.
func (p *networkLesson) observe(m *model, a *Action, ex *engine.Exchange) {
	if m.lb.Type != engine.NetworkLoadBalancer {
		return
	}
	on := m.lb.TargetGroup.Attributes().StickinessEnabled
	defer func() { p.sourceIP = on }()
	switch a.Do {
	case DoSaveAttributes:
		if on && !p.sourceIP {
			p.tick(m, networkEnable)
		}
		p.bound = false // a policy saved anew holds no source IP
	case DoPreset:
		p.bound, p.connOn, p.lastConn = false, "", ""
	case DoRefresh:
		p.request(m, on, ex)
	}
}

// request takes note of a refresh: its connection, reason and target.
func (p *networkLesson) request(m *model, on bool, ex *engine.Exchange) {
	if ex.Status != 200 {
		p.sameRun = 0
		return
	}
	if ex.NewConnection {
		p.connOn, p.lastConn = p.lastConn, ex.TargetName
	}
	if !on && ex.Reason == engine.ReasonSameConnection {
		if p.sameRun++; p.sameRun >= 2 {
			p.tick(m, networkSameConnection)
		}
	} else {
		p.sameRun = 0
	}
	if !on && ex.NewConnection && p.connOn != "" && p.connOn != ex.TargetName {
		if !p.done[networkNewConnection-1] {
			p.movedFrom, p.movedTo = p.connOn, ex.TargetName
		}
		p.tick(m, networkNewConnection)
	}
	if on && ex.NewConnection && ex.Reason == engine.ReasonSourceIP {
		if !p.done[networkSourceIP-1] {
			p.ipTarget = ex.TargetName
		}
		p.tick(m, networkSourceIP)
	}
	if on && p.bound && ex.Reason == engine.ReasonNewSourceIP {
		if !p.done[networkReset-1] {
			p.resetTo = ex.TargetName
		}
		p.tick(m, networkReset)
	}
	p.bound = p.bound || on
}

// stepDetail says what the lab observed for a done step, "" for none.
func (p *networkLesson) stepDetail(n int) string {
	if !p.done[n-1] {
		return ""
	}
	switch n {
	case networkNewConnection:
		return fmt.Sprintf("Your previous connection was on %s; the new one landed on %s.", p.movedFrom, p.movedTo)
	case networkSourceIP:
		return fmt.Sprintf("Your new connection went to %s, your source IP's target.", p.ipTarget)
	case networkReset:
		return fmt.Sprintf("Source IP stickiness held no target for your IP any more; the flow hash placed you on %s.", p.resetTo)
	}
	return ""
}

// questions: the Network lesson ends without questions.
func (p *networkLesson) questions([]string) []lessonQuestion { return nil }
