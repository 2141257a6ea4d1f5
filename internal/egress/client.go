package egress

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"time"
)

// Resolver looks up a host's addresses; *net.Resolver is one, and tests
// pass a stub.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// Options adjust a Client. The zero value is the guarded default.
type Options struct {
	// Allow opens these ranges although they are private or reserved
	// (the operator's CENTERDESK_OUTBOUND_ALLOW).
	Allow []netip.Prefix
	// Resolver looks up host names; net.DefaultResolver by default.
	Resolver Resolver
	// Timeout bounds a whole request, redirects and body included;
	// 10 seconds by default.
	Timeout time.Duration
	// MaxRedirects is how many redirects a request follows; 5 by default.
	MaxRedirects int
}

// Defaults of Options.
const (
	DefaultTimeout      = 10 * time.Second
	DefaultMaxRedirects = 5
	dialTimeout         = 5 * time.Second
)

// Client sends requests to URLs that users typed, and only to addresses
// its policy lets through. It is safe for concurrent use; make one per
// process and share it.
type Client struct {
	policy   Policy
	resolver Resolver
	http     *http.Client
}

// New returns a Client.
//
// It uses no proxy, not even one named in HTTP_PROXY: through a proxy the
// dialer would see only the proxy's address and could not check where a
// request really goes.
func New(opts Options) *Client {
	if opts.Resolver == nil {
		opts.Resolver = net.DefaultResolver
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.MaxRedirects <= 0 {
		opts.MaxRedirects = DefaultMaxRedirects
	}
	c := &Client{policy: NewPolicy(opts.Allow), resolver: opts.Resolver}
	tr := &http.Transport{
		Proxy:                  nil,
		DialContext:            c.dial,
		ForceAttemptHTTP2:      true,
		MaxIdleConns:           20,
		IdleConnTimeout:        90 * time.Second,
		TLSHandshakeTimeout:    opts.Timeout,
		ResponseHeaderTimeout:  opts.Timeout,
		MaxResponseHeaderBytes: 64 << 10,
	}
	c.http = &http.Client{Transport: tr, Timeout: opts.Timeout, CheckRedirect: c.checkRedirect(opts.MaxRedirects)}
	return c
}

// Do sends req after checking its URL (see CheckURL; the host name's
// addresses are checked as the connection is made). An error caused by a
// refusal wraps a *RefusedError when an address was refused; see
// IsRefused.
func (c *Client) Do(req *http.Request) (*http.Response, error) {
	if _, err := c.checkURL(req.URL.String()); err != nil {
		return nil, &URLError{URL: req.URL.Redacted(), Err: err}
	}
	return c.http.Do(req)
}

// URLError is a request refused for its URL before anything was sent.
type URLError struct {
	URL string
	Err error
}

func (e *URLError) Error() string { return fmt.Sprintf("egress: %s: %v", e.URL, e.Err) }

// Unwrap returns the reason.
func (e *URLError) Unwrap() error { return e.Err }

// IsRefused reports whether err is a refusal by the guard (an address,
// a URL or a redirect), which retrying will not change.
func IsRefused(err error) bool {
	var r *RefusedError
	var u *URLError
	return errors.As(err, &r) || errors.As(err, &u)
}

// checkRedirect re-checks every URL redirected to, and caps how many.
func (c *Client) checkRedirect(max int) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if len(via) > max {
			return &URLError{URL: req.URL.Redacted(), Err: fmt.Errorf("stopped after %d redirects", max)}
		}
		if _, err := c.checkURL(req.URL.String()); err != nil {
			return &URLError{URL: req.URL.Redacted(), Err: fmt.Errorf("redirected to a refused URL: %w", err)}
		}
		return nil
	}
}

// dial resolves addr's host with the client's resolver and connects to
// each address in turn. The check happens in the dialer's Control, on the
// address the socket is about to connect to, so nothing between the
// lookup and the connect (a second lookup, DNS rebinding) can change what
// is checked.
func (c *Client) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	var ips []netip.Addr
	via := host
	if ip, err := netip.ParseAddr(host); err == nil {
		ips, via = []netip.Addr{ip}, ""
	} else if ips, err = c.resolver.LookupNetIP(ctx, "ip", host); err != nil {
		return nil, err
	}
	d := net.Dialer{Timeout: dialTimeout, Control: c.policy.Control(via)}
	errs := make([]error, 0, len(ips))
	for _, ip := range ips {
		conn, err := d.DialContext(ctx, network, net.JoinHostPort(ip.String(), port))
		if err == nil {
			return conn, nil
		}
		errs = append(errs, err)
	}
	if len(errs) == 0 {
		return nil, fmt.Errorf("egress: %s has no address", host)
	}
	return nil, errors.Join(errs...)
}
