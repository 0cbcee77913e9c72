package engine

import (
	"errors"
	"testing"
	"time"
)

// TestOpenCached checks the codec's cache of opened values: a value that
// opened comes back the same, a forged neighbour is still rejected, a
// failed value is never remembered, and key age is checked on every hit.
func TestOpenCached(t *testing.T) {
	c := testCodec("cache-lb", 3)
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	sec := now.Unix()
	v := string(c.seal(kindLB, 1, 2, now))
	want, err := c.open(kindLB, v, now)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		got, err := c.openCached(kindLB, v, sec)
		if err != nil || got.info() != want {
			t.Fatalf("openCached #%d = %+v, %v; want %+v", i, got, err, want)
		}
	}
	// Same slot (characters 8-11 unchanged), different value: opened for real.
	forged := []byte(v)
	forged[30] ^= 1
	if _, err := c.openCached(kindLB, string(forged), sec); err == nil {
		t.Fatal("a forged value was accepted after its neighbour was cached")
	}
	if got, err := c.openCached(kindLB, v, sec); err != nil || got.info() != want {
		t.Fatalf("the genuine value after a forged one: %+v, %v", got, err)
	}
	if _, err := c.openCached(kindApp, v, sec); err == nil {
		t.Fatal("a cached AWSALB value was accepted as AWSALBAPP-0")
	}
	late := now.Add(keyEpochs * KeyRotation)
	if _, err := c.openCached(kindLB, v, late.Unix()); !errors.Is(err, ErrCookieKey) {
		t.Fatalf("a cached value sealed with a retired key: %v, want ErrCookieKey", err)
	}
	if _, err := c.openCached(kindLB, v, sec-1); !errors.Is(err, ErrCookieFuture) {
		t.Fatalf("a cached value a second before it was sealed: %v, want ErrCookieFuture", err)
	}
}

// FuzzOpenCached checks that the codec's cache never changes an answer:
// opening values (AWSALB, AWSALBAPP-0, AWSELB) in turn, at various times,
// through a codec with the cache gives what a codec without it gives.
func FuzzOpenCached(f *testing.F) {
	const name = "cache-lb"
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	seeds := testCodec(name, 3)
	var values []string
	for _, age := range []time.Duration{0, time.Hour, 3 * 24 * time.Hour, 7*24*time.Hour + time.Minute} {
		for _, k := range []cookieKind{kindLB, kindApp} {
			values = append(values, sealString(seeds, k, 1, 2, now.Add(-age)))
		}
		values = append(values, seeds.sealELB(1, 2, testInstanceID, now.Add(-age)))
	}
	elb := []byte(values[2])
	elb[60] ^= 1 // same cache slot as values[2], an AWSELB
	forged := []byte(values[0])
	forged[30] ^= 1 // same cache slot as values[0]
	values = append(values, string(forged), string(elb), "", "AWSALB", values[1][:b64Len-1])
	for i, v := range values {
		w := values[(i+1)%len(values)]
		f.Add(uint8(i), v, uint8(i+1), w, int64(0), int64(i)*3600)
		f.Add(uint8(i), v, uint8(i), v, int64(-1), int64(9*24*3600))
		f.Add(uint8(i), v, uint8(i+1), v, int64(0), int64(0)) // the other kind
	}
	f.Fuzz(func(t *testing.T, k1 uint8, v1 string, k2 uint8, v2 string, d1, d2 int64) {
		cached := testCodec(name, 3)
		plain := newUncachedCodec(name, cached.secret)
		kinds := [3]cookieKind{kindLB, kindApp, kindELB}
		sec := now.Unix()
		t1, t2 := sec+d1%(30*24*3600), sec+d2%(30*24*3600)
		steps := []struct {
			k   cookieKind
			v   string
			sec int64
		}{
			{kinds[k1%3], v1, t1}, {kinds[k2%3], v2, t2}, {kinds[k1%3], v1, t2}, {kinds[k2%3], v2, t1}, {kinds[k1%3], v1, t1},
		}
		for i, s := range steps {
			got, gotErr := cached.openCached(s.k, s.v, s.sec)
			want, wantErr := plain.openCached(s.k, s.v, s.sec)
			if got != want || gotErr != wantErr {
				t.Fatalf("step %d, %c %q at %d: cached %+v, %v; plain %+v, %v", i, s.k, s.v, s.sec, got, gotErr, want, wantErr)
			}
		}
	})
}
