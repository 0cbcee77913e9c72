package app

import (
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/stickylab/stickylab/engine"
)

// Setup is the lab's starting state, read from the page URL so a course
// can link to a prepared lab, e.g. ?stickiness=lb_cookie&duration=30.
type Setup struct {
	Type       engine.LoadBalancerType
	Stickiness string // one of engine.StickinessChoicesFor(Type)
	// Duration is the stickiness duration; for Classic the expiration
	// period, 0 for a browser-session cookie.
	Duration  time.Duration
	Algorithm engine.Algorithm
	Instances int // per target group
	Seed      uint64
	// Weights ("80,20") make the listener forward to one target group per
	// weight (setupgroups.go); "" is one target group. GroupStickiness is
	// the rule's group stickiness, 0 for off. Application only.
	Weights         string
	GroupStickiness time.Duration
}

// DefaultSetup is the article's starting point: three instances, no
// stickiness, AWS's defaults.
func DefaultSetup() Setup {
	a := engine.DefaultAttributes()
	return Setup{Type: engine.ApplicationLoadBalancer, Stickiness: engine.StickinessOff, Duration: a.LBCookieDuration, Algorithm: a.Algorithm, Instances: 3, Seed: 1}
}

// MaxLabInstances is the most instances a URL can ask for.
const MaxLabInstances = 10

// ParseSetup reads the URL parameters lb, stickiness, duration, algorithm,
// instances, seed, weights and group_stickiness, with a lesson's setup for
// those left out. A bad value keeps its default and adds a message that
// says what was wrong and what the lab uses instead.
func ParseSetup(q url.Values) (Setup, []string) {
	msgs := misspelledParams(q)
	q = clipValues(q)
	q = withLessonSetup(q) // a lesson brings its type and rule (lessons.go)
	s := DefaultSetup()
	bad := func(key, value, want, using string) {
		msgs = append(msgs, fmt.Sprintf("URL parameter %s=%q is not valid: %s. Using %s.", key, value, clause(want), using))
	}
	if v, ok := first(q, "lb"); ok {
		if t := engine.LoadBalancerType(v); slices.Contains(engine.LoadBalancerTypes, t) {
			s.Type = t
		} else {
			bad("lb", v, "use "+orList(typeNames()), string(s.Type))
		}
	}
	def := defaultSetupFor(s.Type, s)
	s = def
	if v, ok := first(q, "stickiness"); ok {
		if choices := engine.StickinessChoicesFor(s.Type); slices.Contains(choices, v) {
			s.Stickiness = v
		} else {
			bad("stickiness", v, withArticle(s.Type.Title())+" takes "+orList(choices), def.Stickiness)
		}
	}
	if v, ok := first(q, "duration"); ok && s.Type != engine.ApplicationLoadBalancer {
		problems := durationOf(s.Type, v)
		msgs = append(msgs, problems...)
		if p, err := strconv.ParseInt(v, 10, 64); err == nil && s.Type == engine.ClassicLoadBalancer && len(problems) == 0 {
			s.Duration = time.Duration(p) * time.Second
		}
	} else if ok {
		spec, _ := engine.LookupAttribute(engine.KeyLBCookieDuration)
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < spec.Min || n > spec.Max {
			bad("duration", v, fmt.Sprintf("give whole seconds from %d to %d (%s)", spec.Min, spec.Max, durationWords(spec.MaxDuration())),
				fmt.Sprintf("%d (%s)", def.Duration/time.Second, durationWords(def.Duration)))
		} else {
			s.Duration = time.Duration(n) * time.Second
		}
	}
	if v, ok := first(q, "algorithm"); ok && s.Type != engine.ApplicationLoadBalancer && engine.Algorithm(v) != def.Algorithm {
		msgs = append(msgs, fmt.Sprintf("URL parameter algorithm=%q does not apply to a %s: %s. Using %s.", v, s.Type.Title(), clause(algorithmMessage(s.Type)), def.Algorithm))
	} else if ok {
		if a := engine.Algorithm(v); slices.Contains(engine.Algorithms, a) {
			s.Algorithm = a
		} else {
			var names []string
			for _, a := range engine.Algorithms {
				names = append(names, string(a))
			}
			bad("algorithm", v, "use "+orList(names), string(def.Algorithm))
		}
	}
	if v, ok := first(q, "instances"); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxLabInstances {
			bad("instances", v, fmt.Sprintf("give a number from 1 to %d", MaxLabInstances), strconv.Itoa(def.Instances))
		} else {
			s.Instances = n
		}
	}
	if v, ok := first(q, "seed"); ok {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			bad("seed", v, "give a whole number from 0 to 18446744073709551615", strconv.FormatUint(def.Seed, 10))
		} else {
			s.Seed = n
		}
	}
	// Each value is good on its own; the engine says which pairs AWS refuses
	// (stickiness with weighted_random), and the algorithm gives way.
	var v *engine.ValidationError
	if err := s.Attributes().ValidateFor(s.Type); errors.As(err, &v) && v.Key == engine.KeyAlgorithm {
		msgs = append(msgs, fmt.Sprintf("URL parameters stickiness=%s and algorithm=%s cannot be combined: %s. Using %s.", s.Stickiness, s.Algorithm, clause(v.Message), def.Algorithm))
		s.Algorithm = def.Algorithm
	}
	msgs = append(msgs, parseGroups(q, &s)...) // weights, group_stickiness
	return s, msgs
}

