package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/stickylab/stickylab/engine"
)

// Embed is how the lab sits in a course page: ?embed=1 drops the site's
// chrome; ?parent= names the one origin it talks to with postMessage.
type Embed struct {
	On     bool   // ?embed=1: no header, intro, footer or glossary
	Parent string // the course page's origin, "" for none: no messages at all
}

// newLabHref returns the address of a new lab with the URL parameters ps
// (nil: the default lab); in an embedded lab, it stays embedded and keeps
// messaging the course page (embed and parent).
func (e Embed) newLabHref(ps map[string]string) string {
	q := paramsQuery(ps)
	if e.On {
		q.Set("embed", "1")
		if e.Parent != "" {
			q.Set("parent", e.Parent)
		}
	}
	if len(q) == 0 {
		return Href("/")
	}
	return Href("/") + "?" + q.Encode()
}

// ParseEmbed reads the URL parameters embed and parent. A bad value is
// ignored with a message, as ParseSetup's are.
func ParseEmbed(q url.Values) (Embed, []string) {
	var e Embed
	var msgs []string
	if v, ok := first(q, "embed"); ok {
		switch v {
		case "1", "true":
			e.On = true
		case "0", "false":
		default:
			msgs = append(msgs, fmt.Sprintf("URL parameter embed=%q is not valid: use 1 or 0. Using 0.", v))
		}
	}
	if v, ok := first(q, "parent"); ok {
		if o, ok := parseOrigin(v); ok {
			e.Parent = o
		} else {
			msgs = append(msgs, fmt.Sprintf("URL parameter parent=%q is not valid: give the course page's origin, e.g. https://moodle.example.edu. The lab sends and accepts no messages.", v))
		}
	}
	return e, msgs
}

// parseOrigin returns s as the browser serializes an origin (lower case,
// no default port), if s is an http(s) origin with no path, query or user.
func parseOrigin(s string) (string, bool) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return "", false
	}
	host, port := strings.ToLower(u.Hostname()), u.Port()
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return "", false
		}
	}
	if (u.Scheme == "http" && port == "80") || (u.Scheme == "https" && port == "443") {
		port = ""
	}
	if port != "" {
		host += ":" + port
	}
	return u.Scheme + "://" + host, true
}

// Accepts reports whether a message event may command the lab: it comes
// from the parent frame (event.source === window.parent) of the ?parent= origin.
func (e Embed) Accepts(origin string, fromParent bool) bool {
	return e.Parent != "" && fromParent && origin == e.Parent
}

// fullLabHref is the address of the same lab outside the frame: the page's
// query without embed and parent.
func fullLabHref(q url.Values) string {
	keep := url.Values{}
	for k, v := range q {
		if k != "embed" && k != "parent" {
			keep[k] = v
		}
	}
	if len(keep) == 0 {
		return Href("/")
	}
	return Href("/") + "?" + keep.Encode()
}

// MessageVersion is the version of the postMessage format (README,
// "Embedding in a course page").
const MessageVersion = 1

// The types of the messages the lab posts and accepts.
const (
	MsgReady         = "stickylab:ready"
	MsgRequest       = "stickylab:request"
	MsgError         = "stickylab:error"
	MsgLessonStep    = "stickylab:lesson-step" // a step of the guided lesson done
	CmdRefresh       = "stickylab:refresh"
	CmdSetAttributes = "stickylab:set-attributes"
	CmdLoadScenario  = "stickylab:load-scenario"
)

// ReadyMessage says the lab has loaded; Cookies is where it keeps them:
// document, partitioned or memory.
type ReadyMessage struct {
	Type    string `json:"type"`
	Version int    `json:"version"`
	Cookies string `json:"cookies"`
}

// RequestMessage is one of the learner's requests; it never carries a cookie.
type RequestMessage struct {
	Type    string `json:"type"`
	Version int    `json:"version"`
	Target  string `json:"target"`  // "Instance 2", "" when no target answered
	Reason  string `json:"reason"`  // engine.Reason's name: sticky, new-client…
	Status  int    `json:"status"`  // 200, 502, 503; 0: no HTTP answer (engine.Exchange.Failure)
	Session string `json:"session"` // new, resumed, lost or none
}

