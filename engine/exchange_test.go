package engine

import (
	"reflect"
	"testing"
	"time"
)

// TestExchangeStart checks that start clears every field a request sets,
// so that a field added to Exchange cannot leak from one request into the
// next.
func TestExchangeStart(t *testing.T) {
	var ex Exchange
	v := reflect.ValueOf(&ex).Elem()
	for i := range v.NumField() {
		f := v.Field(i)
		switch f.Kind() {
		case reflect.String:
			f.SetString("x")
		case reflect.Int, reflect.Int64:
			f.SetInt(7)
		case reflect.Uint8, reflect.Uint64:
			f.SetUint(7)
		case reflect.Bool:
			f.SetBool(true)
		case reflect.Struct: // Time
			f.Set(reflect.ValueOf(time.Unix(1, 0)))
		default:
			t.Fatalf("field %s of kind %s: teach this test to set it", v.Type().Field(i).Name, f.Kind())
		}
	}
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	c := &Client{Name: "client-0001", IP: "10.0.0.1"}
	ex.start(now, c, "/cart")
	want := Exchange{Seq: 8, Time: now, Client: c.Name, SourceIP: c.IP, Path: "/cart"}
	if ex != want {
		t.Fatalf("after start:\n%+v\nwant\n%+v", ex, want)
	}
}
