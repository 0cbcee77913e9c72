package engine

// openCache remembers cookie values that opened. Opening is a pure function
// of the value and the key, and a crowd sends the same few values again and
// again (one per target and second), so a remembered value skips AES-GCM.
type openCache struct {
	slots [openCacheSize]struct {
		value string
		kind  cookieKind
		o     opened
	}
}

// openCacheSize is the number of values an openCache remembers.
const openCacheSize = 1024

// openCached is c.openAt for the request path, without the AES-GCM open of a
// value c's cache holds (the checks against now still run). Values that fail
// are not kept; a codec without a cache opens every value.
func (c *codec) openCached(k cookieKind, value string, now int64) (opened, error) {
	oc := c.cache
	var h uint
	switch {
	case oc == nil:
		return c.openAt(k, value, now)
	case len(value) == b64Len:
		// The nonce is pseudorandom: characters 8 to 11 spread the values.
		h = uint(b64Index[value[8]]) | uint(b64Index[value[9]])<<6 | uint(b64Index[value[10]])<<12 | uint(b64Index[value[11]])<<18
	case len(value) == ELBCookieLen:
		// An AWSELB value, in hexadecimal: its nonce is characters 10 to 33.
		h = uint(hexIndex[value[12]]) | uint(hexIndex[value[13]])<<4 | uint(hexIndex[value[14]])<<8 | uint(hexIndex[value[15]])<<12 | uint(hexIndex[value[16]])<<16
	default:
		return c.openAt(k, value, now)
	}
	slot := &oc.slots[h%openCacheSize]
	if slot.kind == k && sameString(slot.value, value) {
		if err := slot.o.checkAt(k, now); err != nil {
			return opened{}, err
		}
		return slot.o, nil
	}
	o, err := c.openAt(k, value, now)
	if err == nil {
		slot.value, slot.kind, slot.o = value, k, o
	}
	return o, err
}
