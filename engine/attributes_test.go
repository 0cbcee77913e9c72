package engine

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
)

// attrsWith returns DefaultAttributes with the key=value pairs applied by
// Set, failing the test if Set rejects one. It does not validate.
func attrsWith(t *testing.T, pairs ...string) Attributes {
	t.Helper()
	if len(pairs)%2 != 0 {
		t.Fatalf("attrsWith: odd number of arguments %q", pairs)
	}
	a := DefaultAttributes()
	for i := 0; i < len(pairs); i += 2 {
		if err := a.Set(pairs[i], pairs[i+1]); err != nil {
			t.Fatalf("Set(%q, %q) = %v", pairs[i], pairs[i+1], err)
		}
	}
	return a
}

// checkValidation fails the test unless err is nil when wantKey is "", or a
// *ValidationError for wantKey otherwise.
func checkValidation(t *testing.T, err error, wantKey string) {
	t.Helper()
	if wantKey == "" {
		if err != nil {
			t.Fatalf("got error %v, want none", err)
		}
		return
	}
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("got %v (%T), want a *ValidationError for %s", err, err, wantKey)
	}
	if ve.Key != wantKey {
		t.Fatalf("got ValidationError for key %q (%s), want key %q", ve.Key, ve.Message, wantKey)
	}
	if ve.Message == "" || !strings.HasPrefix(ve.Error(), "ValidationError: ") {
		t.Fatalf("ValidationError text %q: want \"ValidationError: <message>\"", ve.Error())
	}
}

