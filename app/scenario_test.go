package app

import (
	"encoding/json"
	"net/url"
	"os"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stickylab/stickylab/engine"
)

// teacherLab is a teacher's lab worth sharing: stickiness saved, the
// cookie deleted and tampered with in DevTools, an instance stopped and
// opened directly, a cookie deleted with the lab's button.
func teacherLab(t *testing.T) (*model, *fakeClock) {
	t.Helper()
	m, clock := newTestModel(t, "seed=7&duration=60", nil)
	jar := m.jar.(*engine.MemoryJar)
	step := func(d time.Duration) { clock.Advance(d); m.sync() }
	m.refresh()
	step(700 * time.Millisecond)
	a, _ := m.lb.TargetGroup.Attributes().With(engine.KeyStickinessEnabled, "true")
	if _, err := m.do(Action{Do: DoSaveAttributes, Attributes: attributeValues(a)}); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		step(1300 * time.Millisecond)
		m.refresh()
	}
	jar.Delete(engine.CookieAWSALB) // in DevTools: AWSALBCORS stays
	step(2 * time.Second)
	m.refresh()
	jar.Put(clock.Now(), engine.StoredCookie{Name: engine.CookieAWSALBCORS, Value: "tampered", Path: "/"})
	step(time.Second)
	m.refresh()
	m.do(Action{Do: DoStopInstance, Instance: m.last.TargetName})
	step(90 * time.Second)
	m.refresh()
	m.openDirect("Instance 3")
	m.do(Action{Do: DoDeleteCookie, Name: engine.SessionCookie})
	step(5 * time.Second)
	m.refresh()
	m.player.fastForward(time.Minute)
	for m.player.fastForwarding() {
		m.sync()
	}
	step(3 * time.Second)
	return m, clock
}

// trafficTeacher is a teacher's traffic lab: a crowd, a launch, a slow
// instance, a preset.
func trafficTeacher(t *testing.T) (*model, *fakeClock) {
	t.Helper()
	m, clock := newTestModel(t, "stickiness=lb_cookie&algorithm=least_outstanding_requests", nil)
	step := func(d time.Duration) { clock.Advance(d); m.sync() }
	m.refresh()
	if err := m.startCrowd(engine.CrowdConfig{Clients: 30, ThinkTime: 2 * time.Second, ClearShare: 0.25}); err != nil {
		t.Fatal(err)
	}
	step(10 * time.Second)
	m.do(Action{Do: DoLaunch})
	m.do(Action{Do: DoSlowDown, Instance: "Instance 1"})
	step(5 * time.Second)
	m.do(Action{Do: DoExternalStoreOn})
	m.stopCrowd()
	if err := m.applyPreset("scale-out"); err != nil {
		t.Fatal(err)
	}
	step(20 * time.Second)
	m.refresh()
	return m, clock
}

// classicTeacher is a Classic lab: Edit stickiness saved twice (an
// expiration period, then the application's cookie), AWSELB deleted in DevTools.
func classicTeacher(t *testing.T) (*model, *fakeClock) {
	t.Helper()
	m, clock := newTestModel(t, "lb=classic&seed=5", nil)
	step := func(d time.Duration) { clock.Advance(d); m.sync() }
	m.refresh()
	if err := m.editStickiness(engine.ClassicStickiness{Type: engine.LBCookieStickinessPolicyType, CookieExpirationPeriod: 30 * time.Second}); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		step(1100 * time.Millisecond)
		m.refresh()
	}
	m.jar.Delete(engine.CookieAWSELB)
	step(time.Second)
	m.refresh()
	if err := m.editStickiness(engine.ClassicStickiness{Type: engine.AppCookieStickinessPolicyType, CookieName: engine.SessionCookie}); err != nil {
		t.Fatal(err)
	}
	step(time.Second)
	m.refresh()
	return m, clock
}

