package app

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stickylab/stickylab/engine"
)

// worldSummary describes what a learner sees of a lab: the request log, the
// fleet, the metrics, the clock and the cookies the lab expects.
func worldSummary(m *model) string {
	var b strings.Builder
	fmt.Fprintf(&b, "now %s requests %d metrics %+v\n", m.lb.Now().Format(time.RFC3339Nano), m.requests, m.lb.Metrics())
	for _, ex := range m.log {
		fmt.Fprintf(&b, "%s %s %d %s %s %s visits=%d cart=%d\n", ex.Time.Format(time.RFC3339Nano), ex.Path, ex.Status, ex.TargetName, ex.Reason, ex.Session, ex.Visits, ex.Cart)
	}
	for _, t := range m.lb.Instances() {
		fmt.Fprintf(&b, "%s %s running=%v sessions=%d\n", t.Name, t.State, t.Running, t.Sessions().Len())
	}
	for _, c := range cookieValues(m.shadow.Cookies(m.lb.Now())) {
		fmt.Fprintf(&b, "cookie %s=%s\n", c.Name, c.Value)
	}
	if m.last != nil {
		fmt.Fprintf(&b, "last %s %s\n", m.last.TargetName, m.last.Reason)
	}
	fmt.Fprintf(&b, "preset %q crowd %v\n", m.preset, m.lb.Crowd() != nil)
	b.WriteString(forwardSummary(m)) // journalgroups_test.go
	return b.String()
}

// checkReplay replays m's journal and fails unless it rebuilds m's world.
func checkReplay(t *testing.T, m *model) *model {
	t.Helper()
	raw, err := json.Marshal(m.journal.Actions)
	if err != nil {
		t.Fatal(err)
	}
	var actions []Action
	if err := json.Unmarshal(raw, &actions); err != nil {
		t.Fatal(err)
	}
	r, err := replay(m.journal.Setup, m.journal.Start, actions, Options{Now: m.player.now})
	if err != nil {
		t.Fatalf("replay: %v", err)
	}
	r.lb.AdvanceTo(m.lb.Now())
	if got, want := worldSummary(r), worldSummary(m); got != want {
		t.Fatalf("replayed world differs:\n--- replayed\n%s--- live\n%s", got, want)
	}
	return r
}

func TestReplayRebuildsTheArticle(t *testing.T) {
	m, clock := newTestModel(t, "", nil)
	step := func(d time.Duration) { clock.Advance(d); m.sync() }
	m.openDirect("Instance 2")
	step(1500 * time.Millisecond)
	for range 3 {
		m.refresh()
		step(700 * time.Millisecond)
	}
	a, _ := m.lb.TargetGroup.Attributes().With(engine.KeyStickinessEnabled, "true", engine.KeyLBCookieDuration, "30")
	if _, err := m.do(Action{Do: DoSaveAttributes, Attributes: attributeValues(a)}); err != nil {
		t.Fatal(err)
	}
	m.refresh()
	step(time.Second)
	m.refresh()
	// Deleted in DevTools: the lab hears of it on the next request only.
	m.jar.Delete(engine.CookieAWSALB)
	m.jar.Delete(engine.CookieAWSALBCORS)
	step(2 * time.Second)
	ex := m.refresh()
	if ex.Reason != engine.ReasonNewClient {
		t.Fatalf("after the cookies were deleted: %s, want a new pick", ex.Reason)
	}
	if got := m.journal.Actions[len(m.journal.Actions)-1]; got.Cookies == nil {
		t.Fatal("the refresh after a deletion in DevTools did not note the cookies it carried")
	}
	step(40 * time.Second) // the cookie runs out
	m.refresh()
	m.do(Action{Do: DoStopInstance, Instance: m.last.TargetName})
	step(90 * time.Second)
	m.refresh()
	m.do(Action{Do: DoExternalStoreOn})
	m.do(Action{Do: DoDeleteCookie, Name: engine.CookieAWSALB})
	step(time.Second)
	m.refresh()
	checkReplay(t, m)
}

