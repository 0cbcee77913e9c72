package engine

// Assumption is a behaviour AWS does not document that the simulator had to
// choose (REFERENCE.md marks them UNDOCUMENTED). The UI lists them as
// "simulated assumptions", so a learner knows what not to take as AWS's word.
type Assumption struct {
	Topic  string
	Choice string
}

// Assumptions lists every simulated assumption, in one place.
var Assumptions = []Assumption{
	{"Stickiness turned off while clients hold cookies", "The load balancer ignores AWSALB/AWSALBCORS/AWSALBAPP-0 and does not clear them; the browser keeps them until they expire."},
	{"Stickiness during fail open", "When no target is healthy and the load balancer routes to all of them, a valid cookie is still honoured."},
	{"Fail open and new targets", "Targets in state initial count as not healthy: if no registered target is healthy, requests go to every registered target."},
	{"app_cookie picked anew", "When a request carries both AWSALBAPP-0 and the application cookie but goes to a new target (its target failed, or AWSALBAPP-0 is past the duration or does not decrypt), the response re-issues AWSALBAPP-0 for the new target even if the application sets no cookie, so the session stays there."},
	{"502 from a stopped instance", "An Application or Classic Load Balancer answers 502 Bad Gateway without setting a stickiness cookie; the client keeps the one it has. Opened directly, a stopped instance's connection times out (no gateway answers)."},
	{"A stopped instance", "It stops answering at once, and the load balancer learns it from its health checks: until the unhealthy threshold it still gets requests, then it is unhealthy with the check's reason code. AWS shows an instance stopped through EC2 as unused (Target.InvalidState) once it is stopped, and does not say how that lines up with the health checks."},
	{"Secure cookies on an HTTP listener", "The listener is HTTP:80 and the address bar says http://, yet the lab's browser keeps AWSALBCORS and AWSELBCORS, which are Secure. A real browser refuses a Secure cookie set over http://: behind an HTTP listener only AWSALB (AWSELB) makes the round trip; behind HTTPS both do, and AWSALBCORS is the one read."},
	{"Validation messages", "Where REFERENCE.md quotes AWS (stickiness with weighted_random, target stickiness without group stickiness), its wording is used; the other messages, such as \"Health check interval must be between 5 and 300 seconds\", are the simulator's, in the console's style. AWS's API words its own differently (\"Value '600' at 'healthCheckIntervalSeconds' failed to satisfy constraint: …\")."},
	{"Draining", "A deregistering target stays draining for the whole deregistration delay (open connections are not simulated); in-flight requests finish."},
	{"Cookie value", "AES-GCM over target group, target and issue time, with a key that rotates every 24 hours; the same target and second give the same value. AWS's real format is secret."},
	{"A cookie issued in the future", "A load balancer's clock never runs backward, but a new lab starts at the wall clock: a cookie an earlier lab issued after a fast-forward is not accepted (a new pick, and the cookie is rewritten)."},
	{"weighted_random", "Every target has the same weight; anomaly mitigation is accepted as an attribute but not simulated."},
	{"Slow start's ramp", "Round robin gives a target in slow start a share of a full target's requests that grows linearly from none, in turn: each of its turns adds its share to what it is owed, and it takes a request once owed a whole one. If every available target is in slow start and owed less than a request, round robin's next one takes it."},
	{"Slow start after a recovery", "A target that becomes healthy again (after being unhealthy) enters slow start under the same rule as a new one: only while another healthy target is not in slow start."},
	{"Slow start changed while targets are in it", "Turning slow start off ends every slow start at once; a new duration applies to the targets that enter slow start from then on."},
	{"Group stickiness cookie", "AWSALBTG and AWSALBTGCORS are re-issued on every response, like AWSALB: the group stickiness duration is an idle window. Their value is sealed like AWSALB's, naming the target group only, with a 7-day Expires."},
	{"Group cookie and the group's health", "A valid AWSALBTG routes to its target group whatever its weight (0 included) and the health of its targets; within it, the group's own stickiness and fail open apply."},
	{"Target stickiness across target groups", "An AWSALB issued by one target group of a weighted forward action does not route in another: it counts as invalid there, and a new target is picked."},
	{"Weighted split", "Each request without a valid group cookie goes to a target group at random in proportion to the weights, from the lab's seeded source."},
	{"Forward action messages", "AWS's wording is used for target stickiness without group stickiness (both the rule's and the target group's message). The messages for app_cookie behind weighted target groups, weights outside 0–999, all weights 0 (refused), more than 5 target groups, duplicate target groups and the group stickiness duration are the simulator's."},
	{"The legacy application", "It keeps a session (login, cart) per SESSIONID cookie in instance memory, for 30 idle minutes; a stopped instance forgets them all."},
	{"A full session store", "Each store keeps at most 20,000 sessions; when full it drops the longest idle ones first (real servers refuse new sessions or run out of memory)."},
	{"Classic: the AWSELB value", "AES-GCM over the instance and issue time, written as 136 uppercase hexadecimal digits like the observed values; AWS's real format is secret. A value that does not decrypt is treated as absent. Its key does not rotate (an ALB's cookie key does, daily): an AWSELB routes for as long as the browser keeps it, a browser-session cookie included."},
	{"Classic: AWSELBCORS", "Set beside AWSELB with the same value, the same expiry, and SameSite=None; Secure; when a request carries both, AWSELBCORS is read, as an ALB reads AWSALBCORS."},
	{"Classic: failover without a new application cookie", "Under AppCookieStickinessPolicy, a request whose instance failed and that was sent elsewhere gets a new AWSELB (a browser-session cookie) even if the application sets no cookie, so the session stays on the new instance."},
	{"Classic: policy values", "CookieExpirationPeriod is accepted from 0 (the browser session) to 2147483647 seconds, and CookieName may not be AWSELB or AWSELBCORS; AWS documents neither limit nor its message."},
	{"Classic: health check, draining and fail open", "The instances' health check starts with the console's defaults (healthy threshold 10) and is edited within the ELB API's ranges; the messages for a value outside them are the simulator's wording, and the ping target is fixed at HTTP:80/index.html, which every running instance answers unless made to fail. Connection draining is the deregistration delay (300 s), and when no instance is healthy requests go to all of them, as on an ALB."},
	{"Network: the flow hash", "A seeded hash of protocol, source and destination IP and port and the initial sequence number picks uniformly among healthy targets; a new connection's source port is random in 32768-60999. AWS's hash is not documented."},
	{"Network: connections whose target changes", "A connection to a target that became unhealthy is reset and the client reconnects at once; one to a draining target carries on until the deregistration delay ends; a connection to a stopped instance times out (a Network Load Balancer reads no HTTP, so there is no 502) and is lost. With no target registered, a connection is reset."},
	{"Network: when source IP stickiness resets", "AWS says it may reset; the simulator forgets every source IP at each change of a target's health state and at each registration or deregistration. An open connection stays on its target and binds its source IP again if no other connection has since."},
	{"Network: first placement by source IP", "A source IP with no target yet is placed by the flow hash of its connection."},
	{"Weighted target groups: Application Load Balancer only", "A Classic Load Balancer has no target groups and the simulated Network Load Balancer's listener forwards to one, so both refuse weighted target groups and group stickiness, with the simulator's message."},
	{"NAT gateways", "The crowd's last clients (the NAT share) sit behind the gateways in turn, each gateway with one public IP in 203.0.113.0/24."},
}