func TestValidateRanges(t *testing.T) {
	const (
		kLB    = KeyLBCookieDuration
		kApp   = KeyAppCookieDuration
		kAlgo  = KeyAlgorithm
		kSlow  = KeySlowStart
		kDereg = KeyDeregistrationDelay
		kIvl   = KeyHealthCheckInterval
		kTO    = KeyHealthCheckTimeout
		kHT    = KeyHealthyThresholdCount
		kUT    = KeyUnhealthyThresholdCount
	)
	tests := []struct {
		name    string
		pairs   []string
		wantKey string // "" for valid
	}{
		{"defaults", nil, ""},

		{"lb duration 0", []string{kLB, "0"}, kLB},
		{"lb duration 1", []string{kLB, "1"}, ""},
		{"lb duration 604800", []string{kLB, "604800"}, ""},
		{"lb duration 604801", []string{kLB, "604801"}, kLB},
		{"lb duration 604801 with stickiness on", []string{KeyStickinessEnabled, "true", kLB, "604801"}, kLB},

		{"app duration 0", []string{kApp, "0"}, kApp},
		{"app duration 1", []string{kApp, "1"}, ""},
		{"app duration 604800", []string{kApp, "604800"}, ""},
		{"app duration 604801", []string{kApp, "604801"}, kApp},
		{"app duration 604801 with app_cookie", []string{KeyStickinessType, "app_cookie", KeyAppCookieName, "SESSIONID", kApp, "604801"}, kApp},

		{"type lb_cookie", []string{KeyStickinessType, "lb_cookie"}, ""},
		{"type app_cookie with a name", []string{KeyStickinessType, "app_cookie", KeyAppCookieName, "SESSIONID"}, ""},
		{"type app_cookie without a name", []string{KeyStickinessType, "app_cookie"}, KeyAppCookieName},
		{"type source_ip", []string{KeyStickinessType, "source_ip"}, KeyStickinessType},
		{"type empty", []string{KeyStickinessType, ""}, KeyStickinessType},
		{"type unknown", []string{KeyStickinessType, "cookie"}, KeyStickinessType},

		{"algorithm round_robin", []string{kAlgo, "round_robin"}, ""},
		{"algorithm least_outstanding_requests", []string{kAlgo, "least_outstanding_requests"}, ""},
		{"algorithm weighted_random", []string{kAlgo, "weighted_random"}, ""},
		{"algorithm unknown", []string{kAlgo, "random"}, kAlgo},
		{"algorithm wrong case", []string{kAlgo, "ROUND_ROBIN"}, kAlgo},
		{"algorithm empty", []string{kAlgo, ""}, kAlgo},
		{"weighted_random with stickiness", []string{KeyStickinessEnabled, "true", kAlgo, "weighted_random"}, kAlgo},
		{"stickiness after weighted_random", []string{kAlgo, "weighted_random", KeyStickinessEnabled, "true"}, kAlgo},
		{"weighted_random with stickiness off", []string{KeyStickinessEnabled, "false", kAlgo, "weighted_random"}, ""},
		{"round_robin with stickiness", []string{KeyStickinessEnabled, "true", kAlgo, "round_robin"}, ""},
		{"least_outstanding_requests with stickiness", []string{KeyStickinessEnabled, "true", kAlgo, "least_outstanding_requests"}, ""},

		{"anomaly mitigation with weighted_random", []string{kAlgo, "weighted_random", KeyAnomalyMitigation, "on"}, ""},
		{"anomaly mitigation with round_robin", []string{KeyAnomalyMitigation, "on"}, KeyAnomalyMitigation},
		{"anomaly mitigation with least_outstanding_requests", []string{kAlgo, "least_outstanding_requests", KeyAnomalyMitigation, "on"}, KeyAnomalyMitigation},
		{"anomaly mitigation off with round_robin", []string{KeyAnomalyMitigation, "off"}, ""},

		{"slow start 0", []string{kSlow, "0"}, ""},
		{"slow start 29", []string{kSlow, "29"}, kSlow},
		{"slow start 30", []string{kSlow, "30"}, ""},
		{"slow start 900", []string{kSlow, "900"}, ""},
		{"slow start 901", []string{kSlow, "901"}, kSlow},
		{"slow start 1", []string{kSlow, "1"}, kSlow},
		{"slow start with least_outstanding_requests", []string{kAlgo, "least_outstanding_requests", kSlow, "30"}, kSlow},
		{"slow start with weighted_random", []string{kAlgo, "weighted_random", kSlow, "30"}, kSlow},
		{"slow start off with least_outstanding_requests", []string{kAlgo, "least_outstanding_requests", kSlow, "0"}, ""},
		{"slow start off with weighted_random", []string{kAlgo, "weighted_random", kSlow, "0"}, ""},

		{"deregistration delay 0", []string{kDereg, "0"}, ""},
		{"deregistration delay 3600", []string{kDereg, "3600"}, ""},
		{"deregistration delay 3601", []string{kDereg, "3601"}, kDereg},

		{"interval 4", []string{kTO, "2", kIvl, "4"}, kIvl},
		{"interval 5", []string{kTO, "2", kIvl, "5"}, ""},
		{"interval 300", []string{kIvl, "300"}, ""},
		{"interval 301", []string{kIvl, "301"}, kIvl},

		{"timeout 1", []string{kTO, "1"}, kTO},
		{"timeout 2", []string{kTO, "2"}, ""},
		{"timeout 120", []string{kIvl, "300", kTO, "120"}, ""},
		{"timeout 121", []string{kIvl, "300", kTO, "121"}, kTO},
		{"timeout equal to interval", []string{kIvl, "10", kTO, "10"}, kTO},
		{"timeout above interval", []string{kIvl, "10", kTO, "20"}, kTO},
		{"timeout just below interval", []string{kIvl, "10", kTO, "9"}, ""},
		{"interval 5 with the default timeout 5", []string{kIvl, "5"}, kTO},

		{"healthy threshold 1", []string{kHT, "1"}, kHT},
		{"healthy threshold 2", []string{kHT, "2"}, ""},
		{"healthy threshold 10", []string{kHT, "10"}, ""},
		{"healthy threshold 11", []string{kHT, "11"}, kHT},
		{"healthy threshold -1", []string{kHT, "-1"}, kHT},
		{"unhealthy threshold 1", []string{kUT, "1"}, kUT},
		{"unhealthy threshold 2", []string{kUT, "2"}, ""},
		{"unhealthy threshold 10", []string{kUT, "10"}, ""},
		{"unhealthy threshold 11", []string{kUT, "11"}, kUT},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := attrsWith(t, tt.pairs...)
			checkValidation(t, a.Validate(), tt.wantKey)
		})
	}
}

