package app

import (
	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// liveView is a leaf component that the frame loop refreshes: poll reads
// what it shows from the model and reports whether that changed, in which
// case the loop asks go-app to render it again.
type liveView interface {
	app.Composer
	poll(m *model) bool
}

// watch adds a live view to the frame loop; unwatch removes it.
func (m *model) watch(v liveView) {
	for _, x := range m.views {
		if x == v {
			return
		}
	}
	m.views = append(m.views, v)
}

func (m *model) unwatch(v liveView) {
	for i, x := range m.views {
		if x == v {
			m.views = append(m.views[:i:i], m.views[i+1:]...)
			return
		}
	}
}

// pollViews refreshes the live views and asks go-app to render those that
// changed.
func (m *model) pollViews() {
	for _, v := range m.views {
		if v.poll(m) && v.Mounted() {
			v.Update()
		}
	}
}
