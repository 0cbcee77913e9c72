package engine

import (
	"encoding/base64"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// testCodec returns a codec for a load balancer called name, with a secret
// and nonces derived from seed.
func testCodec(name string, seed uint64) *codec {
	rng := rand.New(rand.NewPCG(seed, ^seed))
	var secret [32]byte
	for i := range secret {
		secret[i] = byte(rng.Uint32())
	}
	return newCodec(name, secret)
}

// epochStart returns the first instant of the key epoch that holds t.
func epochStart(t time.Time) time.Time {
	return time.Unix(int64(epochOf(t))*int64(KeyRotation/time.Second), 0).UTC()
}

// sealString seals a cookie and copies it out of the codec's buffer.
func sealString(c *codec, k cookieKind, tg, tgt uint32, now time.Time) string {
	return string(c.seal(k, tg, tgt, now))
}

func TestCodecRoundTrip(t *testing.T) {
	c := testCodec("my-alb-1.us-east-1.elb.amazonaws.com", 1)
	now := Epoch.Add(1234567 * time.Millisecond)
	for _, k := range []cookieKind{kindLB, kindApp} {
		for _, tc := range []struct{ tg, tgt uint32 }{{1, 1}, {1, 20}, {7, 3}, {0, 0}, {^uint32(0), ^uint32(0)}} {
			v := sealString(c, k, tc.tg, tc.tgt, now)
			if len(v) != b64Len {
				t.Fatalf("sealed value %q has length %d, want %d", v, len(v), b64Len)
			}
			if _, err := base64.StdEncoding.Strict().DecodeString(v); err != nil {
				t.Fatalf("sealed value %q is not canonical base64: %v", v, err)
			}
			info, err := c.open(k, v, now)
			if err != nil {
				t.Fatalf("open(kind %c, %q) = %v", k, v, err)
			}
			want := CookieInfo{TargetGroup: tc.tg, Target: tc.tgt, Issued: now.Truncate(time.Second), KeyEpoch: epochOf(now)}
			if info != want {
				t.Errorf("open = %+v, want %+v", info, want)
			}
		}
	}
	// Cookies that say different things differ, whatever the nonce scheme:
	// another kind, target group, target or second.
	seen := make(map[string]string)
	for _, k := range []cookieKind{kindLB, kindApp} {
		for tg := uint32(1); tg <= 3; tg++ {
			for tgt := uint32(1); tgt <= 3; tgt++ {
				for s := 0; s < 3; s++ {
					what := fmt.Sprintf("kind %c, group %d, target %d, second %d", k, tg, tgt, s)
					v := sealString(c, k, tg, tgt, now.Add(time.Duration(s)*time.Second))
					if prev, dup := seen[v]; dup {
						t.Fatalf("%s and %s sealed to the same value %q", prev, what, v)
					}
					seen[v] = what
				}
			}
		}
	}
}

func TestCodecMalformed(t *testing.T) {
	c := testCodec("lb", 2)
	now := Epoch
	good := sealString(c, kindLB, 1, 2, now)
	raw, err := base64.StdEncoding.DecodeString(good)
	if err != nil {
		t.Fatal(err)
	}
	reencode := func(f func([]byte) []byte) string {
		b := append([]byte(nil), raw...)
		return base64.StdEncoding.EncodeToString(f(b))
	}
	tests := map[string]string{
		"empty":                  "",
		"one character":          "A",
		"one short":              good[:len(good)-1],
		"one long":               good + "A",
		"doubled":                good + good,
		"huge":                   strings.Repeat(good, 1000),
		"padding missing":        strings.TrimRight(good, "="),
		"not base64":             "!" + good[1:],
		"URL alphabet":           strings.NewReplacer("+", "-", "/", "_").Replace(sealWithChars(t, c, now, "+/")),
		"space inside":           good[:10] + " " + good[11:],
		"newline inside":         good[:10] + "\n" + good[11:],
		"all A":                  strings.Repeat("A", len(good)),
		"wrong version 0":        reencode(func(b []byte) []byte { b[0] = 0; return b }),
		"wrong version 2":        reencode(func(b []byte) []byte { b[0] = 2; return b }),
		"one byte short, padded": reencode(func(b []byte) []byte { return b[:len(b)-1] }),
		"padding moved": func() string {
			// 49 bytes encode to 66 characters and "==": move a data
			// character after the padding.
			return good[:len(good)-3] + "==" + good[len(good)-3:len(good)-2]
		}(),
	}
	for name, v := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := c.open(kindLB, v, now); !errors.Is(err, ErrCookieMalformed) {
				t.Errorf("open(%q) = %v, want ErrCookieMalformed", v, err)
			}
		})
	}
}

