package engine

import "time"

// issuedCookies remembers the stickiness cookies last sealed for each
// target and kind (AWSELB in AWSALB's slot): a crowd asks for the same ones
// many times a second, and sealing depends only on group, target and second.
type issuedCookies struct {
	slots []issuedSlot // by target uid, then kind
}

type issuedSlot struct {
	sec     int64
	tg      uint32
	cookies []StoredCookie
}

// cookies returns lb.sealCookies(k, tg, t, now), sealed at most once per
// second for each target group, target and kind.
func (c *issuedCookies) cookies(k cookieKind, tg *TargetGroup, t *Target, now time.Time) []StoredCookie {
	i := int(t.uid) * 2
	if k == kindApp {
		i++
	}
	for i >= len(c.slots) {
		c.slots = append(c.slots, issuedSlot{})
	}
	s := &c.slots[i]
	if sec := now.Unix(); s.sec != sec || s.tg != tg.id || s.cookies == nil {
		s.sec, s.tg, s.cookies = sec, tg.id, tg.lb.sealCookies(k, tg, t, now)
	}
	return s.cookies
}
