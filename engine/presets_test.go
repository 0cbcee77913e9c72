package engine

import (
	"testing"
	"time"
)

// runPreset starts preset id (optionally changed by edit) and runs it for d.
func runPreset(t *testing.T, id string, d time.Duration, edit func(*Preset)) *LoadBalancer {
	t.Helper()
	p, ok := PresetByID(id)
	if !ok {
		t.Fatalf("no preset %q", id)
	}
	if edit != nil {
		edit(&p)
	}
	lb, err := p.Start(1, Epoch)
	if err != nil {
		t.Fatal(err)
	}
	lb.Advance(d)
	return lb
}

// TestPresetLessons checks the numbers each preset's lesson rests on.
func TestPresetLessons(t *testing.T) {
	t.Run("no-stickiness", func(t *testing.T) {
		m := runPreset(t, "no-stickiness", 3*time.Minute, nil).Metrics()
		if m.SessionsLost < m.Requests/2 {
			t.Errorf("without stickiness only %d of %d requests lost a session", m.SessionsLost, m.Requests)
		}
	})
	t.Run("stickiness", func(t *testing.T) {
		lb := runPreset(t, "stickiness", 3*time.Minute, nil)
		if m := lb.Metrics(); m.SessionsLost != 0 || m.Sticky < m.Requests*9/10 {
			t.Errorf("with stickiness: %d sessions lost, %d of %d requests sticky", m.SessionsLost, m.Sticky, m.Requests)
		}
		if im := lb.Imbalance(60); im > 1.15 {
			t.Errorf("with stickiness and no incident the load should stay even: imbalance %.2f", im)
		}
	})
	t.Run("instance-fails", func(t *testing.T) {
		lb := runPreset(t, "instance-fails", 3*time.Minute, nil)
		m := lb.Metrics()
		users := int64(lb.Crowd().Config.Clients / 3)
		if m.SessionsLost < users*2/3 || m.Moved < users*2/3 || m.ELB502 == 0 {
			t.Errorf("Instance 2's ~%d users should get 502s, be moved and lose their sessions: lost=%d moved=%d 502=%d", users, m.SessionsLost, m.Moved, m.ELB502)
		}
		if s := lb.Instance("Instance 2").State; s != StateUnhealthy {
			t.Errorf("Instance 2 is %s, want unhealthy", s)
		}
	})
	t.Run("scale-out", func(t *testing.T) {
		sticky := runPreset(t, "scale-out", 6*time.Minute, nil)
		off := runPreset(t, "scale-out", 6*time.Minute, func(p *Preset) { p.Stickiness = "off" })
		if im := sticky.Imbalance(60); im < 1.4 {
			t.Errorf("after a scale-out with stickiness the new instances should stay idle: imbalance %.2f", im)
		}
		if im := off.Imbalance(60); im > 1.1 {
			t.Errorf("after a scale-out without stickiness the load should be even: imbalance %.2f", im)
		}
	})
	t.Run("blue-green", func(t *testing.T) {
		lb := runPreset(t, "blue-green", 59*time.Second, nil)
		if g := groupRequests(lb, "green"); g != 0 {
			t.Errorf("green served %d requests at weight 0", g)
		}
		blue0 := groupRequests(lb, "blue")
		lb.Advance(30 * time.Second) // the weights shifted at 1 min
		if b := groupRequests(lb, "blue") - blue0; b < 100 {
			t.Errorf("sticky users should stay on blue after the shift: %d requests in 30 s", b)
		}
		lb.Advance(5 * time.Minute)
		b, g := groupRequests(lb, "blue"), groupRequests(lb, "green")
		lb.Advance(time.Minute)
		b, g = groupRequests(lb, "blue")-b, groupRequests(lb, "green")-g
		if g < 2*b || b == 0 {
			t.Errorf("six minutes after the shift blue should be draining: last minute blue %d, green %d", b, g)
		}
		if lb.Metrics().SessionsLost == 0 {
			t.Error("users whose group cookie ran out should lose their sessions on green")
		}
		// Each of them was a sticky client sent elsewhere: counted as moved.
		if m := lb.Metrics(); m.Moved == 0 || m.Moved > m.SessionsLost {
			t.Errorf("blue's users moved to green: moved %d, sessions lost %d", m.Moved, m.SessionsLost)
		}
	})
	t.Run("slow-start", func(t *testing.T) {
		lb := runPreset(t, "slow-start", 4*time.Minute, nil)
		n := 0
		for _, x := range lb.Instances() {
			if x.InSlowStart(lb.Now()) {
				n++
			}
		}
		if n != 2 {
			t.Errorf("4 min in, the 2 launched instances should be in slow start, %d are", n)
		}
	})
	t.Run("external-store", func(t *testing.T) {
		lb := runPreset(t, "external-store", 6*time.Minute, nil)
		if m := lb.Metrics(); m.SessionsLost != 0 || m.Requests < 10000 {
			t.Errorf("with the external store no session is lost: lost=%d of %d requests", m.SessionsLost, m.Requests)
		}
		if im := lb.Imbalance(60); im > 1.1 {
			t.Errorf("external store, no stickiness: imbalance %.2f", im)
		}
	})
	t.Run("external-store, just in service", func(t *testing.T) {
		// The launched instances come into service at 3:00; ten seconds
		// on, round robin has split the load evenly since then, and the
		// imbalance says so though they had no requests before.
		lb := runPreset(t, "external-store", 3*time.Minute+10*time.Second, nil)
		if n := len(lb.Instances()); n != 5 || !lb.Instances()[4].InService() {
			t.Fatalf("%d instances, the last in service %v", n, lb.Instances()[n-1].InService())
		}
		if im := lb.Imbalance(60); im > 1.05 {
			t.Errorf("10 s after the new instances came into service: imbalance %.2f", im)
		}
	})
	t.Run("classic-duration", func(t *testing.T) {
		lb := runPreset(t, "classic-duration", 3*time.Minute, nil)
		m := lb.Metrics()
		if lb.Type != ClassicLoadBalancer || lb.ListenerStickiness().CookieExpirationPeriod != 2*time.Minute {
			t.Errorf("classic-duration runs a %s with %s", lb.Type, lb.ListenerStickiness())
		}
		if m.Sticky < m.Requests/2 || m.SessionsLost == 0 {
			t.Errorf("AWSELB should keep most users, and Instance 2's lose their sessions: sticky=%d of %d, lost=%d", m.Sticky, m.Requests, m.SessionsLost)
		}
		if s := lb.Instance("Instance 2").InstanceState(); s != InstanceOutOfService {
			t.Errorf("Instance 2 is %s, want %s", s, InstanceOutOfService)
		}
	})
	t.Run("nlb-office-nat", func(t *testing.T) {
		office := runPreset(t, "nlb-office-nat", 3*time.Minute, nil)
		spread := runPreset(t, "nlb-office-nat", 3*time.Minute, func(p *Preset) { p.Crowd.NATShare = 0 })
		if im := office.Imbalance(60); im < 1.5 {
			t.Errorf("half the users behind one NAT should land on one target: imbalance %.2f", im)
		}
		if im := spread.Imbalance(60); im > 1.3 {
			t.Errorf("without NAT, source IPs spread: imbalance %.2f", im)
		}
	})
}

