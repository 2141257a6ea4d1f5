// Package egress is the one guarded HTTP client for URLs that users type
// (webhooks today). A user who may set a URL must not be able to make the
// desk reach what only the desk can reach: its own loopback, the private
// network it runs in, the cloud's metadata service. So every address is
// checked three times: when the URL is saved (CheckURL, with a DNS lookup
// so the person gets the reason at once), when a connection is made (the
// dialer's Control hook sees the very address the socket connects to, which
// defeats DNS rebinding), and on every redirect.
//
// Public unicast addresses pass. Everything else is refused, except the
// ranges the operator opens with an allow list (CENTERDESK_OUTBOUND_ALLOW).
package egress

import (
	"errors"
	"fmt"
	"net/netip"
	"syscall"
)

// Policy decides which addresses outbound requests may reach: public
// unicast addresses, and the ranges of the allow list.
type Policy struct {
	allow []netip.Prefix
}

// NewPolicy returns a policy that also lets through the addresses in allow.
func NewPolicy(allow []netip.Prefix) Policy {
	return Policy{allow: append([]netip.Prefix(nil), allow...)}
}

// RefusedError says why an address may not be reached.
type RefusedError struct {
	Addr   netip.Addr
	Reason string // "a private address (RFC 1918)"
	Via    string // the host name that resolved to Addr, when there was one
}

func (e *RefusedError) Error() string {
	if e.Via != "" {
		return fmt.Sprintf("%s resolves to %s, %s", e.Via, e.Addr, e.Reason)
	}
	return fmt.Sprintf("%s is %s", e.Addr, e.Reason)
}

// CheckAddr returns a *RefusedError when a may not be reached.
func (p Policy) CheckAddr(a netip.Addr) error {
	a = a.WithZone("")
	if p.allowed(a) {
		return nil
	}
	if reason := refusal(a); reason != "" {
		return &RefusedError{Addr: a, Reason: reason}
	}
	return nil
}

// allowed reports whether the operator opened a's range. An IPv4-mapped
// address is the IPv4 address itself, so a v4 range opens it too; other
// embeddings (NAT64, 6to4) reach another host and are not opened.
func (p Policy) allowed(a netip.Addr) bool {
	for _, pfx := range p.allow {
		if pfx.Contains(a) || (a.Is4In6() && pfx.Contains(a.Unmap())) {
			return true
		}
	}
	return false
}

type rangeRule struct {
	prefix netip.Prefix
	reason string
}

func rules(rows ...[2]string) []rangeRule {
	out := make([]rangeRule, len(rows))
	for i, r := range rows {
		out[i] = rangeRule{netip.MustParsePrefix(r[0]), r[1]}
	}
	return out
}

// v4Rules are the IPv4 ranges that are not public unicast (IANA's special
// purpose registry), first match wins.
var v4Rules = rules(
	[2]string{"0.0.0.0/8", "an unspecified address (0.0.0.0/8, this network)"},
	[2]string{"10.0.0.0/8", "a private address (RFC 1918)"},
	[2]string{"100.64.0.0/10", "a carrier-grade NAT address (100.64.0.0/10)"},
	[2]string{"127.0.0.0/8", "a loopback address (127.0.0.0/8)"},
	[2]string{"169.254.0.0/16", "a link-local address (169.254.0.0/16, where cloud metadata services answer)"},
	[2]string{"172.16.0.0/12", "a private address (RFC 1918)"},
	[2]string{"192.0.0.0/24", "reserved for IETF protocol assignments (192.0.0.0/24)"},
	[2]string{"192.0.2.0/24", "reserved for documentation (192.0.2.0/24)"},
	[2]string{"192.88.99.0/24", "a 6to4 relay anycast address (192.88.99.0/24)"},
	[2]string{"192.168.0.0/16", "a private address (RFC 1918)"},
	[2]string{"198.18.0.0/15", "reserved for benchmarking (198.18.0.0/15)"},
	[2]string{"198.51.100.0/24", "reserved for documentation (198.51.100.0/24)"},
	[2]string{"203.0.113.0/24", "reserved for documentation (203.0.113.0/24)"},
	[2]string{"224.0.0.0/4", "a multicast address (224.0.0.0/4)"},
	[2]string{"255.255.255.255/32", "the broadcast address"},
	[2]string{"240.0.0.0/4", "reserved (240.0.0.0/4)"},
)