func TestReplayRebuildsTheTrafficLab(t *testing.T) {
	m, clock := newTestModel(t, "stickiness=lb_cookie", nil)
	step := func(d time.Duration) { clock.Advance(d); m.sync() }
	m.refresh()
	if err := m.startCrowd(engine.CrowdConfig{Clients: 40, ThinkTime: 2 * time.Second, ClearShare: 0.2}); err != nil {
		t.Fatal(err)
	}
	step(20 * time.Second)
	m.do(Action{Do: DoLaunch})
	m.do(Action{Do: DoSlowDown, Instance: "Instance 1"})
	step(10 * time.Second)
	m.do(Action{Do: DoDeregister, Instance: "Instance 2"})
	m.refresh()
	step(15 * time.Second)
	m.stopCrowd()
	if err := m.applyPreset("instance-fails"); err != nil {
		t.Fatal(err)
	}
	step(30 * time.Second)
	m.refresh()
	checkReplay(t, m)
}

func TestReplayKeepsFailedActionsOut(t *testing.T) {
	m, _ := newTestModel(t, "", nil)
	if _, err := m.do(Action{Do: DoStopInstance, Instance: "Instance 9"}); err == nil {
		t.Fatal("stopping Instance 9 worked")
	}
	if len(m.journal.Actions) != 0 {
		t.Fatalf("a failed action was journaled: %+v", m.journal.Actions)
	}
}

func TestReplayRefusesBadJournals(t *testing.T) {
	m, _ := newTestModel(t, "", nil)
	m.refresh()
	m.refresh()
	for name, tc := range map[string]struct {
		edit func([]Action)
		want string
	}{
		"unknown":      {func(as []Action) { as[1].Do = "reboot" }, `action 2 (reboot) failed: unknown action "reboot"`},
		"back in time": {func(as []Action) { as[0].At = as[1].At + 5 }, "action 2 (refresh) goes back in time"},
		"no instance":  {func(as []Action) { as[1] = Action{At: as[1].At, Do: DoStopInstance, Instance: "i-nope"} }, "action 2 (stop-instance) failed"},
		"bad attributes": {func(as []Action) {
			as[1] = Action{At: as[1].At, Do: DoSaveAttributes, Attributes: map[string]string{"stickiness.enabled": "maybe"}}
		}, "action 2 (save-attributes) failed"},
	} {
		t.Run(name, func(t *testing.T) {
			as := slices.Clone(m.journal.Actions)
			tc.edit(as)
			_, err := replay(m.journal.Setup, m.journal.Start, as, Options{Now: m.player.now})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("replay: %v, want %q", err, tc.want)
			}
		})
	}
}

// FuzzReplay runs a random sequence of the learner's actions, with cookies
// deleted or edited behind the lab's back as in DevTools, and checks that a
// replay of the journal rebuilds the same lab.
func FuzzReplay(f *testing.F) {
	f.Add([]byte{0, 0, 0, 3, 1, 0, 5, 2, 9, 0, 0, 0})
	f.Add([]byte{3, 1, 4, 0, 2, 7, 8, 1, 0, 12, 2, 1, 13, 0, 0, 6, 0, 0})
	f.Add([]byte{10, 0, 1, 0, 0, 200, 0, 0, 90, 11, 2, 3, 0, 1, 0})
	f.Fuzz(func(t *testing.T, script []byte) {
		if len(script) > 120 {
			script = script[:120]
		}
		m, clock := newTestModel(t, "stickiness=lb_cookie&duration=20", nil)
		names := []string{"Instance 1", "Instance 2", "Instance 3"}
		for i := 0; i+2 < len(script); i += 3 {
			op, arg, wait := script[i]%15, script[i+1], script[i+2]
			name := names[int(arg)%len(names)]
			switch op {
			case 0, 1, 2:
				m.refresh()
			case 3:
				m.openDirect(name)
			case 4:
				m.do(Action{Do: DoStopInstance, Instance: name})
			case 5:
				m.do(Action{Do: DoStartInstance, Instance: name})
			case 6:
				m.do(Action{Do: DoFailChecks, Instance: name})
			case 7:
				m.do(Action{Do: DoPassChecks, Instance: name})
			case 8:
				m.do(Action{Do: DoDeregister, Instance: name})
			case 9:
				m.do(Action{Do: DoRegister, Instance: name})
			case 10:
				a, _ := m.lb.TargetGroup.Attributes().With(engine.KeyStickinessEnabled, []string{"true", "false"}[arg%2])
				m.do(Action{Do: DoSaveAttributes, Attributes: attributeValues(a)})
			case 11:
				m.jar.Delete([]string{engine.CookieAWSALB, engine.CookieAWSALBCORS, engine.SessionCookie}[int(arg)%3]) // DevTools
			case 12:
				m.jar.SetCookies(m.lb.Now(), []engine.StoredCookie{{Name: engine.CookieAWSALB, Value: fmt.Sprintf("edited-%d", arg), Path: "/"}})
			case 13:
				m.do(Action{Do: []string{DoExternalStoreOn, DoExternalStoreOff}[arg%2]})
			case 14:
				m.do(Action{Do: DoDeleteCookie, Name: engine.CookieAWSALB})
			}
			clock.Advance(time.Duration(wait) * 137 * time.Millisecond)
			m.sync()
		}
		checkReplay(t, m)
	})
}