func TestValidateWeightedRandomStickinessMessage(t *testing.T) {
	const want = "You cannot have both stickiness and weighted random algorithm enabled on the same target group"
	a := attrsWith(t, KeyStickinessEnabled, "true", KeyAlgorithm, "weighted_random")
	err := a.Validate()
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Validate = %v, want a *ValidationError", err)
	}
	if ve.Message != want {
		t.Errorf("Message = %q, want AWS's text %q", ve.Message, want)
	}
	if ve.Error() != "ValidationError: "+want {
		t.Errorf("Error() = %q", ve.Error())
	}
}

// TestValidateSubSecondDurations checks that durations that are not whole
// seconds, which Set cannot produce but a caller building Attributes by hand
// can, are rejected.
func TestValidateSubSecondDurations(t *testing.T) {
	tests := []struct {
		key string
		set func(*Attributes)
	}{
		{KeyLBCookieDuration, func(a *Attributes) { a.LBCookieDuration = 90*time.Second + time.Millisecond }},
		{KeyAppCookieDuration, func(a *Attributes) { a.AppCookieDuration = 500 * time.Millisecond }},
		{KeySlowStart, func(a *Attributes) { a.SlowStart = 30*time.Second + 1 }},
		{KeyDeregistrationDelay, func(a *Attributes) { a.DeregistrationDelay = -time.Second }},
		{KeyHealthCheckInterval, func(a *Attributes) { a.HealthCheckInterval = 30*time.Second + time.Nanosecond }},
		{KeyHealthCheckTimeout, func(a *Attributes) { a.HealthCheckTimeout = 2500 * time.Millisecond }},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			a := DefaultAttributes()
			tt.set(&a)
			checkValidation(t, a.Validate(), tt.key)
		})
	}
}

func TestValidateAppCookieName(t *testing.T) {
	tests := []struct {
		name    string
		cookie  string
		wantErr bool
	}{
		{"empty", "", true},
		{"normal", "SESSIONID", false},
		{"java", "JSESSIONID", false},
		{"dashes and underscores", "my_app-session.v2", false},
		{"classic load balancer name", "AWSELB", false},
		{"reserved word not at the start", "MYAWSALB", false},
		{"128 characters", strings.Repeat("a", 128), false},
		{"129 characters", strings.Repeat("a", 129), true},

		{"AWSALB", "AWSALB", true},
		{"AWSALBAPP", "AWSALBAPP", true},
		{"AWSALBAPP-0", "AWSALBAPP-0", true},
		{"AWSALBTG", "AWSALBTG", true},
		{"AWSALBCORS", "AWSALBCORS", true},
		{"AWSALB prefix", "AWSALBsession", true},
		{"lower case awsalb", "awsalb", true},
		{"lower case awsalbapp", "awsalbapp-1", true},
		{"lower case awsalbtg", "awsalbtg", true},
		{"mixed case", "AwsAlbTg", true},

		{"space", "SESSION ID", true},
		{"leading space", " SESSIONID", true},
		{"tab", "SESSION\tID", true},
		{"semicolon", "a;b", true},
		{"equals", "a=b", true},
		{"comma", "a,b", true},
		{"double quote", `a"b`, true},
		{"slash", "a/b", true},
		{"backslash", `a\b`, true},
		{"brackets", "a[0]", true},
		{"parentheses", "a(b)", true},
		{"at sign", "a@b", true},
		{"colon", "a:b", true},
		{"question mark", "a?", true},
		{"braces", "{a}", true},
		{"angle brackets", "<a>", true},
		{"control character", "a\x01b", true},
		{"DEL", "a\x7fb", true},
		{"non-ASCII", "café", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := DefaultAttributes()
			a.StickinessEnabled = true
			a.StickinessType = AppCookie
			a.AppCookieName = tt.cookie
			want := ""
			if tt.wantErr {
				want = KeyAppCookieName
			}
			checkValidation(t, a.Validate(), want)
		})
	}
}

