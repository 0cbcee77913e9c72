package engine

import (
	"encoding/binary"
	"time"
)

// An AWSELB value: uppercase hexadecimal( version | key epoch (4) | nonce
// (12) | AES-GCM( target group (4) | target (4) | issued (8) | instance id
// (19) ) ), sealed as AWSALB is, with the kind ELB as additional data, but
// with one key that does not rotate: a Classic Load Balancer honours its
// cookie for as long as the browser sends it (simulated assumption).
const (
	// elbKeyEpoch is the key epoch every AWSELB value carries.
	elbKeyEpoch  = 0
	elbIDLen     = 19 // "i-0" and 16 hex digits
	elbPlainLen  = plainLen + elbIDLen
	elbSealedLen = sealedLen - plainLen + elbPlainLen
	// ELBCookieLen is the length of an AWSELB value: as long as the
	// uppercase hexadecimal values observed on Classic Load Balancers.
	ELBCookieLen = 2 * elbSealedLen
)

const upperHex = "0123456789ABCDEF"

// hexIndex maps an uppercase hexadecimal digit to its value, and every
// other byte to 0xFF.
var hexIndex = digitTable(upperHex)

// sealELB returns the AWSELB value naming target tgt (instance id) of
// group tg, issued at now.
func (c *codec) sealELB(tg, tgt uint32, id string, now time.Time) string {
	plain := &c.elbPlain
	binary.BigEndian.PutUint32(plain[0:], tg)
	binary.BigEndian.PutUint32(plain[4:], tgt)
	binary.BigEndian.PutUint64(plain[8:], uint64(now.Unix()))
	copy(plain[plainLen:], id)
	b := append(c.elb[:0], cookieVersion)
	b = binary.BigEndian.AppendUint32(b, elbKeyEpoch)
	b = c.appendNonce(b, kindELB, plain[:])
	b = c.elbKey().Seal(b, b[5:17], plain[:], c.aadFor(kindELB))
	var out [ELBCookieLen]byte
	for i, x := range b {
		out[2*i], out[2*i+1] = upperHex[x>>4], upperHex[x&0x0F]
	}
	return string(out[:])
}

// openELB decodes an AWSELB value sealed by this load balancer at or
// before now (Unix seconds): exactly ELBCookieLen uppercase hexadecimal
// digits, so no value has a second spelling the load balancer accepts.
func (c *codec) openELB(value string, now int64) (opened, error) {
	if len(value) != ELBCookieLen {
		return opened{}, ErrCookieMalformed
	}
	b := &c.elb
	for i := range b {
		hi, lo := hexIndex[value[2*i]], hexIndex[value[2*i+1]]
		if hi > 15 || lo > 15 {
			return opened{}, ErrCookieMalformed
		}
		b[i] = hi<<4 | lo
	}
	if b[0] != cookieVersion {
		return opened{}, ErrCookieMalformed
	}
	return c.openSealed(kindELB, b[:], c.elbPlain[:0], now)
}
