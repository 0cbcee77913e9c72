//go:build !(js && wasm)

package browserjar

// New returns a Jar for the page. Outside the browser there is no page, so
// the jar keeps its cookies in memory, an engine.MemoryJar (State Memory,
// Sandboxed), with Path set from basePath as in the browser.
func New(basePath string) *Jar { return newJar(nil, basePath) }
