//go:build !(js && wasm)

package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"
)

// restoreActions is the size of the saved lab BenchmarkRestore reloads: a
// long lesson's worth of actions.
const restoreActions = 300

// savedLab returns a saved "Your browser" lab of n actions, as the lab
// writes it: refreshes two seconds apart, stickiness turned on, a cookie
// deleted in DevTools, an instance stopped and started, saved a minute ago.
func savedLab(n int, wall time.Time) string {
	start := wall.Add(-time.Duration(n)*2*time.Second - time.Hour).Truncate(time.Second)
	var actions []map[string]any
	for i := range n {
		a := map[string]any{"at": int64(i) * 2000, "do": "refresh"}
		switch i {
		case n / 4:
			a = map[string]any{"at": int64(i) * 2000, "do": "save-attributes",
				"attributes": map[string]string{"stickiness.enabled": "true", "stickiness.type": "lb_cookie"}}
		case n / 2:
			a["cookies"] = []any{}
		case 3 * n / 4:
			a = map[string]any{"at": int64(i) * 2000, "do": "stop-instance", "instance": "Instance 1"}
		case 3*n/4 + 20:
			a = map[string]any{"at": int64(i) * 2000, "do": "start-instance", "instance": "Instance 1"}
		}
		actions = append(actions, a)
	}
	sim := start.Add(time.Duration(n) * 2 * time.Second)
	w := map[string]any{"version": 1, "params": map[string]string{}, "start": start, "actions": actions,
		"sim": sim, "wall": wall.Add(-time.Minute), "rate": 1}
	raw, _ := json.Marshal(w)
	return string(raw)
}

// BenchmarkRestore measures restore_ms: how long the "Your browser" lab
// takes, in Chromium, to read and replay a saved lab of restoreActions
// actions when the page loads (the lab's own data-restore-ms), the median
// of E2E_BENCH_RUNS reloads (default 3).
func BenchmarkRestore(b *testing.B) {
	runs := 3
	if n, err := strconv.Atoi(os.Getenv("E2E_BENCH_RUNS")); err == nil && n > 0 {
		runs = n
	}
	p, closeTab := OpenPage(b, lab)
	defer closeTab()
	p.OpenLab("")
	key := "stickylab:world:" + Base + "/"
	var ms []float64
	b.ResetTimer()
	for range b.N {
		for range runs + 1 {
			// Written from another page of the origin: the lab saves its
			// own world when it goes (pagehide).
			p.Navigate(p.Site.Origin + "/not-the-lab")
			saved := savedLab(restoreActions, time.Now())
			Eval[bool](p, fmt.Sprintf(`(localStorage.setItem(%q, %q), true)`, key, saved))
			p.OpenLab("")
			if got := p.logRows(); got != 50 {
				b.Fatalf("the restored lab shows %d log rows, want the log's 50; notices: %q", got, Eval[string](p, `(document.querySelector('[data-testid="notices"]') || {innerText: ""}).innerText`))
			}
			v, err := strconv.ParseFloat(Eval[string](p, `document.querySelector('[data-testid="saved-lab"]').dataset.restoreMs`), 64)
			if err != nil {
				b.Fatal(err)
			}
			ms = append(ms, v)
		}
	}
	b.StopTimer()
	b.Logf("restores of %d actions (ms, the first discarded): %.1f", restoreActions, ms)
	b.ReportMetric(median(ms[1:]), "restore_ms")
}
