package egress

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// MaxURL is the longest URL accepted, in bytes.
const MaxURL = 2000

// lookupTimeout bounds the DNS lookup made when a URL is saved.
const lookupTimeout = 3 * time.Second

// allowHint ends a refusal at save time, so an operator who meant it knows
// where the door is.
const allowHint = "; outbound requests only reach public addresses unless the operator opens the range with CENTERDESK_OUTBOUND_ALLOW"

// CheckURL checks a URL a person typed and returns it in canonical form.
// Beyond the rules every request meets (see checkURL), a host name is
// looked up, and refused when any of its addresses is; a name that does not
// resolve (yet) passes, since the dialer checks again on every connection.
// The error is a sentence for the person, without the field's name.
func (c *Client) CheckURL(ctx context.Context, raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if len(raw) > MaxURL {
		return "", fmt.Errorf("is longer than %d characters", MaxURL)
	}
	u, err := c.checkURL(raw)
	if err != nil {
		return "", withHint(err)
	}
	host := u.Hostname()
	if _, err := netip.ParseAddr(host); err == nil {
		return u.String(), nil
	}
	ctx, cancel := context.WithTimeout(ctx, lookupTimeout)
	defer cancel()
	addrs, err := c.resolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return u.String(), nil
	}
	for _, a := range addrs {
		if err := c.policy.CheckAddr(a); err != nil {
			var r *RefusedError
			if errors.As(err, &r) {
				r.Via = host
			}
			return "", withHint(err)
		}
	}
	return u.String(), nil
}

func withHint(err error) error {
	var r *RefusedError
	if errors.As(err, &r) {
		return fmt.Errorf("%w%s", err, allowHint)
	}
	return err
}

// checkURL applies the rules every request and redirect meets without a
// lookup: http or https, a host written plainly, no user name or password,
// and an IP address in the host that the policy lets through.
func (c *Client) checkURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, errors.New("must be an http or https URL")
	}
	if u.User != nil {
		return nil, errors.New("must not carry a user name or password (user@host)")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("port %q is not between 1 and 65535", p)
		}
	}
	host := u.Hostname()
	if a, err := netip.ParseAddr(host); err == nil {
		if a.Zone() != "" {
			return nil, fmt.Errorf("%s: an IPv6 zone names an interface of this machine", host)
		}
		if err := c.policy.CheckAddr(a); err != nil {
			return nil, err
		}
		return u, nil
	}
	if strings.HasPrefix(u.Host, "[") {
		return nil, fmt.Errorf("%q is not an IPv6 address", host)
	}
	return u, checkHostName(host)
}

// checkHostName refuses what is not a plain DNS name. Resolvers read
// "2130706433", "0177.0.0.1", "0x7f.1" and "127.1" as 127.0.0.1 (inet_aton);
// rather than guess which spelling a resolver accepts, a name must end in
// a label that starts with a letter, as every top-level domain does (an
// international one is written xn--...).
func checkHostName(host string) error {
	name := strings.ToLower(strings.TrimSuffix(host, "."))
	if name == "" || len(name) > 253 {
		return fmt.Errorf("%q is not a host name", host)
	}
	labels := strings.Split(name, ".")
	for _, l := range labels {
		if l == "" || len(l) > 63 {
			return fmt.Errorf("%q is not a host name", host)
		}
		for _, r := range l {
			if r >= 0x80 {
				return fmt.Errorf("%q: write an international name in its xn-- (punycode) form", host)
			}
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
				return fmt.Errorf("%q is not a host name", host)
			}
		}
	}
	if last := labels[len(labels)-1]; isNumber(last) {
		return fmt.Errorf("%q is not an IP address written the usual way (four decimal numbers, as 192.0.2.1)", host)
	} else if last[0] < 'a' || last[0] > 'z' {
		return fmt.Errorf("%q does not end in a top-level domain (such as .com)", host)
	}
	if name == "localhost" || strings.HasSuffix(name, ".localhost") {
		return fmt.Errorf("%s is this machine (a loopback name)", host)
	}
	return nil
}

// isNumber reports whether an inet_aton-style parser would read s as a
// number: decimal, octal (leading 0) or hexadecimal (0x).
func isNumber(s string) bool {
	if h, ok := strings.CutPrefix(s, "0x"); ok {
		for _, r := range h {
			if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f') {
				return false
			}
		}
		return true
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
