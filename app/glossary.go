package app

import (
	"fmt"
	"html"
	"strings"
	"sync"

	"github.com/maxence-charriere/go-app/v9/pkg/app"

	"github.com/stickylab/stickylab/engine"
)

// glossaryTerm is one term the lab uses without explaining it where it
// appears: the learner's words for it and the AWS page it comes from.
type glossaryTerm struct {
	ID     string // its anchor is "term-" + ID
	Term   string
	Text   string
	Source string // an AWS documentation page, linked (never loaded)
}

// The AWS pages the terms come from.
const (
	docsSticky    = "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/sticky-sessions.html"
	docsMetrics   = "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html"
	docsAttribute = "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetGroupAttribute.html"
	docsRegister  = "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-register-targets.html"
	docsHealth    = "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html"
	docsClassic   = "https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/elb-sticky-sessions.html"
	docsNetwork   = "https://docs.aws.amazon.com/elasticloadbalancing/latest/network/edit-target-group-attributes.html"
	docsListeners = "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-listeners.html"
	docsEditTG    = "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-target-group-attributes.html"
	docsIntro     = "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/introduction.html"
	docsGroups    = "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-target-groups.html"
)

// docsTitles name the AWS pages in their links.
var docsTitles = map[string]string{
	docsSticky:    "AWS: Sticky sessions for your Application Load Balancer",
	docsMetrics:   "AWS: CloudWatch metrics for your Application Load Balancer",
	docsAttribute: "AWS: TargetGroupAttribute (API reference)",
	docsRegister:  "AWS: Register targets with your target group",
	docsHealth:    "AWS: Health checks for your target groups",
	docsClassic:   "AWS: Configure sticky sessions for your Classic Load Balancer",
	docsNetwork:   "AWS: Edit target group attributes for your Network Load Balancer",
	docsListeners: "AWS: Listeners for your Application Load Balancers",
	docsEditTG:    "AWS: Edit target group attributes for your Application Load Balancer",
	docsIntro:     "AWS: What is an Application Load Balancer?",
	docsGroups:    "AWS: Target groups for your Application Load Balancers",
}

// specDefault is the engine's default of attribute key, as AWS prints it.
func specDefault(key string) string {
	s, _ := engine.LookupAttribute(key)
	return s.Default
}

// specRange is the engine's range of attribute key: "0–3600".
func specRange(key string) string {
	s, _ := engine.LookupAttribute(key)
	return fmt.Sprintf("%d–%d", s.Min, s.Max)
}

