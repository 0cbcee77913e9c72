package app

import (
	"errors"
	"fmt"
	"hash/crc32"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/stickylab/stickylab/engine"
)

// A shared link carries a scenario in the readable setup parameters and
// one compact parameter, actions (README, "The link"):
//
//	actions = version ( "." action )* [ ".W" wait ] [ ".F" ahead ] ".Z" check
//	action  = code [ delta ] ( "~" arg )*
//
// code is one upper-case letter (actionCodes), delta the milliseconds since
// the previous action in base 36 (lower case, omitted when 0), and an arg
// escapes every byte but [A-Za-z0-9_] as "-" and two hex digits. The check
// is the CRC-32 of the setup parameters and what precedes it, in base 36.

// linkParam is the URL parameter of the actions.
const linkParam = "actions"

// actionCodes are the letters of the actions in a link.
var actionCodes = map[string]byte{
	DoRefresh: 'R', DoOpen: 'O', DoDeleteCookie: 'K', DoSaveAttributes: 'A',
	DoStopInstance: 'S', DoStartInstance: 'B', DoFailChecks: 'H', DoPassChecks: 'J',
	DoDeregister: 'X', DoRegister: 'G', DoSlowDown: 'L', DoSpeedUp: 'Q', DoLaunch: 'N',
	DoExternalStoreOn: 'E', DoExternalStoreOff: 'U', DoStartCrowd: 'C', DoStopCrowd: 'Y', DoPreset: 'P',
	DoNewConnection: 'I', DoEditStickiness: 'M', DoSetWeights: 'T', DoGroupStickiness: 'D',
}

// namedActions carry their Name as their first arg.
var namedActions = []string{DoDeleteCookie, DoPreset, DoSetWeights, DoGroupStickiness}

// attributeCodes are two-letter names of the attributes in a link.
var attributeCodes = map[string]string{
	engine.KeyStickinessEnabled: "se", engine.KeyStickinessType: "st", engine.KeyLBCookieDuration: "ld",
	engine.KeyAppCookieDuration: "ad", engine.KeyAppCookieName: "an", engine.KeyAlgorithm: "al",
	engine.KeyAnomalyMitigation: "am", engine.KeySlowStart: "ss", engine.KeyDeregistrationDelay: "dd",
	engine.KeyHealthCheckInterval: "hi", engine.KeyHealthCheckTimeout: "ht",
	engine.KeyHealthyThresholdCount: "hh", engine.KeyUnhealthyThresholdCount: "hu",
	listenerKeyPolicy: "lp", listenerKeyPeriod: "le", listenerKeyCookie: "lc",
}

// crowdCodes are the letters of a crowd's settings in a link.
var crowdCodes = []struct {
	code byte
	get  func(*CrowdSettings) *float64
}{
	{'r', func(c *CrowdSettings) *float64 { return &c.RequestRate }},
	{'a', func(c *CrowdSettings) *float64 { return &c.ArrivalRate }},
	{'x', func(c *CrowdSettings) *float64 { return &c.ClearShare }},
	{'b', func(c *CrowdSettings) *float64 { return &c.BlockShare }},
	{'n', func(c *CrowdSettings) *float64 { return &c.NATShare }},
}

// otherAction is the letter of an action without one: its do is its first
// argument.
const otherAction = 'V'

// instanceActions take an instance, first of their args.
var instanceActions = []string{DoOpen, DoStopInstance, DoStartInstance, DoFailChecks, DoPassChecks,
	DoDeregister, DoRegister, DoSlowDown, DoSpeedUp}

