package engine

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
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
	KeyStickinessEnabled       = "stickiness.enabled"
	KeyStickinessType          = "stickiness.type"
	KeyLBCookieDuration        = "stickiness.lb_cookie.duration_seconds"
	KeyAppCookieDuration       = "stickiness.app_cookie.duration_seconds"
	KeyAppCookieName           = "stickiness.app_cookie.cookie_name"
	KeyAlgorithm               = "load_balancing.algorithm.type"
	KeyAnomalyMitigation       = "load_balancing.algorithm.anomaly_mitigation"
	KeySlowStart               = "slow_start.duration_seconds"
	KeyDeregistrationDelay     = "deregistration_delay.timeout_seconds"
	KeyHealthCheckInterval     = "HealthCheckIntervalSeconds"
	KeyHealthCheckTimeout      = "HealthCheckTimeoutSeconds"
	KeyHealthyThresholdCount   = "HealthyThresholdCount"
	KeyUnhealthyThresholdCount = "UnhealthyThresholdCount"
)

// The stickiness durations' range in seconds and default, shared by
// lb_cookie and app_cookie.
const (
	minStickinessDurationSeconds = 1
	maxStickinessDurationSeconds = 604800
	defaultStickinessDuration    = "86400"
)

// maxAppCookieNameLength is the longest app cookie name AWS accepts.
const maxAppCookieNameLength = 128

// AttributeSpec is one target group attribute as AWS defines it: its key,
// default, allowed values or range, and the message AWS gives outside them.
// Set, Value, Validate and DefaultAttributes are all driven by these specs.
type AttributeSpec struct {
	Key     string // as AWS spells it, e.g. KeyLBCookieDuration
	Label   string // how AWS's messages name it, e.g. "Stickiness duration"
	Default string // a new target group's value, as the API prints it
	// Min and Max bound a duration in seconds or a count; with OffZero, 0
	// is allowed too and turns the feature off (slow start).
	Min, Max int64
	OffZero  bool
	// Values are the allowed values (for a boolean: true's, then false's);
	// Unsupported are values AWS knows but rejects on an HTTP target group.
	Values      []string
	Unsupported []string

	kind  attributeKind
	field func(*Attributes) any             // the field the key sets: *bool, *time.Duration, *int, *string...
	rule  func(Attributes) *ValidationError // rules across attributes, checked after the value's own
}

type attributeKind uint8

const (
	kindBool attributeKind = iota
	kindSeconds
	kindCount
	kindEnum
	kindText
)

// MinDuration is the smallest value of a duration attribute.
func (s AttributeSpec) MinDuration() time.Duration { return time.Duration(s.Min) * time.Second }

// MaxDuration is the largest value of a duration attribute.
func (s AttributeSpec) MaxDuration() time.Duration { return time.Duration(s.Max) * time.Second }

// Message is AWS's message for a value outside the attribute's range or
// allowed values, e.g. "Stickiness duration must be between 1 and 604800 seconds".
func (s AttributeSpec) Message() string {
	switch s.kind {
	case kindSeconds:
		if s.OffZero {
			return fmt.Sprintf("%s must be 0 (disabled) or between %d and %d seconds", s.Label, s.Min, s.Max)
		}
		return fmt.Sprintf("%s must be between %d and %d seconds", s.Label, s.Min, s.Max)
	case kindCount:
		return fmt.Sprintf("%s must be between %d and %d", s.Label, s.Min, s.Max)
	case kindEnum:
		return s.Label + " must be one of '" + strings.Join(s.Values, "', '") + "'"
	case kindBool:
		return fmt.Sprintf("'%s' must be '%s' or '%s'", s.Key, s.Values[0], s.Values[1])
	}
	return ""
}

