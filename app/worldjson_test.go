package app

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/stickylab/stickylab/engine"
)

// checkWorldJSON fails unless marshalWorld writes w as json.Marshal does.
func checkWorldJSON(t *testing.T, w World) {
	t.Helper()
	want, wantErr := json.Marshal(w)
	got, err := marshalWorld(w)
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("marshalWorld error %v, json.Marshal error %v", err, wantErr)
	}
	if err == nil && !bytes.Equal(got, want) {
		t.Fatalf("marshalWorld:\n%s\njson.Marshal:\n%s", got, want)
	}
}

// TestWorldJSONOfALab saves a lab with every kind of action as json.Marshal
// would, and reads it back.
func TestWorldJSONOfALab(t *testing.T) {
	m, clock := newTestModel(t, "stickiness=lb_cookie&duration=20", nil)
	m.refresh()
	clock.Advance(1500 * time.Millisecond)
	m.do(Action{Do: DoStopInstance, Instance: "Instance 2"})
	m.do(Action{Do: DoDeleteCookie, Name: "AWSALB"})
	m.refresh()
	m.startCrowd(engine.CrowdConfig{Clients: 40, ThinkTime: time.Second, ClearShare: 0.1, NATShare: 0.5, NATGateways: 2})
	w := m.world(map[string]string{"stickiness": "lb_cookie", "duration": "20"}, clock.Now())
	checkWorldJSON(t, w)
	raw, err := marshalWorld(w)
	if err != nil {
		t.Fatal(err)
	}
	back, err := decodeWorld(string(raw))
	if err != nil || len(back.Actions) != len(w.Actions) {
		t.Fatalf("decodeWorld: %d actions, %v; want %d", len(back.Actions), err, len(w.Actions))
	}
}

// FuzzWorldJSON checks marshalWorld equal to json.Marshal on worlds of any
// strings, numbers and nil or empty parts.
func FuzzWorldJSON(f *testing.F) {
	f.Add("lb", "classic", "Instance 2", "AWSALB", "x<y>&\"\\\n\u2028\xff", int64(1500), 3.5, 1e-7, uint8(0))
	f.Add("", "", "", "", "é\t\x01\x7f", int64(-1), 1e21, 0.1, uint8(255))
	f.Fuzz(func(t *testing.T, k, v, inst, name, odd string, at int64, f1, f2 float64, shape uint8) {
		start := time.Date(2026, 1, 5, 9, 0, 0, int(uint64(at)%1e9), time.UTC)
		w := World{Version: WorldVersion, Start: start, Sim: start.Add(time.Duration(at)), Wall: time.Unix(at, 0).UTC(), Ahead: at % 7, Rate: int(shape % 4)}
		if shape&1 != 0 {
			w.Params = map[string]string{k: v, odd: inst, "seed": name}
		} else if shape&2 != 0 {
			w.Params = map[string]string{}
		}
		if shape&4 != 0 {
			w.Actions = []Action{}
			w.Opened = map[string]string{v: k, "lesson": odd}
		}
		if shape&8 != 0 {
			cookies := []CookieValue{{Name: name, Value: odd}, {Name: k, Value: v}}
			var none []CookieValue
			empty := []CookieValue{}
			w.Actions = append(w.Actions,
				Action{At: at, Do: DoRefresh, Cookies: &cookies},
				Action{At: at + 1, Do: DoRefresh, Cookies: &none},
				Action{At: at + 2, Do: DoRefresh, Cookies: &empty},
				Action{Do: odd, Instance: inst, Name: name},
				Action{Do: DoSaveAttributes, Name: name, Attributes: map[string]string{k: v, inst: odd}},
				Action{Do: DoSaveAttributes, Attributes: map[string]string{}},
			)
		}
		if shape&16 != 0 {
			w.Actions = append(w.Actions,
				Action{Do: DoStartCrowd, Crowd: &CrowdSettings{Clients: int(at % 1000), ThinkTimeMs: at, RequestRate: f1, ArrivalRate: f2, ClearShare: f1 / 3, BlockShare: -f2, NATShare: math.Abs(f1), NATGateways: int(shape)}},
				Action{Do: DoStartCrowd, Crowd: &CrowdSettings{}},
			)
		}
		if shape&32 != 0 {
			w.Predictions = map[string]int{k: int(at), odd: -1, name + "@1": int(shape)}
		} else if shape&64 != 0 {
			w.Predictions = map[string]int{} // omitted, as json's omitempty does
		}
		checkWorldJSON(t, w)
	})
}