// encodeActions writes s's actions, clock and check for a link whose
// setup parameters are s.Params.
func encodeActions(s Scenario) string {
	var b strings.Builder
	b.WriteString(strconv.Itoa(ScenarioVersion))
	var prev int64
	for _, a := range s.Actions {
		b.WriteByte('.')
		code, ok := actionCodes[a.Do]
		if !ok {
			code = otherAction
		}
		b.WriteByte(code)
		b.WriteString(delta(a.At - prev))
		prev = a.At
		arg := func(s string) { b.WriteByte('~'); b.WriteString(escapeArg(s)) }
		if !ok { // an action of a later lab: its name, instance and name
			arg(a.Do)
			if a.Instance != "" {
				arg("i" + a.Instance)
			}
			if a.Name != "" {
				arg("n" + a.Name)
			}
		}
		if slices.Contains(instanceActions, a.Do) {
			if n, ok := strings.CutPrefix(a.Instance, "Instance "); ok && n != "" && strings.Trim(n, "0123456789") == "" && n[0] != '0' {
				b.WriteString("~" + n)
			} else {
				arg("i" + a.Instance)
			}
		}
		if slices.Contains(namedActions, a.Do) {
			arg(a.Name)
		}
		if (a.Do == DoSaveAttributes || a.Do == DoLaunch) && a.Name != "" {
			arg("g" + a.Name) // its target group; no attribute code starts with g
		}
		for _, k := range slices.Sorted(maps.Keys(a.Attributes)) {
			if c, ok := attributeCodes[k]; ok {
				arg(c + a.Attributes[k])
			} else {
				arg("k" + k)
				arg(a.Attributes[k])
			}
		}
		if c := a.Crowd; c != nil {
			b.WriteString("~c" + strconv.Itoa(c.Clients))
			if c.ThinkTimeMs != 0 {
				b.WriteString("~t" + strconv.FormatInt(c.ThinkTimeMs, 10))
			}
			if c.NATGateways != 0 {
				b.WriteString("~g" + strconv.Itoa(c.NATGateways))
			}
			for _, f := range crowdCodes {
				if v := *f.get(c); v != 0 {
					arg(string(f.code) + strconv.FormatFloat(v, 'g', -1, 64))
				}
			}
		}
		for _, n := range a.WithoutCookies {
			arg("x" + n)
		}
		for _, c := range a.WithCookies {
			arg("v" + c.Name)
			arg(c.Value)
		}
	}
	if w := s.ElapsedMs - prev; w > 0 {
		b.WriteString(".W" + delta(w))
	}
	if s.AheadMs > 0 {
		b.WriteString(".F" + delta(s.AheadMs))
	}
	b.WriteString(".Z" + strconv.FormatUint(uint64(linkCheck(s.Params, b.String())), 36))
	return b.String()
}

func delta(ms int64) string {
	if ms == 0 {
		return ""
	}
	return strconv.FormatInt(ms, 36)
}

// linkCheck is the CRC-32 of a link's setup parameters and actions.
func linkCheck(params map[string]string, actions string) uint32 {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(params)) {
		if k != "view" {
			b.WriteString(k + "=" + params[k] + "&")
		}
	}
	b.WriteString(actions)
	return crc32.ChecksumIEEE([]byte(b.String()))
}

// escapeArg escapes an arg of a link: bytes other than [A-Za-z0-9_] as
// "-" and two hex digits.
func escapeArg(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "-%02x", c)
		}
	}
	return b.String()
}

func unescapeArg(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '-':
			if i+2 >= len(s) {
				return "", fmt.Errorf("%q ends in the middle of an escape", s)
			}
			n, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
			if err != nil {
				return "", fmt.Errorf("%q has a bad escape %q", s, s[i:i+3])
			}
			b.WriteByte(byte(n))
			i += 2
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_':
			b.WriteByte(c)
		default:
			return "", fmt.Errorf("%q has the character %q, which a link does not use", s, c)
		}
	}
	return b.String(), nil
}