// TestCookieNameCharacterMessage checks that an invalid character is named
// as typed: 'É' in "ÉCOLE", not the first byte of its UTF-8 ('Ã').
func TestCookieNameCharacterMessage(t *testing.T) {
	for name, want := range map[string]string{
		"ÉCOLE":      "App cookie name contains an invalid character 'É'",
		"café":       "App cookie name contains an invalid character 'é'",
		"a☃b":        "App cookie name contains an invalid character '☃'",
		"a b":        "App cookie name contains an invalid character ' '",
		"a\xffb":     "App cookie name contains an invalid byte 0xFF",
		"x\uFFFDy":   "App cookie name contains an invalid character '�'",
		"SESSION;ID": "App cookie name contains an invalid character ';'",
	} {
		if err := validateAppCookieName(name); err == nil || err.Message != want {
			t.Errorf("validateAppCookieName(%q) = %v, want %q", name, err, want)
		}
	}
}

func TestSetParseErrors(t *testing.T) {
	tests := []struct {
		key, value string
	}{
		{KeyStickinessEnabled, "yes"},
		{KeyStickinessEnabled, "1"},
		{KeyStickinessEnabled, "TRUE"},
		{KeyStickinessEnabled, ""},
		{KeyAnomalyMitigation, "true"},
		{KeyAnomalyMitigation, "enabled"},
		{KeyLBCookieDuration, "abc"},
		{KeyLBCookieDuration, "-1"},
		{KeyLBCookieDuration, "1.5"},
		{KeyLBCookieDuration, "1e3"},
		{KeyLBCookieDuration, ""},
		{KeyLBCookieDuration, "86400s"},
		{KeyLBCookieDuration, "99999999999999999999"},
		{KeyLBCookieDuration, "2147483649"},
		{KeyAppCookieDuration, "one"},
		{KeyAppCookieDuration, "-86400"},
		{KeySlowStart, "-30"},
		{KeySlowStart, "thirty"},
		{KeyDeregistrationDelay, "5m"},
		{KeyDeregistrationDelay, "-1"},
		{KeyHealthCheckInterval, "30.0"},
		{KeyHealthCheckInterval, "-5"},
		{KeyHealthCheckTimeout, "x"},
		{KeyHealthyThresholdCount, "five"},
		{KeyHealthyThresholdCount, "2.5"},
		{KeyUnhealthyThresholdCount, ""},
		{"no.such.attribute", "1"},
		{"stickiness.Enabled", "true"},
	}
	for _, tt := range tests {
		t.Run(tt.key+"="+tt.value, func(t *testing.T) {
			a := DefaultAttributes()
			before := a
			err := a.Set(tt.key, tt.value)
			checkValidation(t, err, tt.key)
			if a != before {
				t.Errorf("a failed Set changed the attributes:\n got %+v\nwant %+v", a, before)
			}
		})
	}
}

func TestSetTrimsSpace(t *testing.T) {
	a := DefaultAttributes()
	if err := a.Set(KeyLBCookieDuration, " 120 "); err != nil {
		t.Fatal(err)
	}
	if a.LBCookieDuration != 120*time.Second {
		t.Errorf("LBCookieDuration = %v, want 2m0s", a.LBCookieDuration)
	}
	if err := a.Set(KeyStickinessEnabled, "true\n"); err != nil {
		t.Fatal(err)
	}
	if !a.StickinessEnabled {
		t.Error("StickinessEnabled = false after Set(\"true\\n\")")
	}
}

// nonDefault holds, for every attribute key, a valid value that differs
// from the default, spelled as Value prints it.
var nonDefault = map[string]string{
	KeyStickinessEnabled:       "true",
	KeyStickinessType:          "app_cookie",
	KeyLBCookieDuration:        "604800",
	KeyAppCookieDuration:       "1",
	KeyAppCookieName:           "SESSIONID",
	KeyAlgorithm:               "least_outstanding_requests",
	KeyAnomalyMitigation:       "on",
	KeySlowStart:               "900",
	KeyDeregistrationDelay:     "0",
	KeyHealthCheckInterval:     "300",
	KeyHealthCheckTimeout:      "120",
	KeyHealthyThresholdCount:   "10",
	KeyUnhealthyThresholdCount: "10",
}

