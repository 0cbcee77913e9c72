package app

import (
	"fmt"
	"strconv"

	"github.com/stickylab/stickylab/engine"
)

// The actions on a listener rule forwarding to weighted target groups.
const (
	DoSetWeights      = "set-weights"      // the rule's weights in order, "0,100" (Name)
	DoGroupStickiness = "group-stickiness" // the rule's group stickiness: seconds, or "off" (Name)
)

// groupStickinessOff is the Name of a group-stickiness action turning it off.
const groupStickinessOff = "off"

// group returns the target group called name, the default one for "".
func (m *model) group(name string) (*engine.TargetGroup, error) {
	if name == "" {
		return m.lb.TargetGroup, nil
	}
	if tg := m.lb.TargetGroupByName(name); tg != nil {
		return tg, nil
	}
	return nil, fmt.Errorf("there is no target group %q", name)
}

// applyGroups carries out a set-weights or group-stickiness action.
func (m *model) applyGroups(a *Action) error {
	if a.Do == DoSetWeights {
		ws, err := parseWeights(a.Name)
		if err != nil {
			return err
		}
		return m.lb.SetTargetGroupWeights(ws...)
	}
	cfg, err := groupStickinessOf(a.Name)
	if err != nil {
		return err
	}
	return m.lb.SetTargetGroupStickiness(cfg)
}

// groupStickinessOf reads a group-stickiness action's Name.
func groupStickinessOf(v string) (engine.TargetGroupStickinessConfig, error) {
	if v == groupStickinessOff {
		return engine.TargetGroupStickinessConfig{}, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return engine.TargetGroupStickinessConfig{}, fmt.Errorf("group stickiness %q is neither seconds nor %q", v, groupStickinessOff)
	}
	return engine.TargetGroupStickinessConfig{Enabled: true, DurationSeconds: n}, nil
}

// groupStickinessName is the Name of a group-stickiness action for s.
func groupStickinessName(s engine.TargetGroupStickinessConfig) string {
	if !s.Enabled {
		return groupStickinessOff
	}
	return strconv.Itoa(s.DurationSeconds)
}

// setWeights sets the rule's weights, as the listener rule panel's Save does.
func (m *model) setWeights(ws []int) error {
	_, err := m.do(Action{Do: DoSetWeights, Name: formatWeights(ws)})
	return err
}

// setGroupStickiness sets the rule's group stickiness.
func (m *model) setGroupStickiness(s engine.TargetGroupStickinessConfig) error {
	_, err := m.do(Action{Do: DoGroupStickiness, Name: groupStickinessName(s)})
	return err
}