// TestHistory checks the one-second samples against the counters.
func TestHistory(t *testing.T) {
	lb := runPreset(t, "instance-fails", 2*time.Minute, nil)
	samples := lb.History(nil, HistoryLength)
	if len(samples) != 120 {
		t.Fatalf("%d samples after 2 minutes, want 120", len(samples))
	}
	var req, lost, moved int64
	for i, s := range samples {
		if want := Epoch.Add(time.Duration(i) * time.Second); !s.Time.Equal(want) {
			t.Fatalf("sample %d at %s, want %s", i, s.Time, want)
		}
		var per int32
		for _, x := range s.Targets {
			per += x.Requests
		}
		if per > s.Requests {
			t.Fatalf("sample %d: targets got %d of %d requests", i, per, s.Requests)
		}
		req, lost, moved = req+int64(s.Requests), lost+int64(s.Lost), moved+int64(s.Moved)
	}
	m := lb.Metrics()
	if req != m.Requests || lost != m.SessionsLost || moved != m.Moved {
		t.Errorf("samples add up to %d requests, %d lost, %d moved; metrics say %d, %d, %d", req, lost, moved, m.Requests, m.SessionsLost, m.Moved)
	}
	if last := samples[len(samples)-1].Targets[1]; last.InService || last.Requests != 0 {
		t.Errorf("Instance 2 in the last sample: %+v, want out of service with no request", last)
	}
}

// TestSessionStoreBounded runs a crowd without stickiness, which creates a
// session on almost every request, long enough to fill the stores: each
// store stays within MaxSessions, and so does the origin index.
func TestSessionStoreBounded(t *testing.T) {
	lb, err := New(Config{Seed: 3, Instances: 2})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lb.StartCrowd(CrowdConfig{Clients: 2000, ThinkTime: time.Second}); err != nil {
		t.Fatal(err)
	}
	lb.Advance(30 * time.Second) // ~60,000 requests, ~30,000 new sessions a store
	for _, in := range lb.Instances() {
		if n := in.Sessions().Len(); n > MaxSessions || n < MaxSessions/2 {
			t.Errorf("%s holds %d sessions, want between %d and %d", in.Name, n, MaxSessions/2, MaxSessions)
		}
	}
	if n := len(lb.origins); n > 2*MaxSessions {
		t.Errorf("origin index holds %d sessions, want at most %d", n, 2*MaxSessions)
	}
	// Two instances, round robin: about every other request lands where
	// the session is not.
	if m := lb.Metrics(); m.SessionsLost < m.Requests/3 {
		t.Errorf("the crowd should still lose sessions: %d of %d", m.SessionsLost, m.Requests)
	}
}

// TestPresetStickiness checks each preset names one of StickinessChoices and
// that Start refuses one that does not.
func TestPresetStickiness(t *testing.T) {
	for _, p := range Presets {
		a := p.Attributes()
		got := a.Stickiness()
		if p.Type == ClassicLoadBalancer {
			got = p.ListenerStickiness().Choice()
		}
		if got != p.Stickiness || a.AppCookieName != SessionCookie {
			t.Errorf("preset %s: Stickiness %q gives attributes %q, app cookie %q", p.ID, p.Stickiness, a.Stickiness(), a.AppCookieName)
		}
	}
	p := Presets[0]
	p.Stickiness = "on"
	if _, err := p.Start(1, Epoch); err == nil {
		t.Error("a preset with stickiness \"on\" started")
	}
}

// groupRequests returns the requests the instances of target group name served.
func groupRequests(lb *LoadBalancer, name string) int64 {
	var n int64
	for _, x := range lb.Instances() {
		if x.TargetGroup().Name == name {
			n += x.Metrics.Requests
		}
	}
	return n
}