// decodeActions reads a link's actions parameter, its setup parameters
// being params (checked against it), into a scenario.
func decodeActions(v string, params map[string]string) (Scenario, error) {
	s := Scenario{Params: params}
	if len(v) > 4*maxScenarioBytes {
		return s, errors.New("its actions are too long")
	}
	tokens := strings.Split(v, ".")
	if err := checkVersion(tokens[0], "link format"); err != nil {
		return s, err
	}
	last := tokens[len(tokens)-1]
	if len(tokens) < 2 || !strings.HasPrefix(last, "Z") {
		return s, errors.New("it is cut short: its actions do not end with their check (.Z…)")
	}
	body := v[:len(v)-len(last)-1]
	if sum, err := strconv.ParseUint(last[1:], 36, 32); err != nil || uint32(sum) != linkCheck(params, body) {
		return s, errors.New("it was changed or cut short after it was made: its check does not match its parameters and actions")
	}
	var prev int64
	clock := false
	for i, tok := range tokens[1 : len(tokens)-1] {
		code, rest := tok[:min(1, len(tok))], tok[min(1, len(tok)):]
		head, args, _ := strings.Cut(rest, "~")
		var argv []string
		if strings.Contains(rest, "~") {
			argv = strings.Split(args, "~")
		}
		d, err := parseDelta(head)
		if err != nil {
			return s, fmt.Errorf("item %d (%q) has a bad time: %v", i+1, tok, err)
		}
		switch code {
		case "W":
			s.ElapsedMs = prev + d
			clock = true
			continue
		case "F":
			s.AheadMs = d
			continue
		}
		if clock {
			return s, fmt.Errorf("item %d (%q) comes after the clock", i+1, tok)
		}
		a, err := decodeAction(code, argv)
		if err != nil {
			return s, fmt.Errorf("action %d (%q): %v", len(s.Actions)+1, tok, err)
		}
		prev += d
		a.At = prev
		s.Actions = append(s.Actions, a)
		if len(s.Actions) > maxScenarioActions {
			return s, fmt.Errorf("it has more than the %d actions a scenario may have", maxScenarioActions)
		}
	}
	if !clock {
		s.ElapsedMs = prev
	}
	return s, s.check()
}

func parseDelta(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	if strings.ToLower(s) != s || s[0] == '0' {
		return 0, fmt.Errorf("%q is not a base-36 number of milliseconds", s)
	}
	n, err := strconv.ParseInt(s, 36, 64)
	if err != nil || n < 0 || n > 1<<50 {
		return 0, fmt.Errorf("%q is not a base-36 number of milliseconds", s)
	}
	return n, nil
}

