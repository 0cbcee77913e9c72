package app

import (
	"fmt"
	"math"
	"time"

	"github.com/stickylab/stickylab/engine"
)

// presetPrediction is the question a traffic lab lesson asks before its
// incident plays out, and how the engine's history answers it.
type presetPrediction struct {
	Preset   string
	Question string
	Choices  []string
	// Order is the order the choices are shown in (indexes of Choices), nil
	// for as listed: a scale stays in order, other right answers move about.
	Order []int
	// Horizon is when, after the preset starts, the incident has played
	// out and the answer is measured.
	Horizon time.Duration
	// measure returns the answer (an index of Choices) from the samples of
	// the lesson's first Horizon, and the figures it read, in words.
	measure func(s []engine.Sample) (int, string)
}

// presetPredictions are the predictions of engine.Presets.
var presetPredictions = []presetPrediction{
	{Preset: "no-stickiness", Horizon: 2 * time.Minute,
		Question: "Without stickiness, what share of the crowd's requests will lose their session in the first 2 minutes?",
		Choices:  []string{"Almost none (under 10%)", "Some (10% to 50%)", "Most (50% to 90%)", "Nearly all (over 90%)"},
		measure: func(s []engine.Sample) (int, string) {
			t := total(s)
			share := ratio(t.Lost, t.Requests)
			return bucket(share, 0.1, 0.5, 0.9), fmt.Sprintf("%s of %s requests lost their session: %.0f%%.", thousands(t.Lost), thousands(t.Requests), 100*share)
		}},
	{Preset: "stickiness", Horizon: 2 * time.Minute,
		Question: "With stickiness on, how many sessions will the crowd lose in the first 2 minutes?",
		Choices:  []string{"None", "A few (under 5% of requests)", "Many (5% or more)"},
		measure:  lostSessions(0.05, true)},
	{Preset: "instance-fails", Horizon: 3 * time.Minute, Order: []int{0, 2, 1},
		Question: "At 1 min Instance 2 stops. What happens to the users it was serving?",
		Choices: []string{"Nothing: the load balancer moves them at once and they keep their sessions",
			"502 errors for a while, then they move to another instance and lose their sessions",
			"Errors until Instance 2 comes back: their cookie ties them to it"},
		measure: afterStop("")},
	{Preset: "scale-out", Horizon: 11 * time.Minute,
		Question: "At 1 min two new instances launch. Will they get a fair share of the requests (at least 80% of the average instance's) within 10 minutes?",
		Choices:  []string{"Yes: the load balancer spreads the load over five instances", "No: the crowd's cookies keep it on the first three"},
		measure: func(s []engine.Sample) (int, string) {
			per := targetRequests(s[max(0, len(s)-60):])
			var sum int64
			for _, n := range per {
				sum += n
			}
			mean := float64(sum) / 5
			worst := min(per[3], per[4])
			words := fmt.Sprintf("In minute 10 to 11: Instance 4 got %s requests and Instance 5 %s; the average instance got %s, so the newest reached %.0f%% of it.",
				thousands(per[3]), thousands(per[4]), thousands(int64(math.Round(mean))), 100*ratio(worst, int64(mean)))
			if float64(worst) >= 0.8*mean {
				return 0, words
			}
			return 1, words
		}},
	{Preset: "external-store", Horizon: 3 * time.Minute,
		Question: "Stickiness off, sessions in an external store, 20% of users clearing their cookies, two instances launched at 1 min: how many sessions will be lost in 3 minutes?",
		Choices:  []string{"None", "Some: the users who land on a new instance", "Many: without stickiness every move loses one"},
		measure:  lostSessions(0.3, false)},
	{Preset: "classic-duration", Horizon: 3 * time.Minute, Order: []int{1, 2, 0},
		Question: "At 1 min Instance 2 stops. Its users hold an AWSELB cookie naming it: what happens to them?",
		Choices: []string{"Nothing: the load balancer moves them at once and they keep their sessions",
			"502 errors for a while, then, once it is OutOfService, they are routed as if there is no cookie and lose their sessions",
			"Errors until Instance 2 comes back: AWSELB ties them to it"},
		measure: afterStop(" (AWSELB, set once, also runs out two minutes after a user's first request)")},
	{Preset: "nlb-office-nat", Horizon: 2 * time.Minute, Order: []int{1, 0},
		Question: "Half of the 300 users work behind one NAT gateway. With source IP stickiness, how will the second minute's requests spread over the three targets?",
		Choices:  []string{"Evenly: about a third each", "Unevenly: one target carries the whole office"},
		measure: func(s []engine.Sample) (int, string) {
			per := targetRequests(s[min(len(s), 60):])
			sum := per[0] + per[1] + per[2]
			busiest := max(per[0], per[1], per[2])
			words := fmt.Sprintf("In the second minute: Instance 1 got %s requests, Instance 2 %s, Instance 3 %s; the busiest carried %.0f%% of them.",
				thousands(per[0]), thousands(per[1]), thousands(per[2]), 100*ratio(busiest, sum))
			if float64(busiest) >= 1.3*float64(sum)/3 {
				return 1, words
			}
			return 0, words
		}},
	{Preset: "slow-start", Horizon: 7 * time.Minute, Order: []int{2, 0, 1},
		Question: "Two instances launch at 1 min, with 2 minutes of slow start. Once they pass their health checks, how do their requests grow?",
		Choices: []string{"At once to a full share", "Gradually, to a full share when slow start ends",
			"Hardly: the first three instances keep the load"},
		measure: measureSlowStart},
	{Preset: "blue-green", Horizon: 8 * time.Minute, Order: []int{2, 1, 0},
		Question: "At 1 min the weights shift from blue 100 / green 0 to 0 / 100. What happens to the users on blue?",
		Choices: []string{"They all move to green at once",
			"They stay on blue while their group cookie is valid, and move to green (losing their session) once it runs out",
			"They stay on blue for good"},
		measure: measureBlueGreen},
}

