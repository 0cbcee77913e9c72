//go:build !(js && wasm)

package browserstore

import "errors"

// NewLocal has no localStorage outside a browser.
func NewLocal() (*Memory, error) { return nil, errors.New("localStorage: not in a browser") }

// NewWebLocks returns a lock registry in memory outside a browser.
func NewWebLocks() *Locks { return new(Locks) }