func TestValueSetRoundTrip(t *testing.T) {
	if len(nonDefault) != len(AttributeKeys) {
		t.Fatalf("nonDefault has %d keys, AttributeKeys %d: add the new key here", len(nonDefault), len(AttributeKeys))
	}
	def := DefaultAttributes()
	for _, key := range AttributeKeys {
		t.Run(key, func(t *testing.T) {
			v, ok := nonDefault[key]
			if !ok {
				t.Fatalf("no test value for %s", key)
			}
			// The default's printed value parses back to the default.
			a := def
			if err := a.Set(key, def.Value(key)); err != nil {
				t.Fatalf("Set(%q, default %q) = %v", key, def.Value(key), err)
			}
			if a != def {
				t.Errorf("Set(%q, Value(%q)) changed the defaults: %+v", key, key, a)
			}
			// A new value is read back as written, and only that key changes.
			if def.Value(key) == v {
				t.Fatalf("test value %q for %s is the default", v, key)
			}
			if err := a.Set(key, v); err != nil {
				t.Fatalf("Set(%q, %q) = %v", key, v, err)
			}
			if got := a.Value(key); got != v {
				t.Errorf("Value(%q) = %q after Set(%q)", key, got, v)
			}
			for _, other := range AttributeKeys {
				if other != key && a.Value(other) != def.Value(other) {
					t.Errorf("Set(%q) changed %s to %q", key, other, a.Value(other))
				}
			}
			b := def
			if err := b.Set(key, a.Value(key)); err != nil || b != a {
				t.Errorf("Set(Value()) round trip: got %+v, %v; want %+v", b, err, a)
			}
		})
	}
	if got := def.Value("no.such.attribute"); got != "" {
		t.Errorf("Value of an unknown key = %q, want \"\"", got)
	}
}

func TestDefaultAttributes(t *testing.T) {
	a := DefaultAttributes()
	if err := a.Validate(); err != nil {
		t.Fatalf("DefaultAttributes().Validate() = %v", err)
	}
	// AWS's defaults (REFERENCE.md §1).
	want := map[string]string{
		KeyStickinessEnabled:       "false",
		KeyStickinessType:          "lb_cookie",
		KeyLBCookieDuration:        "86400",
		KeyAppCookieDuration:       "86400",
		KeyAppCookieName:           "",
		KeyAlgorithm:               "round_robin",
		KeyAnomalyMitigation:       "off",
		KeySlowStart:               "0",
		KeyDeregistrationDelay:     "300",
		KeyHealthCheckInterval:     "30",
		KeyHealthCheckTimeout:      "5",
		KeyHealthyThresholdCount:   "5",
		KeyUnhealthyThresholdCount: "2",
	}
	for _, key := range AttributeKeys {
		w, ok := want[key]
		if !ok {
			t.Errorf("no AWS default recorded for %s", key)
			continue
		}
		if got := a.Value(key); got != w {
			t.Errorf("default %s = %q, want %q", key, got, w)
		}
	}
	if got := a.StickinessDuration(); got != 24*time.Hour {
		t.Errorf("StickinessDuration = %v, want 24h", got)
	}
	a.StickinessType = AppCookie
	a.AppCookieDuration = time.Minute
	if got := a.StickinessDuration(); got != time.Minute {
		t.Errorf("app_cookie StickinessDuration = %v, want the app cookie duration 1m", got)
	}
}

