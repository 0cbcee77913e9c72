package engine

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Algorithm is a target group's load_balancing.algorithm.type.
type Algorithm string

// The routing algorithms of an Application Load Balancer target group.
const (
	RoundRobin               Algorithm = "round_robin"
	LeastOutstandingRequests Algorithm = "least_outstanding_requests"
	WeightedRandom           Algorithm = "weighted_random"
)

// Algorithms lists every Algorithm in the order the AWS console shows them.
var Algorithms = []Algorithm{RoundRobin, LeastOutstandingRequests, WeightedRandom}

// StickinessType is a target group's stickiness.type.
type StickinessType string

// The stickiness types. SourceIP belongs to Network Load Balancers and is
// rejected on an Application Load Balancer target group.
const (
	LBCookie  StickinessType = "lb_cookie"
	AppCookie StickinessType = "app_cookie"
	SourceIP  StickinessType = "source_ip"
)

// Attribute keys, spelled as in the AWS API (ModifyTargetGroupAttributes and,
// for health checks, ModifyTargetGroup).
const (
	KeyStickinessEnabled          = "stickiness.enabled"
	KeyStickinessType             = "stickiness.type"
	KeyLBCookieDuration           = "stickiness.lb_cookie.duration_seconds"
	KeyAppCookieDuration          = "stickiness.app_cookie.duration_seconds"
	KeyAppCookieName              = "stickiness.app_cookie.cookie_name"
	KeyAlgorithm                  = "load_balancing.algorithm.type"
	KeyAnomalyMitigation          = "load_balancing.algorithm.anomaly_mitigation"
	KeySlowStart                  = "slow_start.duration_seconds"
	KeyDeregistrationDelay        = "deregistration_delay.timeout_seconds"
	KeyHealthCheckInterval        = "HealthCheckIntervalSeconds"
	KeyHealthCheckTimeout         = "HealthCheckTimeoutSeconds"
	KeyHealthyThresholdCount      = "HealthyThresholdCount"
	KeyUnhealthyThresholdCount    = "UnhealthyThresholdCount"
	maxStickinessDurationSeconds  = 604800
	maxDeregistrationDelaySeconds = 3600
)

// AttributeKeys lists every attribute key in the order Attributes.Pairs
// returns them.
var AttributeKeys = []string{
	KeyStickinessEnabled, KeyStickinessType, KeyLBCookieDuration,
	KeyAppCookieDuration, KeyAppCookieName, KeyAlgorithm, KeyAnomalyMitigation,
	KeySlowStart, KeyDeregistrationDelay, KeyHealthCheckInterval,
	KeyHealthCheckTimeout, KeyHealthyThresholdCount, KeyUnhealthyThresholdCount,
}

// Attributes are a target group's attributes and health check settings,
// with AWS's names, ranges and defaults (REFERENCE.md §1).
type Attributes struct {
	StickinessEnabled   bool
	StickinessType      StickinessType
	LBCookieDuration    time.Duration
	AppCookieDuration   time.Duration
	AppCookieName       string
	Algorithm           Algorithm
	AnomalyMitigation   bool
	SlowStart           time.Duration
	DeregistrationDelay time.Duration

	HealthCheckInterval     time.Duration
	HealthCheckTimeout      time.Duration
	HealthyThresholdCount   int
	UnhealthyThresholdCount int
}

// DefaultAttributes returns the attributes of a new target group, as AWS
// creates it.
func DefaultAttributes() Attributes {
	return Attributes{
		StickinessType:          LBCookie,
		LBCookieDuration:        86400 * time.Second,
		AppCookieDuration:       86400 * time.Second,
		Algorithm:               RoundRobin,
		DeregistrationDelay:     300 * time.Second,
		HealthCheckInterval:     30 * time.Second,
		HealthCheckTimeout:      5 * time.Second,
		HealthyThresholdCount:   5,
		UnhealthyThresholdCount: 2,
	}
}

// StickinessDuration returns the duration of the configured stickiness type.
func (a Attributes) StickinessDuration() time.Duration {
	if a.StickinessType == AppCookie {
		return a.AppCookieDuration
	}
	return a.LBCookieDuration
}

// ValidationError is a rejected attribute value, worded as AWS words it.
type ValidationError struct {
	Key     string // the attribute key, e.g. KeyLBCookieDuration
	Message string
}

func (e *ValidationError) Error() string { return "ValidationError: " + e.Message }

