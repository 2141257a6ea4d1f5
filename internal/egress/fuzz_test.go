package egress_test

import (
	"context"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/egress"
)

// FuzzCheckURL checks that no accepted URL names a refused address,
// whether netip reads its host or a lenient resolver does (inet_aton reads
// "0x7f.1" and "2130706433" as 127.0.0.1).
func FuzzCheckURL(f *testing.F) {
	for _, s := range []string{"http://127.0.0.1/", "http://2130706433/", "http://0177.0.0.1/", "http://0x7f.1/",
		"https://hooks.example.com/a", "http://[::ffff:127.0.0.1]/", "http://[64:ff9b::a00:1]/", "http://8.8.8.8:80/",
		"http://10.0.0.1./", "http://a.0x0a/", "http://1.2.3.04/", "http://0.0.0.0B0/", "http://1.2.3.4_5/"} {
		f.Add(s)
	}
	c := egress.New(egress.Options{Resolver: newResolver(nil)})
	policy := egress.NewPolicy(nil)
	f.Fuzz(func(t *testing.T, raw string) {
		got, err := c.CheckURL(context.Background(), raw)
		if err != nil {
			return
		}
		u, err := url.Parse(got)
		if err != nil {
			t.Fatalf("%q accepted as %q, which does not parse: %v", raw, got, err)
		}
		host := u.Hostname()
		if a, err := netip.ParseAddr(host); err == nil {
			if policy.CheckAddr(a) != nil {
				t.Fatalf("%q accepted with the refused address %s", raw, a)
			}
			return
		}
		if a, ok := inetAton(strings.TrimSuffix(host, ".")); ok && policy.CheckAddr(a) != nil {
			t.Fatalf("%q accepted: a resolver reads %q as the refused %s", raw, host, a)
		}
	})
}

// inetAton reads s the way the C library's inet_aton does: one to four
// parts, decimal, octal or hexadecimal, the last filling the bytes left.
// Go's own number syntax beyond that (0b, 0o, underscores) is not C's.
func inetAton(s string) (netip.Addr, bool) {
	parts := strings.Split(s, ".")
	if len(parts) > 4 {
		return netip.Addr{}, false
	}
	nums := make([]uint64, len(parts))
	for i, p := range parts {
		if lp := strings.ToLower(p); strings.ContainsRune(p, '_') || strings.HasPrefix(lp, "0b") || strings.HasPrefix(lp, "0o") {
			return netip.Addr{}, false
		}
		n, err := strconv.ParseUint(p, 0, 32)
		if err != nil || p == "" {
			return netip.Addr{}, false
		}
		nums[i] = n
	}
	var v uint64
	for i, n := range nums[:len(nums)-1] {
		if n > 255 {
			return netip.Addr{}, false
		}
		v |= n << (24 - 8*i)
	}
	last := nums[len(nums)-1]
	if last >= 1<<(8*(5-len(nums))) {
		return netip.Addr{}, false
	}
	v |= last
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), true
}