func TestWith(t *testing.T) {
	def := DefaultAttributes()

	a, err := def.With(KeyStickinessEnabled, "true", KeyLBCookieDuration, "60")
	if err != nil {
		t.Fatalf("With = %v", err)
	}
	if !a.StickinessEnabled || a.LBCookieDuration != time.Minute {
		t.Errorf("With did not apply the pairs: %+v", a)
	}
	if def.StickinessEnabled || def.LBCookieDuration != 24*time.Hour {
		t.Errorf("With changed its receiver: %+v", def)
	}

	// Later pairs override earlier ones.
	a, err = def.With(KeyLBCookieDuration, "60", KeyLBCookieDuration, "120")
	if err != nil || a.LBCookieDuration != 2*time.Minute {
		t.Errorf("With applied out of order: %v, %v", a.LBCookieDuration, err)
	}

	// The result is validated...
	_, err = def.With(KeyStickinessEnabled, "true", KeyAlgorithm, "weighted_random")
	checkValidation(t, err, KeyAlgorithm)
	// ...each value parsed...
	_, err = def.With(KeyLBCookieDuration, "soon", KeyStickinessEnabled, "true")
	checkValidation(t, err, KeyLBCookieDuration)
	// ...and an unknown key rejected.
	_, err = def.With("stickiness.duration", "60")
	checkValidation(t, err, "stickiness.duration")

	// An odd number of arguments is a programming error, not a ValidationError.
	_, err = def.With(KeyStickinessEnabled)
	var ve *ValidationError
	if err == nil || errors.As(err, &ve) {
		t.Errorf("With(odd) = %v, want a plain error", err)
	}

	if a, err := def.With(); err != nil || a != def {
		t.Errorf("With() = %+v, %v; want the defaults", a, err)
	}
}

func TestSetAttributesInvalidChangesNothing(t *testing.T) {
	start := attrsWith(t, KeyStickinessEnabled, "true", KeyLBCookieDuration, "600")
	lb, err := New(Config{Seed: 3, Attributes: &start})
	if err != nil {
		t.Fatal(err)
	}
	tg := lb.TargetGroup
	c := lb.NewClient("learner", nil, KeepCookies)
	first := lb.Do(c, "/")

	invalid := []Attributes{
		attrsWith(t, KeyStickinessEnabled, "true", KeyAlgorithm, "weighted_random"),
		attrsWith(t, KeyLBCookieDuration, "0", KeyAlgorithm, "least_outstanding_requests"),
		attrsWith(t, KeyStickinessType, "app_cookie", KeyAppCookieName, "AWSALBAPP"),
		attrsWith(t, KeyHealthCheckInterval, "10", KeyHealthCheckTimeout, "10"),
		attrsWith(t, KeyDeregistrationDelay, "3601"),
	}
	for i, bad := range invalid {
		selector, seq := tg.selector, lb.log.seq
		err := tg.SetAttributes(bad)
		var ve *ValidationError
		if !errors.As(err, &ve) {
			t.Fatalf("#%d: SetAttributes = %v, want a *ValidationError", i, err)
		}
		if got := tg.Attributes(); got != start {
			t.Errorf("#%d: attributes changed by a rejected SetAttributes:\n got %+v\nwant %+v", i, got, start)
		}
		if tg.selector != selector {
			t.Errorf("#%d: selector replaced by a rejected SetAttributes", i)
		}
		if lb.log.seq != seq {
			t.Errorf("#%d: a rejected SetAttributes emitted %d events", i, lb.log.seq-seq)
		}
	}
	// Stickiness still holds as before.
	if ex := lb.Do(c, "/"); ex.Reason != ReasonSticky || ex.TargetName != first.TargetName {
		t.Errorf("after rejected changes: %s → %s, want sticky → %s", ex.Reason, ex.TargetName, first.TargetName)
	}

	// A valid change applies, replaces the selector and says what changed.
	var events []Event
	cancel := lb.Subscribe(func(e Event) { events = append(events, e) })
	defer cancel()
	good := attrsWith(t, KeyAlgorithm, "least_outstanding_requests")
	if err := tg.SetAttributes(good); err != nil {
		t.Fatal(err)
	}
	if tg.Attributes() != good {
		t.Errorf("SetAttributes did not apply: %+v", tg.Attributes())
	}
	if _, ok := tg.selector.(*LeastOutstandingRequestsSelection); !ok {
		t.Errorf("selector is %T after switching to least_outstanding_requests", tg.selector)
	}
	if len(events) != 1 || events[0].Kind != EventAttributesChanged {
		t.Fatalf("events = %v, want one attributes-changed", events)
	}
	for _, want := range []string{"stickiness.enabled=false", "stickiness.lb_cookie.duration_seconds=86400", "load_balancing.algorithm.type=least_outstanding_requests"} {
		if !strings.Contains(events[0].Detail, want) {
			t.Errorf("event detail %q does not mention %s", events[0].Detail, want)
		}
	}
	// Setting the same attributes again is not a change.
	if err := tg.SetAttributes(good); err != nil || len(events) != 1 {
		t.Errorf("re-applying the same attributes: %v, %d events", err, len(events))
	}
}