// attributeSpecs is the table of every attribute, in the order of
// AttributeKeys and of Validate's checks (REFERENCE.md §1). Read-only.
var attributeSpecs = [...]AttributeSpec{
	{Key: KeyStickinessEnabled, Default: "false", Values: []string{"true", "false"}, kind: kindBool,
		field: func(a *Attributes) any { return &a.StickinessEnabled }},
	{Key: KeyStickinessType, Label: "Stickiness type", Default: string(LBCookie), kind: kindEnum,
		Values: []string{string(LBCookie), string(AppCookie)}, Unsupported: []string{string(SourceIP)},
		field: func(a *Attributes) any { return &a.StickinessType }},
	{Key: KeyLBCookieDuration, Label: "Stickiness duration", Default: defaultStickinessDuration, kind: kindSeconds,
		Min: minStickinessDurationSeconds, Max: maxStickinessDurationSeconds,
		field: func(a *Attributes) any { return &a.LBCookieDuration }},
	{Key: KeyAppCookieDuration, Label: "Application cookie stickiness duration", Default: defaultStickinessDuration, kind: kindSeconds,
		Min: minStickinessDurationSeconds, Max: maxStickinessDurationSeconds,
		field: func(a *Attributes) any { return &a.AppCookieDuration }},
	{Key: KeyAppCookieName, Label: "App cookie name", kind: kindText,
		field: func(a *Attributes) any { return &a.AppCookieName },
		rule: func(a Attributes) *ValidationError {
			if a.StickinessType != AppCookie {
				return nil
			}
			return validateAppCookieName(a.AppCookieName)
		}},
	{Key: KeyAlgorithm, Label: "Load balancing algorithm", Default: string(RoundRobin), kind: kindEnum,
		Values: names(Algorithms),
		field:  func(a *Attributes) any { return &a.Algorithm },
		rule: func(a Attributes) *ValidationError {
			if a.StickinessEnabled && a.Algorithm == WeightedRandom {
				return &ValidationError{Key: KeyAlgorithm, Message: MessageStickinessWithWeightedRandom}
			}
			return nil
		}},
	{Key: KeyAnomalyMitigation, Default: "off", Values: []string{"on", "off"}, kind: kindBool,
		field: func(a *Attributes) any { return &a.AnomalyMitigation },
		rule: func(a Attributes) *ValidationError {
			if a.AnomalyMitigation && a.Algorithm != WeightedRandom {
				return invalid(KeyAnomalyMitigation, "Anomaly mitigation can only be enabled with the weighted random algorithm")
			}
			return nil
		}},
	{Key: KeySlowStart, Label: "Slow start duration", Default: "0", kind: kindSeconds, Min: 30, Max: 900, OffZero: true,
		field: func(a *Attributes) any { return &a.SlowStart },
		rule: func(a Attributes) *ValidationError {
			if a.SlowStart != 0 && a.Algorithm != RoundRobin {
				return invalid(KeySlowStart, "Slow start mode is not supported with the '%s' algorithm", a.Algorithm)
			}
			return nil
		}},
	{Key: KeyDeregistrationDelay, Label: "Deregistration delay", Default: "300", kind: kindSeconds, Min: 0, Max: 3600,
		field: func(a *Attributes) any { return &a.DeregistrationDelay }},
	{Key: KeyHealthCheckInterval, Label: "Health check interval", Default: "30", kind: kindSeconds, Min: 5, Max: 300,
		field: func(a *Attributes) any { return &a.HealthCheckInterval }},
	{Key: KeyHealthCheckTimeout, Label: "Health check timeout", Default: "5", kind: kindSeconds, Min: 2, Max: 120,
		field: func(a *Attributes) any { return &a.HealthCheckTimeout },
		rule: func(a Attributes) *ValidationError {
			if a.HealthCheckTimeout >= a.HealthCheckInterval {
				return invalid(KeyHealthCheckTimeout, "Health check timeout must be smaller than the interval")
			}
			return nil
		}},
	{Key: KeyHealthyThresholdCount, Label: "Healthy threshold count", Default: "5", kind: kindCount, Min: 2, Max: 10,
		field: func(a *Attributes) any { return &a.HealthyThresholdCount }},
	{Key: KeyUnhealthyThresholdCount, Label: "Unhealthy threshold count", Default: "2", kind: kindCount, Min: 2, Max: 10,
		field: func(a *Attributes) any { return &a.UnhealthyThresholdCount }},
}