// sealWithChars seals cookies until one contains every character of chars
// and returns it, so a test can rewrite those characters.
func sealWithChars(t *testing.T, c *codec, now time.Time, chars string) string {
	t.Helper()
	for i := 0; i < 10000; i++ {
		v := sealString(c, kindLB, 1, uint32(i+1), now)
		ok := true
		for _, ch := range chars {
			ok = ok && strings.ContainsRune(v, ch)
		}
		if ok {
			return v
		}
	}
	t.Fatalf("no sealed value contains all of %q", chars)
	return ""
}

func TestCodecKeyAge(t *testing.T) {
	c := testCodec("lb", 3)
	start := epochStart(Epoch)
	// Sealed in the last second of epoch E.
	sealedAt := start.Add(KeyRotation - time.Second)
	v := sealString(c, kindLB, 1, 1, sealedAt)
	tests := []struct {
		name string
		at   time.Time
		want error
	}{
		{"at once", sealedAt, nil},
		{"next epoch", start.Add(KeyRotation), nil},
		{"3 days later", sealedAt.Add(3 * 24 * time.Hour), nil},
		{"7 days later (the longest stickiness duration)", sealedAt.Add(7 * 24 * time.Hour), nil},
		{"last second of epoch E+7", start.Add(keyEpochs*KeyRotation - time.Second), nil},
		{"first second of epoch E+8", start.Add(keyEpochs * KeyRotation), ErrCookieKey},
		{"a month later", sealedAt.Add(30 * 24 * time.Hour), ErrCookieKey},
		{"years later (epoch wraps the key slots many times)", sealedAt.Add(5 * 365 * 24 * time.Hour), ErrCookieKey},
		{"a second earlier, same epoch (from the future)", sealedAt.Add(-time.Second), ErrCookieFuture},
		{"epoch E-1 (from the future)", start.Add(-time.Second), ErrCookieFuture},
		{"a year earlier (from the future)", start.Add(-365 * 24 * time.Hour), ErrCookieFuture},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info, err := c.open(kindLB, v, tt.at)
			if !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
				t.Fatalf("open at %s = %v, want %v", tt.at.Format(time.RFC3339), err, tt.want)
			}
			if err == nil && info.KeyEpoch != epochOf(sealedAt) {
				t.Errorf("KeyEpoch = %d, want %d", info.KeyEpoch, epochOf(sealedAt))
			}
		})
	}
}

