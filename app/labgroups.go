package app

import (
	"fmt"
	"slices"

	"github.com/maxence-charriere/go-app/v9/pkg/app"

	"github.com/stickylab/stickylab/engine"
)

// weighted reports whether the listener forwards to several target groups.
func weighted(lb *engine.LoadBalancer) bool { return len(lb.TargetGroups()) > 1 }

// editing returns the target group the attributes form edits: the one
// picked in the listener rule, or the default one.
func (l *Lab) editing() *engine.TargetGroup {
	if tg := l.m.lb.TargetGroupByName(l.grp); tg != nil {
		return tg
	}
	return l.m.lb.TargetGroup
}

// rulePanel is the listener rule's panel, nil with one target group.
func (l *Lab) rulePanel() app.UI {
	lb := l.m.lb
	if !weighted(lb) {
		return nil
	}
	f := lb.Forward()
	groups := make([]RuleGroup, len(f.TargetGroups))
	for i, g := range f.TargetGroups {
		groups[i] = RuleGroup{Name: g.TargetGroup.Name, Weight: g.Weight, Instances: len(g.TargetGroup.Targets())}
	}
	return &ListenerRulePanel{IGroups: groups, IStickiness: f.TargetGroupStickinessConfig, IEditing: l.editing().Name,
		IOnSave: l.saveRule, IOnSaved: l.ruleSaved, IOnEdit: func(name string) { l.grp = name }}
}

// attributesForm is the attributes form of the target group picked.
func (l *Lab) attributesForm() app.UI {
	tg := l.editing()
	return &AttributesForm{IGroup: tg.Name, IAttributes: tg.Attributes(), INetwork: l.m.lb.Type == engine.NetworkLoadBalancer,
		IOnSave: l.saveGroupAttributes, IOnSaved: l.attributesSaved}
}

// saveGroupAttributes saves the attributes of the target group picked.
func (l *Lab) saveGroupAttributes(a engine.Attributes) error {
	name := ""
	if tg := l.editing(); tg != l.m.lb.TargetGroup {
		name = tg.Name
	}
	_, err := l.m.do(Action{Do: DoSaveAttributes, Name: name, Attributes: attributeValues(a)})
	return err
}

// saveRule applies the listener rule's weights and group stickiness: the
// whole rule is checked first, as ModifyRule does, so nothing changes on
// error; then each change is its own action.
func (l *Lab) saveRule(ws []int, s engine.TargetGroupStickinessConfig) error {
	f := l.m.lb.Forward()
	cfgs := make([]engine.TargetGroupConfig, len(f.TargetGroups))
	old := make([]int, len(f.TargetGroups))
	for i, g := range f.TargetGroups {
		a := g.TargetGroup.Attributes()
		cfgs[i] = engine.TargetGroupConfig{Name: g.TargetGroup.Name, Weight: ws[i], Instances: 1, Attributes: &a}
		old[i] = g.Weight
	}
	if err := engine.ValidateForward(cfgs, s); err != nil {
		return err
	}
	if !slices.Equal(ws, old) {
		if err := l.m.setWeights(ws); err != nil {
			return err
		}
	}
	if s != f.TargetGroupStickinessConfig {
		return l.m.setGroupStickiness(s)
	}
	return nil
}

// ruleSaved announces how a Save of the listener rule ended.
func (l *Lab) ruleSaved(err error) {
	if err != nil {
		l.announce("Listener rule not saved: " + err.Error())
		return
	}
	l.announce("Listener rule saved: the load balancer forwards with these weights now.")
}

// groupSentence says which target group answered ex, with one target
// group "".
func groupSentence(lb *engine.LoadBalancer, ex *engine.Exchange) string {
	if servedGroup(lb, ex) == "" {
		return ""
	}
	return fmt.Sprintf(" Target group %s: %s.", ex.TargetGroup, ex.GroupReason.GroupText())
}

// servedGroup returns the target group that answered ex, "" with one
// target group or none.
func servedGroup(lb *engine.LoadBalancer, ex *engine.Exchange) string {
	if ex == nil || !weighted(lb) || ex.Reason == engine.ReasonDirect {
		return ""
	}
	return ex.TargetGroup
}

// servedGroupWhy says why the listener forwarded ex to its target group.
func servedGroupWhy(ex *engine.Exchange) string {
	if ex == nil {
		return ""
	}
	return ex.GroupReason.GroupText()
}

// describeGroupVerdict words the load balancer's verdict on AWSALBTG or
// AWSALBTGCORS, and reports whether it keeps the request on its group.
func describeGroupVerdict(lb *engine.LoadBalancer, vd engine.CookieVerdict) (string, bool) {
	text := vd.Text(lb.TargetGroup) // the engine's words for group cookies
	switch {
	case vd.Role == engine.RoleDisabled:
		return text, false
	case vd.Err != nil:
		return "Not accepted: " + vd.Err.Error() + ". The load balancer treats it as no cookie: the weights pick a target group, and it is rewritten.", false
	case vd.TargetGroup == nil:
		return "Not accepted: it names a target group this rule does not forward to. " + text, false
	}
	s := fmt.Sprintf("Names target group %s, issued %s ago. %s", vd.TargetGroup.Name, vd.Age, text)
	if vd.Role == engine.RoleFollowed && vd.Reason == engine.ReasonSticky {
		return s + fmt.Sprintf(" Sticky for %s more unless refreshed (each response re-issues it).", vd.Left), true
	}
	return s, false
}