func invalid(key, format string, args ...any) *ValidationError {
	return &ValidationError{Key: key, Message: fmt.Sprintf(format, args...)}
}

// reservedCookiePrefixes are the app cookie names AWS rejects.
var reservedCookiePrefixes = []string{"AWSALB", "AWSALBAPP", "AWSALBTG"}

// Validate reports the first attribute value AWS would reject, as a
// *ValidationError, or nil.
func (a Attributes) Validate() error {
	secs := func(d time.Duration) int64 { return int64(d / time.Second) }
	inRange := func(key string, d time.Duration, lo, hi int64, what string) *ValidationError {
		if d%time.Second != 0 || secs(d) < lo || secs(d) > hi {
			return invalid(key, "%s must be between %d and %d seconds", what, lo, hi)
		}
		return nil
	}
	switch a.StickinessType {
	case LBCookie, AppCookie:
	case SourceIP:
		return invalid(KeyStickinessType, "Stickiness type 'source_ip' is not supported for target groups with the HTTP protocol")
	default:
		return invalid(KeyStickinessType, "Stickiness type must be one of 'lb_cookie', 'app_cookie'")
	}
	if err := inRange(KeyLBCookieDuration, a.LBCookieDuration, 1, maxStickinessDurationSeconds, "Stickiness duration"); err != nil {
		return err
	}
	if err := inRange(KeyAppCookieDuration, a.AppCookieDuration, 1, maxStickinessDurationSeconds, "Application cookie stickiness duration"); err != nil {
		return err
	}
	if a.StickinessType == AppCookie {
		if err := validateAppCookieName(a.AppCookieName); err != nil {
			return err
		}
	}
	switch a.Algorithm {
	case RoundRobin, LeastOutstandingRequests, WeightedRandom:
	default:
		return invalid(KeyAlgorithm, "Load balancing algorithm must be one of 'round_robin', 'least_outstanding_requests', 'weighted_random'")
	}
	if a.StickinessEnabled && a.Algorithm == WeightedRandom {
		return invalid(KeyAlgorithm, "You cannot have both stickiness and weighted random algorithm enabled on the same target group")
	}
	if a.AnomalyMitigation && a.Algorithm != WeightedRandom {
		return invalid(KeyAnomalyMitigation, "Anomaly mitigation can only be enabled with the weighted random algorithm")
	}
	if a.SlowStart != 0 {
		if err := inRange(KeySlowStart, a.SlowStart, 30, 900, "Slow start duration"); err != nil {
			err.Message = "Slow start duration must be 0 (disabled) or between 30 and 900 seconds"
			return err
		}
		if a.Algorithm != RoundRobin {
			return invalid(KeySlowStart, "Slow start mode is not supported with the '%s' algorithm", a.Algorithm)
		}
	}
	if err := inRange(KeyDeregistrationDelay, a.DeregistrationDelay, 0, maxDeregistrationDelaySeconds, "Deregistration delay"); err != nil {
		return err
	}
	if err := inRange(KeyHealthCheckInterval, a.HealthCheckInterval, 5, 300, "Health check interval"); err != nil {
		return err
	}
	if err := inRange(KeyHealthCheckTimeout, a.HealthCheckTimeout, 2, 120, "Health check timeout"); err != nil {
		return err
	}
	if a.HealthCheckTimeout >= a.HealthCheckInterval {
		return invalid(KeyHealthCheckTimeout, "Health check timeout must be smaller than the interval")
	}
	if a.HealthyThresholdCount < 2 || a.HealthyThresholdCount > 10 {
		return invalid(KeyHealthyThresholdCount, "Healthy threshold count must be between 2 and 10")
	}
	if a.UnhealthyThresholdCount < 2 || a.UnhealthyThresholdCount > 10 {
		return invalid(KeyUnhealthyThresholdCount, "Unhealthy threshold count must be between 2 and 10")
	}
	return nil
}

func validateAppCookieName(name string) *ValidationError {
	if name == "" {
		return invalid(KeyAppCookieName, "App cookie name is required when stickiness type is 'app_cookie'")
	}
	for _, p := range reservedCookiePrefixes {
		if strings.HasPrefix(strings.ToUpper(name), p) {
			return invalid(KeyAppCookieName, "App cookie name cannot start with '%s': AWSALB, AWSALBAPP and AWSALBTG are reserved for use by the load balancer", p)
		}
	}
	if len(name) > 128 {
		return invalid(KeyAppCookieName, "App cookie name must be at most 128 characters")
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte("()<>@,;:\\\"/[]?={}", c) >= 0 {
			return invalid(KeyAppCookieName, "App cookie name contains an invalid character %q", c)
		}
	}
	return nil
}

