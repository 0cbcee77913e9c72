// Package engine simulates an AWS Application Load Balancer with sticky
// sessions: a listener, a target group of EC2-like targets each running a
// legacy application with its own in-memory session store, routing
// algorithms, health checks, deregistration delay (draining), load balancer
// generated cookies (AWSALB, AWSALBCORS), application cookies (AWSALBAPP-0),
// an optional external session store and a crowd of virtual clients.
//
// The package is pure Go: time comes from a simulated clock that only moves
// when the caller advances it, and every random choice comes from a source
// seeded by the caller, so a run can be replayed byte for byte. Behaviour
// follows the reference in shared/REFERENCE.md, which cites the AWS
// documentation; choices AWS does not document are listed in Assumptions.
package engine
