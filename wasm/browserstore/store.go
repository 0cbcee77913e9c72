// Package browserstore keeps the lab's saved world in the browser's
// localStorage and lets one tab at a time run it (the Web Locks API). Its
// native counterpart keeps both in memory, for tests and tools.
package browserstore

import "sync"

// Memory is a store in memory: what the lab saves outside a browser, or in
// a browser that refuses localStorage. The zero value is ready to use.
type Memory struct {
	mu sync.Mutex
	m  map[string]string
}

// Load returns the value saved under key; ok is false when there is none.
func (s *Memory) Load(key string) (string, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[key]
	return v, ok, nil
}

// Save saves value under key.
func (s *Memory) Save(key, value string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = make(map[string]string)
	}
	s.m[key] = value
	return nil
}

// Remove forgets key.
func (s *Memory) Remove(key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, key)
	return nil
}

// Locks is a lock registry in memory, shaped like the Web Locks API: a
// name has at most one holder, and a steal takes it over, telling the
// holder it lost it. The zero value is ready to use.
type Locks struct {
	mu      sync.Mutex
	holders map[string]func() // name → the holder's lost
}

// Hold asks for the lock name: granted(true) when it was free or steal,
// granted(false) when another holder has it. lost is called when a later
// Hold steals it.
func (l *Locks) Hold(name string, steal bool, granted func(bool), lost func()) {
	l.mu.Lock()
	prev, taken := l.holders[name]
	if taken && !steal {
		l.mu.Unlock()
		granted(false)
		return
	}
	if l.holders == nil {
		l.holders = make(map[string]func())
	}
	l.holders[name] = lost
	l.mu.Unlock()
	if taken && prev != nil {
		prev()
	}
	granted(true)
}

// Release frees the lock name, as a tab's closing does.
func (l *Locks) Release(name string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.holders, name)
}
