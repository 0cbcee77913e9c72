//go:build !(js && wasm)

package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"sort"
	"strings"
)

// report is the part of a Lighthouse JSON report (lhr) read here.
type report struct {
	LighthouseVersion string `json:"lighthouseVersion"`
	FinalURL          string `json:"finalDisplayedUrl"`
	RuntimeError      *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"runtimeError"`
	Categories map[string]struct {
		Score     *float64 `json:"score"`
		AuditRefs []struct {
			ID     string  `json:"id"`
			Weight float64 `json:"weight"`
		} `json:"auditRefs"`
	} `json:"categories"`
	Audits map[string]struct {
		Title        string   `json:"title"`
		Score        *float64 `json:"score"`
		Mode         string   `json:"scoreDisplayMode"`
		DisplayValue string   `json:"displayValue"`
		ErrorMessage string   `json:"errorMessage"`
	} `json:"audits"`
}

func readReport(path string) (*report, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r report
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &r, nil
}

// score returns a category's score from 0 to 100, or -1 if Lighthouse gave
// none (the run failed).
func (r *report) score(category string) int {
	c, ok := r.Categories[category]
	if !ok || c.Score == nil {
		return -1
	}
	return int(math.Round(*c.Score * 100))
}

// lines returns "lighthouse_<prefix>_<category>: score" for each category,
// the category's dashes turned into underscores.
func (r *report) lines(prefix string, categories []string) []string {
	var out []string
	for _, c := range categories {
		out = append(out, fmt.Sprintf("lighthouse_%s_%s: %d", prefix, strings.ReplaceAll(c, "-", "_"), r.score(c)))
	}
	return out
}

// failures returns why the report falls short: a runtime error, a category
// below min (with each of its failing audits), or an audit that errored.
func (r *report) failures(categories []string, min int) []string {
	var out []string
	if r.RuntimeError != nil {
		out = append(out, fmt.Sprintf("runtime error %s: %s", r.RuntimeError.Code, r.RuntimeError.Message))
	}
	for _, c := range categories {
		s := r.score(c)
		if s >= min {
			continue
		}
		out = append(out, fmt.Sprintf("%s: %d (below %d)", c, s, min))
		var audits []string
		for _, ref := range r.Categories[c].AuditRefs {
			a, ok := r.Audits[ref.ID]
			if !ok {
				continue
			}
			switch {
			case a.Mode == "error":
				audits = append(audits, fmt.Sprintf("  %s: error: %s", ref.ID, a.ErrorMessage))
			case a.Score != nil && *a.Score < 1 && ref.Weight > 0:
				line := fmt.Sprintf("  %s: %s", ref.ID, a.Title)
				if a.DisplayValue != "" {
					line += " (" + a.DisplayValue + ")"
				}
				audits = append(audits, line)
			}
		}
		sort.Strings(audits)
		out = append(out, audits...)
	}
	return out
}