// ErrorMessage answers a command the lab refused: AWS's message for a bad
// attribute (then named in Attribute), as the form shows it.
type ErrorMessage struct {
	Type      string `json:"type"`
	Version   int    `json:"version"`
	Message   string `json:"message"`
	Attribute string `json:"attribute,omitempty"`
}

func newReadyMessage(cookies string) ReadyMessage {
	return ReadyMessage{Type: MsgReady, Version: MessageVersion, Cookies: cookies}
}

func newRequestMessage(ex *engine.Exchange) RequestMessage {
	return RequestMessage{Type: MsgRequest, Version: MessageVersion, Target: ex.TargetName,
		Reason: ex.Reason.String(), Status: ex.Status, Session: ex.Session.String()}
}

func newErrorMessage(err error) ErrorMessage {
	m := ErrorMessage{Type: MsgError, Version: MessageVersion, Message: err.Error()}
	var v *engine.ValidationError
	if errors.As(err, &v) {
		m.Message, m.Attribute = v.Message, v.Key
	}
	return m
}

// command is a course page's command: its type and, for set-attributes,
// the attributes as AWS's API names them and the target group they are
// set on ("" the first); for load-scenario, the scenario file's JSON.
type command struct {
	Type        string
	Attributes  map[string]string
	TargetGroup string
	Scenario    json.RawMessage
}

// maxCommandBytes bounds the JSON of a command the lab reads, but a
// load-scenario's, which maxScenarioBytes bounds (commandLimit).
const maxCommandBytes = 16 << 10