// Set parses value for the attribute key, as ModifyTargetGroupAttributes
// would, and stores it. It does not check the combination: call Validate.
func (a *Attributes) Set(key, value string) error {
	value = strings.TrimSpace(value)
	boolean := func(dst *bool) error {
		switch value {
		case "true":
			*dst = true
		case "false":
			*dst = false
		default:
			return invalid(key, "'%s' must be 'true' or 'false', not '%s'", key, value)
		}
		return nil
	}
	seconds := func(dst *time.Duration) error {
		n, err := strconv.ParseInt(value, 10, 64)
		if err != nil || n < 0 || n > 1<<31 {
			return invalid(key, "'%s' must be a whole number of seconds, not '%s'", key, value)
		}
		*dst = time.Duration(n) * time.Second
		return nil
	}
	count := func(dst *int) error {
		n, err := strconv.Atoi(value)
		if err != nil {
			return invalid(key, "'%s' must be a whole number, not '%s'", key, value)
		}
		*dst = n
		return nil
	}
	switch key {
	case KeyStickinessEnabled:
		return boolean(&a.StickinessEnabled)
	case KeyStickinessType:
		a.StickinessType = StickinessType(value)
	case KeyLBCookieDuration:
		return seconds(&a.LBCookieDuration)
	case KeyAppCookieDuration:
		return seconds(&a.AppCookieDuration)
	case KeyAppCookieName:
		a.AppCookieName = value
	case KeyAlgorithm:
		a.Algorithm = Algorithm(value)
	case KeyAnomalyMitigation:
		switch value {
		case "on":
			a.AnomalyMitigation = true
		case "off":
			a.AnomalyMitigation = false
		default:
			return invalid(key, "'%s' must be 'on' or 'off', not '%s'", key, value)
		}
	case KeySlowStart:
		return seconds(&a.SlowStart)
	case KeyDeregistrationDelay:
		return seconds(&a.DeregistrationDelay)
	case KeyHealthCheckInterval:
		return seconds(&a.HealthCheckInterval)
	case KeyHealthCheckTimeout:
		return seconds(&a.HealthCheckTimeout)
	case KeyHealthyThresholdCount:
		return count(&a.HealthyThresholdCount)
	case KeyUnhealthyThresholdCount:
		return count(&a.UnhealthyThresholdCount)
	default:
		return invalid(key, "The provided target group attribute is not supported: '%s'", key)
	}
	return nil
}

// Value returns the attribute key's value as the AWS API prints it.
func (a Attributes) Value(key string) string {
	s := func(d time.Duration) string { return strconv.FormatInt(int64(d/time.Second), 10) }
	switch key {
	case KeyStickinessEnabled:
		return strconv.FormatBool(a.StickinessEnabled)
	case KeyStickinessType:
		return string(a.StickinessType)
	case KeyLBCookieDuration:
		return s(a.LBCookieDuration)
	case KeyAppCookieDuration:
		return s(a.AppCookieDuration)
	case KeyAppCookieName:
		return a.AppCookieName
	case KeyAlgorithm:
		return string(a.Algorithm)
	case KeyAnomalyMitigation:
		if a.AnomalyMitigation {
			return "on"
		}
		return "off"
	case KeySlowStart:
		return s(a.SlowStart)
	case KeyDeregistrationDelay:
		return s(a.DeregistrationDelay)
	case KeyHealthCheckInterval:
		return s(a.HealthCheckInterval)
	case KeyHealthCheckTimeout:
		return s(a.HealthCheckTimeout)
	case KeyHealthyThresholdCount:
		return strconv.Itoa(a.HealthyThresholdCount)
	case KeyUnhealthyThresholdCount:
		return strconv.Itoa(a.UnhealthyThresholdCount)
	}
	return ""
}

// With returns a copy of a with the key=value pairs applied in order, or
// the first error. The result is validated.
func (a Attributes) With(pairs ...string) (Attributes, error) {
	if len(pairs)%2 != 0 {
		return a, fmt.Errorf("With: odd number of arguments")
	}
	for i := 0; i < len(pairs); i += 2 {
		if err := a.Set(pairs[i], pairs[i+1]); err != nil {
			return a, err
		}
	}
	return a, a.Validate()
}
