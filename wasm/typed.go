package main

import (
	"time"

	"github.com/stickylab/stickylab/engine"
)

// Cookies returns the cookies a request at now carries, as the load
// balancer reads the Cookie header that document.cookie makes.
func (j *DocumentJar) Cookies(now time.Time) []engine.StoredCookie {
	return engine.ParseCookieHeader(j.Header(now))
}

// SetCookies stores each cookie of a response as Store stores its
// Set-Cookie header, and returns the first error.
func (j *DocumentJar) SetCookies(now time.Time, cs []engine.StoredCookie) error {
	var first error
	for _, c := range cs {
		if err := j.Store(now, engine.FormatSetCookie(c)); err != nil && first == nil {
			first = err
		}
	}
	return first
}