// parseCommand reads a message's data (its JSON). ok is false for a
// message that is not a stickylab command (ignored); err says why a
// stickylab command cannot be run, a malformed or oversized one included.
func parseCommand(data []byte) (c command, ok bool, err error) {
	var head struct {
		Type string `json:"type"`
	}
	if json.Unmarshal(data, &head) != nil || !strings.HasPrefix(head.Type, "stickylab:") {
		return c, false, nil
	}
	c.Type = head.Type
	switch c.Type {
	case MsgReady, MsgRequest, MsgError, MsgLessonStep:
		return c, false, nil // the lab's own messages, echoed: not commands
	case CmdRefresh, CmdSetAttributes, CmdLoadScenario:
	default:
		return c, true, fmt.Errorf("unknown command %q: use %s, %s or %s", c.Type, CmdRefresh, CmdSetAttributes, CmdLoadScenario)
	}
	if limit := commandLimit(c.Type); len(data) > limit {
		return c, true, fmt.Errorf("the %s message is %d bytes long: at most %d are read", c.Type, len(data), limit)
	}
	var raw struct {
		Version     json.RawMessage `json:"version"`
		Attributes  json.RawMessage `json:"attributes"`
		TargetGroup json.RawMessage `json:"targetGroup"`
		Scenario    json.RawMessage `json:"scenario"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return c, true, fmt.Errorf("the %s message is not JSON the lab reads: %v", c.Type, err)
	}
	switch v := string(raw.Version); {
	case len(raw.Version) == 0 || v == strconv.Itoa(MessageVersion):
	case v == "null":
		return c, true, fmt.Errorf("version must be the number %d, not null: leave it out or send %d", MessageVersion, MessageVersion)
	case v[0] == '"':
		return c, true, fmt.Errorf("version must be the number %d, not the string %s", MessageVersion, v)
	default:
		return c, true, fmt.Errorf("version %s of the message format is not supported: use %d", v, MessageVersion)
	}
	switch c.Type {
	case CmdSetAttributes:
		var attrs map[string]json.RawMessage
		if json.Unmarshal(raw.Attributes, &attrs) != nil || len(attrs) == 0 {
			return c, true, fmt.Errorf("%s needs attributes, an object such as {\"stickiness.enabled\": \"true\"}, not %s", CmdSetAttributes, shown(raw.Attributes))
		}
		c.Attributes = map[string]string{}
		for k, v := range attrs {
			s, err := attributeText(v)
			if err != nil {
				return c, true, fmt.Errorf("attribute %s: %v", k, err)
			}
			c.Attributes[k] = s
		}
		if given(raw.TargetGroup) {
			if json.Unmarshal(raw.TargetGroup, &c.TargetGroup) != nil || c.TargetGroup == "" {
				return c, true, fmt.Errorf("targetGroup must be the name of a target group, e.g. \"green\", not %s", raw.TargetGroup)
			}
		}
	case CmdLoadScenario:
		if len(raw.Scenario) == 0 || raw.Scenario[0] != '{' {
			return c, true, fmt.Errorf("%s needs scenario, the object of an exported scenario file, not %s", CmdLoadScenario, shown(raw.Scenario))
		}
		c.Scenario = raw.Scenario
	}
	return c, true, nil
}

// commandLimit is the most bytes of JSON the lab reads in a command of type t.
func commandLimit(t string) int {
	if t == CmdLoadScenario {
		return maxScenarioBytes
	}
	return maxCommandBytes
}

// given reports whether a message's field is present and not null.
func given(v json.RawMessage) bool { return len(v) > 0 && string(v) != "null" }

// shown is a field's JSON as an error message quotes it: "nothing" when
// absent, its first 60 bytes when longer.
func shown(v json.RawMessage) string {
	switch {
	case !given(v):
		return "nothing"
	case len(v) > 60:
		return string(v[:60]) + "…"
	}
	return string(v)
}

// attributeText returns an attribute's value as AWS's API takes it: a
// string, or the text of a JSON number or boolean.
func attributeText(v json.RawMessage) (string, error) {
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s, nil
	}
	var b bool
	if json.Unmarshal(v, &b) == nil {
		return strconv.FormatBool(b), nil
	}
	var n json.Number
	if json.Unmarshal(v, &n) == nil {
		return n.String(), nil
	}
	return "", fmt.Errorf("give a string, not %s", v)
}

// commandGroup returns the target group a set-attributes command names
// (name "": the first) and its name in the journal ("" for the first), or
// why the lab has no such target group.
func commandGroup(lb *engine.LoadBalancer, name string) (*engine.TargetGroup, string, error) {
	if name == "" {
		return lb.TargetGroup, "", nil
	}
	if lb.Type == engine.ClassicLoadBalancer {
		return nil, "", fmt.Errorf("there is no target group %q: a Classic Load Balancer has no target groups; leave targetGroup out", name)
	}
	tg := lb.TargetGroupByName(name)
	if tg == nil {
		var names []string
		for _, g := range lb.TargetGroups() {
			names = append(names, strconv.Quote(g.Name))
		}
		if len(names) == 1 {
			return nil, "", fmt.Errorf("there is no target group %q: this lab's one target group is %s", name, names[0])
		}
		return nil, "", fmt.Errorf("there is no target group %q: this lab's target groups are %s", name, strings.Join(names, ", "))
	}
	if tg == lb.TargetGroup {
		return tg, "", nil
	}
	return tg, tg.Name, nil
}

// withAttributes returns a with the attributes set, in key order, and
// validated by the engine for a load balancer of type t, as the form's are:
// the first error is AWS's message.
func withAttributes(a engine.Attributes, attrs map[string]string, t engine.LoadBalancerType) (engine.Attributes, error) {
	keys := make([]string, 0, len(attrs))
	for k := range attrs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if err := a.Set(k, attrs[k]); err != nil {
			return a, err
		}
	}
	return a, a.ValidateFor(t)
}

// LessonStepMessage says that the learner did a step of the guided lesson:
// the lab observed it happen.
type LessonStepMessage struct {
	Type    string `json:"type"`
	Version int    `json:"version"`
	Lesson  string `json:"lesson"` // "article", "classic", "network" or "blue-green"
	Step    int    `json:"step"`   // 1, 2, … as data-step
	ID      string `json:"id"`     // the step's name, e.g. "delete"
	Done    int    `json:"done"`   // steps done so far
	Total   int    `json:"total"`
}

func newLessonStepMessage(g *guidedLesson, step, done int) LessonStepMessage {
	return LessonStepMessage{Type: MsgLessonStep, Version: MessageVersion, Lesson: g.ID, Step: step,
		ID: g.Steps[step-1].ID, Done: done, Total: len(g.Steps)}
}