func TestCodecKeyRotation(t *testing.T) {
	c := testCodec("lb", 4)
	start := epochStart(Epoch)
	if got := epochOf(start.Add(KeyRotation - time.Second)); got != epochOf(start) {
		t.Errorf("epoch changed within a rotation: %d → %d", epochOf(start), got)
	}
	for k := 1; k <= 2*keyEpochs; k++ {
		if got, want := epochOf(start.Add(time.Duration(k)*KeyRotation)), epochOf(start)+uint32(k); got != want {
			t.Fatalf("epoch after %d rotations = %d, want %d", k, got, want)
		}
	}

	// Each epoch has its own key: the same plaintext and nonce seal
	// differently under two epochs' keys.
	var nonce [12]byte
	plain := []byte("0123456789abcdef")
	e := epochOf(start)
	s0 := c.key(e).Seal(nil, nonce[:], plain, c.aad[0])
	s1 := c.key(e+1).Seal(nil, nonce[:], plain, c.aad[0])
	if string(s0) == string(s1) {
		t.Error("epochs E and E+1 use the same key")
	}
	// A key slot reused by a later epoch is re-derived, not confused.
	s8 := c.key(e+keyEpochs).Seal(nil, nonce[:], plain, c.aad[0])
	if string(s8) == string(s0) {
		t.Error("epochs E and E+8 (same slot) use the same key")
	}
	if again := c.key(e).Seal(nil, nonce[:], plain, c.aad[0]); string(again) != string(s0) {
		t.Error("the key of epoch E changed after its slot was reused")
	}

	// Cookies sealed one per day over a week all open on the last day,
	// each with its own epoch; the cache of keys stays right as it turns.
	var values []string
	for d := 0; d < keyEpochs; d++ {
		values = append(values, sealString(c, kindApp, 1, uint32(d+1), start.Add(time.Duration(d)*KeyRotation+time.Hour)))
	}
	last := start.Add((keyEpochs-1)*KeyRotation + 2*time.Hour)
	for d, v := range values {
		info, err := c.open(kindApp, v, last)
		if err != nil {
			t.Fatalf("cookie of day %d: %v", d, err)
		}
		if info.Target != uint32(d+1) || info.KeyEpoch != e+uint32(d) {
			t.Errorf("cookie of day %d: %+v", d, info)
		}
	}
	// A day later the oldest one's key is gone, the others still open.
	next := last.Add(KeyRotation)
	for d, v := range values {
		_, err := c.open(kindApp, v, next)
		if d == 0 && !errors.Is(err, ErrCookieKey) {
			t.Errorf("the 8-epoch-old cookie: %v, want ErrCookieKey", err)
		}
		if d > 0 && err != nil {
			t.Errorf("cookie of day %d: %v", d, err)
		}
	}
}

// TestCodecEveryBitFlipRejected flips each bit of a sealed cookie's decoded
// bytes in turn: not one altered cookie may open.
func TestCodecEveryBitFlipRejected(t *testing.T) {
	c := testCodec("lb", 5)
	now := Epoch
	for _, k := range []cookieKind{kindLB, kindApp} {
		v := sealString(c, k, 1, 2, now)
		raw, err := base64.StdEncoding.DecodeString(v)
		if err != nil {
			t.Fatal(err)
		}
		for bit := 0; bit < len(raw)*8; bit++ {
			b := append([]byte(nil), raw...)
			b[bit/8] ^= 1 << (bit % 8)
			bad := base64.StdEncoding.EncodeToString(b)
			info, err := c.open(k, bad, now)
			if err == nil {
				t.Fatalf("kind %c: flipping bit %d (byte %d) opened as %+v", k, bit, bit/8, info)
			}
			if !errors.Is(err, ErrCookieMalformed) && !errors.Is(err, ErrCookieKey) && !errors.Is(err, ErrCookieForged) {
				t.Fatalf("bit %d: unexpected error %v", bit, err)
			}
			if bit >= 17*8 && !errors.Is(err, ErrCookieForged) {
				t.Errorf("bit %d of the sealed part: %v, want ErrCookieForged", bit, err)
			}
		}
		// The original still opens: opening in place did not damage state.
		if _, err := c.open(k, v, now); err != nil {
			t.Fatalf("original after the flips: %v", err)
		}
	}
}

