package app

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/stickylab/stickylab/engine"
)

// groupNames name the target groups of a setup's weighted forward action,
// in order: blue and green, as in a blue/green deployment, then more.
var groupNames = [engine.MaxForwardTargetGroups]string{"blue", "green", "group-3", "group-4", "group-5"}

// minURLGroups is the fewest weights the URL takes: one weight is the
// default single target group.
const minURLGroups = 2

// parseWeights reads "80,20" into weights, or says what is wrong.
func parseWeights(v string) ([]int, error) {
	parts := strings.Split(v, ",")
	if len(parts) < minURLGroups || len(parts) > engine.MaxForwardTargetGroups {
		return nil, fmt.Errorf("give %d to %d whole numbers separated by commas, one weight per target group", minURLGroups, engine.MaxForwardTargetGroups)
	}
	ws := make([]int, len(parts))
	for i, p := range parts {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil {
			return nil, fmt.Errorf("weight %d (%q) is not a whole number", i+1, p)
		}
		ws[i] = n
	}
	return ws, nil
}

// formatWeights writes weights as the URL does: "80,20".
func formatWeights(ws []int) string {
	s := make([]string, len(ws))
	for i, w := range ws {
		s[i] = strconv.Itoa(w)
	}
	return strings.Join(s, ",")
}

// weightList returns the setup's weights, nil for one target group.
func (s Setup) weightList() []int {
	if s.Weights == "" {
		return nil
	}
	ws, _ := parseWeights(s.Weights) // ParseSetup admits only valid weights
	return ws
}

// TargetGroups returns the weighted target groups the setup asks for, each
// with Instances instances and the setup's attributes; nil for one group.
func (s Setup) TargetGroups() []engine.TargetGroupConfig {
	ws := s.weightList()
	if ws == nil {
		return nil
	}
	out := make([]engine.TargetGroupConfig, len(ws))
	for i, w := range ws {
		a := s.Attributes()
		out[i] = engine.TargetGroupConfig{Name: groupNames[i], Weight: w, Instances: s.Instances, Attributes: &a}
	}
	return out
}

// GroupStickinessConfig returns the setup's group stickiness.
func (s Setup) GroupStickinessConfig() engine.TargetGroupStickinessConfig {
	return engine.TargetGroupStickinessConfig{Enabled: s.GroupStickiness > 0, DurationSeconds: int(s.GroupStickiness / time.Second)}
}

// forward sets cfg's weighted forward action when the setup asks for one.
func (s Setup) forward(cfg *engine.Config) {
	if groups := s.TargetGroups(); groups != nil {
		cfg.Instances, cfg.Attributes = 0, nil
		cfg.TargetGroups, cfg.TargetGroupStickiness = groups, s.GroupStickinessConfig()
	}
}

// parseGroups reads weights and group_stickiness into s (ParseSetup):
// each value checked by the engine, then the combination with the target
// groups' attributes; a refused combination keeps one target group.
func parseGroups(q url.Values, s *Setup) []string {
	var msgs []string
	bad := func(key, value, want, using string) {
		msgs = append(msgs, fmt.Sprintf("URL parameter %s=%q is not valid: %s. Using %s.", key, value, clause(want), using))
	}
	message := func(err error) string {
		if v := (*engine.ValidationError)(nil); errors.As(err, &v) {
			return v.Message
		}
		return err.Error()
	}
	two := func(ws []int) []engine.TargetGroupConfig {
		out := make([]engine.TargetGroupConfig, len(ws))
		for i, w := range ws {
			out[i] = engine.TargetGroupConfig{Name: groupNames[i], Weight: w}
		}
		return out
	}
	if s.Type != engine.ApplicationLoadBalancer {
		// The engine refuses weighted target groups on Classic and Network.
		for _, k := range []string{"weights", "group_stickiness"} {
			if v, ok := first(q, k); ok {
				msgs = append(msgs, fmt.Sprintf("URL parameter %s=%q does not apply to a %s: %s. Using %s.", k, v, s.Type.Title(),
					clause(fmt.Sprintf(engine.MessageWeightedNotALB, s.Type.Title())), map[string]string{"weights": "one target group", "group_stickiness": "group stickiness off"}[k]))
			}
		}
		return msgs
	}
	if v, ok := first(q, "weights"); ok {
		ws, err := parseWeights(v)
		if err == nil {
			err = engine.ValidateForward(two(ws), engine.TargetGroupStickinessConfig{})
		}
		if err != nil {
			bad("weights", v, message(err), "one target group")
		} else {
			s.Weights = formatWeights(ws)
		}
	}
	if v, ok := first(q, "group_stickiness"); ok {
		n, err := strconv.Atoi(v)
		if err == nil {
			err = engine.ValidateForward(two([]int{1, 1}), engine.TargetGroupStickinessConfig{Enabled: true, DurationSeconds: n})
		} else {
			err = errors.New("give whole seconds")
		}
		switch {
		case err != nil:
			bad("group_stickiness", v, message(err), "group stickiness off")
		case s.Weights == "":
			msgs = append(msgs, fmt.Sprintf("URL parameter group_stickiness=%q needs weights (e.g. weights=80,20): group stickiness belongs to a rule forwarding to several target groups. Using group stickiness off.", v))
		default:
			s.GroupStickiness = time.Duration(n) * time.Second
		}
	}
	if s.Weights == "" {
		return msgs
	}
	if n := len(s.weightList()); n*s.Instances > engine.MaxInstances {
		per := engine.MaxInstances / n
		msgs = append(msgs, fmt.Sprintf("URL parameters weights=%s and instances=%d ask for %d instances (instances is per target group); the lab runs at most %d. Using %d per target group.", s.Weights, s.Instances, n*s.Instances, engine.MaxInstances, per))
		s.Instances = per
	}
	if err := engine.ValidateForward(s.TargetGroups(), s.GroupStickinessConfig()); err != nil {
		msgs = append(msgs, fmt.Sprintf("URL parameters weights=%s and stickiness=%s cannot be combined: %s. Using one target group.", s.Weights, s.Stickiness, clause(message(err))))
		s.Weights, s.GroupStickiness = "", 0
	}
	return msgs
}