// MessageStickinessWithWeightedRandom is AWS's message for stickiness
// enabled together with the weighted_random algorithm.
const MessageStickinessWithWeightedRandom = "You cannot have both stickiness and weighted random algorithm enabled on the same target group"

// AttributeSpecs returns a copy of every attribute's spec, in the order of
// AttributeKeys.
func AttributeSpecs() []AttributeSpec {
	specs := make([]AttributeSpec, len(attributeSpecs))
	for i := range attributeSpecs {
		specs[i] = attributeSpecs[i].clone()
	}
	return specs
}

// clone copies s, its value lists too, so a caller cannot change the table.
func (s *AttributeSpec) clone() AttributeSpec {
	c := *s
	c.Values, c.Unsupported = slices.Clone(s.Values), slices.Clone(s.Unsupported)
	return c
}

// LookupAttribute returns the spec of the attribute key, and whether AWS
// has such an attribute.
func LookupAttribute(key string) (AttributeSpec, bool) {
	if s := lookupSpec(key); s != nil {
		return s.clone(), true
	}
	return AttributeSpec{}, false
}

func lookupSpec(key string) *AttributeSpec {
	for i := range attributeSpecs {
		if attributeSpecs[i].Key == key {
			return &attributeSpecs[i]
		}
	}
	return nil
}

// AttributeKeys lists every attribute key, in the order of the table.
var AttributeKeys = func() []string {
	keys := make([]string, len(attributeSpecs))
	for i, s := range attributeSpecs {
		keys[i] = s.Key
	}
	return keys
}()

func names[T ~string](xs []T) []string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = string(x)
	}
	return s
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
// creates it: each spec's Default.
func DefaultAttributes() Attributes {
	var a Attributes
	for i := range attributeSpecs {
		if s := &attributeSpecs[i]; s.Default != "" {
			if err := a.Set(s.Key, s.Default); err != nil {
				panic("engine: the default of " + s.Key + " does not parse: " + err.Error())
			}
		}
	}
	return a
}

// StickinessDuration returns the duration of the configured stickiness type.
func (a Attributes) StickinessDuration() time.Duration {
	if a.StickinessType == AppCookie {
		return a.AppCookieDuration
	}
	return a.LBCookieDuration
}

// StickinessOff is the lab's word for stickiness.enabled=false: presets and
// the page URL name stickiness "off", or by its stickiness.type.
const StickinessOff = "off"

// StickinessChoices lists the lab's one-word stickiness settings: off, then
// each stickiness type an Application Load Balancer target group accepts.
func StickinessChoices() []string {
	return append([]string{StickinessOff}, lookupSpec(KeyStickinessType).Values...)
}

// SetStickiness turns stickiness off, or on with the type named by choice,
// one of StickinessChoices.
func (a *Attributes) SetStickiness(choice string) error {
	if choice == StickinessOff {
		a.StickinessEnabled = false
		return nil
	}
	if !slices.Contains(lookupSpec(KeyStickinessType).Values, choice) {
		return fmt.Errorf("stickiness must be one of %s, not %q", strings.Join(StickinessChoices(), ", "), choice)
	}
	a.StickinessEnabled, a.StickinessType = true, StickinessType(choice)
	return nil
}