// networkTeacher is a Network lab: new connections, source IP stickiness
// saved, a crowd behind NAT gateways.
func networkTeacher(t *testing.T) (*model, *fakeClock) {
	t.Helper()
	m, clock := newTestModel(t, "lb=network&seed=9", nil)
	step := func(d time.Duration) { clock.Advance(d); m.sync() }
	for range 3 {
		m.refresh()
		step(time.Second)
		m.newConnection()
	}
	a, _ := m.lb.TargetGroup.Attributes().With(engine.KeyStickinessEnabled, "true")
	if _, err := m.do(Action{Do: DoSaveAttributes, Attributes: attributeValues(a)}); err != nil {
		t.Fatal(err)
	}
	m.refresh()
	if err := m.startCrowd(engine.CrowdConfig{Clients: 40, ThinkTime: time.Second, NATShare: 0.5, NATGateways: 2}); err != nil {
		t.Fatal(err)
	}
	step(5 * time.Second)
	m.newConnection()
	m.refresh()
	return m, clock
}

// travel sends the teacher's lab through a link or a file and back.
var travel = map[string]func(t *testing.T, s Scenario) Scenario{
	"link": func(t *testing.T, s Scenario) Scenario {
		q, err := url.ParseQuery(scenarioQuery(s))
		if err != nil {
			t.Fatal(err)
		}
		got, ok, err := scenarioFromQuery(q)
		if !ok || err != nil {
			t.Fatalf("the link %s: %v", scenarioQuery(s), err)
		}
		return got
	},
	"file": func(t *testing.T, s Scenario) Scenario {
		b, err := MarshalScenario(s)
		if err != nil {
			t.Fatal(err)
		}
		got, err := UnmarshalScenario(b)
		if err != nil {
			t.Fatalf("the file: %v\n%s", err, b)
		}
		return got
	},
}

// TestScenarioRoundTrip checks that a link and a file rebuild the teacher's
// world and journal exactly when loaded at the teacher's wall clock.
func TestScenarioRoundTrip(t *testing.T) {
	for name, teacher := range map[string]func(*testing.T) (*model, *fakeClock){
		"article": teacherLab, "traffic": trafficTeacher, "classic": classicTeacher, "network": networkTeacher, "weighted": weightedTeacher} {
		for how, send := range travel {
			t.Run(name+"/"+how, func(t *testing.T) {
				m, clock := teacher(t)
				s, err := scenarioOf(m, labParams(mustQuery(t, m.journal.Setup.query())), Options{})
				if err != nil {
					t.Fatal(err)
				}
				got := send(t, s)
				if !reflect.DeepEqual(normalScenario(got), normalScenario(s)) {
					t.Fatalf("the scenario changed on the way:\n%+v\n%+v", got, s)
				}
				r, err := replayScenario(got, Options{Now: clock.Now})
				if err != nil {
					t.Fatal(err)
				}
				if !r.journal.Start.Equal(m.journal.Start) {
					t.Fatalf("replayed from %s, want %s", r.journal.Start, m.journal.Start)
				}
				r.lb.AdvanceTo(m.lb.Now())
				if a, b := worldSummary(r), worldSummary(m); a != b {
					t.Fatalf("the world differs:\n--- loaded\n%s--- teacher\n%s", a, b)
				}
				if !reflect.DeepEqual(r.journal.Actions, m.journal.Actions) {
					t.Fatalf("the journal differs:\n%+v\n%+v", r.journal.Actions, m.journal.Actions)
				}
				if r.player.ahead() != m.player.ahead().Truncate(time.Millisecond) {
					t.Errorf("fast-forwarded %s, want %s", r.player.ahead(), m.player.ahead())
				}
			})
		}
	}
}

// query returns the URL query of a test's setup.
func (s Setup) query() string {
	q := "lb=" + string(s.Type) + "&stickiness=" + s.Stickiness + "&algorithm=" + string(s.Algorithm) +
		"&instances=" + strconv.Itoa(s.Instances) + "&seed=" + strconv.FormatUint(s.Seed, 10)
	if s.Type != engine.NetworkLoadBalancer {
		q += "&duration=" + strconv.Itoa(int(s.Duration.Seconds()))
	}
	return q + s.groupsQuery()
}