// TestCodecEveryCharacterChangeRejected replaces each character of a sealed
// value by every other base64 character. Only the value the load balancer
// issued may open: base64's unused bits in the last character must not give
// a second spelling of the same cookie.
func TestCodecEveryCharacterChangeRejected(t *testing.T) {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="
	c := testCodec("lb", 6)
	now := Epoch
	for n := 0; n < 16; n++ {
		v := sealString(c, kindLB, 1, uint32(n+1), now.Add(time.Duration(n)*time.Second))
		for i := 0; i < len(v); i++ {
			for _, ch := range []byte(alphabet) {
				if ch == v[i] {
					continue
				}
				bad := v[:i] + string(ch) + v[i+1:]
				if info, err := c.open(kindLB, bad, now); err == nil {
					t.Fatalf("%q with character %d changed to %q opened as %+v (issued %q)", bad, i, ch, info, v)
				}
			}
		}
	}
}

func TestCodecForeign(t *testing.T) {
	now := Epoch
	mine := testCodec("my-alb-1.us-east-1.elb.amazonaws.com", 7)
	tests := map[string]*codec{
		"another load balancer":            testCodec("other-alb-2.us-east-1.elb.amazonaws.com", 8),
		"another secret, same name":        testCodec("my-alb-1.us-east-1.elb.amazonaws.com", 9),
		"same secret, another name":        func() *codec { o := testCodec("other", 7); return o }(),
		"same secret, name with a suffix":  testCodec("my-alb-1.us-east-1.elb.amazonaws.com.", 7),
		"same secret, name with no prefix": testCodec("y-alb-1.us-east-1.elb.amazonaws.com", 7),
	}
	for name, other := range tests {
		t.Run(name, func(t *testing.T) {
			for _, k := range []cookieKind{kindLB, kindApp} {
				v := sealString(other, k, 1, 1, now)
				if _, err := mine.open(k, v, now); !errors.Is(err, ErrCookieForged) {
					t.Errorf("kind %c: open(foreign) = %v, want ErrCookieForged", k, err)
				}
				if _, err := other.open(k, v, now); err != nil {
					t.Errorf("kind %c: the issuer cannot open its own cookie: %v", k, err)
				}
			}
		})
	}
}

func TestCodecKindMismatch(t *testing.T) {
	c := testCodec("lb", 10)
	now := Epoch
	lbValue := sealString(c, kindLB, 1, 1, now)
	appValue := sealString(c, kindApp, 1, 1, now)
	if _, err := c.open(kindApp, lbValue, now); !errors.Is(err, ErrCookieForged) {
		t.Errorf("AWSALB value opened as AWSALBAPP: %v, want ErrCookieForged", err)
	}
	if _, err := c.open(kindLB, appValue, now); !errors.Is(err, ErrCookieForged) {
		t.Errorf("AWSALBAPP value opened as AWSALB: %v, want ErrCookieForged", err)
	}
}