// FuzzReplayTypes runs random actions of a Classic and a Network lab (Edit
// stickiness, new connections, AWSELB deleted or edited in DevTools, a NAT
// crowd) and checks that a replay, and a shared link, rebuild the same lab.
func FuzzReplayTypes(f *testing.F) {
	f.Add(false, []byte{0, 0, 3, 1, 1, 0, 0, 0, 9, 2, 5, 2, 0, 0, 0})
	f.Add(true, []byte{0, 0, 3, 6, 0, 0, 0, 0, 9, 7, 1, 3, 0, 0, 0, 8, 0, 50, 6, 0, 0})
	f.Fuzz(func(t *testing.T, network bool, script []byte) {
		if len(script) > 90 {
			script = script[:90]
		}
		q := "lb=classic&stickiness=lb_cookie&duration=20"
		if network {
			q = "lb=network"
		}
		m, clock := newTestModel(t, q, nil)
		names := []string{"Instance 1", "Instance 2", "Instance 3"}
		policies := []engine.ClassicStickiness{{}, {Type: engine.LBCookieStickinessPolicyType},
			{Type: engine.LBCookieStickinessPolicyType, CookieExpirationPeriod: 5 * time.Second},
			{Type: engine.AppCookieStickinessPolicyType, CookieName: engine.SessionCookie},
			{Type: engine.AppCookieStickinessPolicyType}} // refused: no cookie name
		for i := 0; i+2 < len(script); i += 3 {
			op, arg, wait := script[i]%10, script[i+1], script[i+2]
			name := names[int(arg)%len(names)]
			switch op {
			case 0, 1, 2:
				m.refresh()
			case 3:
				if network {
					m.newConnection()
				} else {
					m.editStickiness(policies[int(arg)%len(policies)])
				}
			case 4:
				m.do(Action{Do: DoStopInstance, Instance: name})
			case 5:
				m.do(Action{Do: DoStartInstance, Instance: name})
			case 6:
				m.jar.Delete([]string{engine.CookieAWSELB, engine.CookieAWSELBCORS, engine.SessionCookie}[int(arg)%3]) // DevTools
			case 7:
				if network {
					a, _ := m.lb.TargetGroup.Attributes().With(engine.KeyStickinessEnabled, []string{"true", "false"}[arg%2])
					m.do(Action{Do: DoSaveAttributes, Attributes: attributeValues(a)})
				} else {
					m.jar.SetCookies(m.lb.Now(), []engine.StoredCookie{{Name: engine.CookieAWSELB, Value: fmt.Sprintf("EDITED%d", arg), Path: "/"}})
				}
			case 8:
				m.startCrowd(engine.CrowdConfig{Clients: 1 + int(arg)%20, ThinkTime: time.Second, NATShare: float64(arg%3) / 2, NATGateways: int(arg % 3)})
			case 9:
				m.do(Action{Do: DoFailChecks, Instance: name})
			}
			clock.Advance(time.Duration(wait) * 137 * time.Millisecond)
			m.sync()
		}
		checkReplay(t, m)
		s, err := scenarioOf(m, labParams(mustQuery(t, q)), Options{})
		if err != nil {
			t.Fatal(err)
		}
		got, _, err := scenarioFromQuery(mustQuery(t, scenarioQuery(s)))
		if err != nil {
			t.Fatalf("the link %s: %v", scenarioQuery(s), err)
		}
		if !slices.EqualFunc(got.Actions, s.Actions, func(a, b ScenarioAction) bool { return reflect.DeepEqual(normalAction(a), normalAction(b)) }) {
			t.Fatalf("the link changed the actions:\n%+v\n%+v", got.Actions, s.Actions)
		}
	})
}

// normalAction makes empty lists and maps nil.
func normalAction(a ScenarioAction) ScenarioAction {
	if len(a.Attributes) == 0 {
		a.Attributes = nil
	}
	if len(a.WithoutCookies) == 0 {
		a.WithoutCookies = nil
	}
	if len(a.WithCookies) == 0 {
		a.WithCookies = nil
	}
	return a
}
