package engine

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"time"
	"unsafe"
)

// A cookie value: base64( version | key epoch (4) | nonce (12) | AES-GCM(
// target group (4) | target (4) | issued (8) ) ), sealed with the epoch's key
// and, as additional data, the load balancer's name and the cookie's kind.
const (
	// KeyRotation is how often the load balancer rotates its cookie key.
	KeyRotation = 24 * time.Hour
	// keyEpochs is how many keys are held: enough for the longest
	// stickiness duration (7 days).
	keyEpochs     = 8
	cookieVersion = 1
	plainLen      = 16
	sealedLen     = 1 + 4 + 12 + plainLen + 16
	b64Len        = (sealedLen + 2) / 3 * 4
)

// cookieKind separates AWSALB, AWSALBAPP, AWSALBTG and AWSELB values: one
// cannot be replayed as another.
type cookieKind byte

const (
	kindLB    cookieKind = 'L'
	kindApp   cookieKind = 'A'
	kindGroup cookieKind = 'G' // AWSALBTG: target is 0
	kindELB   cookieKind = 'E' // a Classic Load Balancer's AWSELB (codec_elb.go)
)

// Cookie decoding errors. All of them make the load balancer treat the
// cookie as absent.
var (
	ErrCookieMalformed = errors.New("not a load balancer cookie (bad encoding or length)")
	ErrCookieKey       = errors.New("sealed with a key this load balancer does not hold (too old, or another load balancer)")
	ErrCookieForged    = errors.New("authentication failed: tampered with, or from another load balancer")
	ErrCookieFuture    = errors.New("issued later than this load balancer's clock says it is (by a load balancer whose clock ran ahead, such as an earlier lab fast-forwarded past now)")
)

// CookieInfo is what the load balancer reads from one of its cookies.
type CookieInfo struct {
	TargetGroup uint32
	Target      uint32
	Issued      time.Time
	KeyEpoch    uint32
}

// codec seals and opens stickiness cookies. It is not safe for concurrent
// use; neither is the rest of the engine.
type codec struct {
	secret   [32]byte
	nonceKey cipher.Block
	aad      [4][]byte // by kind: lb, app, group, elb
	keys     [keyEpochs]struct {
		epoch uint32
		aead  cipher.AEAD
	}
	buf   [sealedBuf]byte
	plain [plainLen]byte
	b64   [b64Len]byte
	// elb and elbPlain are an AWSELB value's buffers, elbAEAD its key,
	// which does not rotate (codec_elb.go).
	elb      [elbSealedLen]byte
	elbPlain [elbPlainLen]byte
	elbAEAD  cipher.AEAD
	cache    *openCache // values that opened, or nil to open every value
}

// opened is what the request path reads from a cookie: CookieInfo without
// the time.Time.
type opened struct {
	targetGroup, target, epoch uint32
	issued                     int64 // Unix seconds
}

// info returns o as the exported CookieInfo.
func (o opened) info() CookieInfo {
	return CookieInfo{TargetGroup: o.targetGroup, Target: o.target, Issued: time.Unix(o.issued, 0).UTC(), KeyEpoch: o.epoch}
}

// checkAt returns openAt's error at now (Unix seconds) for a value of kind k
// that opened before: its key retired, or it is from the future; nil if neither.
func (o opened) checkAt(k cookieKind, now int64) error {
	switch {
	case k != kindELB && keyRetired(o.epoch, now):
		return ErrCookieKey
	case o.issued > now:
		return ErrCookieFuture
	}
	return nil
}

// keyRetired reports whether the key of epoch is no longer held at now
// (Unix seconds): keyEpochs rotations old or more. A later epoch's key is
// not retired (see openAt).
func keyRetired(epoch uint32, now int64) bool {
	if now >= 0 { // the same test without a division: the request path asks it
		return now >= (int64(epoch)+keyEpochs)*int64(KeyRotation/time.Second)
	}
	cur := epochAt(now)
	return epoch <= cur && cur-epoch >= keyEpochs
}

// newCodec returns the codec of the load balancer called name, with a
// cache of opened values.
func newCodec(name string, secret [32]byte) *codec {
	c := newUncachedCodec(name, secret)
	c.cache = new(openCache)
	return c
}