// Stickiness returns a's one-word stickiness setting: StickinessOff, or
// the stickiness type.
func (a Attributes) Stickiness() string {
	if !a.StickinessEnabled {
		return StickinessOff
	}
	return string(a.StickinessType)
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
// *ValidationError, or nil: each spec's range, then its rules, in table order.
func (a Attributes) Validate() error {
	for i := range attributeSpecs {
		if err := attributeSpecs[i].check(a); err != nil {
			return err
		}
	}
	return nil
}

func (s *AttributeSpec) check(a Attributes) *ValidationError {
	switch v := s.field(&a).(type) {
	case *time.Duration:
		if !(s.OffZero && *v == 0) && (*v%time.Second != 0 || *v < s.MinDuration() || *v > s.MaxDuration()) {
			return &ValidationError{Key: s.Key, Message: s.Message()}
		}
	case *int:
		if int64(*v) < s.Min || int64(*v) > s.Max {
			return &ValidationError{Key: s.Key, Message: s.Message()}
		}
	case *StickinessType:
		if err := s.checkValue(string(*v)); err != nil {
			return err
		}
	case *Algorithm:
		if err := s.checkValue(string(*v)); err != nil {
			return err
		}
	}
	if s.rule != nil {
		return s.rule(a)
	}
	return nil
}

func (s *AttributeSpec) checkValue(v string) *ValidationError {
	switch {
	case slices.Contains(s.Values, v):
		return nil
	case slices.Contains(s.Unsupported, v):
		return invalid(s.Key, "%s '%s' is not supported for target groups with the HTTP protocol", s.Label, v)
	}
	return &ValidationError{Key: s.Key, Message: s.Message()}
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
	return checkCookieName(KeyAppCookieName, "App cookie name", name)
}

// checkCookieName checks an application cookie's name, called label in
// the message, for its length and characters (a cookie-name token).
func checkCookieName(key, label, name string) *ValidationError {
	if len(name) > maxAppCookieNameLength {
		return invalid(key, "%s must be at most %d characters", label, maxAppCookieNameLength)
	}
	for i, c := range name { // by character, so the message names 'É', not its first byte
		if c <= ' ' || c >= 0x7f || strings.ContainsRune("()<>@,;:\\\"/[]?={}", c) {
			if _, size := utf8.DecodeRuneInString(name[i:]); size == 1 && c == utf8.RuneError {
				return invalid(key, "%s contains an invalid byte 0x%02X", label, name[i])
			}
			return invalid(key, "%s contains an invalid character %q", label, c)
		}
	}
	return nil
}

// Set parses value for the attribute key, as ModifyTargetGroupAttributes
// would, and stores it. It does not check the range: call Validate.
func (a *Attributes) Set(key, value string) error {
	s := lookupSpec(key)
	if s == nil {
		return invalid(key, "The provided target group attribute is not supported: '%s'", key)
	}
	value = strings.TrimSpace(value)
	switch v := s.field(a).(type) {
	case *bool:
		switch value {
		case s.Values[0]:
			*v = true
		case s.Values[1]:
			*v = false
		default:
			return invalid(key, "%s, not '%s'", s.Message(), value)
		}
	case *time.Duration:
		n, err := strconv.ParseInt(value, 10, 64)
		switch {
		case err != nil && !errors.Is(err, strconv.ErrRange):
			return invalid(key, "'%s' must be a whole number of seconds, not '%s'", key, value)
		case err != nil || n < 0 || n > 1<<31: // whole, out of any range
			return invalid(key, "%s, not '%s'", s.Message(), value)
		}
		*v = time.Duration(n) * time.Second
	case *int:
		n, err := strconv.Atoi(value)
		if err != nil {
			return invalid(key, "'%s' must be a whole number, not '%s'", key, value)
		}
		*v = n
	case *StickinessType:
		*v = StickinessType(value)
	case *Algorithm:
		*v = Algorithm(value)
	case *string:
		*v = value
	}
	return nil
}

// Value returns the attribute key's value as the AWS API prints it, or ""
// for an unknown key.
func (a Attributes) Value(key string) string {
	s := lookupSpec(key)
	if s == nil {
		return ""
	}
	switch v := s.field(&a).(type) {
	case *bool:
		if *v {
			return s.Values[0]
		}
		return s.Values[1]
	case *time.Duration:
		return strconv.FormatInt(int64(*v/time.Second), 10)
	case *int:
		return strconv.Itoa(*v)
	case *StickinessType:
		return string(*v)
	case *Algorithm:
		return string(*v)
	case *string:
		return *v
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
