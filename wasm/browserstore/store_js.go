//go:build js && wasm

package browserstore

import (
	"errors"
	"fmt"

	"github.com/hack-pad/safejs"
)

// Local is the page's localStorage.
type Local struct {
	reflect safejs.Value // globalThis.Reflect: a getter that throws becomes an error
	ls      safejs.Value
}

// NewLocal returns the page's localStorage, or an error when the browser
// refuses it (storage blocked, a sandboxed frame): the lab then keeps its
// world in memory and says so.
func NewLocal() (*Local, error) {
	g := safejs.Global()
	r, err := g.Get("Reflect")
	if err != nil {
		return nil, err
	}
	// The site's app.js stood an in-memory Storage in for one the browser refused.
	if refused, err := g.Get("stickylabStorageRefused"); err == nil && refused.Type() == safejs.TypeObject {
		if why, err := refused.Get("localStorage"); err == nil && why.Type() == safejs.TypeString {
			s, _ := why.String()
			return nil, fmt.Errorf("localStorage: %s", s)
		}
	}
	ls, err := r.Call("get", g, "localStorage")
	if err != nil {
		return nil, fmt.Errorf("localStorage: %w", err)
	}
	if ls.Type() != safejs.TypeObject {
		return nil, errors.New("localStorage: not available")
	}
	return &Local{reflect: r, ls: ls}, nil
}

// Load returns the value saved under key; ok is false when there is none.
func (s *Local) Load(key string) (string, bool, error) {
	v, err := s.ls.Call("getItem", key)
	if err != nil {
		return "", false, fmt.Errorf("localStorage.getItem: %w", err)
	}
	if v.IsNull() || v.IsUndefined() {
		return "", false, nil
	}
	str, err := v.String()
	return str, err == nil, err
}

// Save saves value under key; a full storage is an error.
func (s *Local) Save(key, value string) error {
	if _, err := s.ls.Call("setItem", key, value); err != nil {
		return fmt.Errorf("localStorage.setItem: %w", err)
	}
	return nil
}

// Remove forgets key.
func (s *Local) Remove(key string) error {
	if _, err := s.ls.Call("removeItem", key); err != nil {
		return fmt.Errorf("localStorage.removeItem: %w", err)
	}
	return nil
}

// WebLocks holds named locks with navigator.locks, which the browser
// releases when the tab closes or reloads.
type WebLocks struct {
	locks safejs.Value // navigator.locks, undefined where unsupported
}

// NewWebLocks returns the page's lock manager. Without one (an insecure
// context, an old browser) every Hold is granted: one tab cannot tell.
func NewWebLocks() *WebLocks {
	w := &WebLocks{locks: safejs.Undefined()}
	if nav, err := safejs.Global().Get("navigator"); err == nil && nav.Type() == safejs.TypeObject {
		if l, err := nav.Get("locks"); err == nil && l.Type() == safejs.TypeObject {
			w.locks = l
		}
	}
	return w
}

// Hold requests the lock name, with ifAvailable (granted(false) when
// another tab holds it) or steal. The lock is held until the page goes;
// lost is called when another tab steals it.
func (w *WebLocks) Hold(name string, steal bool, granted func(bool), lost func()) {
	if w.locks.IsUndefined() {
		granted(true)
		return
	}
	if err := w.hold(name, steal, granted, lost); err != nil {
		granted(true)
	}
}

func (w *WebLocks) hold(name string, steal bool, granted func(bool), lost func()) error {
	promise, err := safejs.Global().Get("Promise")
	if err != nil {
		return err
	}
	never, err := safejs.FuncOf(func(safejs.Value, []safejs.Value) any { return nil })
	if err != nil {
		return err
	}
	cb, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		if len(args) == 0 || args[0].IsNull() {
			granted(false)
			return nil
		}
		granted(true)
		p, err := promise.New(never.Value()) // held while the page lives
		if err != nil {
			return nil
		}
		return p
	})
	if err != nil {
		return err
	}
	onLost, err := safejs.FuncOf(func(safejs.Value, []safejs.Value) any {
		lost()
		return nil
	})
	if err != nil {
		return err
	}
	opts, err := safejs.ValueOf(map[string]any{"ifAvailable": !steal, "steal": steal})
	if err != nil {
		return err
	}
	p, err := w.locks.Call("request", name, opts, cb.Value())
	if err != nil {
		return err
	}
	_, err = p.Call("catch", onLost.Value())
	return err
}