// TestAttributeSpecsDriveValidate checks each spec's range against Validate:
// the bounds pass, one second or one count outside gives the spec's Message.
func TestAttributeSpecsDriveValidate(t *testing.T) {
	// Rules across attributes that the bounds would trip otherwise.
	context := map[string][]string{
		KeyHealthCheckTimeout:  {KeyHealthCheckInterval, "300"},
		KeyHealthCheckInterval: {KeyHealthCheckTimeout, "2"},
	}
	ranged := 0
	for _, s := range AttributeSpecs() {
		if s.Max == 0 {
			continue
		}
		ranged++
		t.Run(s.Key, func(t *testing.T) {
			for _, tt := range []struct {
				n  int64
				ok bool
			}{{s.Min, true}, {s.Max, true}, {s.Min - 1, s.OffZero && s.Min-1 == 0}, {s.Max + 1, false}} {
				a := attrsWith(t, context[s.Key]...)
				if err := a.Set(s.Key, strconv.FormatInt(tt.n, 10)); err != nil {
					if tt.n >= 0 {
						t.Fatalf("Set(%d) = %v", tt.n, err)
					}
					continue // a negative number of seconds does not parse
				}
				err := a.Validate()
				if tt.ok {
					checkValidation(t, err, "")
					continue
				}
				checkValidation(t, err, s.Key)
				if got := err.(*ValidationError).Message; got != s.Message() {
					t.Errorf("%s=%d: Validate says %q, the spec %q", s.Key, tt.n, got, s.Message())
				}
				if got := s.check(a); got == nil || got.Error() != err.Error() {
					t.Errorf("%s=%d: the spec's check = %v, Validate %v", s.Key, tt.n, got, err)
				}
			}
		})
	}
	if ranged != 8 {
		t.Errorf("%d ranged attributes, want 8 (two stickiness durations, slow start, deregistration delay, four health check settings)", ranged)
	}
}

