package engine

import "strconv"

// A Classic Load Balancer's health check, as ConfigureHealthCheck takes it
// and the console's "Health check" tab shows it (the ELB API's HealthCheck:
// Interval 5–300 s, Timeout 2–60 s and less than the Interval, thresholds
// 2–10). It is kept in the internal group's Attributes, so health.go runs it.

// The console's words for the health check's fields that are not a spec's.
const (
	// LabelPingTarget names the health check's target (protocol, port, path).
	LabelPingTarget = "Ping Target"
	// ClassicPingTarget is the lab's ping target, the console's default: every
	// running instance answers it with 200 OK unless made to fail.
	ClassicPingTarget = "HTTP:80/index.html"
	// MessageClassicTimeout is the message for a Response Timeout not less
	// than the Health Check Interval (the API's rule; the wording the lab's).
	MessageClassicTimeout = "Response Timeout must be less than the Health Check Interval"
)

// ClassicHealthyThreshold is a new Classic Load Balancer's healthy
// threshold (the console's default; the others are an ALB's).
const ClassicHealthyThreshold = 10

// classicHealthSpecs are the health check's fields in the order the
// console shows them, with their labels, ranges and defaults. Read-only.
var classicHealthSpecs = [...]AttributeSpec{
	{Key: KeyHealthCheckTimeout, Label: "Response Timeout", Default: "5", kind: kindSeconds, Min: 2, Max: 60,
		field: func(a *Attributes) any { return &a.HealthCheckTimeout },
		rule: func(a Attributes) *ValidationError {
			if a.HealthCheckTimeout >= a.HealthCheckInterval {
				return &ValidationError{Key: KeyHealthCheckTimeout, Message: MessageClassicTimeout}
			}
			return nil
		}},
	{Key: KeyHealthCheckInterval, Label: "Health Check Interval", Default: "30", kind: kindSeconds, Min: 5, Max: 300,
		field: func(a *Attributes) any { return &a.HealthCheckInterval }},
	{Key: KeyUnhealthyThresholdCount, Label: "Unhealthy Threshold", Default: "2", kind: kindCount, Min: 2, Max: 10,
		field: func(a *Attributes) any { return &a.UnhealthyThresholdCount }},
	{Key: KeyHealthyThresholdCount, Label: "Healthy Threshold", Default: strconv.Itoa(ClassicHealthyThreshold), kind: kindCount, Min: 2, Max: 10,
		field: func(a *Attributes) any { return &a.HealthyThresholdCount }},
}

// ClassicHealthCheckSpecs returns a copy of the Classic health check's
// specs, in the console's order: the form's labels, ranges and hints.
func ClassicHealthCheckSpecs() []AttributeSpec {
	specs := make([]AttributeSpec, len(classicHealthSpecs))
	for i := range classicHealthSpecs {
		specs[i] = classicHealthSpecs[i].clone()
	}
	return specs
}

// validateClassicHealthCheck reports the first health check field outside
// the ELB API's range, then the timeout not less than the interval.
func (a Attributes) validateClassicHealthCheck() error {
	for i := range classicHealthSpecs { // each range, then the rule
		s := classicHealthSpecs[i]
		s.rule = nil
		if err := s.check(a); err != nil {
			return err
		}
	}
	for i := range classicHealthSpecs {
		if err := classicHealthSpecs[i].check(a); err != nil {
			return err
		}
	}
	return nil
}

// classicHealthDefaults sets a's health check to a new Classic Load
// Balancer's.
func (a *Attributes) classicHealthDefaults() {
	for i := range classicHealthSpecs {
		s := &classicHealthSpecs[i]
		if err := a.Set(s.Key, s.Default); err != nil {
			panic("engine: the Classic default of " + s.Key + " does not parse: " + err.Error())
		}
	}
}
