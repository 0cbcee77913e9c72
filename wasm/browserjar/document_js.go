//go:build js && wasm

package browserjar

import (
	"errors"
	"fmt"

	"github.com/hack-pad/safejs"
)

// New returns a Jar on the page's real document.cookie, with its cookies
// scoped to basePath (see newJar). With no usable document, as in a worker,
// the jar keeps its cookies in memory (State Memory, Sandboxed).
func New(basePath string) *Jar {
	doc, err := newBrowserDocument()
	if err != nil {
		return newJar(nil, basePath)
	}
	return newJar(doc, basePath)
}

// browserDocument is a document on a JavaScript Document. It uses Reflect.get and Reflect.set calls,
// not safejs Get and Set: wasm_exec.js runs property access outside try/catch, so the SecurityError a
// sandboxed frame's cookie getter throws would abort the program, while a call's becomes an error.
type browserDocument struct {
	reflect safejs.Value // globalThis.Reflect
	doc     safejs.Value // the Document
	nav     safejs.Value // navigator, or undefined
}

var _ cookieEnabler = browserDocument{}

// newBrowserDocument returns the page's document.
func newBrowserDocument() (browserDocument, error) {
	g := safejs.Global()
	d, err := newBrowserDocumentOn(safejs.Undefined())
	if err != nil {
		return d, err
	}
	if d.doc, err = d.get(g, "document"); err != nil {
		return browserDocument{}, fmt.Errorf("reading globalThis.document: %w", err)
	}
	if d.doc.Type() != safejs.TypeObject {
		return browserDocument{}, errors.New("no document: not running in a page")
	}
	if d.nav, err = d.get(g, "navigator"); err != nil {
		d.nav = safejs.Undefined()
	}
	return d, nil
}

// newBrowserDocumentOn returns a document on the JavaScript object doc,
// such as a same-origin frame's contentDocument.
func newBrowserDocumentOn(doc safejs.Value) (browserDocument, error) {
	r, err := safejs.Global().Get("Reflect")
	if err != nil {
		return browserDocument{}, fmt.Errorf("reading globalThis.Reflect: %w", err)
	}
	if r.Type() != safejs.TypeObject {
		return browserDocument{}, errors.New("no Reflect object")
	}
	return browserDocument{reflect: r, doc: doc, nav: safejs.Undefined()}, nil
}

// get returns obj[prop], catching what the getter throws.
func (d browserDocument) get(obj safejs.Value, prop string) (safejs.Value, error) {
	return d.reflect.Call("get", obj, prop)
}

// Cookie returns document.cookie.
func (d browserDocument) Cookie() (string, error) {
	v, err := d.get(d.doc, "cookie")
	if err != nil {
		return "", fmt.Errorf("reading document.cookie: %w", err)
	}
	if v.Type() != safejs.TypeString {
		return "", fmt.Errorf("reading document.cookie: got %s, not a string", v.Type())
	}
	s, err := v.String()
	if err != nil {
		return "", fmt.Errorf("reading document.cookie: %w", err)
	}
	return s, nil
}

// SetCookie assigns s to document.cookie.
func (d browserDocument) SetCookie(s string) error {
	if _, err := d.reflect.Call("set", d.doc, "cookie", s); err != nil {
		return fmt.Errorf("writing document.cookie: %w", err)
	}
	return nil
}

// CookieEnabled returns navigator.cookieEnabled, or true when the browser
// does not say.
func (d browserDocument) CookieEnabled() (bool, error) {
	if d.nav.Type() != safejs.TypeObject {
		return true, nil
	}
	v, err := d.get(d.nav, "cookieEnabled")
	if err != nil {
		return true, err
	}
	if v.Type() != safejs.TypeBoolean {
		return true, nil
	}
	return v.Bool()
}