// orList joins words as "a, b or c".
func orList(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

// maxShownValue is the most of a URL parameter's value a message quotes.
const maxShownValue = 80

// clipValues returns q with each setup value longer than any valid one cut
// to maxShownValue bytes and "…": a message quotes it, never 100 KB of it.
func clipValues(q url.Values) url.Values {
	long := func(k, v string) bool { return len(v) > maxShownValue && k != linkParam }
	if !slices.ContainsFunc(slices.Collect(maps.Keys(q)), func(k string) bool { return slices.ContainsFunc(q[k], func(v string) bool { return long(k, v) }) }) {
		return q
	}
	c := make(url.Values, len(q))
	for k, vs := range q {
		c[k] = slices.Clone(vs)
		for i, v := range vs {
			if long(k, v) {
				c[k][i] = shorten(v, maxShownValue)
			}
		}
	}
	return c
}

// clause is a message to be joined into a longer one ("…: %s. Using…"):
// without its closing period, so that sentences do not end in "..".
func clause(msg string) string { return strings.TrimSuffix(strings.TrimSpace(msg), ".") }

// durationWords says a duration in its largest whole unit of the
// attributes form: "7 days", "1 day", "90 seconds".
func durationWords(d time.Duration) string {
	for i := len(durationUnits) - 1; i >= 0; i-- {
		if u := durationUnits[i]; d >= u.d && d%u.d == 0 {
			return plural(int(d/u.d), strings.TrimSuffix(u.name, "s"))
		}
	}
	return d.String()
}

func first(q url.Values, key string) (string, bool) {
	vs, ok := q[key]
	if !ok || len(vs) == 0 {
		return "", false
	}
	return strings.TrimSpace(vs[0]), true
}

// Attributes returns the target group attributes the setup asks for (for
// Classic, its instances' health check: stickiness is the listener's).
func (s Setup) Attributes() engine.Attributes {
	a := engine.DefaultAttributesFor(s.Type)
	a.AppCookieName = engine.SessionCookie
	switch s.Type {
	case engine.ClassicLoadBalancer:
		return a
	case engine.NetworkLoadBalancer:
		_ = a.SetStickinessFor(s.Type, s.Stickiness) // ParseSetup admits only its choices
		return a
	}
	a.Algorithm = s.Algorithm
	a.LBCookieDuration = s.Duration
	a.AppCookieDuration = s.Duration
	_ = a.SetStickiness(s.Stickiness) // ParseSetup admits only engine.StickinessChoices
	return a
}

// ListenerStickiness returns a Classic setup's listener policy (Edit
// stickiness): the expiration period, or the application's SESSIONID.
func (s Setup) ListenerStickiness() engine.ClassicStickiness {
	if s.Type != engine.ClassicLoadBalancer {
		return engine.ClassicStickiness{}
	}
	c := engine.ClassicStickiness{CookieExpirationPeriod: s.Duration, CookieName: engine.SessionCookie}
	_ = c.SetChoice(s.Stickiness) // ParseSetup admits only its choices
	return c
}

// defaultSetupFor returns s with type t's defaults: a Classic lab's cookie
// lasts the browser session and its algorithm is least outstanding requests.
func defaultSetupFor(t engine.LoadBalancerType, s Setup) Setup {
	s.Type = t
	s.Algorithm = engine.DefaultAttributesFor(t).Algorithm
	if t == engine.ClassicLoadBalancer {
		s.Duration = 0
	}
	return s
}

// durationOf checks the duration parameter of a Classic or Network lab:
// the expiration period, with AWS's message; a Network one has none.
func durationOf(t engine.LoadBalancerType, v string) []string {
	if t == engine.NetworkLoadBalancer {
		return []string{fmt.Sprintf("URL parameter duration=%q does not apply to a Network Load Balancer: it sets no cookie. Ignoring it.", v)}
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err == nil && n >= 0 && n <= int64(engine.MaxCookieExpirationPeriod/time.Second) {
		return nil
	}
	return []string{fmt.Sprintf("URL parameter duration=%q is not valid: %s. Using no expiration period (a browser-session cookie).", v, clause(engine.MessageCookieExpirationPeriod))}
}

// algorithmMessage says why a type takes no algorithm, in the engine's words.
func algorithmMessage(t engine.LoadBalancerType) string {
	a := engine.DefaultAttributesFor(t)
	a.Algorithm = engine.WeightedRandom
	var v *engine.ValidationError
	if errors.As(a.ValidateFor(t), &v) {
		return v.Message
	}
	return "it has no algorithm setting"
}

// typeNames are the lb parameter's values.
func typeNames() []string {
	var names []string
	for _, t := range engine.LoadBalancerTypes {
		names = append(names, string(t))
	}
	return names
}

// withArticle puts "a" or "an" before a load balancer type's title.
func withArticle(title string) string {
	if title != "" && strings.ContainsRune("AEIOU", rune(title[0])) {
		return "an " + title
	}
	return "a " + title
}

// pageParams are the URL parameters the lab reads besides setupParams.
var pageParams = []string{"view", "embed", "parent"}

// misspelledParams names each URL parameter the lab does not read that is
// one or two letters away from one it does (instance=4, styckyness=…): a
// course's typo. Others (utm_source, a course platform's own) pass quietly.
// A parameter it reads given twice with other values is named too.
func misspelledParams(q url.Values) []string {
	var msgs []string
	read := slices.Concat(setupParams, pageParams)
	for _, k := range slices.Sorted(maps.Keys(q)) {
		if slices.Contains(read, k) {
			if vs := slices.Compact(slices.Clone(q[k])); len(vs) > 1 && k != linkParam {
				msgs = append(msgs, fmt.Sprintf("URL parameter %s is given %d times: the lab uses the first, %q.", k, len(q[k]), shorten(vs[0], maxShownValue)))
			}
			continue
		}
		best, dist := "", 3
		for _, known := range read {
			if d := editDistance(strings.ToLower(k), known); d < dist {
				best, dist = known, d
			}
		}
		if best != "" && len(k) > dist+1 {
			msgs = append(msgs, fmt.Sprintf("URL parameter %s is not one the lab reads: did you mean %s? It is ignored.", k, best))
		}
	}
	return msgs
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev, cur := make([]int, len(b)+1), make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			sub := prev[j-1]
			if a[i-1] != b[j-1] {
				sub++
			}
			cur[j] = min(sub, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