// TestAttributeSpecMessages pins the generated messages to AWS's wording.
func TestAttributeSpecMessages(t *testing.T) {
	want := map[string]string{
		KeyStickinessEnabled:       "'stickiness.enabled' must be 'true' or 'false'",
		KeyStickinessType:          "Stickiness type must be one of 'lb_cookie', 'app_cookie'",
		KeyLBCookieDuration:        "Stickiness duration must be between 1 and 604800 seconds",
		KeyAppCookieDuration:       "Application cookie stickiness duration must be between 1 and 604800 seconds",
		KeyAppCookieName:           "",
		KeyAlgorithm:               "Load balancing algorithm must be one of 'round_robin', 'least_outstanding_requests', 'weighted_random'",
		KeyAnomalyMitigation:       "'load_balancing.algorithm.anomaly_mitigation' must be 'on' or 'off'",
		KeySlowStart:               "Slow start duration must be 0 (disabled) or between 30 and 900 seconds",
		KeyDeregistrationDelay:     "Deregistration delay must be between 0 and 3600 seconds",
		KeyHealthCheckInterval:     "Health check interval must be between 5 and 300 seconds",
		KeyHealthCheckTimeout:      "Health check timeout must be between 2 and 120 seconds",
		KeyHealthyThresholdCount:   "Healthy threshold count must be between 2 and 10",
		KeyUnhealthyThresholdCount: "Unhealthy threshold count must be between 2 and 10",
	}
	specs := AttributeSpecs()
	if len(specs) != len(AttributeKeys) || len(specs) != len(want) {
		t.Fatalf("%d specs, %d keys, %d messages", len(specs), len(AttributeKeys), len(want))
	}
	for i, s := range specs {
		if s.Key != AttributeKeys[i] {
			t.Errorf("spec %d is %s, AttributeKeys has %s", i, s.Key, AttributeKeys[i])
		}
		if got := s.Message(); got != want[s.Key] {
			t.Errorf("%s: Message() = %q, want %q", s.Key, got, want[s.Key])
		}
		if got, ok := LookupAttribute(s.Key); !ok || got.Key != s.Key {
			t.Errorf("LookupAttribute(%q) = %v, %v", s.Key, got.Key, ok)
		}
		if got := DefaultAttributes().Value(s.Key); got != s.Default && !(s.Default == "" && got == "") {
			t.Errorf("%s: default %q, spec %q", s.Key, got, s.Default)
		}
	}
	if _, ok := LookupAttribute("stickiness.duration"); ok {
		t.Error("LookupAttribute knows an attribute AWS does not have")
	}
	s, _ := LookupAttribute(KeyLBCookieDuration)
	if s.MinDuration() != time.Second || s.MaxDuration() != 7*24*time.Hour {
		t.Errorf("stickiness duration: %v to %v; want 1s to 7 days", s.MinDuration(), s.MaxDuration())
	}
	ty, _ := LookupAttribute(KeyStickinessType)
	ty.Values[0] = "changed"
	specs[1].Values[1] = "changed"
	if StickinessChoices()[1] != "lb_cookie" || StickinessChoices()[2] != "app_cookie" {
		t.Error("a caller's copy of a spec changed the table")
	}
	a := attrsWith(t, KeyStickinessEnabled, "true", KeyAlgorithm, "weighted_random")
	if err := a.Validate(); err == nil || err.(*ValidationError).Message != MessageStickinessWithWeightedRandom {
		t.Errorf("stickiness with weighted_random: %v, want %q", err, MessageStickinessWithWeightedRandom)
	}
}

// TestStickinessChoices checks the lab's one-word stickiness settings.
func TestStickinessChoices(t *testing.T) {
	if got := strings.Join(StickinessChoices(), " "); got != "off lb_cookie app_cookie" {
		t.Errorf("StickinessChoices = %s", got)
	}
	for _, tt := range []struct {
		choice  string
		enabled bool
		kind    StickinessType
	}{{"off", false, LBCookie}, {"lb_cookie", true, LBCookie}, {"app_cookie", true, AppCookie}} {
		a := DefaultAttributes()
		if err := a.SetStickiness(tt.choice); err != nil {
			t.Fatalf("SetStickiness(%q) = %v", tt.choice, err)
		}
		if a.StickinessEnabled != tt.enabled || a.StickinessType != tt.kind || a.Stickiness() != tt.choice {
			t.Errorf("SetStickiness(%q): enabled %v, type %s, Stickiness %q", tt.choice, a.StickinessEnabled, a.StickinessType, a.Stickiness())
		}
	}
	for _, bad := range []string{"source_ip", "on", "", "LB_COOKIE"} {
		a := DefaultAttributes()
		if err := a.SetStickiness(bad); err == nil || a != DefaultAttributes() {
			t.Errorf("SetStickiness(%q) = %v, attributes %+v", bad, err, a)
		}
	}
}

// TestSetOutOfRangeMessage: a whole number of seconds too big (or below 0)
// gets the attribute's range, not "must be a whole number".
func TestSetOutOfRangeMessage(t *testing.T) {
	spec, _ := LookupAttribute(KeyLBCookieDuration)
	for value, want := range map[string]string{
		"99999999999999999999": spec.Message() + ", not '99999999999999999999'",
		"-1":                   spec.Message() + ", not '-1'",
		"1.5":                  "'" + KeyLBCookieDuration + "' must be a whole number of seconds, not '1.5'",
	} {
		a := DefaultAttributes()
		var ve *ValidationError
		if err := a.Set(KeyLBCookieDuration, value); !errors.As(err, &ve) || ve.Message != want {
			t.Errorf("Set(%q): %v, want %q", value, err, want)
		}
	}
}
