package app

import (
	"fmt"
	"strings"

	"github.com/stickylab/stickylab/engine"
)

// presetGroups says a preset's listener rule, if it forwards to weighted
// target groups: each group's weight and instances, group stickiness.
func presetGroups(b *strings.Builder, p engine.Preset) {
	if len(p.Groups) == 0 {
		return
	}
	b.WriteString("; the listener rule forwards to ")
	for i, g := range p.Groups {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(b, "%s (weight %d, %s)", g.Name, g.Weight, plural(g.Instances, "instance"))
	}
	if p.GroupStickiness > 0 {
		b.WriteString(" with group stickiness " + durationWords(p.GroupStickiness))
	} else {
		b.WriteString(" without group stickiness")
	}
}