// glossary is every term, in the order the glossary lists them; the
// numbers in it are the engine's.
var glossary = []glossaryTerm{
	{"load-balancer", "Load balancer",
		"The one address clients connect to: it spreads their requests over several servers (targets), so that one server failing or a crowd arriving does not take the application down.",
		docsIntro},
	{"listener", "Listener",
		"The load balancer's port and protocol (such as HTTP on port 80) with its rules: each rule forwards the requests it matches to one target group, or to several by weight.",
		docsListeners},
	{"target-group", "Target group",
		"The targets a listener forwards to, with the settings they share: health checks, the routing algorithm, stickiness (its attributes). my-target-group here.",
		docsGroups},
	{"target", "Target, instance",
		"One server behind the load balancer: here an EC2 instance (Instance 1, 2, 3) running the legacy application, which keeps its users' sessions in its own memory.",
		docsRegister},
	{"health-check", "Health check",
		"The load balancer's request to each target at a set interval: a target that fails enough of them in a row is unhealthy and gets no new requests until it passes again.",
		docsHealth},
	{"lb-cookie", "lb_cookie (duration-based stickiness)",
		fmt.Sprintf("The load balancer makes its own cookie (%s, and %s for cross-origin requests) naming the target, and sends the client back there until the cookie has been idle longer than the stickiness duration.", engine.CookieAWSALB, engine.CookieAWSALBCORS),
		docsSticky},
	{"app-cookie", "app_cookie (application-based stickiness)",
		fmt.Sprintf("Stickiness follows the application's own session cookie (its name is an attribute, %s here): while the browser sends it, the load balancer's %s cookie beside it sends the client back to the same target.", engine.SessionCookie, engine.CookieAWSALBAPP),
		docsSticky},
	{"awsalb", engine.CookieAWSALB,
		fmt.Sprintf("The duration-based stickiness cookie: an encrypted value naming the target. Its browser expiry is always %s; the load balancer itself checks the stickiness duration and re-issues it on every response.", durationWords(engine.CookieExpiry)),
		docsSticky},
	{"awsalbcors", engine.CookieAWSALBCORS,
		fmt.Sprintf("The same value as %s with SameSite=None; Secure, so that cross-origin (CORS) requests carry it too. When both are sent, the load balancer reads this one.", engine.CookieAWSALB),
		docsSticky},
	{"awsalbapp", engine.CookieAWSALBAPP,
		"The load balancer's cookie for application-based stickiness: an encrypted value naming the target, set beside the application's cookie. A moved client gets a new one for its new target.",
		docsSticky},
	{"awselb", engine.CookieAWSELB,
		"A Classic Load Balancer's stickiness cookie: a long, opaque hexadecimal value naming the instance. With load balancer generated stickiness it lasts the policy's expiration period, or the browser session when there is none; with application generated stickiness it follows the application's cookie.",
		docsClassic},
	{"awselbcors", engine.CookieAWSELBCORS,
		fmt.Sprintf("The same value as %s with SameSite=None; Secure, for cross-origin requests.", engine.CookieAWSELB),
		docsClassic},
	{"source-ip", "source_ip (source IP stickiness)",
		"A Network Load Balancer's only stickiness type: every TCP connection from one source IP goes to the same target. There is no cookie, so every client behind one NAT gateway (an office) shares one target; it may reset when a target's health changes or targets are registered or deregistered.",
		docsNetwork},
	{"flow-hash", "Flow hash",
		"How a Network Load Balancer without stickiness places a TCP connection: a hash of its protocol, source and destination IP and port and TCP sequence number. Every request of the connection goes to that target until the connection closes (350 s idle, or the browser opens a new one).",
		docsNetwork},
	{"nonsticky", "NonStickyRequestCount",
		"A CloudWatch metric: requests with stickiness on for which the load balancer had to pick a target anew, because the request had no usable stickiness cookie (none, expired, invalid, or naming a target out of service).",
		docsMetrics},
	{"imbalance", "Imbalance",
		"The lab's measure, not an AWS metric: the busiest in-service instance's requests in the last simulated minute divided by the average (1.00 is perfectly even); an instance that came into service within that minute is compared with the others over the seconds since. CloudWatch's RequestCountPerTarget shows the same unevenness.",
		docsMetrics},
	{"round-robin", "Round robin",
		"The default algorithm: each new pick goes to the next target in turn.",
		docsAttribute},
	{"least-outstanding-requests", "Least outstanding requests",
		"Each new pick goes to the target with the fewest requests in flight, so a slow target gets fewer.",
		docsAttribute},
	{"weighted-random", "Weighted random",
		"Each new pick is a random target, all with the same weight here (AWS's anomaly mitigation, which lowers a failing target's weight, is not simulated). AWS refuses it together with stickiness: " + engine.MessageStickinessWithWeightedRandom + ".",
		docsAttribute},
	{"deregister", "Deregister, draining",
		"Deregistering removes a target from the target group: it is draining (no new requests, while those in flight finish) for the deregistration delay, then unused. Sticky clients of a draining target are moved to another.",
		docsRegister},
	{"deregistration-delay", "Deregistration delay",
		fmt.Sprintf("%s: how long a deregistered target drains before it leaves the target group (%s seconds, default %s).",
			engine.KeyDeregistrationDelay, specRange(engine.KeyDeregistrationDelay), specDefault(engine.KeyDeregistrationDelay)),
		docsAttribute},
	{"health-thresholds", "Health check thresholds",
		fmt.Sprintf("A check runs every %s s by default. %s consecutive failed checks (default %s) make a target unhealthy: until then the load balancer keeps sending it requests. %s consecutive passed checks (default %s) make it healthy again.",
			specDefault(engine.KeyHealthCheckInterval), engine.KeyUnhealthyThresholdCount, specDefault(engine.KeyUnhealthyThresholdCount),
			engine.KeyHealthyThresholdCount, specDefault(engine.KeyHealthyThresholdCount)),
		docsHealth},
	{"weighted-target-groups", "Weighted target groups",
		fmt.Sprintf("A listener rule can forward to up to %d target groups, each with a weight from 0 to %d: a request without a valid group cookie goes to a target group at random by weight. Each target group has its own targets and attributes; shifting the weights is how a blue/green deployment moves traffic.",
			engine.MaxForwardTargetGroups, engine.MaxTargetGroupWeight),
		docsListeners},
	{"awsalbtg", engine.CookieAWSALBTG + " (target group stickiness)",
		fmt.Sprintf("With target group stickiness on the rule, the load balancer sets %s (and %s, SameSite=None; Secure) naming the target group, and keeps the client on it for the group stickiness duration after each response, whatever the weights say. Target stickiness (%s) then picks the target inside the group; AWS refuses it without group stickiness.",
			engine.CookieAWSALBTG, engine.CookieAWSALBTGCORS, engine.CookieAWSALB),
		docsListeners},
	{"slow-start", "Slow start",
		fmt.Sprintf("%s (%s seconds, 0 for off): a target that becomes healthy gets a share of round robin's requests that grows linearly to a full one over this time, so a cold instance warms up first. Targets healthy when it is turned on do not enter it, nor does the only healthy target.",
			engine.KeySlowStart, specRange(engine.KeySlowStart)),
		docsEditTG},
}

