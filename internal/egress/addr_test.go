package egress_test

import (
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/egress"
)

func TestPolicyAddresses(t *testing.T) {
	open := egress.NewPolicy(nil)
	allow := egress.NewPolicy([]netip.Prefix{
		netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("10.20.0.0/16"),
		netip.MustParsePrefix("fd00:1::/32"),
	})
	cases := []struct {
		addr   string
		policy egress.Policy
		reason string // "" when allowed
	}{
		// Public addresses pass.
		{"93.184.215.14", open, ""},
		{"8.8.8.8", open, ""},
		{"1.1.1.1", open, ""},
		{"2606:4700:4700::1111", open, ""},
		{"2a00:1450:4001::200e", open, ""},
		{"::ffff:8.8.8.8", open, ""},
		{"64:ff9b::808:808", open, ""}, // 8.8.8.8 through NAT64
		{"2002:808:808::1", open, ""},  // 8.8.8.8 through 6to4
		// Each IPv4 range.
		{"0.0.0.0", open, "unspecified"},
		{"0.1.2.3", open, "unspecified"},
		{"10.0.0.5", open, "private address (RFC 1918)"},
		{"172.16.0.1", open, "private"},
		{"172.31.255.255", open, "private"},
		{"192.168.1.1", open, "private"},
		{"100.64.0.1", open, "carrier-grade NAT"},
		{"100.127.255.254", open, "carrier-grade NAT"},
		{"127.0.0.1", open, "loopback"},
		{"127.255.0.9", open, "loopback"},
		{"169.254.169.254", open, "link-local"},
		{"169.254.0.1", open, "metadata"},
		{"192.0.0.8", open, "IETF protocol"},
		{"192.0.2.10", open, "documentation"},
		{"198.51.100.7", open, "documentation"},
		{"203.0.113.99", open, "documentation"},
		{"192.88.99.1", open, "6to4 relay"},
		{"198.18.0.1", open, "benchmarking"},
		{"198.19.255.1", open, "benchmarking"},
		{"224.0.0.1", open, "multicast"},
		{"239.255.255.250", open, "multicast"},
		{"255.255.255.255", open, "broadcast"},
		{"240.0.0.1", open, "reserved (240.0.0.0/4)"},
		// Each IPv6 range.
		{"::", open, "unspecified"},
		{"::1", open, "loopback"},
		{"fe80::1", open, "link-local"},
		{"fe80::1%eth0", open, "link-local"},
		{"fc00::1", open, "unique local"},
		{"fd12:3456::1", open, "unique local"},
		{"fec0::1", open, "site-local"},
		{"ff02::1", open, "multicast"},
		{"2001:db8::1", open, "documentation"},
		{"3fff::1", open, "documentation"},
		{"2001::1", open, "Teredo"},
		{"100::1", open, "discard-only"},
		{"64:ff9b:1::1", open, "local NAT64"},
		{"4000::1", open, "not a global unicast"},
		// IPv4 inside IPv6: mapped, compatible, NAT64, 6to4.
		{"::ffff:127.0.0.1", open, "loopback address (127.0.0.0/8), written as an IPv4-mapped"},
		{"::ffff:169.254.169.254", open, "link-local"},
		{"::ffff:10.0.0.5", open, "private"},
		{"::ffff:0.0.0.0", open, "unspecified"},
		{"::127.0.0.1", open, "IPv4-compatible address with 127.0.0.1 inside"},
		{"::8.8.8.8", open, "not a global unicast"},
		{"64:ff9b::7f00:1", open, "NAT64 address with 127.0.0.1 inside"},
		{"64:ff9b::a9fe:a9fe", open, "169.254.169.254 inside"},
		{"2002:a00:5::1", open, "6to4 address with 10.0.0.5 inside"},
		// The allow list opens exactly its ranges.
		{"127.0.0.1", allow, ""},
		{"::ffff:127.0.0.1", allow, ""},
		{"10.20.3.4", allow, ""},
		{"10.21.0.1", allow, "private"},
		{"fd00:1:2::3", allow, ""},
		{"fd00:2::3", allow, "unique local"},
		{"::1", allow, "loopback"},
		{"169.254.169.254", allow, "link-local"},
		{"64:ff9b::7f00:1", allow, "NAT64"},
	}
	for _, c := range cases {
		err := c.policy.CheckAddr(netip.MustParseAddr(c.addr))
		switch {
		case c.reason == "" && err != nil:
			t.Errorf("%s: refused: %v", c.addr, err)
		case c.reason != "" && err == nil:
			t.Errorf("%s: allowed, want %q", c.addr, c.reason)
		case c.reason != "" && !strings.Contains(err.Error(), c.reason):
			t.Errorf("%s: %v, want %q", c.addr, err, c.reason)
		}
		var r *egress.RefusedError
		if err != nil && !errors.As(err, &r) {
			t.Errorf("%s: %T is not a *RefusedError", c.addr, err)
		}
	}
}