// v6Rules are the IPv6 ranges refused by name; anything else outside
// 2000::/3 (global unicast) is refused too.
var v6Rules = rules(
	[2]string{"::/128", "the unspecified address (::)"},
	[2]string{"::1/128", "the loopback address (::1)"},
	[2]string{"64:ff9b:1::/48", "reserved for local NAT64 (64:ff9b:1::/48)"},
	[2]string{"100::/64", "a discard-only address (100::/64)"},
	[2]string{"2001::/23", "reserved for IETF protocol assignments, Teredo among them (2001::/23)"},
	[2]string{"2001:db8::/32", "reserved for documentation (2001:db8::/32)"},
	[2]string{"3fff::/20", "reserved for documentation (3fff::/20)"},
	[2]string{"fc00::/7", "a unique local address (fc00::/7)"},
	[2]string{"fe80::/10", "a link-local address (fe80::/10)"},
	[2]string{"fec0::/10", "a site-local address (fec0::/10, deprecated)"},
	[2]string{"ff00::/8", "a multicast address (ff00::/8)"},
)

var (
	globalUnicast = netip.MustParsePrefix("2000::/3")
	v4Compatible  = netip.MustParsePrefix("::/96")
	nat64         = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour     = netip.MustParsePrefix("2002::/16")
)

// refusal is why a may not be reached, or "" when it may.
func refusal(a netip.Addr) string {
	if a.Is4() || a.Is4In6() {
		reason := refusal4(a.Unmap())
		if reason != "" && a.Is4In6() {
			reason += ", written as an IPv4-mapped IPv6 address"
		}
		return reason
	}
	for _, r := range v6Rules {
		if r.prefix.Contains(a) {
			return r.reason
		}
	}
	// Forms that carry an IPv4 address inside reach that address (or a
	// gateway that forwards to it): judge the address inside.
	if v4, kind, ok := embedded(a); ok {
		if reason := refusal4(v4); reason != "" {
			return fmt.Sprintf("%s with %s inside, %s", kind, v4, reason)
		}
		if kind != "an IPv4-compatible address" {
			return "" // a public address through NAT64 or 6to4
		}
	}
	if !globalUnicast.Contains(a) {
		return "not a global unicast address (outside 2000::/3)"
	}
	return ""
}

func refusal4(a netip.Addr) string {
	for _, r := range v4Rules {
		if r.prefix.Contains(a) {
			return r.reason
		}
	}
	return ""
}

// embedded returns the IPv4 address inside an IPv4-compatible, NAT64 or
// 6to4 address.
func embedded(a netip.Addr) (netip.Addr, string, bool) {
	b := a.As16()
	switch {
	case v4Compatible.Contains(a):
		return netip.AddrFrom4([4]byte(b[12:16])), "an IPv4-compatible address", true
	case nat64.Contains(a):
		return netip.AddrFrom4([4]byte(b[12:16])), "a NAT64 address", true
	case sixToFour.Contains(a):
		return netip.AddrFrom4([4]byte(b[2:6])), "a 6to4 address", true
	}
	return netip.Addr{}, "", false
}

// Control is a net.Dialer Control hook that refuses a connection unless
// the policy lets its address through. It sees the address the socket is
// about to connect to, after every lookup, so it is the check that DNS
// rebinding cannot get past. via is the host name the address was
// resolved from ("" for an address written in the URL), for the message.
// Connections other than HTTP (a future SMTP or IMAP dial to a host a user
// typed) can use it too.
func (p Policy) Control(via string) func(network, address string, _ syscall.RawConn) error {
	return func(_, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("egress: cannot check address %q: %w", address, err)
		}
		if err := p.CheckAddr(ap.Addr()); err != nil {
			var r *RefusedError
			if errors.As(err, &r) {
				r.Via = via
			}
			return err
		}
		return nil
	}
}