// lookupTerm returns the glossary's term id.
func lookupTerm(id string) (glossaryTerm, bool) {
	for _, g := range glossary {
		if g.ID == id {
			return g, true
		}
	}
	return glossaryTerm{}, false
}

// termLink is a small "?" beside a term: a link to its glossary entry,
// whose title shows the explanation on hover. Nothing for an unknown id.
func termLink(id string) app.UI {
	g, ok := lookupTerm(id)
	if !ok {
		return nil
	}
	return app.A().Class("term-help").Href("#term-"+g.ID).DataSet("term", g.ID).
		Title(g.Term+": "+g.Text).Aria("label", "What is "+g.Term+"? (glossary)").Text("?")
}

// Glossary explains the terms the lab uses, each with the AWS page it
// comes from; termLink links a term to its entry.
type Glossary struct {
	app.Compo
}

// Render draws the glossary: static HTML (glossaryHTML), which the browser
// parses in one go instead of go-app building its nodes one by one.
func (g *Glossary) Render() app.UI { return app.Raw(glossaryHTML()) }

// glossaryHTML is the glossary's section, built once.
var glossaryHTML = sync.OnceValue(func() string {
	var b strings.Builder
	b.WriteString(`<section class="glossary" id="glossary" data-testid="glossary" aria-label="Glossary"><h2>Glossary</h2><dl>`)
	for _, t := range glossary {
		id := html.EscapeString("term-" + t.ID)
		b.WriteString(`<div class="term" id="` + id + `" data-testid="` + id + `"><dt>` + html.EscapeString(t.Term) + `</dt><dd>` +
			html.EscapeString(t.Text+" ") + `<a href="` + html.EscapeString(t.Source) + `" rel="noopener">` +
			html.EscapeString(docsTitles[t.Source]) + `</a></dd></div>`)
	}
	b.WriteString(`</dl></section>`)
	return b.String()
})