// normalScenario makes nil and empty equal.
func normalScenario(s Scenario) Scenario {
	b, _ := json.Marshal(scenarioFile{Params: s.Params, ElapsedMs: s.ElapsedMs, FastForwarded: s.AheadMs, Actions: s.Actions})
	var f scenarioFile
	_ = json.Unmarshal(b, &f)
	if f.Params == nil {
		f.Params = map[string]string{}
	}
	for i := range f.Actions {
		if len(f.Actions[i].Attributes) == 0 {
			f.Actions[i].Attributes = nil
		}
	}
	return Scenario{Params: f.Params, Actions: f.Actions, ElapsedMs: f.ElapsedMs, AheadMs: f.FastForwarded}
}

// TestScenarioLinkIsShort checks the common case's encoding: a refresh as
// expected is a couple of characters, a save only what changed.
func TestScenarioLinkIsShort(t *testing.T) {
	s := Scenario{Params: map[string]string{"stickiness": "lb_cookie"}, ElapsedMs: 3000, Actions: []ScenarioAction{
		{At: 0, Do: DoRefresh}, {At: 700, Do: DoRefresh}, {At: 1400, Do: DoRefresh, WithoutCookies: []string{"AWSALB"}},
		{At: 1400, Do: DoSaveAttributes, Attributes: map[string]string{engine.KeyLBCookieDuration: "30"}},
		{At: 2000, Do: DoStopInstance, Instance: "Instance 2"},
	}}
	v := encodeActions(s)
	body := v[:strings.LastIndex(v, ".Z")]
	if want := "1.R.Rjg.Rjg~xAWSALB.A~ld30.Sgo~2.Wrs"; body != want {
		t.Errorf("actions=%s, want %s.Z…", v, want)
	}
	later := Scenario{Actions: []ScenarioAction{{Do: "lesson-step", Name: "3", WithoutCookies: []string{"AWSALB"}}}}
	if v := encodeActions(later); !strings.HasPrefix(v, "1.V~lesson-2dstep~n3~xAWSALB.Z") {
		t.Errorf("an action of a later lab: %s", v)
	}
	if q := scenarioQuery(s); strings.ContainsAny(q[strings.Index(q, "actions="):], "%+") {
		t.Errorf("the link escapes its actions: %s", q)
	}
}

// signed returns a link's actions parameter made of body with a good check.
func signed(params map[string]string, body string) string {
	return body + ".Z" + strconv.FormatUint(uint64(linkCheck(params, body)), 36)
}

func TestScenarioLinkErrors(t *testing.T) {
	good := Scenario{Params: map[string]string{"stickiness": "lb_cookie"}, ElapsedMs: 1500,
		Actions: []ScenarioAction{{Do: DoRefresh}, {At: 700, Do: DoRefresh}}}
	q := scenarioQuery(good)
	ps := good.Params
	for name, tc := range map[string]struct{ query, want string }{
		"newer":          {"stickiness=lb_cookie&actions=2.R.Z1", "made by a newer stickylab (link format 2; this lab reads 1)"},
		"no version":     {"actions=R.Rjg", `its version "R" is not a version of the link format`},
		"cut":            {q[:len(q)-4], "it was changed or cut short"},
		"cut at a token": {q[:strings.LastIndex(q, ".Z")], "it is cut short: its actions do not end with their check"},
		"tampered":       {strings.Replace(q, "Rjg", "Rjh", 1), "it was changed or cut short"},
		"param changed":  {strings.Replace(q, "lb_cookie", "app_cookie", 1), "it was changed or cut short"},
		"bad letter":     {"stickiness=lb_cookie&actions=" + signed(ps, "1.R.!"), `action 2 ("!"): "!" is not an action's letter`}, // A to Z are all taken
		"bad time":       {"stickiness=lb_cookie&actions=" + signed(ps, "1.R.R0a"), `item 2 ("R0a") has a bad time`},
		"bad escape":     {"stickiness=lb_cookie&actions=" + signed(ps, "1.K~a-zz"), `has a bad escape "-zz"`},
		"no instance":    {"stickiness=lb_cookie&actions=" + signed(ps, "1.S"), "action 1 (\"S\"): its instance is missing"},
		"no such":        {"stickiness=lb_cookie&actions=" + signed(ps, "1.R.S~9"), "action 2 (stop-instance) failed"},
		"bad param":      {"stickiness=maybe&actions=" + signed(map[string]string{"stickiness": "maybe"}, "1.R"), `URL parameter stickiness="maybe" is not valid`},
		"after clock":    {"actions=" + signed(map[string]string{}, "1.Wa.R"), `item 2 ("R") comes after the clock`},
	} {
		t.Run(name, func(t *testing.T) {
			qv, err := url.ParseQuery(tc.query)
			if err != nil {
				t.Fatal(err)
			}
			s, ok, err := scenarioFromQuery(qv)
			if err == nil {
				_, err = replayScenario(s, Options{})
			}
			if !ok || err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("%s: ok %v, error %v; want %q", tc.query, ok, err, tc.want)
			}
		})
	}
	if _, ok, _ := scenarioFromQuery(url.Values{"stickiness": {"lb_cookie"}}); ok {
		t.Error("a plain setup link is taken for a scenario")
	}
}