// shown returns the indexes of q's choices in the order they are shown.
func (q *presetPrediction) shown() []int {
	if q.Order != nil {
		return q.Order
	}
	order := make([]int, len(q.Choices))
	for i := range order {
		order[i] = i
	}
	return order
}

// afterStop answers what happened to Instance 2's users once it stopped at
// 1 min, from the moves the stop caused (not from every lost session: other
// sessions end on their own, as a Classic AWSELB's do; note says how):
// errors then moved to an instance that does not know them, errors only, or
// nothing.
func afterStop(note string) func(s []engine.Sample) (int, string) {
	return func(s []engine.Sample) (int, string) {
		t := total(s[min(len(s), 60):])
		words := fmt.Sprintf("After the stop: %s answers 502 Bad Gateway, then %s sticky clients moved to an instance that did not know their session; %s sessions were lost in those minutes in all%s.",
			thousands(t.Errors), thousands(t.Moved), thousands(t.Lost), note)
		switch {
		case t.Moved > 0:
			return 1, words
		case t.Errors > 0:
			return 2, words
		}
		return 0, words
	}
}

// measureSlowStart compares Instance 4's requests with an old instance's
// in its first 30 s in service and in the last minute.
func measureSlowStart(s []engine.Sample) (int, string) {
	first := -1
	for i, x := range s {
		if x.Targets[3].InService {
			first = i
			break
		}
	}
	if first < 0 {
		return 2, "Instance 4 never came into service."
	}
	share := func(x []engine.Sample) float64 {
		per := targetRequests(x)
		return ratio(3*per[3], per[0]+per[1]+per[2])
	}
	early, late := share(s[first:min(len(s), first+30)]), share(s[max(first, len(s)-60):])
	words := fmt.Sprintf("In its first 30 s in service Instance 4 got %.0f%% of an old instance's requests; in the last minute, %.0f%%.", 100*early, 100*late)
	switch {
	case early >= 0.8:
		return 0, words
	case late >= 0.8:
		return 1, words
	}
	return 2, words
}

