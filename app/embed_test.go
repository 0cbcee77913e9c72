package app

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stickylab/stickylab/engine"
)

func TestParseOrigin(t *testing.T) {
	for in, want := range map[string]string{
		"https://moodle.example.edu":          "https://moodle.example.edu",
		"https://Moodle.Example.EDU/":         "https://moodle.example.edu",
		"https://moodle.example.edu:443":      "https://moodle.example.edu",
		"http://localhost:80":                 "http://localhost",
		"http://127.0.0.1:8080":               "http://127.0.0.1:8080",
		"http://[::1]:3000":                   "http://[::1]:3000",
		"https://canvas.example.com:8443":     "https://canvas.example.com:8443",
		"":                                    "",
		"*":                                   "",
		"null":                                "",
		"moodle.example.edu":                  "",
		"https://moodle.example.edu/course/1": "",
		"https://moodle.example.edu?x=1":      "",
		"https://user@moodle.example.edu":     "",
		"javascript:alert(1)":                 "",
		"file:///etc/passwd":                  "",
		"https://x:99999":                     "",
		"https://":                            "",
	} {
		got, ok := parseOrigin(in)
		if got != want || ok != (want != "") {
			t.Errorf("parseOrigin(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func TestParseEmbed(t *testing.T) {
	q, _ := url.ParseQuery("embed=1&parent=https://Course.example:443&stickiness=lb_cookie")
	e, msgs := ParseEmbed(q)
	if !e.On || e.Parent != "https://course.example" || len(msgs) != 0 {
		t.Errorf("ParseEmbed = %+v, %q", e, msgs)
	}
	e, msgs = ParseEmbed(url.Values{"embed": {"yes"}, "parent": {"*"}})
	if e.On || e.Parent != "" || len(msgs) != 2 || !strings.Contains(msgs[1], "sends and accepts no messages") {
		t.Errorf("bad values: %+v, %q", e, msgs)
	}
	if e, msgs := ParseEmbed(nil); e != (Embed{}) || msgs != nil {
		t.Errorf("no parameters: %+v, %q", e, msgs)
	}
}

func TestEmbedAccepts(t *testing.T) {
	e := Embed{Parent: "https://course.example"}
	for _, c := range []struct {
		origin     string
		fromParent bool
		want       bool
	}{
		{"https://course.example", true, true},
		{"https://course.example", false, false}, // another frame of the same origin
		{"https://evil.example", true, false},
		{"http://course.example", true, false},
		{"https://course.example:8443", true, false},
		{"null", true, false},
		{"", true, false},
	} {
		if got := e.Accepts(c.origin, c.fromParent); got != c.want {
			t.Errorf("Accepts(%q, %v) = %v", c.origin, c.fromParent, got)
		}
	}
	if (Embed{On: true}).Accepts("", true) {
		t.Error("no ?parent= accepts a message from an empty origin")
	}
}

func TestFullLabHref(t *testing.T) {
	q, _ := url.ParseQuery("embed=1&parent=https://c.example&stickiness=lb_cookie&view=traffic")
	if got := fullLabHref(q); got != Href("/")+"?stickiness=lb_cookie&view=traffic" {
		t.Errorf("fullLabHref = %q", got)
	}
	if got := fullLabHref(url.Values{"embed": {"1"}}); got != Href("/") {
		t.Errorf("fullLabHref(embed only) = %q", got)
	}
}

func TestParseCommand(t *testing.T) {
	for _, c := range []struct {
		in      string
		ok      bool
		err     string
		typ     string
		enabled string
	}{
		{`{"type":"stickylab:refresh"}`, true, "", CmdRefresh, ""},
		{`{"type":"stickylab:refresh","version":1}`, true, "", CmdRefresh, ""},
		{`{"type":"stickylab:refresh","version":2}`, true, "version 2", CmdRefresh, ""},
		{`{"type":"stickylab:set-attributes","attributes":{"stickiness.enabled":"true"}}`, true, "", CmdSetAttributes, "true"},
		{`{"type":"stickylab:set-attributes","attributes":{"stickiness.enabled":true}}`, true, "", CmdSetAttributes, "true"},
		{`{"type":"stickylab:set-attributes","attributes":{"stickiness.enabled":{}}}`, true, "give a string", CmdSetAttributes, ""},
		{`{"type":"stickylab:set-attributes"}`, true, "needs attributes", CmdSetAttributes, ""},
		{`{"type":"stickylab:set-attributes","targetGroup":"green","attributes":{"stickiness.enabled":"true"}}`, true, "", CmdSetAttributes, "true"},
		{`{"type":"stickylab:set-attributes","targetGroup":2,"attributes":{"stickiness.enabled":"true"}}`, true, `targetGroup must be the name of a target group, e.g. "green", not 2`, CmdSetAttributes, ""},
		{`{"type":"stickylab:set-attributes","targetGroup":"","attributes":{"stickiness.enabled":"true"}}`, true, "targetGroup must be the name", CmdSetAttributes, ""},
		{`{"type":"stickylab:load-everything"}`, true, "unknown command", "stickylab:load-everything", ""},
		{`{"type":"stickylab:request","target":"Instance 1"}`, false, "", "", ""},
		{`{"type":"stickylab:lesson-step"}`, false, "", "", ""},
		{`{"type":"webpackOk"}`, false, "", "", ""},
		{`"stickylab:refresh"`, false, "", "", ""},
		{`[1,2]`, false, "", "", ""},
		{`{"type":"stickylab:refresh","pad":"` + strings.Repeat("x", maxCommandBytes) + `"}`, true, "bytes long: at most 16384 are read", CmdRefresh, ""},
		{`{"type":"stickylab:refresh","version":"one"}`, true, `version must be the number 1, not the string "one"`, CmdRefresh, ""},
		{`{"type":"stickylab:refresh","version":"1"}`, true, `version must be the number 1, not the string "1"`, CmdRefresh, ""},
		{`{"type":"stickylab:refresh","version":null}`, true, `version must be the number 1, not null: leave it out or send 1`, CmdRefresh, ""},
		{`{"type":"stickylab:set-attributes","attributes":"stickiness.enabled=true"}`, true, `needs attributes, an object such as {"stickiness.enabled": "true"}, not "stickiness.enabled=true"`, CmdSetAttributes, ""},
		{`{"type":"stickylab:set-attributes","attributes":{}}`, true, "needs attributes", CmdSetAttributes, ""},
		{`{"type":"stickylab:refresh","version":1,}`, false, "", "", ""}, // not JSON: not a command at all
		{`{"type":"stickylab:load-scenario","scenario":{"stickylab":"scenario","pad":"` + strings.Repeat("x", maxCommandBytes) + `"}}`, true, "", CmdLoadScenario, ""},
		{`{"type":"stickylab:load-scenario","scenario":[]}`, true, "needs scenario", CmdLoadScenario, ""},
		{`{"type":"stickylab:load-scenario","scenario":{"pad":"` + strings.Repeat("x", maxScenarioBytes) + `"}}`, true, "at most 1048576 are read", CmdLoadScenario, ""},
	} {
		got, ok, err := parseCommand([]byte(c.in))
		if ok != c.ok || (err == nil) != (c.err == "") || (err != nil && !strings.Contains(err.Error(), c.err)) {
			t.Errorf("parseCommand(%.60s) = %v, %v; want ok %v, error %q", c.in, ok, err, c.ok, c.err)
			continue
		}
		if ok && err == nil && (got.Type != c.typ || got.Attributes["stickiness.enabled"] != c.enabled) {
			t.Errorf("parseCommand(%.60s) = %+v", c.in, got)
		}
	}
}

func TestWithAttributes(t *testing.T) {
	a, err := withAttributes(engine.DefaultAttributes(), map[string]string{
		engine.KeyStickinessEnabled: "true", engine.KeyLBCookieDuration: "30",
	}, engine.ApplicationLoadBalancer)
	if err != nil || !a.StickinessEnabled || a.LBCookieDuration != 30*time.Second {
		t.Errorf("withAttributes = %+v, %v", a, err)
	}
	// A Network Load Balancer's target group takes source_ip, as its form
	// does; an Application Load Balancer's refuses it.
	nlb := engine.DefaultAttributesFor(engine.NetworkLoadBalancer)
	ip := map[string]string{engine.KeyStickinessEnabled: "true", engine.KeyStickinessType: string(engine.SourceIP)}
	if a, err := withAttributes(nlb, ip, engine.NetworkLoadBalancer); err != nil || !a.StickinessEnabled || a.StickinessType != engine.SourceIP {
		t.Errorf("source_ip on a Network Load Balancer: %+v, %v", a, err)
	}
	if _, err := withAttributes(engine.DefaultAttributes(), ip, engine.ApplicationLoadBalancer); err == nil {
		t.Error("source_ip accepted on an Application Load Balancer")
	}
	// AWS's messages, as the form gives them: the engine validates both.
	for attrs, want := range map[string]string{
		`{"stickiness.enabled":"maybe"}`:                                                  "stickiness.enabled",
		`{"stickiness.lb_cookie.duration_seconds":"0"}`:                                   "between 1 and 604800 seconds",
		`{"no.such.attribute":"1"}`:                                                       "not supported",
		`{"stickiness.enabled":"true","load_balancing.algorithm.type":"weighted_random"}`: "both stickiness and weighted random",
	} {
		var m map[string]string
		if err := json.Unmarshal([]byte(attrs), &m); err != nil {
			t.Fatal(err)
		}
		_, err := withAttributes(engine.DefaultAttributes(), m, engine.ApplicationLoadBalancer)
		if msg := newErrorMessage(err); err == nil || !strings.Contains(msg.Message+" "+msg.Attribute, want) {
			t.Errorf("withAttributes(%s) = %v, want an error naming %q", attrs, err, want)
		}
	}
}

func TestRequestMessageHasNoCookie(t *testing.T) {
	lt := mountLab(t, "stickiness=lb_cookie", nil)
	lt.refresh()
	lt.refresh()
	ex := lt.lab.m.log[len(lt.lab.m.log)-1]
	b, err := json.Marshal(newRequestMessage(&ex))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"type":"stickylab:request","version":1,"target":"` + ex.TargetName + `","reason":"sticky","status":200,"session":"resumed"}`
	if string(b) != want {
		t.Errorf("request message %s, want %s", b, want)
	}
	for _, c := range lt.lab.m.cookies() {
		if strings.Contains(string(b), c.Value) {
			t.Errorf("the message carries the value of %s", c.Name)
		}
	}
}

// TestLabEmbedded checks the embed view (no site chrome, the full lab's
// link) and the commands a course page sends.
func TestLabEmbedded(t *testing.T) {
	lt := mountLab(t, "embed=1&parent=https://course.example&stickiness=lb_cookie", nil)
	tree := lt.tree()
	if tree.byTestID("home") != nil || tree.byTestID("glossary") != nil || tree.byTestID("assumptions") != nil ||
		len(tree.find(func(n *htmlNode) bool { return n.tag == "footer" })) != 0 {
		t.Errorf("the embedded lab shows the site's chrome: %s", tree.Text())
	}
	link := tree.mustTestID(t, "full-lab")
	// The lab's share link: its setup and its actions (the page load's).
	if !strings.HasPrefix(link.attrs["href"], Href("/")+"?stickiness=lb_cookie&actions=1.") || link.attrs["target"] != "_blank" || link.attrs["rel"] != "noopener" {
		t.Errorf("full lab link: %v", link.attrs)
	}
	for _, id := range []string{"browser-tab", "traffic-tab", "refresh", "cookie-panel", "request-log", "stickiness-enabled", "clock"} {
		tree.mustTestID(t, id)
	}

	var reply *ErrorMessage
	lt.do(func(l *Lab) { reply = l.command([]byte(`{"type":"stickylab:refresh","version":1}`)) })
	if reply != nil || lt.lab.m.requests != 1 || lt.text("served-by") == "" {
		t.Errorf("refresh command: reply %v, %d requests", reply, lt.lab.m.requests)
	}
	lt.do(func(l *Lab) {
		reply = l.command([]byte(`{"type":"stickylab:set-attributes","attributes":{"stickiness.enabled":"false"}}`))
	})
	if reply != nil || lt.lab.m.lb.TargetGroup.Attributes().StickinessEnabled {
		t.Errorf("set-attributes: reply %v, stickiness still on", reply)
	}
	if lt.tree().mustTestID(t, "stickiness-enabled").flag("checked") {
		t.Error("the form still shows stickiness on")
	}
	before := lt.lab.m.lb.TargetGroup.Attributes()
	lt.do(func(l *Lab) {
		reply = l.command([]byte(`{"type":"stickylab:set-attributes","attributes":{"stickiness.enabled":"true","stickiness.lb_cookie.duration_seconds":"604801"}}`))
	})
	if reply == nil || reply.Type != MsgError || reply.Attribute != engine.KeyLBCookieDuration ||
		reply.Message != "Stickiness duration must be between 1 and 604800 seconds" {
		t.Errorf("bad duration: reply %+v", reply)
	}
	if lt.lab.m.lb.TargetGroup.Attributes() != before {
		t.Error("a refused set-attributes changed the attributes")
	}
	lt.do(func(l *Lab) { reply = l.command([]byte(`{"type":"hello"}`)) })
	if reply != nil || lt.lab.m.requests != 1 {
		t.Errorf("a foreign message: reply %v, %d requests", reply, lt.lab.m.requests)
	}
	lt.do(func(l *Lab) {
		reply = l.command([]byte(`{"type":"stickylab:set-attributes","targetGroup":"green","attributes":{"stickiness.enabled":"true"}}`))
	})
	if reply == nil || reply.Message != `there is no target group "green": this lab's one target group is "my-target-group"` {
		t.Errorf("a target group this lab has not: reply %+v", reply)
	}

	// A refused scenario, then a malformed command: the lab shows the
	// second's error, not the first's.
	lt.do(func(l *Lab) {
		reply = l.command([]byte(`{"type":"stickylab:load-scenario","scenario":{"stickylab":"scenario","version":2}}`))
	})
	if reply == nil || !strings.Contains(lt.text("scenario-error"), "scenario format 2") {
		t.Errorf("a newer scenario: reply %+v, scenario-error %q", reply, lt.text("scenario-error"))
	}
	lt.do(func(l *Lab) { reply = l.command([]byte(`{"type":"stickylab:load-scenario","scenario":"{}"}`)) })
	if got := lt.text("scenario-error"); reply == nil || !strings.Contains(got, "needs scenario") || strings.Contains(got, "format 2") {
		t.Errorf("a scenario sent as a string: reply %+v, scenario-error %q", reply, got)
	}
}

// TestSetAttributesOfATargetGroup checks set-attributes' targetGroup: the
// group named is changed, journaled under its name and shown in the form;
// the first by default; a name the rule does not forward to is refused.
func TestSetAttributesOfATargetGroup(t *testing.T) {
	lt := mountLab(t, "embed=1&parent=https://course.example&weights=50,50&group_stickiness=60", nil)
	var reply *ErrorMessage
	lt.do(func(l *Lab) {
		reply = l.command([]byte(`{"type":"stickylab:set-attributes","targetGroup":"green","attributes":{"slow_start.duration_seconds":"60"}}`))
	})
	lb := lt.lab.m.lb
	if reply != nil || lb.TargetGroupByName("green").Attributes().SlowStart != time.Minute || lb.TargetGroup.Attributes().SlowStart != 0 {
		t.Fatalf("set-attributes on green: reply %+v, green %s, blue %s", reply, lb.TargetGroupByName("green").Attributes().SlowStart, lb.TargetGroup.Attributes().SlowStart)
	}
	if as := lt.lab.m.journal.Actions; as[len(as)-1].Name != "green" {
		t.Errorf("journaled as %+v, want green's", as[len(as)-1])
	}
	if v := lt.tree().mustTestID(t, "slow-start-duration").attrs["value"]; v != "60" {
		t.Errorf("the form shows slow start %q, want green's 60", v)
	}
	lt.do(func(l *Lab) {
		reply = l.command([]byte(`{"type":"stickylab:set-attributes","attributes":{"deregistration_delay.timeout_seconds":"10"}}`))
	})
	if reply != nil || lb.TargetGroup.Attributes().DeregistrationDelay != 10*time.Second || lb.TargetGroupByName("green").Attributes().DeregistrationDelay == 10*time.Second {
		t.Errorf("set-attributes without targetGroup: reply %+v, want the first target group changed", reply)
	}
	n := len(lt.lab.m.journal.Actions)
	lt.do(func(l *Lab) {
		reply = l.command([]byte(`{"type":"stickylab:set-attributes","targetGroup":"red","attributes":{"deregistration_delay.timeout_seconds":"20"}}`))
	})
	if reply == nil || reply.Type != MsgError || reply.Message != `there is no target group "red": this lab's target groups are "blue", "green"` {
		t.Errorf("a bad target group: reply %+v", reply)
	}
	if len(lt.lab.m.journal.Actions) != n {
		t.Error("a refused set-attributes was journaled")
	}
	classic := mountLab(t, "embed=1&parent=https://course.example&lb=classic", nil)
	classic.do(func(l *Lab) {
		reply = l.command([]byte(`{"type":"stickylab:set-attributes","targetGroup":"blue","attributes":{"deregistration_delay.timeout_seconds":"20"}}`))
	})
	if reply == nil || !strings.Contains(reply.Message, "a Classic Load Balancer has no target groups") {
		t.Errorf("a target group on a Classic Load Balancer: reply %+v", reply)
	}
}

// TestEmbeddedLinksStayEmbedded checks the links that start a new lab from
// an embedded one (another type, a guided lesson, leaving the lesson, the
// lesson's next preset): they keep embed and parent, so the new lab stays
// embedded and messaging the course page; leaving a lesson keeps the lab's
// type and setup.
func TestEmbeddedLinksStayEmbedded(t *testing.T) {
	const parent = "https://course.example"
	lt := mountLab(t, "embed=1&parent="+url.QueryEscape(parent)+"&lb=classic&lesson=classic&instances=4", nil)
	tree := lt.tree()
	check := func(id string, want map[string]string, absent ...string) {
		t.Helper()
		href := tree.mustTestID(t, id).attrs["href"]
		u, err := url.Parse(href)
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		q := u.Query()
		want["embed"], want["parent"] = "1", parent
		for k, v := range want {
			if q.Get(k) != v {
				t.Errorf("%s %q: %s=%q, want %q", id, href, k, q.Get(k), v)
			}
		}
		for _, k := range absent {
			if q.Has(k) {
				t.Errorf("%s %q has %s", id, href, k)
			}
		}
	}
	check("leave-lesson", map[string]string{"lb": "classic", "instances": "4"}, "lesson")
	check("lb-type-network", map[string]string{"lb": "network"})
	check("start-lesson", map[string]string{"lesson": "classic"})

	// Not embedded: the same links, without embed or parent.
	lt = mountLab(t, "lb=classic&lesson=classic&instances=4", nil)
	href := lt.tree().mustTestID(t, "leave-lesson").attrs["href"]
	if u, err := url.Parse(href); err != nil || u.Query().Get("lb") != "classic" || u.Query().Get("instances") != "4" ||
		u.Query().Has("lesson") || u.Query().Has("embed") || u.Query().Has("parent") {
		t.Errorf("leave-lesson %q, want lb=classic and instances=4 only", href)
	}
}
