package engine

import (
	"fmt"
	"time"
)

// SlowStartShare returns the share of a full target's requests t is given
// at now: growing linearly from 0 to 1 over its slow start, 1 outside it.
func (t *Target) SlowStartShare(now time.Time) float64 {
	if !t.InSlowStart(now) {
		return 1
	}
	return float64(now.Sub(t.SlowStartFrom)) / float64(t.SlowStartUntil.Sub(t.SlowStartFrom))
}

// InSlowStart reports whether t is in slow start at now.
func (t *Target) InSlowStart(now time.Time) bool {
	return !t.SlowStartUntil.IsZero() && now.Before(t.SlowStartUntil)
}

// slowStartTurn reports whether t takes its round robin turn at now: always
// outside slow start; in it, each turn adds its share to what t is owed,
// and t takes the turn once owed a whole request.
func (t *Target) slowStartTurn(now time.Time) bool {
	if !t.InSlowStart(now) {
		return true
	}
	t.slowCredit += t.SlowStartShare(now)
	if t.slowCredit < 1 {
		return false
	}
	t.slowCredit--
	return true
}

// beginSlowStart puts t, just found healthy, in slow start when tg has
// slow start on and another healthy target is not in slow start: never in
// an empty group, never for targets healthy before (REFERENCE.md §4).
func (tg *TargetGroup) beginSlowStart(t *Target) {
	d := tg.attrs.SlowStart
	if d == 0 || !t.SlowStartUntil.IsZero() {
		return
	}
	lb := tg.lb
	for _, x := range tg.targets {
		if x != t && x.State == StateHealthy && !x.InSlowStart(lb.now) {
			t.SlowStartFrom, t.SlowStartUntil, t.slowCredit = lb.now, lb.now.Add(d), 0
			t.slowGen++
			tg.pool.SlowStart++
			lb.sched.push(scheduled{at: t.SlowStartUntil.UnixNano(), kind: evSlowStartDone, idx: int32(t.Number), gen: t.slowGen})
			lb.emit(&Event{Kind: EventTargetChanged, Target: t.Name, Detail: fmt.Sprintf("slow start for %s, until %s: its share grows linearly to a full one", d, t.SlowStartUntil.Format(time.TimeOnly))})
			return
		}
	}
}

// endSlowStart takes t out of slow start, if it is in it, saying why.
func (tg *TargetGroup) endSlowStart(t *Target, why string) {
	if t.SlowStartUntil.IsZero() {
		return
	}
	t.SlowStartFrom, t.SlowStartUntil, t.slowCredit = time.Time{}, time.Time{}, 0
	t.slowGen++ // cancels the scheduled end
	tg.pool.SlowStart--
	tg.lb.emit(&Event{Kind: EventTargetChanged, Target: t.Name, Detail: "slow start over: " + why})
}

// slowStartOnStateChange applies the slow start rules to t's move from one
// state to another: it enters on becoming healthy, and leaves on becoming
// unhealthy, draining or unused.
func (tg *TargetGroup) slowStartOnStateChange(t *Target, from, to TargetState) {
	switch {
	case to == StateHealthy:
		tg.beginSlowStart(t)
	case from == StateHealthy:
		tg.endSlowStart(t, "the target is "+string(to))
	}
}

// slowStartOnAttributes ends every slow start when slow start is turned
// off; a target already in slow start keeps its window otherwise.
func (tg *TargetGroup) slowStartOnAttributes() {
	if tg.attrs.SlowStart != 0 || tg.pool.SlowStart == 0 {
		return
	}
	for _, t := range tg.targets {
		tg.endSlowStart(t, "slow start turned off")
	}
}
