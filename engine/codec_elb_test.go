package engine

import (
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"
)

const testInstanceID = "i-0123456789abcdef0"

func TestELBCookieRoundTrip(t *testing.T) {
	c := testCodec("my-clb-1.us-east-1.elb.amazonaws.com", 3)
	now := Epoch.Add(98765 * time.Millisecond)
	v := c.sealELB(1, 2, testInstanceID, now)
	if len(v) != ELBCookieLen || len(v) < 130 || len(v) > 160 {
		t.Fatalf("AWSELB value has length %d, want %d, between 130 and 160 as observed", len(v), ELBCookieLen)
	}
	if strings.Trim(v, upperHex) != "" {
		t.Fatalf("AWSELB value %q is not uppercase hexadecimal", v)
	}
	info, err := c.open(kindELB, v, now)
	want := CookieInfo{TargetGroup: 1, Target: 2, Issued: now.Truncate(time.Second), KeyEpoch: elbKeyEpoch}
	if err != nil || info != want {
		t.Fatalf("open = %+v, %v; want %+v", info, err, want)
	}
	// The key does not rotate: a year on, the value still opens, unlike an
	// AWSALB value, whose key is retired after keyEpochs days.
	later := now.Add(365 * 24 * time.Hour)
	if info, err := c.open(kindELB, v, later); err != nil || info != want {
		t.Errorf("open a year later = %+v, %v; want %+v", info, err, want)
	}
	if _, err := c.open(kindLB, string(c.seal(kindLB, 1, 2, now)), later); !errors.Is(err, ErrCookieKey) {
		t.Errorf("an AWSALB value a year later: %v, want ErrCookieKey", err)
	}
	// Another key epoch (an earlier version's daily key): a key this load
	// balancer does not hold, not a malformed value.
	other := v[:9] + "1" + v[10:]
	if _, err := c.open(kindELB, other, now); !errors.Is(err, ErrCookieKey) {
		t.Errorf("an AWSELB of key epoch 1: %v, want ErrCookieKey", err)
	}
	// The instance id is sealed, not shown: the value is opaque.
	if strings.Contains(strings.ToLower(v), hex.EncodeToString([]byte(testInstanceID))) {
		t.Errorf("AWSELB value shows the instance id in clear")
	}
	// Another second, target or instance: another value.
	for _, other := range []string{c.sealELB(1, 2, testInstanceID, now.Add(time.Second)), c.sealELB(1, 3, testInstanceID, now), c.sealELB(1, 2, "i-0fedcba9876543210", now)} {
		if other == v {
			t.Errorf("two different cookies sealed to %q", v)
		}
	}
}

func TestELBCookieRejected(t *testing.T) {
	c := testCodec("my-clb-1.us-east-1.elb.amazonaws.com", 3)
	now := Epoch
	v := c.sealELB(1, 2, testInstanceID, now)
	for name, bad := range map[string]string{
		"lowercase":   strings.ToLower(v),
		"one short":   v[:len(v)-1],
		"one long":    v + "0",
		"not hex":     "G" + v[1:],
		"empty":       "",
		"base64 kind": sealString(c, kindLB, 1, 2, now),
	} {
		if _, err := c.open(kindELB, bad, now); !errors.Is(err, ErrCookieMalformed) {
			t.Errorf("%s: open = %v, want %v", name, err, ErrCookieMalformed)
		}
	}
	// Every one-digit change fails authentication or decoding.
	for i := range len(v) {
		for _, d := range upperHex {
			if byte(d) == v[i] {
				continue
			}
			changed := v[:i] + string(d) + v[i+1:]
			if _, err := c.open(kindELB, changed, now); err == nil {
				t.Fatalf("digit %d changed to %c: accepted", i, d)
			}
		}
	}
	// An AWSELB value is not an AWSALB one, nor another load balancer's.
	if _, err := c.open(kindLB, v, now); err == nil {
		t.Errorf("AWSELB value accepted as AWSALB")
	}
	other := testCodec("my-clb-2.us-east-1.elb.amazonaws.com", 4)
	if _, err := other.open(kindELB, v, now); err == nil {
		t.Errorf("AWSELB value accepted by another load balancer")
	}
	// Sealed later than the clock: from the future.
	if _, err := c.open(kindELB, c.sealELB(1, 2, testInstanceID, now.Add(time.Hour)), now); !errors.Is(err, ErrCookieFuture) {
		t.Errorf("future AWSELB: %v, want %v", err, ErrCookieFuture)
	}
}

// FuzzELBCookie checks a Classic Load Balancer's AWSELB: a sealed value
// opens to what was sealed, and any other value it did not seal is
// refused (treated as absent) without a panic.
func FuzzELBCookie(f *testing.F) {
	c := testCodec("my-clb-1.us-east-1.elb.amazonaws.com", 5)
	now := Epoch.Add(3 * time.Hour)
	issued := map[string]bool{}
	for tgt := uint32(1); tgt <= 3; tgt++ {
		v := c.sealELB(1, tgt, testInstanceID, now)
		issued[v] = true
		f.Add(v, uint32(0), uint32(0), int64(0))
		f.Add(v[:len(v)/2]+"0"+v[len(v)/2+1:], tgt, tgt, int64(tgt))
	}
	for _, g := range garbageSeeds {
		f.Add(g, uint32(1), uint32(1), int64(1))
	}
	f.Fuzz(func(t *testing.T, value string, tg, tgt uint32, ago int64) {
		// Round trip: whatever it names, a sealed value opens to it.
		at := now.Add(-time.Duration(ago%(48*3600)) * time.Second)
		if at.After(now) {
			at = now
		}
		sealed := c.sealELB(tg, tgt, testInstanceID, at)
		info, err := c.open(kindELB, sealed, now)
		if err != nil || info.TargetGroup != tg || info.Target != tgt || !info.Issued.Equal(at.Truncate(time.Second)) {
			t.Fatalf("sealed (%d, %d, %s) opened as %+v, %v", tg, tgt, at, info, err)
		}
		// Tampered or foreign: absent.
		if _, err := c.open(kindELB, value, now); err == nil && !issued[value] && value != sealed {
			t.Fatalf("AWSELB=%q accepted, but was never sealed", value)
		}
	})
}
