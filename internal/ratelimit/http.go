package ratelimit

import (
	"hash/maphash"
	"net/http"
	"net/netip"
	"strconv"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
)

// Policy is a named Limiter as HTTP clients see it. The header fields
// follow draft-ietf-httpapi-ratelimit-headers-09 (March 2025), whose fields
// are Structured Fields (RFC 9651) lists of named items:
//
//	RateLimit-Policy: "token";q=3000;w=60
//	RateLimit: "token";r=2999;t=1
//
// q is the quota, w the window in seconds, r the requests remaining and t
// the seconds until the quota is whole again. A nil *Policy limits nothing
// and writes no header, so a limit that is off costs nothing.
type Policy struct {
	name    string
	limiter *Limiter
	policy  []string // the RateLimit-Policy value, the same on every answer
}

// NewPolicy names a limit of quota requests per window; a quota of 0 turns
// it off (nil). The name says whom the limit counts ("token", "address").
func NewPolicy(name string, quota int, window time.Duration, now func() time.Time) *Policy {
	if quota <= 0 {
		return nil
	}
	value := strconv.Quote(name) + ";q=" + strconv.Itoa(quota) + ";w=" + strconv.Itoa(ceilSeconds(window))
	return &Policy{name: name, limiter: New(quota, window, now), policy: []string{value}}
}

// Allow counts a request by the client key, writes the RateLimit fields on
// w, and, over the quota, writes Retry-After and returns an error that
// answers 429 with the code "rate_limited".
func (p *Policy) Allow(w http.ResponseWriter, key uint64) error {
	if p == nil {
		return nil
	}
	d := p.limiter.Allow(key)
	h := w.Header()
	h["Ratelimit-Policy"] = p.policy // never appended to: it holds one value
	buf := make([]byte, 0, 48)
	buf = strconv.AppendQuote(buf, p.name)
	buf = append(buf, ";r="...)
	buf = strconv.AppendInt(buf, int64(d.Remaining), 10)
	buf = append(buf, ";t="...)
	buf = strconv.AppendInt(buf, int64(ceilSeconds(d.Reset)), 10)
	h.Set("Ratelimit", string(buf))
	if d.Allowed {
		return nil
	}
	retry := max(ceilSeconds(d.RetryAfter), 1)
	h.Set("Retry-After", strconv.Itoa(retry))
	return &apperr.Error{Kind: apperr.KindTooMany, Code: "rate_limited",
		Message: "too many requests: at most " + strconv.Itoa(p.limiter.Quota()) + " every " +
			p.limiter.Window().String() + " per " + p.name + "; retry in " + strconv.Itoa(retry) + "s"}
}

func ceilSeconds(d time.Duration) int {
	return int((d + time.Second - 1) / time.Second)
}

// seed keys the hashes below; it is random per process, so nobody can
// aim two clients at one counter.
var seed = maphash.MakeSeed()

// TokenKey is the counter key of an API token. Only a hash is kept: the
// limiter holds no secret.
func TokenKey(secret string) uint64 { return maphash.String(seed, secret) }

// AddressKey is the counter key of a client address (httpx.ClientIP). An
// IPv6 client is counted by its /64, the block one subscriber is usually
// given, so that it cannot dodge the limit by changing addresses.
func AddressKey(ip string) uint64 {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return maphash.String(seed, ip)
	}
	a = a.Unmap().WithZone("")
	if a.Is6() {
		p, _ := a.Prefix(64) // cannot fail: an IPv6 address without a zone
		a = p.Addr()
	}
	b := a.As16()
	return maphash.Bytes(seed, b[:])
}
