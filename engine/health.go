package engine

import (
	"fmt"
	"time"
)

// scheduleHealthCheck schedules t's next health check after the given
// time; it replaces any check already scheduled.
func (lb *LoadBalancer) scheduleHealthCheck(t *Target, after time.Duration) {
	t.hcGen++
	at := lb.now.Add(after)
	t.NextHealthCheck = at
	lb.sched.push(scheduled{at: at.UnixNano(), kind: evHealthCheck, idx: int32(t.Number), gen: t.hcGen})
}

// healthCheck sends one health check to t and applies the thresholds
// (REFERENCE.md §4).
func (lb *LoadBalancer) healthCheck(t *Target) {
	a := t.group.attrs
	t.LastHealthCheck = lb.now
	if t.passesHealthCheck(a.HealthCheckTimeout) {
		t.ConsecutivePasses++
		t.ConsecutiveFailures = 0
		if t.State != StateHealthy && t.ConsecutivePasses >= a.HealthyThresholdCount {
			lb.setState(t, StateHealthy, fmt.Sprintf("%d consecutive health checks passed", t.ConsecutivePasses))
		}
	} else {
		t.ConsecutiveFailures++
		t.ConsecutivePasses = 0
		if t.State != StateUnhealthy && t.ConsecutiveFailures >= a.UnhealthyThresholdCount {
			lb.setState(t, StateUnhealthy, t.healthCheckFailure(a.HealthCheckTimeout))
		}
	}
	lb.scheduleHealthCheck(t, a.HealthCheckInterval)
}

// healthCheckFailure says why t turned unhealthy, as the console's health
// status details do: an ALB's reason codes; a Network Load Balancer's TCP
// check knows no HTTP code or timeout of its own (Target.FailedHealthChecks);
// a Classic one gives its instance description.
func (t *Target) healthCheckFailure(timeout time.Duration) string {
	why := "health checks fail"
	switch {
	case !t.Running:
		why = "instance stopped"
	case t.Latency >= timeout:
		why = "slower than the health check timeout"
	}
	code := "Target.Timeout"
	switch {
	case t.group.lb.Type == ClassicLoadBalancer:
		return fmt.Sprintf("Instance has failed at least the UnhealthyThreshold number of health checks consecutively: %d (%s)", t.ConsecutiveFailures, why)
	case t.group.lb.Type == NetworkLoadBalancer:
		code = "Target.FailedHealthChecks"
	case why == "health checks fail":
		code = "Target.ResponseCodeMismatch"
	}
	return fmt.Sprintf("%d consecutive health checks failed: %s (%s)", t.ConsecutiveFailures, code, why)
}

// UnhealthyAfter is the longest a target whose health checks all fail stays
// in service: UnhealthyThresholdCount checks, HealthCheckInterval apart.
func (a Attributes) UnhealthyAfter() time.Duration {
	return time.Duration(a.UnhealthyThresholdCount) * a.HealthCheckInterval
}

// UnhealthyAt returns when t is marked unhealthy if its health checks keep
// failing from the next one on; false when it is unhealthy or not registered.
func (lb *LoadBalancer) UnhealthyAt(t *Target) (time.Time, bool) {
	if t.NextHealthCheck.IsZero() || (t.State != StateHealthy && t.State != StateInitial) {
		return time.Time{}, false
	}
	a := t.group.attrs
	left := max(a.UnhealthyThresholdCount-t.ConsecutiveFailures-1, 0)
	return t.NextHealthCheck.Add(time.Duration(left) * a.HealthCheckInterval), true
}
