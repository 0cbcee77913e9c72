//go:build !(js && wasm)

package main

import (
	"encoding/json"
	"reflect"
	"testing"
)

const sampleReport = `{
  "lighthouseVersion": "12.8.2",
  "categories": {
    "accessibility": {"score": 1, "auditRefs": [{"id": "image-alt", "weight": 10}]},
    "best-practices": {"score": 0.96, "auditRefs": [
      {"id": "errors-in-console", "weight": 1},
      {"id": "csp-xss", "weight": 0},
      {"id": "inspector-issues", "weight": 1}
    ]},
    "seo": {"score": null, "auditRefs": [{"id": "robots-txt", "weight": 1}]}
  },
  "audits": {
    "image-alt": {"title": "Image elements have [alt] attributes", "score": 1, "scoreDisplayMode": "binary"},
    "errors-in-console": {"title": "Browser errors were logged to the console", "score": 0, "scoreDisplayMode": "binary"},
    "csp-xss": {"title": "Ensure CSP is effective against XSS attacks", "score": 0, "scoreDisplayMode": "informative"},
    "inspector-issues": {"title": "No issues in the Issues panel", "score": 1, "scoreDisplayMode": "binary"},
    "robots-txt": {"title": "robots.txt is valid", "score": null, "scoreDisplayMode": "error", "errorMessage": "boom"}
  }
}`

func TestReport(t *testing.T) {
	var r report
	if err := json.Unmarshal([]byte(sampleReport), &r); err != nil {
		t.Fatal(err)
	}
	lines := r.lines("traffic_mobile", categories)
	want := []string{
		"lighthouse_traffic_mobile_accessibility: 100",
		"lighthouse_traffic_mobile_best_practices: 96",
		"lighthouse_traffic_mobile_seo: -1",
	}
	if !reflect.DeepEqual(lines, want) {
		t.Errorf("lines = %q, want %q", lines, want)
	}
	// The informative csp-xss (weight 0) is not a failure; the errored
	// robots-txt is listed under its category.
	fails := r.failures(categories, 100)
	want = []string{
		"best-practices: 96 (below 100)",
		"  errors-in-console: Browser errors were logged to the console",
		"seo: -1 (below 100)",
		"  robots-txt: error: boom",
	}
	if !reflect.DeepEqual(fails, want) {
		t.Errorf("failures = %q, want %q", fails, want)
	}
	if f := r.failures(categories, 0); len(f) != 2 {
		t.Errorf("failures at min 0 = %q, want only the scoreless seo and its errored audit", f)
	}
}
