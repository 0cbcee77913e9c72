package app

import (
	"time"

	"github.com/stickylab/stickylab/engine"
)

// actionWords says to a screen reader what the learner's action did, as the
// page shows it; "" for an action whose answer is announced elsewhere (a
// request, a saved form).
func actionWords(a Action, lb *engine.LoadBalancer) string {
	switch a.Do {
	case DoDeleteCookie:
		return "Cookie " + a.Name + " deleted from your browser."
	case DoStopInstance:
		if t := lb.Instance(a.Instance); t != nil && t.InService() {
			return a.Instance + " stopped: the load balancer keeps sending it requests (" + lb.Type.Counters().Stopped + ") until its health checks fail."
		}
		return a.Instance + " stopped."
	case DoStartInstance:
		return a.Instance + " started: its health checks pass again once it answers."
	case DoFailChecks:
		return a.Instance + " now fails its health checks, while still answering requests."
	case DoPassChecks:
		return a.Instance + " passes its health checks again."
	case DoDeregister:
		if t := lb.Instance(a.Instance); t != nil && t.TargetGroup() != nil {
			return a.Instance + " deregistered: it drains for the deregistration delay, " + durationWords(t.TargetGroup().Attributes().DeregistrationDelay) + ", and gets no new requests."
		}
		return a.Instance + " deregistered."
	case DoRegister:
		return a.Instance + " registered: its health checks start."
	case DoSlowDown:
		return a.Instance + " slowed down."
	case DoSpeedUp:
		return a.Instance + " back to its normal speed."
	case DoLaunch:
		return "An instance launched: it is registered and its health checks start."
	case DoExternalStoreOn:
		return "External session store on: every instance reads and writes the sessions in one store."
	case DoExternalStoreOff:
		return "External session store off: each instance keeps its sessions in its own memory again."
	case DoPreset:
		if p, ok := engine.PresetByID(a.Name); ok {
			return "Lesson staged: " + p.Title + "."
		}
	}
	return ""
}

// fastForwardWords says a fast-forward the learner started.
func fastForwardWords(d time.Duration) string {
	return "Fast-forwarding " + durationWords(d) + " of simulated time."
}
