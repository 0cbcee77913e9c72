package app

import (
	"encoding/xml"
	"io"
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// htmlNode is an element or a text of a component's rendered HTML, so that a
// test can find an element by its data-testid and read its text and
// attributes, as the browser tests do.
type htmlNode struct {
	tag      string // "" for a text node
	attrs    map[string]string
	children []*htmlNode
	text     string // a text node's text
}

// renderTree returns the HTML tree of a mounted UI element, as go-app prints it.
func renderTree(t testing.TB, ui app.UI) *htmlNode {
	t.Helper()
	n, err := parseHTML(app.HTMLString(ui))
	if err != nil {
		t.Fatalf("parsing the rendered HTML: %v\n%s", err, app.HTMLStringWithIndent(ui))
	}
	return n
}

// parseHTML parses the HTML that go-app prints: void elements such as input
// are not closed, an attribute whose value is "" or "true" is printed bare
// (parsed as "") and texts are HTML-escaped.
func parseHTML(s string) (*htmlNode, error) {
	d := xml.NewDecoder(strings.NewReader(s))
	d.Strict = false
	d.AutoClose = xml.HTMLAutoClose
	d.Entity = xml.HTMLEntity
	root := &htmlNode{tag: "#root"}
	stack := []*htmlNode{root}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return root, nil
		}
		if err != nil {
			return nil, err
		}
		top := stack[len(stack)-1]
		switch tok := tok.(type) {
		case xml.StartElement:
			n := &htmlNode{tag: tok.Name.Local, attrs: map[string]string{}}
			for _, a := range tok.Attr {
				v := a.Value
				if v == a.Name.Local {
					// go-app prints an attribute bare when its value is ""
					// or "true"; the decoder gives it its name as value.
					v = ""
				}
				n.attrs[a.Name.Local] = v
			}
			top.children = append(top.children, n)
			stack = append(stack, n)
		case xml.EndElement:
			if len(stack) > 1 {
				stack = stack[:len(stack)-1]
			}
		case xml.CharData:
			top.children = append(top.children, &htmlNode{text: string(tok)})
		}
	}
}

// find returns the elements of the tree, depth first, for which ok is true.
func (n *htmlNode) find(ok func(*htmlNode) bool) []*htmlNode {
	var out []*htmlNode
	var walk func(*htmlNode)
	walk = func(n *htmlNode) {
		if n.tag != "" && ok(n) {
			out = append(out, n)
		}
		for _, c := range n.children {
			walk(c)
		}
	}
	walk(n)
	return out
}

// byTestID returns the first element with data-testid=id, or nil.
func (n *htmlNode) byTestID(id string) *htmlNode {
	if all := n.allByTestID(id); len(all) > 0 {
		return all[0]
	}
	return nil
}

// allByTestID returns every element with data-testid=id.
func (n *htmlNode) allByTestID(id string) []*htmlNode {
	return n.find(func(e *htmlNode) bool { return e.attrs["data-testid"] == id })
}

// mustTestID returns the first element with data-testid=id, failing the
// test when there is none.
func (n *htmlNode) mustTestID(t testing.TB, id string) *htmlNode {
	t.Helper()
	e := n.byTestID(id)
	if e == nil {
		t.Fatalf("no element with data-testid=%q", id)
	}
	return e
}

// Text returns the text of the element and its descendants with runs of
// white space collapsed to one space and trimmed (the browser tests read
// textContent and trim it; go-app's printer indents texts).
func (n *htmlNode) Text() string {
	var b strings.Builder
	var walk func(*htmlNode)
	walk = func(n *htmlNode) {
		if n.tag == "" {
			b.WriteString(n.text)
			b.WriteByte(' ')
		}
		for _, c := range n.children {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

// attr returns the value of the attribute name and whether it is set.
func (n *htmlNode) attr(name string) (string, bool) {
	v, ok := n.attrs[name]
	return v, ok
}

// flag reports whether the boolean attribute name (checked, disabled,
// selected) is on: go-app prints it bare when true and ="false" when false.
// (The browser side sets the element's property, so false means off.)
func (n *htmlNode) flag(name string) bool {
	v, ok := n.attrs[name]
	return ok && v != "false"
}

// selected returns the value of a select element's selected option.
func (n *htmlNode) selected() string {
	for _, o := range n.find(func(e *htmlNode) bool { return e.tag == "option" }) {
		if o.flag("selected") {
			return o.attrs["value"]
		}
	}
	for _, o := range n.find(func(e *htmlNode) bool { return e.tag == "input" && e.attrs["type"] == "radio" }) {
		if o.flag("checked") {
			return o.attrs["value"]
		}
	}
	return ""
}

// choices returns the values a select's options or a group's radio buttons offer.
func (n *htmlNode) choices() []string {
	var vs []string
	for _, o := range n.find(func(e *htmlNode) bool {
		return e.tag == "option" || e.tag == "input" && e.attrs["type"] == "radio"
	}) {
		vs = append(vs, o.attrs["value"])
	}
	return vs
}

func TestParseHTML(t *testing.T) {
	n, err := parseHTML(`<div data-testid="a" class="x"><input type="checkbox" checked="false"><input disabled value="7"><select data-testid="s"><option value="1" selected="false">one</option><option selected value="2">two &amp; &#39;2&#39;</option></select><p data-testid="p">  hello
	  world </p></div>`)
	if err != nil {
		t.Fatal(err)
	}
	inputs := n.find(func(e *htmlNode) bool { return e.tag == "input" })
	if len(inputs) != 2 || inputs[0].flag("checked") || !inputs[1].flag("disabled") || inputs[1].attrs["value"] != "7" {
		t.Errorf("inputs parsed as %+v, %+v", inputs[0].attrs, inputs[1].attrs)
	}
	if got := n.mustTestID(t, "s").selected(); got != "2" {
		t.Errorf("selected = %q, want 2", got)
	}
	if got := n.mustTestID(t, "s").Text(); got != "one two & '2'" {
		t.Errorf("select text = %q", got)
	}
	if got := n.mustTestID(t, "p").Text(); got != "hello world" {
		t.Errorf("p text = %q", got)
	}
	if n.byTestID("nothing") != nil {
		t.Error("byTestID found a missing element")
	}
}