// newUncachedCodec is newCodec without the cache: it opens every value.
func newUncachedCodec(name string, secret [32]byte) *codec {
	c := &codec{secret: secret}
	nk := sha256.Sum256(append([]byte("nonce|"), secret[:]...))
	c.nonceKey, _ = aes.NewCipher(nk[:16])
	c.aad[0] = []byte(name + "|" + string(kindLB))
	c.aad[1] = []byte(name + "|" + string(kindApp))
	c.aad[2] = []byte(name + "|" + string(kindGroup))
	c.aad[3] = []byte(name + "|" + string(kindELB))
	return c
}

func (c *codec) aadFor(k cookieKind) []byte {
	switch k {
	case kindApp:
		return c.aad[1]
	case kindGroup:
		return c.aad[2]
	case kindELB:
		return c.aad[3]
	}
	return c.aad[0]
}

func epochOf(now time.Time) uint32 { return epochAt(now.Unix()) }

// epochAt returns the key epoch of a time in Unix seconds.
func epochAt(sec int64) uint32 { return uint32(sec / int64(KeyRotation/time.Second)) }

// key returns the AEAD for epoch, deriving it on first use.
func (c *codec) key(epoch uint32) cipher.AEAD {
	slot := &c.keys[epoch%keyEpochs]
	if slot.aead == nil || slot.epoch != epoch {
		slot.epoch, slot.aead = epoch, c.deriveKey(epoch)
	}
	return slot.aead
}

// elbKey returns the AEAD of AWSELB values, deriving it on first use.
func (c *codec) elbKey() cipher.AEAD {
	if c.elbAEAD == nil {
		c.elbAEAD = c.deriveKey(elbKeyEpoch)
	}
	return c.elbAEAD
}

// deriveKey returns the AEAD of epoch's key, derived from the secret.
func (c *codec) deriveKey(epoch uint32) cipher.AEAD {
	var in [36]byte
	copy(in[:32], c.secret[:])
	binary.BigEndian.PutUint32(in[32:], epoch)
	sum := sha256.Sum256(in[:])
	block, err := aes.NewCipher(sum[:16])
	if err != nil {
		panic(err) // a 16-byte key never fails
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		panic(err)
	}
	return aead
}

// seal returns the cookie value naming target tgt of target group tg,
// issued at now, in a buffer reused by the next call.
func (c *codec) seal(k cookieKind, tg, tgt uint32, now time.Time) []byte {
	epoch := epochOf(now)
	b := c.buf[:0]
	b = append(b, cookieVersion)
	b = binary.BigEndian.AppendUint32(b, epoch)
	plain := c.plain[:]
	binary.BigEndian.PutUint32(plain[0:], tg)
	binary.BigEndian.PutUint32(plain[4:], tgt)
	binary.BigEndian.PutUint64(plain[8:], uint64(now.Unix()))
	b = c.appendNonce(b, k, plain)
	b = c.key(epoch).Seal(b, b[5:17], plain, c.aadFor(k))
	base64.StdEncoding.Encode(c.b64[:], b)
	return c.b64[:]
}

// appendNonce appends the nonce of plain's first 16 bytes and kind k: a
// pseudorandom function of them, so one target, group and second seal to
// one value (sealed once a second) and no nonce serves two plaintexts.
func (c *codec) appendNonce(b []byte, k cookieKind, plain []byte) []byte {
	var nb [16]byte
	copy(nb[:], plain[:plainLen])
	nb[15] ^= byte(k)
	c.nonceKey.Encrypt(nb[:], nb[:])
	return append(b, nb[:12]...)
}

// open decodes a cookie value sealed by this load balancer at or before now;
// one sealed later (by a load balancer with the same keys whose clock ran
// ahead, as a lab's after a fast-forward) is refused.
func (c *codec) open(k cookieKind, value string, now time.Time) (CookieInfo, error) {
	o, err := c.openAt(k, value, now.Unix())
	if err != nil {
		return CookieInfo{}, err
	}
	return o.info(), nil
}

// openAt is open at now in Unix seconds.
func (c *codec) openAt(k cookieKind, value string, now int64) (opened, error) {
	if k == kindELB {
		return c.openELB(value, now)
	}
	if !decodeSealed(&c.buf, value) || c.buf[0] != cookieVersion {
		return opened{}, ErrCookieMalformed
	}
	return c.openSealed(k, c.buf[:sealedLen], c.plain[:0], now)
}

