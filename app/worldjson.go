package app

import (
	"errors"
	"maps"
	"math"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"
)

// worldJSON writes a World byte for byte as json.Marshal does, without
// reflection: the lab saves after every action, the page load's included, and
// encoding/json's first run is a large part of a cold start's WebAssembly.
// FuzzWorldJSON checks it equal to json.Marshal.
type worldJSON struct {
	b   []byte
	err error
}

// marshalWorld returns w as json.Marshal would.
func marshalWorld(w World) ([]byte, error) {
	e := worldJSON{b: make([]byte, 0, 256+96*len(w.Actions))}
	e.world(w)
	return e.b, e.err
}

func (e *worldJSON) world(w World) {
	e.b = append(e.b, `{"version":`...)
	e.b = strconv.AppendInt(e.b, int64(w.Version), 10)
	e.b = append(e.b, `,"params":`...)
	e.stringMap(w.Params)
	if len(w.Opened) > 0 { // never empty: openedOf marks it
		e.b = append(e.b, `,"opened":`...)
		e.stringMap(w.Opened)
	}
	e.b = append(e.b, `,"start":`...)
	e.time(w.Start)
	e.b = append(e.b, `,"actions":`...)
	if w.Actions == nil {
		e.b = append(e.b, "null"...)
	} else {
		e.b = append(e.b, '[')
		for i := range w.Actions {
			if i > 0 {
				e.b = append(e.b, ',')
			}
			e.action(&w.Actions[i])
		}
		e.b = append(e.b, ']')
	}
	e.b = append(e.b, `,"sim":`...)
	e.time(w.Sim)
	e.b = append(e.b, `,"wall":`...)
	e.time(w.Wall)
	if w.Ahead != 0 {
		e.b = append(e.b, `,"aheadMs":`...)
		e.b = strconv.AppendInt(e.b, w.Ahead, 10)
	}
	e.b = append(e.b, `,"rate":`...)
	e.b = strconv.AppendInt(e.b, int64(w.Rate), 10)
	if len(w.Predictions) > 0 {
		e.b = append(e.b, `,"predictions":`...)
		e.b = appendObject(e.b, w.Predictions, func(b []byte, v int) []byte { return strconv.AppendInt(b, int64(v), 10) })
	}
	e.b = append(e.b, '}')
}

func (e *worldJSON) action(a *Action) {
	e.b = append(e.b, `{"at":`...)
	e.b = strconv.AppendInt(e.b, a.At, 10)
	e.b = append(e.b, `,"do":`...)
	e.b = appendJSONString(e.b, a.Do)
	if a.Instance != "" {
		e.b = append(e.b, `,"instance":`...)
		e.b = appendJSONString(e.b, a.Instance)
	}
	if a.Name != "" {
		e.b = append(e.b, `,"name":`...)
		e.b = appendJSONString(e.b, a.Name)
	}
	if a.Cookies != nil {
		e.b = append(e.b, `,"cookies":`...)
		if *a.Cookies == nil {
			e.b = append(e.b, "null"...)
		} else {
			e.b = append(e.b, '[')
			for i, c := range *a.Cookies {
				if i > 0 {
					e.b = append(e.b, ',')
				}
				e.b = append(e.b, `{"name":`...)
				e.b = appendJSONString(e.b, c.Name)
				e.b = append(e.b, `,"value":`...)
				e.b = appendJSONString(e.b, c.Value)
				e.b = append(e.b, '}')
			}
			e.b = append(e.b, ']')
		}
	}
	if len(a.Attributes) > 0 {
		e.b = append(e.b, `,"attributes":`...)
		e.stringMap(a.Attributes)
	}
	if c := a.Crowd; c != nil {
		e.b = append(e.b, `,"crowd":{"clients":`...)
		e.b = strconv.AppendInt(e.b, int64(c.Clients), 10)
		if c.ThinkTimeMs != 0 {
			e.b = append(e.b, `,"thinkTimeMs":`...)
			e.b = strconv.AppendInt(e.b, c.ThinkTimeMs, 10)
		}
		e.float(`,"requestRate":`, c.RequestRate)
		e.float(`,"arrivalRate":`, c.ArrivalRate)
		e.float(`,"clearShare":`, c.ClearShare)
		e.float(`,"blockShare":`, c.BlockShare)
		e.float(`,"natShare":`, c.NATShare)
		if c.NATGateways != 0 {
			e.b = append(e.b, `,"natGateways":`...)
			e.b = strconv.AppendInt(e.b, int64(c.NATGateways), 10)
		}
		e.b = append(e.b, '}')
	}
	e.b = append(e.b, '}')
}

// stringMap writes m with its keys sorted, null for a nil map.
func (e *worldJSON) stringMap(m map[string]string) {
	if m == nil {
		e.b = append(e.b, "null"...)
		return
	}
	e.b = appendObject(e.b, m, appendJSONString)
}

// appendObject appends m as a JSON object, its keys sorted as json.Marshal
// sorts them, each value written by value.
func appendObject[V any](b []byte, m map[string]V, value func([]byte, V) []byte) []byte {
	b = append(b, '{')
	for i, k := range slices.Sorted(maps.Keys(m)) {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, k)
		b = append(b, ':')
		b = value(b, m[k])
	}
	return append(b, '}')
}

func (e *worldJSON) time(t time.Time) {
	b, err := t.MarshalJSON()
	if err != nil && e.err == nil {
		e.err = err
	}
	e.b = append(e.b, b...)
}

var errWorldFloat = errors.New("json: unsupported value: a crowd setting is not a finite number")

// float writes an omitempty float64 field named by key (",\"name\":") as
// encoding/json does.
func (e *worldJSON) float(key string, f float64) {
	if f == 0 {
		return
	}
	if math.IsInf(f, 0) || math.IsNaN(f) {
		if e.err == nil {
			e.err = errWorldFloat
		}
		return
	}
	e.b = append(e.b, key...)
	format := byte('f')
	if abs := math.Abs(f); abs < 1e-6 || abs >= 1e21 {
		format = 'e'
	}
	e.b = strconv.AppendFloat(e.b, f, format, -1, 64)
	if format == 'e' {
		// clean up e-09 to e-9
		if n := len(e.b); n >= 4 && e.b[n-4] == 'e' && e.b[n-3] == '-' && e.b[n-2] == '0' {
			e.b[n-2] = e.b[n-1]
			e.b = e.b[:n-1]
		}
	}
}

// appendJSONString writes s quoted as encoding/json does, HTML characters,
// U+2028, U+2029 and invalid UTF-8 escaped.
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '\\', '"':
				dst = append(dst, '\\', c)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
