package engine

import "time"

// TargetState is a target's health state in its target group, as the AWS
// console and DescribeTargetHealth show it.
type TargetState string

// The target states.
const (
	// StateInitial is a newly registered target whose health checks have
	// not yet passed HealthyThresholdCount times.
	StateInitial TargetState = "initial"
	// StateHealthy is a target that receives requests.
	StateHealthy TargetState = "healthy"
	// StateUnhealthy is a target that failed UnhealthyThresholdCount
	// consecutive health checks.
	StateUnhealthy TargetState = "unhealthy"
	// StateDraining is a deregistering target, for the deregistration delay.
	StateDraining TargetState = "draining"
	// StateUnused is a target that is not registered with the target group.
	StateUnused TargetState = "unused"
)

// Target is an EC2-like instance registered with a target group. It runs the
// legacy application, which keeps sessions in its own memory unless the load
// balancer's external session store is enabled.
//
// Its exported fields are read-only snapshots for display; change a target
// through the LoadBalancer's methods.
type Target struct {
	ID     string // EC2 instance id, e.g. "i-0f1e2d3c4b5a69788"
	Name   string // "Instance 1", the page the application returns
	Number int    // 1-based instance number
	Zone   string // availability zone, e.g. "us-east-1a"

	State TargetState
	// stateSince is when State last changed (zero: since the start).
	stateSince time.Time
	// Running reports whether the instance is running; a stopped instance
	// answers nothing, so the load balancer returns 502 Bad Gateway (a
	// Network Load Balancer's connection times out).
	Running bool
	// FailHealthChecks makes the application answer health checks with an
	// error while still serving requests.
	FailHealthChecks bool
	// Latency is the time the application takes to answer a request.
	Latency time.Duration
	// InFlight is the number of requests the target is answering now.
	InFlight int

	// ConsecutivePasses and ConsecutiveFailures count the latest run of
	// health check results.
	ConsecutivePasses   int
	ConsecutiveFailures int
	// LastHealthCheck and NextHealthCheck are the times of the previous and
	// the next health check (zero when none).
	LastHealthCheck time.Time
	NextHealthCheck time.Time
	// DrainingUntil is when a draining target's deregistration completes.
	DrainingUntil time.Time
	// SlowStartFrom and SlowStartUntil bound the target's slow start: its
	// share of requests grows linearly between them. Zero outside it.
	SlowStartFrom, SlowStartUntil time.Time

	Metrics TargetMetrics

	uid      uint32 // identity sealed in stickiness cookies
	sessions *SessionStore
	own      *SessionStore // the instance's in-memory store
	hcGen    uint32        // bumps to cancel scheduled health checks
	group    *TargetGroup  // the target group the instance registers with
	// slowCredit is the requests round robin owes t in slow start;
	// slowGen bumps to cancel a scheduled end of slow start.
	slowCredit float64
	slowGen    uint32
	buckets    recentCounter
	done       []int64 // completion times of in-flight requests, ascending
	doneHead   int
}

// begin records a request that completes at (UnixNano).
func (t *Target) begin(at int64) {
	t.done = append(t.done, at)
	// Latencies change rarely; keep the queue sorted when one shrinks.
	for i := len(t.done) - 1; i > t.doneHead && t.done[i] < t.done[i-1]; i-- {
		t.done[i], t.done[i-1] = t.done[i-1], t.done[i]
	}
	t.InFlight = len(t.done) - t.doneHead
}

// settle completes the requests due at or before now (UnixNano).
func (t *Target) settle(now int64) {
	for t.doneHead < len(t.done) && t.done[t.doneHead] <= now {
		t.doneHead++
	}
	if t.doneHead == len(t.done) {
		t.done, t.doneHead = t.done[:0], 0
	} else if t.doneHead > 1024 && t.doneHead > len(t.done)/2 {
		n := copy(t.done, t.done[t.doneHead:])
		t.done, t.doneHead = t.done[:n], 0
	}
	t.InFlight = len(t.done) - t.doneHead
}

// Sessions returns the session store the target's application uses now:
// its own memory, or the shared external store.
func (t *Target) Sessions() *SessionStore { return t.sessions }

// InService reports whether the target receives new requests: it is
// registered and healthy.
func (t *Target) InService() bool { return t.State == StateHealthy }

// registered reports whether the target belongs to its target group and is
// not deregistering.
func (t *Target) registered() bool {
	return t.State != StateDraining && t.State != StateUnused
}

// passesHealthCheck reports whether a health check sent now would pass.
func (t *Target) passesHealthCheck(timeout time.Duration) bool {
	return t.Running && !t.FailHealthChecks && t.Latency < timeout
}

// TargetMetrics count what a target served, as CloudWatch's per-target
// metrics would.
type TargetMetrics struct {
	Requests        int64 // RequestCountPerTarget
	Sticky          int64 // routed by a valid stickiness cookie
	NonSticky       int64 // stickiness enabled, but a new pick was needed
	Errors          int64 // requests it did not answer, being stopped (502, or a connection timed out)
	SessionsCreated int64
	SessionsLost    int64 // requests whose session this target did not know
}
