package engine

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

// TestCrowdValidate checks each bound of a crowd, on both sides, and the
// message and field the traffic lab's form shows.
func TestCrowdValidate(t *testing.T) {
	ok := CrowdConfig{Clients: 10, ThinkTime: DefaultThinkTime}
	with := func(f func(*CrowdConfig)) CrowdConfig { c := ok; f(&c); return c }
	good := []CrowdConfig{
		ok,
		with(func(c *CrowdConfig) { c.Clients = 1 }),
		with(func(c *CrowdConfig) { c.Clients = MaxCrowd }),
		with(func(c *CrowdConfig) { c.RequestRate = MinRequestRate }),
		with(func(c *CrowdConfig) { c.Clients, c.RequestRate = 1000, MaxRequestRate }),
		with(func(c *CrowdConfig) { c.Clients, c.RequestRate = 360, MinRequestRate }),
		with(func(c *CrowdConfig) { c.ThinkTime = MinThinkTime }),
		with(func(c *CrowdConfig) { c.ThinkTime = MaxThinkTime }),
		with(func(c *CrowdConfig) { c.ThinkTime = time.Duration(0.01 * float64(time.Second)) }), // as the form converts 0.01 s
		with(func(c *CrowdConfig) { c.ClearShare, c.BlockShare = 0.6, 0.4 }),
		with(func(c *CrowdConfig) { c.ClearShare, c.BlockShare = 0.7, 0.3 }),
		with(func(c *CrowdConfig) { c.ClearShare, c.BlockShare = 0.333, 0.667 }),
		with(func(c *CrowdConfig) { c.ArrivalRate = 2 }),
		with(func(c *CrowdConfig) { c.NATShare, c.NATGateways = 1, MaxNATGateways }),
		with(func(c *CrowdConfig) { c.NATShare, c.ClearShare, c.BlockShare = 0.5, 0.5, 0.5 }), // NAT is not a cookie behaviour
	}
	for _, c := range good {
		if err := c.Validate(); err != nil {
			t.Errorf("%+v: %v", c, err)
		}
	}
	bad := []struct {
		c            CrowdConfig
		field, words string
	}{
		{with(func(c *CrowdConfig) { c.Clients = 0 }), "clients", "Clients must be from 1 to 10,000, not 0."},
		{with(func(c *CrowdConfig) { c.Clients = MaxCrowd + 1 }), "clients", "Clients must be from 1 to 10,000, not 10001."},
		{with(func(c *CrowdConfig) { c.RequestRate = 0.05 }), "rate", "Request rate must be from 0.1 to 100,000 requests per second, not 0.05."},
		{with(func(c *CrowdConfig) { c.RequestRate = -1 }), "rate", "not -1."},
		{with(func(c *CrowdConfig) { c.RequestRate = 200000 }), "rate", "not 200000."},
		{with(func(c *CrowdConfig) { c.RequestRate = math.NaN() }), "rate", "not NaN."},
		{with(func(c *CrowdConfig) { c.Clients, c.RequestRate = 1, 100000 }), "rate",
			"100,000 requests per second from 1 client would be one every 10µs from each: a client pauses at least 10ms between requests, so at most 100 requests per second can come from 1 client."},
		{with(func(c *CrowdConfig) { c.Clients, c.RequestRate = 10000, 1 }), "rate",
			"1 request per second from 10,000 clients would be one every 2h46m40s from each: a client pauses at most 1h, so at least 2.8 requests per second come from 10,000 clients."},
		{with(func(c *CrowdConfig) { c.ThinkTime = 0 }), "think", "Think time must be from 0.01 to 3,600 seconds, not 0."},
		{with(func(c *CrowdConfig) { c.ThinkTime = 9 * time.Millisecond }), "think", "not 0.009."},
		{with(func(c *CrowdConfig) { c.ThinkTime = MaxThinkTime + time.Second }), "think", "not 3601."},
		{with(func(c *CrowdConfig) { c.ClearShare = 1.2 }), "clear", "The share of clients that clear their cookies must be from 0% to 100%, not 120%."},
		{with(func(c *CrowdConfig) { c.BlockShare = -0.01 }), "block", "The share of clients that block cookies must be from 0% to 100%, not -1%."},
		{with(func(c *CrowdConfig) { c.ClearShare, c.BlockShare = 0.6, 0.5 }), "block",
			"The shares of clients that clear cookies (60%) and block them (50%) add up to 110%: together they can be at most 100% of the clients."},
		{with(func(c *CrowdConfig) { c.ArrivalRate = -1 }), "arrival", "Arrival rate must be 0 or more clients per second, not -1."},
		{with(func(c *CrowdConfig) { c.NATShare = 1.5 }), "nat", "The share of clients behind NAT gateways must be from 0% to 100%, not 150%."},
		{with(func(c *CrowdConfig) { c.NATShare = math.NaN() }), "nat", "not NaN%."},
		{with(func(c *CrowdConfig) { c.NATGateways = MaxNATGateways + 1 }), "gateways", "NAT gateways must be from 1 to 100, not 101."},
		{with(func(c *CrowdConfig) { c.NATGateways = -1 }), "gateways", "not -1."},
	}
	for _, tt := range bad {
		err := tt.c.Validate()
		var ce *CrowdError
		if !errors.As(err, &ce) || ce.Field != tt.field || !strings.Contains(ce.Message, tt.words) || ce.Error() != ce.Message {
			t.Errorf("%+v: %v, want a %s error saying %q", tt.c, err, tt.field, tt.words)
		}
	}
	// StartCrowd refuses what Validate refuses, and fills in the think time.
	lb, err := New(Config{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lb.StartCrowd(bad[0].c); err == nil || err.Error() != bad[0].words {
		t.Errorf("StartCrowd(%+v) = %v", bad[0].c, err)
	}
	cr, err := lb.StartCrowd(CrowdConfig{Clients: 3})
	if err != nil || cr.Config.ThinkTime != DefaultThinkTime {
		t.Errorf("StartCrowd without a think time: %v, %v", cr, err)
	}
}

func TestAmount(t *testing.T) {
	for f, want := range map[float64]string{0.1: "0.1", 0.01: "0.01", 3600: "3,600", 10000: "10,000", 100000: "100,000", 1234567.5: "1,234,567.5", -1000: "-1,000", 999: "999"} {
		if got := amount(f); got != want {
			t.Errorf("amount(%v) = %q, want %q", f, got, want)
		}
	}
}
