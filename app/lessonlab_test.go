package app

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stickylab/stickylab/engine"
)

// TestLessonGuide checks the guide's markup on ?lesson=article: the steps
// with their number and state, the progress, the next step open, and a
// step done said to screen readers.
func TestLessonGuide(t *testing.T) {
	lt := mountLab(t, "lesson=article", nil)
	tree := lt.tree()
	steps := tree.allByTestID("lesson-step")
	if len(steps) != numLessonSteps {
		t.Fatalf("%d lesson steps, want %d", len(steps), numLessonSteps)
	}
	for i, s := range steps {
		if s.attrs["data-step"] != strconv.Itoa(i+1) || s.attrs["data-done"] != "false" {
			t.Errorf("step %d: data-step %q data-done %q", i+1, s.attrs["data-step"], s.attrs["data-done"])
		}
	}
	if got := tree.mustTestID(t, "lesson-progress").attrs["data-done-count"]; got != "0" {
		t.Errorf("data-done-count %q, want 0", got)
	}
	if _, open := steps[0].find(func(n *htmlNode) bool { return n.tag == "details" })[0].attr("open"); !open {
		t.Error("the first step is not open")
	}
	if intro := tree.find(func(n *htmlNode) bool { return n.attrs["class"] == "intro" }); len(intro) != 1 || !intro[0].flag("hidden") {
		t.Error("the article's five steps show beside the guide")
	}
	for n := 1; n <= 3; n++ {
		lt.do(func(l *Lab) { l.openDirect("Instance " + strconv.Itoa(n)) })
	}
	tree = lt.tree()
	// go-app prints a "true" attribute bare, parsed as "".
	if got := tree.allByTestID("lesson-step")[0].attrs["data-done"]; got != "" {
		t.Errorf("step 1 data-done %q after opening the three instances", got)
	}
	if got := tree.mustTestID(t, "lesson-progress").attrs["data-done-count"]; got != "1" {
		t.Errorf("data-done-count %q, want 1", got)
	}
	if said := lt.text("announcer"); !strings.Contains(said, "Instance 3 opened directly") || !strings.Contains(said, "Lesson step 1 done: Open each instance directly.") {
		t.Errorf("announcer says %q", said)
	}
	if _, open := tree.allByTestID("lesson-step")[1].find(func(n *htmlNode) bool { return n.tag == "details" })[0].attr("open"); !open {
		t.Error("step 2 is not open after step 1")
	}
	// A step done by an action that announces nothing else is said too.
	lt.refresh()
	lt.refresh()
	lt.do(func(l *Lab) {
		a, _ := l.m.lb.TargetGroup.Attributes().With(engine.KeyStickinessEnabled, "true")
		l.attributesSaved(l.saveAttributes(a))
	})
	if said := lt.text("announcer"); !strings.Contains(said, "Attributes saved") || !strings.Contains(said, "Lesson step 3 done") {
		t.Errorf("announcer after Save: %q", said)
	}
	if got := lt.tree().mustTestID(t, "lesson-progress").attrs["data-done-count"]; got != "3" {
		t.Errorf("data-done-count %q, want 3", got)
	}
}

// TestLessonEntry checks the way in: a link on the plain lab, no guide
// there, and a bad lesson named in the notices.
func TestLessonEntry(t *testing.T) {
	lt := mountLab(t, "", nil)
	tree := lt.tree()
	if a := tree.mustTestID(t, "start-lesson"); !strings.HasSuffix(a.attrs["href"], "/?lesson=article") {
		t.Errorf("start-lesson href %q", a.attrs["href"])
	}
	if tree.byTestID("lesson") != nil {
		t.Error("the guide shows without ?lesson=")
	}
	lt = mountLab(t, "lesson=kubernetes", nil)
	if got := lt.text("notices"); !strings.Contains(got, `lesson="kubernetes" is not valid`) {
		t.Errorf("notices %q", got)
	}
	if lt.tree().byTestID("lesson") != nil {
		t.Error("a bad lesson shows the guide")
	}
}

func TestLessonStepMessage(t *testing.T) {
	b, _ := json.Marshal(newLessonStepMessage(lessonByID(LessonArticle), stepDelete, 6))
	if got, want := string(b), `{"type":"stickylab:lesson-step","version":1,"lesson":"article","step":6,"id":"delete","done":6,"total":9}`; got != want {
		t.Errorf("%s\nwant %s", got, want)
	}
	if _, ok, _ := parseCommand(b); ok {
		t.Error("the lab's own lesson message is taken as a command")
	}
}

