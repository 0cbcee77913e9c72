package engine

import "encoding/binary"

var _ Selector = (*FlowHashSelection)(nil)

// FlowHash is the Exchange's Algorithm for a Network Load Balancer's pick:
// not a target group attribute, the flow hash of a new TCP connection.
const FlowHash Algorithm = "flow_hash"

// FlowHashSelection is a policy that places a new TCP connection on an
// available target by a seeded hash of its flow: protocol, source and
// destination IP and port, and sequence number (REFERENCE.md §7).
type FlowHashSelection struct {
	seed uint64
	lb   *LoadBalancer
}

// Select returns the available target the flow of r's connection hashes
// to; nil when none is available.
func (s *FlowHashSelection) Select(pool *Pool, r *Request) *Target {
	n := 0
	for _, t := range pool.Targets {
		if pool.Available(t) {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	i := int(s.hash(r) % uint64(n))
	for _, t := range pool.Targets {
		if pool.Available(t) {
			if i == 0 {
				return t
			}
			i--
		}
	}
	return nil
}

// hash is FNV-1a over the flow's 5-tuple and sequence number, mixed with
// the seed.
func (s *FlowHashSelection) hash(r *Request) uint64 {
	h := uint64(14695981039346656037) ^ s.seed
	add := func(b string) {
		for i := 0; i < len(b); i++ {
			h ^= uint64(b[i])
			h *= 1099511628211
		}
	}
	for _, part := range [...]string{"TCP|", r.SourceIP, "|", s.lb.nodeIP} {
		add(part)
	}
	var num [8]byte
	var seq uint32
	if r.Conn != nil {
		seq = r.Conn.seq
	}
	binary.BigEndian.PutUint16(num[0:], uint16(r.SourcePort))
	binary.BigEndian.PutUint16(num[2:], uint16(s.lb.Listener.Port))
	binary.BigEndian.PutUint32(num[4:], seq)
	add(string(num[:]))
	// A final avalanche, so that nearby flows spread.
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	return h
}
