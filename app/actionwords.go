package app

import (
	"time"

	"github.com/stickylab/stickylab/engine"
)

// actionWords says to a screen reader what the learner's action did, as the
// page shows it; "" for an action whose answer is announced elsewhere (a
// request, a saved form).
func actionWords(a Action, lb *engine.LoadBalancer) string {
	t := lb.Instance(a.Instance)
	switch {
	case a.Do == DoDeleteCookie:
		return "Cookie " + a.Name + " deleted from your browser."
	case a.Do == DoStopInstance && t != nil && t.InService():
		return a.Instance + " stopped: the load balancer keeps sending it requests (" + lb.Type.Counters().Stopped + ") until its health checks fail."
	case a.Do == DoDeregister && t != nil && t.TargetGroup() != nil:
		return a.Instance + " deregistered: it drains for the deregistration delay, " + durationWords(t.TargetGroup().Attributes().DeregistrationDelay) + ", and gets no new requests."
	case a.Do == DoPreset:
		if p, ok := engine.PresetByID(a.Name); ok {
			return "Lesson staged: " + p.Title + "."
		}
	case a.Do == DoLaunch && len(lb.Instances()) > 0:
		return lb.Instances()[len(lb.Instances())-1].Name + " launched: it is registered and its health checks start."
	case instanceWords[a.Do] != "":
		return a.Instance + instanceWords[a.Do]
	}
	return actionSentences[a.Do]
}

// instanceWords end the sentence that names the instance an action did
// something to.
var instanceWords = map[string]string{
	DoStopInstance:  " stopped.",
	DoStartInstance: " started: its health checks pass again once it answers.",
	DoFailChecks:    " now fails its health checks, while still answering requests.",
	DoPassChecks:    " passes its health checks again.",
	DoDeregister:    " deregistered.",
	DoRegister:      " registered: its health checks start.",
	DoSlowDown:      " slowed down.",
	DoSpeedUp:       " back to its normal speed.",
}

// actionSentences say the actions that name no instance.
var actionSentences = map[string]string{
	DoExternalStoreOn:  "External session store on: every instance reads and writes the sessions in one store.",
	DoExternalStoreOff: "External session store off: each instance keeps its sessions in its own memory again.",
}

// simClockWords says what happened to the clock and the time it reads.
func simClockWords(what string, now time.Time) string {
	return what + ": the simulated clock reads " + now.Format("15:04:05") + "."
}

// fastForwardWords says a fast-forward the learner started.
func fastForwardWords(d time.Duration) string {
	return "Fast-forwarding " + durationWords(d) + " of simulated time."
}