func TestScenarioFileErrors(t *testing.T) {
	const good = `{"stickylab": "scenario", "version": 1, "params": {"stickiness": "lb_cookie"},
	  "actions": [{"at": 0, "do": "refresh"}, {"at": 700, "do": "refresh"}]}`
	for name, tc := range map[string]struct{ file, want string }{
		"not json":      {"hello", "it is not valid JSON"},
		"cut":           {good[:60], "it is cut short"},
		"not scenario":  {`{"name": "x"}`, `it is not a stickylab scenario: it has no "stickylab": "scenario" field`},
		"other kind":    {`{"stickylab": "world", "version": 1}`, `its "stickylab" field is "world"`},
		"newer":         {strings.Replace(good, `"version": 1`, `"version": 2`, 1), "made by a newer stickylab (scenario format 2; this lab reads 1)"},
		"no version":    {`{"stickylab": "scenario"}`, `it has no "version" field`},
		"unknown field": {strings.Replace(good, `"params"`, `"parms"`, 1), `a field this version does not know: "parms"`},
		"type":          {strings.Replace(good, `"at": 700`, `"at": "soon"`, 1), `its field "actions.at" should be a number, not a JSON string`},
		"back in time":  {strings.Replace(good, `"at": 0`, `"at": 900`, 1), "action 2 (refresh) goes back in time (at 700 ms, after 900 ms)"},
		"unknown do":    {strings.Replace(good, `"do": "refresh"}]`, `"do": "reboot"}]`, 1), `action 2 (reboot) failed: unknown action "reboot"`},
		"unknown param": {strings.Replace(good, `"stickiness"`, `"stickyness"`, 1), `parameter "stickyness" is not one a scenario has`},
		"bad attribute": {strings.Replace(good, `"do": "refresh"}]`, `"do": "save-attributes", "attributes": {"stickiness.lb_cookie.duration_seconds": "0"}}]`, 1), "action 2 (save-attributes) failed"},
		"cookie on stop": {strings.Replace(good, `"do": "refresh"}]`, `"do": "stop-instance", "instance": "Instance 1", "withoutCookies": ["AWSALB"]}]`, 1),
			"action 2 (stop-instance) has cookies"},
		"trailing": {good + "{}", "it is not valid JSON (at byte 153: '{' after top-level value)"},
		"decades": {strings.Replace(good, `"actions"`, `"elapsedMs": 2000000000000, "actions"`, 1),
			"its clock (2000000000000 ms) is more than a year (31626000000 ms) past its start"},
	} {
		t.Run(name, func(t *testing.T) {
			s, err := UnmarshalScenario([]byte(tc.file))
			if err == nil {
				_, err = replayScenario(s, Options{})
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
	if _, err := UnmarshalScenario([]byte(good)); err != nil {
		t.Fatalf("the good file: %v", err)
	}
}

// labSnapshot is what a learner sees of a mounted lab, cookies included.
func labSnapshot(lt *labTest) string {
	m := lt.lab.m
	return worldSummary(m) + engine.CookieHeader(m.jar.All(m.lb.Now()))
}

// TestLabLoadsAScenario loads a teacher's link into a fresh lab an hour
// later: the learner's cookies are the teacher's, and the next refreshes
// route as the teacher's do. A bad file then keeps the lab as it is.
func TestLabLoadsAScenario(t *testing.T) {
	teacher, teacherClock := teacherLab(t)
	s, err := scenarioOf(teacher, map[string]string{"seed": "7", "duration": "60"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	jar := &engine.MemoryJar{}
	jar.Put(time.Now(), engine.StoredCookie{Name: engine.CookieAWSALB, Value: "the learner's own", Path: "/"})
	lt := mountLab(t, scenarioQuery(s), jar)
	lt.clock.Advance(time.Hour)
	teacherClock.Advance(time.Hour)
	teacher.sync()
	if e := lt.tree().byTestID("scenario-error"); e != nil {
		t.Fatalf("scenario error: %s", e.Text())
	}
	l := lt.lab
	if got, want := cookieValues(jar.All(l.m.lb.Now())), cookieValues(l.m.shadow.All(l.m.lb.Now())); !reflect.DeepEqual(got, want) || len(got) == 0 {
		t.Fatalf("the learner's jar holds %v, want the replay's %v", got, want)
	}
	for i := range 4 {
		want := teacher.refresh()
		lt.refresh()
		got := *l.m.last
		if got.TargetName != want.TargetName || got.Reason != want.Reason || got.Session != want.Session {
			t.Fatalf("refresh %d: %s %s %s, the teacher's %s %s %s", i+1, got.TargetName, got.Reason, got.Session, want.TargetName, want.Reason, want.Session)
		}
	}
	if got := lt.tree().mustTestID(t, "share-link").attrs["href"]; !strings.Contains(got, "actions=1.R") || !strings.Contains(got, "seed=7") {
		t.Errorf("share link %q", got)
	}

	before, m := labSnapshot(lt), l.m
	lt.do(func(l *Lab) { l.importScenario("old.json", []byte(`{"stickylab": "scenario", "version": 3}`), nil) })
	if got := lt.text("scenario-error"); !strings.Contains(got, `The file "old.json" cannot be loaded: it was made by a newer stickylab (scenario format 3`) {
		t.Errorf("scenario-error %q", got)
	}
	if l.m != m || labSnapshot(lt) != before {
		t.Errorf("a bad file changed the lab:\n%s\n%s", labSnapshot(lt), before)
	}
	if !strings.Contains(l.said, "cannot be loaded") {
		t.Errorf("announced %q", l.said)
	}
}

// TestMessagesJoinWithoutDoublePeriods checks the messages that join
// another message into a sentence: the engine's ends with a period, the
// joined sentence must not say "..".
func TestMessagesJoinWithoutDoublePeriods(t *testing.T) {
	lt := mountLab(t, "", nil)
	file := `{"stickylab": "scenario", "version": 1, "params": {"view": "traffic"},
	  "actions": [{"at": 0, "do": "start-crowd", "crowd": {"clients": 100000000, "thinkTimeMs": 5000}}]}`
	lt.do(func(l *Lab) { l.importScenario("big.json", []byte(file), nil) })
	got := lt.text("scenario-error")
	if want := "Clients must be from 1 to 10,000, not 100000000. Your lab is kept as it was."; !strings.HasSuffix(got, want) {
		t.Errorf("scenario-error %q, want it to end %q", got, want)
	}
	msgs := []string{got, lt.lab.said}
	for _, q := range []string{"lb=x", "duration=abc", "lb=classic&duration=-1", "stickiness=lb_cookie&algorithm=weighted_random",
		"lb=network&algorithm=least_outstanding_requests", "lb=classic&weights=80,20", "weights=80,x", "weights=1,2&stickiness=app_cookie",
		"instances=99", "seed=-1", "group_stickiness=abc&weights=50,50"} {
		v, _ := url.ParseQuery(q)
		_, m := ParseSetup(v)
		msgs = append(msgs, m...)
	}
	for _, m := range msgs {
		if strings.Contains(m, "..") {
			t.Errorf("a doubled period: %q", m)
		}
	}
	for in, want := range map[string]string{"Not 0.": "Not 0", "a . ": "a ", "ok": "ok", "10.5": "10.5"} {
		if got := clause(in); got != want {
			t.Errorf("clause(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestLabKeepsItsLabOnABadLink checks a bad link at page load: the lab of
// its readable parameters, and the message.
func TestLabKeepsItsLabOnABadLink(t *testing.T) {
	lt := mountLab(t, "stickiness=lb_cookie&actions=1.R.Rjg.Zbad", nil)
	if got := lt.text("scenario-error"); !strings.Contains(got, "This shared link cannot be loaded: it was changed or cut short") {
		t.Errorf("scenario-error %q", got)
	}
	if lt.lab.m.setup.Stickiness != "lb_cookie" || len(lt.lab.m.journal.Actions) != 0 {
		t.Errorf("the lab is %+v with %d actions", lt.lab.m.setup, len(lt.lab.m.journal.Actions))
	}
}

// TestLoadScenarioCommand checks the course page's command: a good scenario
// loads, a bad one is answered with its error and changes nothing.
func TestLoadScenarioCommand(t *testing.T) {
	lt := mountLab(t, "parent=https://course.example", nil)
	good := `{"type": "stickylab:load-scenario", "scenario": {"stickylab": "scenario", "version": 1, "params": {"stickiness": "lb_cookie"},
	  "actions": [{"at": 0, "do": "refresh"}, {"at": 500, "do": "stop-instance", "instance": "Instance 1"}]}}`
	var reply *ErrorMessage
	lt.do(func(l *Lab) { reply = l.command([]byte(good)) })
	if reply != nil || len(lt.lab.m.journal.Actions) != 2 || lt.lab.m.setup.Stickiness != "lb_cookie" {
		t.Fatalf("reply %+v, journal %+v", reply, lt.lab.m.journal.Actions)
	}
	before := labSnapshot(lt)
	for cmd, want := range map[string]string{
		`{"type": "stickylab:load-scenario"}`:                    "stickylab:load-scenario needs scenario",
		`{"type": "stickylab:load-scenario", "scenario": "x"}`:   "stickylab:load-scenario needs scenario",
		strings.Replace(good, `"version": 1`, `"version": 9`, 1): "the scenario cannot be loaded: it was made by a newer stickylab",
		strings.Replace(good, "Instance 1", "Instance 7", 1):     "the scenario cannot be loaded: action 2 (stop-instance) failed",
	} {
		lt.do(func(l *Lab) { reply = l.command([]byte(cmd)) })
		if reply == nil || !strings.Contains(reply.Message, want) {
			t.Errorf("%s: reply %+v, want %q", cmd, reply, want)
		}
		if labSnapshot(lt) != before {
			t.Errorf("%s changed the lab", cmd)
		}
	}
}

// FuzzScenarioLink checks that the link decoder never panics and that
// encoding what it decodes decodes to the same scenario.
func FuzzScenarioLink(f *testing.F) {
	params := map[string]string{"stickiness": "lb_cookie"}
	for _, body := range []string{"1.R.Rjg.Rjg~xAWSALB.A~ld30.Sgo~2.Wjk", "1.O~3~vAWSALB~abc-2b-3d.K~SESSIONID.Fa",
		"1.C~c30~t2000~x0-2e25.N.L~1.E.Y.P~scale-2dout.X~i-41x.G~2.Q~1.H~1.J~1.B~1.U", "1.A~kfoo~bar~se~st", "1", "1.V~lesson-2dstep~n3.Vf~x~ifoo~nbar~xAWSALB",
		"1.M6y~le600~lc~lplb_cookie.I.R.I2s.C~c40~g2~n0-2e5~t1000", "1.A~ggreen~ss60.C~c40~g2~n0-2e5.A~gblue~g2"} {
		f.Add(body, true)
		f.Add(body, false)
	}
	f.Fuzz(func(t *testing.T, v string, sign bool) {
		if sign { // past the check, to the actions
			v = signed(params, v)
		}
		s, err := decodeActions(v, params)
		if err != nil {
			return
		}
		back, err := decodeActions(encodeActions(s), params)
		if err != nil {
			t.Fatalf("%q decoded, but its encoding %q does not: %v", v, encodeActions(s), err)
		}
		if !reflect.DeepEqual(normalScenario(back), normalScenario(s)) {
			t.Fatalf("%q: encode→decode changed\n%+v\nto\n%+v", v, s, back)
		}
	})
}

// TestLinkGroupAndGateways checks that a g arg is read by its action: the
// target group of Save attributes (A~g<name>), the NAT gateways of a crowd
// (C~g<count>), so the two codes never meet.
func TestLinkGroupAndGateways(t *testing.T) {
	params := map[string]string{"stickiness": "lb_cookie"}
	s, err := decodeActions(signed(params, "1.A~ggreen~ss60.C~c40~g2~n0-2e5"), params)
	if err != nil {
		t.Fatal(err)
	}
	if a := s.Actions[0]; a.Do != DoSaveAttributes || a.Name != "green" || !reflect.DeepEqual(a.Attributes, map[string]string{engine.KeySlowStart: "60"}) {
		t.Errorf("A~ggreen~ss60 decoded to %+v", a)
	}
	if c := s.Actions[1].Crowd; c == nil || c.Clients != 40 || c.NATGateways != 2 || c.NATShare != 0.5 {
		t.Errorf("C~c40~g2~n0-2e5 decoded to %+v", c)
	}
	if back := encodeActions(s); !strings.Contains(back, ".A~ggreen~ss60.C~c40~g2~n0-2e5") {
		t.Errorf("encoded back as %q", back)
	}
	if _, err := decodeActions(signed(params, "1.A~ggreen~g2"), params); err == nil || !strings.Contains(err.Error(), `"g2" names no attribute`) {
		t.Errorf("a second g in Save attributes: %v, want no attribute", err)
	}
}

// TestREADMEScenarios loads the README's example link and file.
func TestREADMEScenarios(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	link := regexp.MustCompile("\n(\\?[^\n]*actions=[^\n]*)\n").FindStringSubmatch(doc)
	file := regexp.MustCompile("(?s)#### The file \\(version 1\\)\n\n```json\n(.*?)```").FindStringSubmatch(doc)
	if link == nil || file == nil {
		t.Fatal("the README has no example link or file")
	}
	q, err := url.ParseQuery(strings.TrimPrefix(link[1], "?"))
	if err != nil {
		t.Fatal(err)
	}
	s, ok, err := scenarioFromQuery(q)
	if !ok || err != nil {
		t.Fatalf("the README's link: %v", err)
	}
	if _, err := replayScenario(s, Options{}); err != nil {
		t.Fatalf("the README's link: %v", err)
	}
	if s, err = UnmarshalScenario([]byte(file[1])); err == nil {
		_, err = replayScenario(s, Options{})
	}
	if err != nil {
		t.Fatalf("the README's file: %v", err)
	}
}

// TestOpenKeepsExpectedCookies checks that an instance opened directly,
// which gets none of the load balancer's cookies, leaves the cookies the
// next refresh is expected to carry as they were: nothing to note.
func TestOpenKeepsExpectedCookies(t *testing.T) {
	m, _ := newTestModel(t, "stickiness=lb_cookie", nil)
	m.refresh()
	m.openDirect("Instance 2")
	m.refresh()
	for i, a := range m.journal.Actions {
		if a.Cookies != nil {
			t.Errorf("action %d (%s) noted cookies %v", i+1, a.Do, *a.Cookies)
		}
	}
	if m.last.Reason != engine.ReasonSticky {
		t.Errorf("the refresh after the open: %s, want sticky", m.last.Reason)
	}
}