// measureBlueGreen compares blue's share of the requests (Instances 1 and
// 2) in the minute after the shift and in the last minute.
func measureBlueGreen(s []engine.Sample) (int, string) {
	blue := func(x []engine.Sample) float64 {
		per := targetRequests(x)
		return ratio(per[0]+per[1], total(x).Requests)
	}
	after, last := blue(s[min(len(s), 60):min(len(s), 120)]), blue(s[max(0, len(s)-60):])
	lost := total(s[min(len(s), 60):]).Lost
	words := fmt.Sprintf("Blue served %.0f%% of the requests in the minute after the shift and %.0f%% in the last minute; %s sessions were lost on the way to green.", 100*after, 100*last, thousands(lost))
	switch {
	case after < 0.1:
		return 0, words
	case last < after/2 && lost > 0:
		return 1, words
	}
	return 2, words
}

// predictionFor returns the prediction of preset id.
func predictionFor(id string) (presetPrediction, bool) {
	for _, p := range presetPredictions {
		if p.Preset == id {
			return p, true
		}
	}
	return presetPrediction{}, false
}

// measured is the answer the load balancer's history gives.
type measured struct {
	Answer int    // an index of Choices, -1 when the samples are gone
	Words  string // the figures
}

// measureOn answers p for a lesson started at start, once its Horizon has
// passed on lb's clock (ok false before).
func (p presetPrediction) measureOn(lb *engine.LoadBalancer, start time.Time) (r measured, ok bool) {
	from := start.Truncate(time.Second)
	end := from.Add(p.Horizon)
	if lb.Now().Before(end) {
		return r, false
	}
	var in []engine.Sample
	for _, s := range lb.History(nil, engine.HistoryLength) {
		if !s.Time.Before(from) && s.Time.Before(end) {
			in = append(in, s)
		}
	}
	if len(in) < int(p.Horizon/time.Second) {
		return measured{Answer: -1, Words: "Those minutes are no longer in the load balancer's one-hour history: stage the lesson again to measure them."}, true
	}
	r.Answer, r.Words = p.measure(in)
	return r, true
}

// total sums samples.
func total(s []engine.Sample) (t struct{ Requests, Sticky, Lost, Moved, Errors int64 }) {
	for _, x := range s {
		t.Requests += int64(x.Requests)
		t.Sticky += int64(x.Sticky)
		t.Lost += int64(x.Lost)
		t.Moved += int64(x.Moved)
		t.Errors += int64(x.Errors)
	}
	return t
}

// targetRequests sums each target's requests over s, by its Number - 1.
func targetRequests(s []engine.Sample) (per [engine.MaxInstances]int64) {
	for _, x := range s {
		for i, t := range x.Targets {
			per[i] += int64(t.Requests)
		}
	}
	return per
}

func ratio(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// bucket returns how many of the ascending limits x reaches.
func bucket(x float64, limits ...float64) int {
	n := 0
	for _, l := range limits {
		if x >= l {
			n++
		}
	}
	return n
}

// lostSessions measures a lesson's lost sessions as none (0), some (1: under
// share of the requests) or many (2), with the sticky requests when sticky.
func lostSessions(share float64, sticky bool) func([]engine.Sample) (int, string) {
	return func(s []engine.Sample) (int, string) {
		t := total(s)
		words := fmt.Sprintf("%s sessions lost in %s requests.", thousands(t.Lost), thousands(t.Requests))
		if sticky {
			words = fmt.Sprintf("%s sessions lost in %s requests; %s were sticky.", thousands(t.Lost), thousands(t.Requests), thousands(t.Sticky))
		}
		if t.Lost == 0 {
			return 0, words
		}
		return 1 + bucket(ratio(t.Lost, t.Requests), share), words
	}
}