// TestDecodeCookieThroughLoadBalancer checks the codec as a load balancer
// uses it: cookies it issued open under their names, not under another
// kind's name, nor on another load balancer.
func TestDecodeCookieThroughLoadBalancer(t *testing.T) {
	lbAttrs := DefaultAttributes()
	lbAttrs.StickinessEnabled = true
	appAttrs := lbAttrs
	appAttrs.StickinessType = AppCookie
	appAttrs.AppCookieName = SessionCookie

	lbLB, err := New(Config{Seed: 21, Attributes: &lbAttrs})
	if err != nil {
		t.Fatal(err)
	}
	appLB, err := New(Config{Seed: 22, Attributes: &appAttrs})
	if err != nil {
		t.Fatal(err)
	}
	issue := func(lb *LoadBalancer, name string) (string, *Target) {
		t.Helper()
		c := lb.NewClient("learner", nil, KeepCookies)
		ex := lb.Do(c, "/")
		v, ok := CookieValue(jarHeader(c, lb.Now()), name)
		if !ok {
			t.Fatalf("no %s after %v", name, ex.SetCookieHeaders())
		}
		return v, lb.Instance(ex.TargetName)
	}
	alb, albTarget := issue(lbLB, CookieAWSALB)
	cors, _ := issue(lbLB, CookieAWSALBCORS)
	app, appTarget := issue(appLB, CookieAWSALBAPP)

	for _, tc := range []struct {
		lb          *LoadBalancer
		name, value string
		target      *Target
	}{
		{lbLB, CookieAWSALB, alb, albTarget},
		{lbLB, CookieAWSALBCORS, alb, albTarget},
		{lbLB, CookieAWSALBCORS, cors, nil},
		{appLB, CookieAWSALBAPP, app, appTarget},
	} {
		info, err := tc.lb.DecodeCookie(tc.name, tc.value)
		if err != nil {
			t.Fatalf("DecodeCookie(%s) = %v", tc.name, err)
		}
		if tc.target != nil && tc.lb.TargetByUID(info.Target) != tc.target {
			t.Errorf("DecodeCookie(%s) names %v, want %s", tc.name, tc.lb.TargetByUID(info.Target), tc.target.Name)
		}
		if info.TargetGroup != tc.lb.TargetGroup.id || !info.Issued.Equal(tc.lb.Now().Truncate(time.Second)) {
			t.Errorf("DecodeCookie(%s) = %+v", tc.name, info)
		}
	}
	// An AWSALB value presented as AWSALBAPP-0, and the reverse.
	if _, err := lbLB.DecodeCookie(CookieAWSALBAPP, alb); !errors.Is(err, ErrCookieForged) {
		t.Errorf("AWSALB value as AWSALBAPP-0: %v, want ErrCookieForged", err)
	}
	if _, err := appLB.DecodeCookie(CookieAWSALB, app); !errors.Is(err, ErrCookieForged) {
		t.Errorf("AWSALBAPP-0 value as AWSALB: %v, want ErrCookieForged", err)
	}
	// One load balancer's cookies on the other.
	if _, err := appLB.DecodeCookie(CookieAWSALB, alb); !errors.Is(err, ErrCookieForged) {
		t.Errorf("foreign AWSALB: %v, want ErrCookieForged", err)
	}
	if _, err := lbLB.DecodeCookie(CookieAWSALBAPP, app); !errors.Is(err, ErrCookieForged) {
		t.Errorf("foreign AWSALBAPP-0: %v, want ErrCookieForged", err)
	}

	// Routing: the AWSALB value sent as AWSALBAPP-0 with the app cookie is
	// invalid, not sticky.
	c := appLB.NewClient("attacker", &MemoryJar{}, KeepCookies)
	jar := c.Jar.(*MemoryJar)
	jar.Put(appLB.Now(), StoredCookie{Name: SessionCookie, Value: "s-0000000000000000"})
	jar.Put(appLB.Now(), StoredCookie{Name: CookieAWSALBAPP, Value: alb})
	if ex := appLB.Do(c, "/"); ex.Reason != ReasonCookieInvalid {
		t.Errorf("AWSALB value replayed as AWSALBAPP-0: reason %s, want cookie-invalid", ex.Reason)
	}

	// Three days on, with the target still healthy, the cookie still
	// opens but stickiness (1 day by default) has expired.
	lbLB.Advance(3 * 24 * time.Hour)
	if _, err := lbLB.DecodeCookie(CookieAWSALB, alb); err != nil {
		t.Errorf("a 3-day-old cookie: %v", err)
	}
	c2 := lbLB.NewClient("returning", &MemoryJar{}, KeepCookies)
	c2.Jar.(*MemoryJar).Put(lbLB.Now(), StoredCookie{Name: CookieAWSALB, Value: alb})
	if ex := lbLB.Do(c2, "/"); ex.Reason != ReasonCookieExpired {
		t.Errorf("3-day-old cookie with a 1-day duration: reason %s, want cookie-expired", ex.Reason)
	}
	lbLB.Advance(6 * 24 * time.Hour)
	if _, err := lbLB.DecodeCookie(CookieAWSALB, alb); !errors.Is(err, ErrCookieKey) {
		t.Errorf("a 9-day-old cookie: %v, want ErrCookieKey", err)
	}
}

