package app

import (
	"encoding/json"
	"fmt"

	"github.com/maxence-charriere/go-app/v9/pkg/app"

	"github.com/stickylab/stickylab/engine"
)

// The Lab's messages with the course page that embeds it (embed.go holds
// the format and the checks): posted to window.parent, and only to the
// ?parent= origin; commands taken only from that origin's parent frame.

// parentWindow returns window.parent when the lab is in a frame and
// ?parent= names an origin, else nil.
func (l *Lab) parentWindow() app.Value {
	if app.IsServer || l.embed.Parent == "" {
		return nil
	}
	w := app.Window()
	p := w.Get("parent")
	if !p.Truthy() || p.Equal(w.JSValue()) {
		return nil
	}
	return p
}

// post sends msg to the course page, if there is one to send to.
func (l *Lab) post(msg any) {
	p := l.parentWindow()
	if p == nil {
		return
	}
	b, err := json.Marshal(msg)
	if err != nil {
		return
	}
	p.Call("postMessage", app.Window().Get("JSON").Call("parse", string(b)), l.embed.Parent)
}

// listenToParent takes the course page's commands until ctx is done and
// says the lab is ready.
func (l *Lab) listenToParent(ctx app.Context) {
	p := l.parentWindow()
	if p == nil {
		return
	}
	w := app.Window()
	take := func(e app.Value) {
		if ctx.Err() != nil || !l.embed.Accepts(e.Get("origin").String(), e.Get("source").Equal(p)) {
			return
		}
		data, ok := messageJSON(e.Get("data"))
		if !ok {
			return
		}
		ctx.Dispatch(func(ctx app.Context) {
			if reply := l.command(data); reply != nil {
				l.post(reply)
			}
		})
	}
	f := app.FuncOf(func(this app.Value, args []app.Value) any {
		if len(args) > 0 {
			take(args[0])
		}
		return nil
	})
	w.Call("addEventListener", "message", f)
	ctx.Async(func() {
		<-ctx.Done()
		w.Call("removeEventListener", "message", f)
		f.Release()
	})
	l.post(newReadyMessage(l.m.jarMode()))
	// The commands posted before the lab started (on the frame's load
	// event, say), which the site's app.js kept (internal/site: earlyMessagesJS).
	if early := w.Get(earlyMessages); early.Truthy() {
		w.Set(earlyMessages, nil)
		for i := range early.Length() {
			take(early.Index(i))
		}
		if n := w.Get(earlyDropped); n.Type() == app.TypeNumber && n.Int() > 0 {
			l.post(newErrorMessage(earlyDroppedError(n.Int(), early.Length())))
		}
	}
}

// earlyDroppedError says that n commands sent before the lab listened were
// not kept, only the first kept messages.
func earlyDroppedError(n, kept int) error {
	return fmt.Errorf("%s sent before the lab was ready were not run: it keeps the first %d messages; send commands after stickylab:ready",
		plural(n, "command"), kept)
}

// earlyMessages is the window property where the site's app.js keeps the
// messages a frame receives before the lab listens (internal/site).
const earlyMessages = "stickylabEarlyMessages"

// earlyDropped is the window property where it counts the commands it dropped.
const earlyDropped = "stickylabEarlyDropped"

// messageJSON returns a message's data as JSON, if it is an object that
// JSON.stringify can write.
func messageJSON(data app.Value) (b []byte, ok bool) {
	if data.Type() != app.TypeObject {
		return nil, false
	}
	defer func() {
		if recover() != nil {
			b, ok = nil, false
		}
	}()
	s := app.Window().Get("JSON").Call("stringify", data)
	if s.Type() != app.TypeString {
		return nil, false
	}
	return []byte(s.String()), true
}

// command runs a course page's command (data: its JSON), or returns the
// error to answer; nil for a success or a message that is no command.
func (l *Lab) command(data []byte) *ErrorMessage {
	c, ok, err := parseCommand(data)
	if !ok {
		return nil
	}
	if err != nil && c.Type == CmdLoadScenario {
		l.scenarioFailed("The course page's scenario", err) // not a stale error of an earlier one
	}
	if err == nil {
		switch c.Type {
		case CmdRefresh:
			l.refresh()
		case CmdSetAttributes:
			l.m.sync()
			tg, name, gerr := commandGroup(l.m.lb, c.TargetGroup)
			if err = gerr; err == nil {
				var a engine.Attributes
				if a, err = withAttributes(tg.Attributes(), c.Attributes, l.m.lb.Type); err == nil {
					_, err = l.m.do(Action{Do: DoSaveAttributes, Name: name, Attributes: attributeValues(a)})
				}
				if err == nil && weighted(l.m.lb) {
					l.grp = tg.Name // the form shows the target group just set
				}
			}
			l.attributesSaved(err)
		case CmdLoadScenario:
			err = l.loadScenarioCommand(c.Scenario)
		}
	}
	if err != nil {
		m := newErrorMessage(err)
		return &m
	}
	return nil
}

// openTermInFullLab opens a "?" term link of the embedded lab, which has no
// glossary, at its entry in the full lab, in a new tab.
func (l *Lab) openTermInFullLab(ctx app.Context, e app.Event) {
	a := e.Get("target")
	if !a.Truthy() || a.Get("closest").IsUndefined() {
		return
	}
	if a = a.Call("closest", "a.term-help"); !a.Truthy() {
		return
	}
	e.PreventDefault()
	e.Call("stopPropagation")
	app.Window().Call("open", l.full+"#term-"+a.Get("dataset").Get("term").String(), "_blank", "noopener")
}