// openSealed opens b, a sealed value of kind k decoded from its cookie
// text, into dst, and checks its key and issue time against now.
func (c *codec) openSealed(k cookieKind, b, dst []byte, now int64) (opened, error) {
	epoch := binary.BigEndian.Uint32(b[1:5])
	var aead cipher.AEAD
	switch {
	case k == kindELB && epoch != elbKeyEpoch:
		return opened{}, ErrCookieKey // an earlier version's rotating key, say
	case k == kindELB:
		aead = c.elbKey()
	case keyRetired(epoch, now):
		return opened{}, ErrCookieKey
	default:
		// A later epoch's key is derived all the same, to tell a cookie
		// from the future from a forged one.
		aead = c.key(epoch)
	}
	plain, err := aead.Open(dst, b[5:17], b[17:], c.aadFor(k))
	if err != nil || len(plain) != len(b)-sealedLen+plainLen {
		return opened{}, ErrCookieForged
	}
	o := opened{
		targetGroup: binary.BigEndian.Uint32(plain[0:]),
		target:      binary.BigEndian.Uint32(plain[4:]),
		issued:      int64(binary.BigEndian.Uint64(plain[8:])),
		epoch:       epoch,
	}
	if o.issued > now {
		return opened{}, ErrCookieFuture
	}
	return o, nil
}

// b64Index maps a standard base64 character to its 6 bits, and every other
// byte to 0xFF.
var b64Index = digitTable(b64Digits)

// b64Digits is the standard base64 alphabet.
const b64Digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

// digitTable maps each byte of digits to its position, and every other
// byte to 0xFF.
func digitTable(digits string) (t [256]byte) {
	for i := range t {
		t[i] = 0xFF
	}
	for i := 0; i < len(digits); i++ {
		t[digits[i]] = byte(i)
	}
	return t
}

// sealedBuf is the size of a buffer decodeSealed writes to: sealedLen
// and the slack its last 8-byte store runs into.
const sealedBuf = sealedLen + 8

// decodeSealed decodes a cookie value of exactly b64Len characters into
// dst[:sealedLen] as strict standard base64 does: with the last character's
// unused bits zero, so no value has a second spelling the load balancer accepts.
func decodeSealed(dst *[sealedBuf]byte, s string) bool {
	// One pass, no allocation: eight characters are read as one word and
	// become six bytes through four lookups of two characters each, written
	// with one 8-byte store (the two bytes past them are overwritten by the
	// next group, or are slack).
	const groups = sealedLen / 6 // 8 groups of 8 characters, then "xx=="
	if len(s) != b64Len || s[b64Len-2] != '=' || s[b64Len-1] != '=' {
		return false
	}
	in := unsafe.Slice(unsafe.StringData(s), b64Len)
	ok := uint16(0xFFFF)
	for g := 0; g < groups; g += 2 { // two groups a turn, for the CPU to overlap
		x0, ok0 := decodeGroup(binary.BigEndian.Uint64(in[8*g:]))
		x1, ok1 := decodeGroup(binary.BigEndian.Uint64(in[8*g+8:]))
		binary.BigEndian.PutUint64(dst[6*g:], x0)
		binary.BigEndian.PutUint64(dst[6*g+6:], x1)
		ok &= ok0 & ok1
	}
	a, b := b64Index[s[8*groups]], b64Index[s[8*groups+1]]
	dst[6*groups] = a<<2 | b>>4
	return ok&b64PairOK != 0 && (a|b)&0xC0 == 0 && b&0x0F == 0
}

// decodeGroup decodes eight base64 characters, the bytes of w, into the top
// six bytes of x; ok has b64PairOK set if all of them are in the alphabet.
func decodeGroup(w uint64) (x uint64, ok uint16) {
	a, b, c, d := b64Pair[w>>48], b64Pair[w>>32&0xFFFF], b64Pair[w>>16&0xFFFF], b64Pair[w&0xFFFF]
	return uint64(a)<<52 | uint64(b&0xFFF)<<40 | uint64(c&0xFFF)<<28 | uint64(d&0xFFF)<<16, a & b & c & d
}

// b64Pair[c1<<8|c2] is the 12 bits of the base64 characters c1 then c2 with
// b64PairOK set, or zero when either is outside the alphabet: one lookup
// decodes two characters, and only the 4,096 valid pairs are written at start.
var b64Pair = func() *[1 << 16]uint16 {
	t := new([1 << 16]uint16)
	for hi := range 64 {
		for lo := range 64 {
			t[int(b64Digits[hi])<<8|int(b64Digits[lo])] = b64PairOK | uint16(hi)<<6 | uint16(lo)
		}
	}
	return t
}()

// b64PairOK marks a pair of base64 characters in b64Pair.
const b64PairOK = 1 << 15