// TestPresetPredictions measures each preset's answer on its own run: the
// engine is deterministic, so the answers are known.
func TestPresetPredictions(t *testing.T) {
	want := map[string]int{"no-stickiness": 2, "stickiness": 0, "instance-fails": 1, "scale-out": 1, "external-store": 0, "classic-duration": 1, "nlb-office-nat": 1, "slow-start": 1, "blue-green": 1}
	if len(presetPredictions) != len(engine.Presets) {
		t.Errorf("%d predictions for %d presets", len(presetPredictions), len(engine.Presets))
	}
	for _, q := range presetPredictions {
		m, _ := newTestModel(t, "", nil)
		if err := m.applyPreset(q.Preset); err != nil {
			t.Fatal(err)
		}
		start := m.presetStarted
		m.lb.AdvanceTo(start.Add(q.Horizon - time.Second))
		if _, ok := q.measureOn(m.lb, start); ok {
			t.Errorf("%s: measured before its horizon", q.Preset)
		}
		m.lb.AdvanceTo(start.Add(q.Horizon + time.Second))
		r, ok := q.measureOn(m.lb, start)
		if !ok || r.Answer != want[q.Preset] {
			t.Errorf("%s: measured %v %+v, want answer %d", q.Preset, ok, r, want[q.Preset])
		}
		m.lb.AdvanceTo(start.Add(2 * time.Hour))
		if r, _ := q.measureOn(m.lb, start); r.Answer != -1 || !strings.Contains(r.Words, "no longer") {
			t.Errorf("%s: two hours later %+v", q.Preset, r)
		}
	}
}

// TestPredictionView checks the prediction beside a traffic lab lesson:
// asked first, then the measured answer beside the learner's.
func TestPredictionView(t *testing.T) {
	lt := mountLab(t, "preset=scale-out", nil)
	tree := lt.tree()
	if tree.mustTestID(t, "prediction").attrs["data-preset"] != "scale-out" || tree.byTestID("predict") == nil {
		t.Fatal("no prediction asked for scale-out")
	}
	lt.do(func(l *Lab) { l.predictionView().(*PresetPrediction).IOnPredict(0) })
	if got := lt.tree().mustTestID(t, "prediction-result").attrs["data-measured"]; got != "-1" {
		t.Errorf("before the horizon: data-measured %q", got)
	}
	lt.do(func(l *Lab) { l.m.lb.AdvanceTo(l.m.presetStarted.Add(12 * time.Minute)) })
	r := lt.tree().mustTestID(t, "prediction-result")
	if r.attrs["data-measured"] != "1" || r.attrs["data-correct"] != "false" || !strings.Contains(r.Text(), "Instance 4 got") {
		t.Errorf("after the horizon: %v %q", r.attrs, r.Text())
	}
	// A frame has screen readers hear the answer, once.
	lt.do(func(l *Lab) { l.frame(lt.clock.Now()) })
	said := lt.text("announcer")
	if !strings.Contains(said, "Prediction measured: No: the crowd's cookies keep it on the first three.") || !strings.Contains(said, "Not what you predicted.") {
		t.Errorf("after the horizon the announcer says %q", said)
	}
	lt.do(func(l *Lab) { l.said = ""; l.frame(lt.clock.Now()) })
	if got := lt.lab.said; got != "" {
		t.Errorf("the answer is said again: %q", got)
	}
}

// TestFullLabLinkKeepsTheWork checks an embedded lesson's "Open the full
// lab": the new tab's lab, outside the frame, has the same setup, actions
// and lesson progress as the frame's.
func TestFullLabLinkKeepsTheWork(t *testing.T) {
	lt := mountLab(t, "embed=1&parent=https://course.example&lesson=article", nil)
	for n := 1; n <= 3; n++ {
		lt.do(func(l *Lab) { l.openDirect("Instance " + strconv.Itoa(n)) })
	}
	lt.refresh()
	href := lt.tree().mustTestID(t, "full-lab").attrs["href"]
	u, err := url.Parse(href)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if q.Get("lesson") != "article" || q.Get("actions") == "" || q.Has("embed") || q.Has("parent") {
		t.Fatalf("Open the full lab: %q, want the lesson and its actions, without embed and parent", href)
	}
	full := mountLab(t, u.RawQuery, nil)
	if got := full.tree().mustTestID(t, "lesson-progress").attrs["data-done-count"]; got != "1" {
		t.Errorf("the full lab's lesson progress %q, want the frame's 1", got)
	}
	if got, want := len(full.lab.m.journal.Actions), len(lt.lab.m.journal.Actions); got != want {
		t.Errorf("the full lab replayed %d actions, the frame has %d", got, want)
	}
}

// TestLessonIgnoresAnEarlierLabsCookie opens the article lesson in a
// browser that still holds another lab's AWSALB: the page load's request is
// "stickiness disabled", but the learner disabled nothing, so step 7 waits.
func TestLessonIgnoresAnEarlierLabsCookie(t *testing.T) {
	jar := &engine.MemoryJar{}
	jar.Put(time.Now(), engine.StoredCookie{Name: engine.CookieAWSALB, Value: "from another lab", Path: "/"})
	lt := mountLab(t, "lesson=article", jar)
	lt.refresh() // the lab's first request
	if r := lt.lab.m.last.Reason; r != engine.ReasonStickinessDisabled {
		t.Fatalf("the first request's reason %s, want stickiness-disabled", r)
	}
	if got := lt.tree().mustTestID(t, "lesson-progress").attrs["data-done-count"]; got != "0" {
		t.Errorf("data-done-count %q after the first request alone, want 0", got)
	}
}