// FuzzDecodeSealed checks the cookie decoder against encoding/base64 in
// strict mode: same verdict, same bytes.
func FuzzDecodeSealed(f *testing.F) {
	f.Add(strings.Repeat("A", b64Len-2) + "==")
	f.Add(strings.Repeat("/", b64Len-2) + "Q=")
	f.Add(strings.Repeat("+", b64Len-3) + "B==")
	f.Add(strings.Repeat("z", b64Len-4) + "zB==")
	f.Fuzz(func(t *testing.T, s string) {
		if strings.ContainsAny(s, "\r\n") {
			// encoding/base64 skips line breaks; a cookie value has
			// none, and decodeSealed rejects them.
			var got [sealedBuf]byte
			if decodeSealed(&got, s) {
				t.Fatalf("decodeSealed accepted a line break: %q", s)
			}
			return
		}
		var got [sealedBuf]byte
		ok := decodeSealed(&got, s)
		want, err := base64.StdEncoding.Strict().DecodeString(s)
		wantOK := err == nil && len(want) == sealedLen
		if ok != wantOK {
			t.Fatalf("decodeSealed(%q) = %v, strict base64 says %v (%v)", s, ok, wantOK, err)
		}
		if ok && string(got[:sealedLen]) != string(want) {
			t.Fatalf("decodeSealed(%q) = %x, want %x", s, got, want)
		}
	})
}

// TestCookieFromTheFuture replays a cookie that a load balancer issued
// after a fast-forward to a new one with the same keys whose clock is
// behind: as the lab does when the page is reloaded.
func TestCookieFromTheFuture(t *testing.T) {
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, ahead := range []time.Duration{time.Hour, 3 * 24 * time.Hour} {
		a := DefaultAttributes()
		a.StickinessEnabled = true
		ahead1, err := New(Config{Seed: 9, Attributes: &a, Start: start})
		if err != nil {
			t.Fatal(err)
		}
		ahead1.Advance(ahead)
		c := ahead1.NewClient("learner", nil, KeepCookies)
		ahead1.Do(c, "/")
		value, _ := CookieValue(jarHeader(c, ahead1.Now()), CookieAWSALB)

		behind, err := New(Config{Seed: 9, Attributes: &a, Start: start})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := behind.DecodeCookie(CookieAWSALB, value); !errors.Is(err, ErrCookieFuture) {
			t.Errorf("%s ahead: DecodeCookie = %v, want ErrCookieFuture", ahead, err)
		}
		forged := []byte(value)
		forged[40] ^= 1
		if _, err := behind.DecodeCookie(CookieAWSALB, string(forged)); !errors.Is(err, ErrCookieForged) && !errors.Is(err, ErrCookieMalformed) {
			t.Errorf("%s ahead, forged: DecodeCookie = %v, want ErrCookieForged", ahead, err)
		}
		c2 := behind.NewClient("learner", &MemoryJar{}, KeepCookies)
		c2.Jar.(*MemoryJar).Put(behind.Now(), StoredCookie{Name: CookieAWSALB, Value: value, Path: "/"})
		ex := behind.Do(c2, "/")
		if ex.Reason != ReasonCookieInvalid || !strings.Contains(strings.Join(ex.SetCookieHeaders(), "\n"), CookieAWSALB+"=") {
			t.Errorf("%s ahead: reason %s, Set-Cookie %q; want cookie-invalid and a new AWSALB", ahead, ex.Reason, ex.SetCookieHeaders())
		}
		if got, _ := CookieValue(jarHeader(c2, behind.Now()), CookieAWSALB); got == value {
			t.Errorf("%s ahead: the cookie from the future was not rewritten", ahead)
		}
	}
}