// decodeAction reads one action of a link, but its time.
func decodeAction(code string, argv []string) (ScenarioAction, error) {
	var a ScenarioAction
	for do, c := range actionCodes {
		if code == string(c) {
			a.Do = do
		}
	}
	if a.Do == "" && code != string(otherAction) {
		return a, fmt.Errorf("%q is not an action's letter", code)
	}
	args := make([]string, len(argv))
	for i, v := range argv {
		var err error
		if args[i], err = unescapeArg(v); err != nil {
			return a, err
		}
	}
	next := func(what string) (string, error) {
		if len(args) == 0 {
			return "", fmt.Errorf("%s is missing", what)
		}
		v := args[0]
		args = args[1:]
		return v, nil
	}
	var err error
	other := false
	if a.Do == "" {
		if a.Do, err = next("its action"); err != nil {
			return a, err
		}
		if _, ok := actionCodes[a.Do]; ok || a.Do == "" {
			return a, fmt.Errorf("%q has a letter of its own", a.Do)
		}
		other = true
	}
	if slices.Contains(instanceActions, a.Do) {
		if len(argv) > 0 && argv[0] != "" && strings.Trim(argv[0], "0123456789") == "" && argv[0][0] != '0' {
			a.Instance = "Instance " + argv[0]
			args = args[1:]
		} else if v, err := next("its instance"); err != nil {
			return a, err
		} else if a.Instance, _ = strings.CutPrefix(v, "i"); !strings.HasPrefix(v, "i") {
			return a, fmt.Errorf("its instance %q is neither a number nor i and a name", v)
		}
	}
	if slices.Contains(namedActions, a.Do) {
		if a.Name, err = next("its name"); err != nil {
			return a, err
		}
	}
	if a.Do == DoSaveAttributes || a.Do == DoEditStickiness {
		a.Attributes = map[string]string{}
	}
	if a.Do == DoStartCrowd {
		a.Crowd = &CrowdSettings{}
	}
	for len(args) > 0 {
		v, _ := next("")
		if v == "" {
			return a, errors.New("it has an empty part")
		}
		switch {
		case a.Do == DoSaveAttributes && v[0] == 'g' && a.Name == "" && len(a.Attributes) == 0:
			a.Name = v[1:] // its target group, not the crowd's g (NAT gateways) of a C
		case a.Do == DoLaunch && v[0] == 'g' && a.Name == "":
			a.Name = v[1:] // its target group; a link of before had none: the default
		case a.Do == DoSaveAttributes || a.Do == DoEditStickiness:
			key, val := "", ""
			for k, c := range attributeCodes {
				if strings.HasPrefix(v, c) {
					key, val = k, v[len(c):]
				}
			}
			if key == "" && strings.HasPrefix(v, "k") {
				key = v[1:]
				if val, err = next("the value of " + key); err != nil {
					return a, err
				}
			}
			if key == "" {
				return a, fmt.Errorf("%q names no attribute", v)
			}
			a.Attributes[key] = val
		case a.Do == DoStartCrowd:
			if err := decodeCrowd(a.Crowd, v); err != nil {
				return a, err
			}
		case other && v[0] == 'i' && a.Instance == "" && a.Name == "" && a.WithoutCookies == nil && a.WithCookies == nil:
			a.Instance = v[1:]
		case other && v[0] == 'n' && a.Name == "" && a.WithoutCookies == nil && a.WithCookies == nil:
			a.Name = v[1:]
		case (a.Do == DoRefresh || a.Do == DoOpen || other) && v[0] == 'x':
			a.WithoutCookies = append(a.WithoutCookies, v[1:])
		case (a.Do == DoRefresh || a.Do == DoOpen || other) && v[0] == 'v':
			val, err := next("the value of cookie " + v[1:])
			if err != nil {
				return a, err
			}
			a.WithCookies = append(a.WithCookies, CookieValue{Name: v[1:], Value: val})
		default:
			return a, fmt.Errorf("%q is not a part of this action", v)
		}
	}
	if a.Crowd != nil && a.Crowd.Clients == 0 {
		return a, errors.New("its crowd has no number of clients (c…)")
	}
	return a, nil
}

// decodeCrowd reads one of a crowd's settings in a link into c.
func decodeCrowd(c *CrowdSettings, v string) error {
	switch v[0] {
	case 'c', 't', 'g':
		n, err := strconv.ParseInt(v[1:], 10, 64)
		if err != nil || n < 0 || n > 1<<40 {
			return fmt.Errorf("%q is not a whole number", v)
		}
		switch v[0] {
		case 'c':
			c.Clients = int(n)
		case 't':
			c.ThinkTimeMs = n
		default:
			c.NATGateways = int(n)
		}
		return nil
	}
	for _, f := range crowdCodes {
		if v[0] == f.code {
			n, err := strconv.ParseFloat(v[1:], 64)
			if err != nil || n != n || n < 0 || n > 1e9 {
				return fmt.Errorf("%q is not a number", v)
			}
			*f.get(c) = n
			return nil
		}
	}
	return fmt.Errorf("%q is not a crowd setting", v)
}

// scenarioFromQuery reads the scenario of a shared link: ok is false when
// the query has no actions parameter (a plain setup link).
func scenarioFromQuery(q url.Values) (Scenario, bool, error) {
	v, ok := first(q, linkParam)
	if !ok {
		return Scenario{}, false, nil
	}
	params := map[string]string{}
	for _, k := range scenarioParamKeys() {
		if p, ok := first(q, k); ok {
			params[k] = p
		}
	}
	s, err := decodeActions(v, params)
	return s, true, err
}

// scenarioQuery returns the query of a link to s: its parameters, readable,
// then its actions.
func scenarioQuery(s Scenario) string {
	q := paramsQuery(s.Params)
	return q.Encode() + map[bool]string{true: "&", false: ""}[len(q) > 0] + linkParam + "=" + encodeActions(s)
}
