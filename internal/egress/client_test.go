package egress_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"

	"github.com/centerdesk/centerdesk/internal/egress"
)

// resolver answers from a table, and can change its answers between calls
// the way a rebinding DNS server does.
type resolver struct {
	mu      sync.Mutex
	answers map[string][][]string // host: one answer per call; the last repeats
	calls   map[string]int
}

func newResolver(answers map[string][][]string) *resolver {
	return &resolver{answers: answers, calls: map[string]int{}}
}

func (r *resolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	seq, ok := r.answers[host]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	i := min(r.calls[host], len(seq)-1)
	r.calls[host]++
	out := make([]netip.Addr, len(seq[i]))
	for j, s := range seq[i] {
		out[j] = netip.MustParseAddr(s)
	}
	return out, nil
}

// receiver is an HTTP server on loopback that counts what reaches it.
type receiver struct {
	*httptest.Server
	mu   sync.Mutex
	hits int
}

func newReceiver(t *testing.T, h http.HandlerFunc) *receiver {
	rc := &receiver{}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc.mu.Lock()
		rc.hits++
		rc.mu.Unlock()
		if h != nil {
			h(w, r)
		}
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) count() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.hits
}

func (rc *receiver) port() string {
	_, p, _ := net.SplitHostPort(rc.Listener.Addr().String())
	return p
}

func post(t *testing.T, c *egress.Client, url string) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, url, strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(req)
	if err == nil {
		resp.Body.Close()
	}
	return resp, err
}

func loopback() []netip.Prefix { return []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")} }

func TestDNSRebindingIsRefusedAtConnect(t *testing.T) {
	rc := newReceiver(t, nil)
	// The name is public when the URL is saved, and loopback when the
	// request is sent.
	res := newResolver(map[string][][]string{"hooks.example.com": {{"93.184.215.14"}, {"127.0.0.1"}}})
	c := egress.New(egress.Options{Resolver: res})
	u := "http://hooks.example.com:" + rc.port() + "/hook"
	if _, err := c.CheckURL(context.Background(), u); err != nil {
		t.Fatalf("saving the URL while it is public: %v", err)
	}
	_, err := post(t, c, u)
	if err == nil || !egress.IsRefused(err) ||
		!strings.Contains(err.Error(), "hooks.example.com resolves to 127.0.0.1, a loopback address") {
		t.Fatalf("post after rebinding: %v", err)
	}
	if rc.count() != 0 {
		t.Fatalf("the loopback server received %d requests", rc.count())
	}
	// A name with one bad address among good ones never reaches the bad
	// one.
	res = newResolver(map[string][][]string{"mixed.example.com": {{"10.0.0.5", "169.254.169.254"}}})
	c = egress.New(egress.Options{Resolver: res})
	if _, err := post(t, c, "http://mixed.example.com/"); err == nil || !egress.IsRefused(err) ||
		!strings.Contains(err.Error(), "10.0.0.5, a private address") || !strings.Contains(err.Error(), "169.254.169.254") {
		t.Fatalf("post to a private name: %v", err)
	}
}

func TestAllowListOpensLoopback(t *testing.T) {
	rc := newReceiver(t, nil)
	c := egress.New(egress.Options{Allow: loopback(), Resolver: newResolver(map[string][][]string{
		"hooks.test": {{"127.0.0.1"}}})})
	for _, u := range []string{rc.URL + "/hook", "http://hooks.test:" + rc.port() + "/hook"} {
		if _, err := c.CheckURL(context.Background(), u); err != nil {
			t.Fatalf("check %s: %v", u, err)
		}
		resp, err := post(t, c, u)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("post %s: %v", u, err)
		}
	}
	if rc.count() != 2 {
		t.Fatalf("%d requests arrived", rc.count())
	}
	// Without the allow list the same server is out of reach.
	c = egress.New(egress.Options{Resolver: newResolver(nil)})
	if _, err := post(t, c, rc.URL); err == nil || !egress.IsRefused(err) {
		t.Fatalf("post to loopback without the allow list: %v", err)
	}
	if rc.count() != 2 {
		t.Fatalf("%d requests arrived", rc.count())
	}
}

func TestRedirectsAreChecked(t *testing.T) {
	internal := newReceiver(t, nil)
	var target string
	rc := newReceiver(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target, http.StatusFound)
	})
	// Only the redirecting server's own address is open.
	c := egress.New(egress.Options{
		Allow:    []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")},
		Resolver: newResolver(map[string][][]string{"intranet.example.com": {{"10.1.2.3"}}}),
	})
	for _, to := range []struct{ url, want string }{
		{"http://169.254.169.254/latest/meta-data/", "redirected to a refused URL: 169.254.169.254 is a link-local address"},
		{"http://[::ffff:a9fe:a9fe]/", "link-local"},
		{"http://2130706433/", "not an IP address written the usual way"},
		{"http://user:pw@example.com/", "user name or password"},
		{"ftp://example.com/", "http or https"},
		{"http://intranet.example.com/", "intranet.example.com resolves to 10.1.2.3, a private address"},
		{"http://127.0.0.2:" + internal.port() + "/", "127.0.0.2 is a loopback address"},
	} {
		target = to.url
		_, err := post(t, c, rc.URL)
		if err == nil || !egress.IsRefused(err) || !strings.Contains(err.Error(), to.want) {
			t.Errorf("redirect to %s: %v, want %q", to.url, err, to.want)
		}
	}
	if internal.count() != 0 {
		t.Fatalf("a redirect reached the internal server")
	}
	// Redirects are capped.
	rc2 := newReceiver(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/again", http.StatusFound)
	})
	if _, err := post(t, c, rc2.URL); err == nil || !strings.Contains(err.Error(), "stopped after 5 redirects") {
		t.Fatalf("endless redirects: %v", err)
	}
	if n := rc2.count(); n != 6 {
		t.Fatalf("%d requests before stopping", n)
	}
}

func TestCheckURL(t *testing.T) {
	res := newResolver(map[string][][]string{
		"hooks.example.com":  {{"93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"}},
		"metadata.internal":  {{"169.254.169.254"}},
		"sneaky.example.com": {{"93.184.215.14", "::ffff:10.0.0.5"}},
	})
	c := egress.New(egress.Options{Resolver: res})
	ok := map[string]string{
		"https://hooks.example.com/a?b=c":   "https://hooks.example.com/a?b=c",
		"  http://hooks.example.com:8443/ ": "http://hooks.example.com:8443/",
		"https://not-yet.example.com/x":     "https://not-yet.example.com/x", // does not resolve: checked at connect
		"http://93.184.215.14/":             "http://93.184.215.14/",
		"http://[2606:4700:4700::1111]/":    "http://[2606:4700:4700::1111]/",
		"https://HOOKS.example.com./":       "https://HOOKS.example.com./",
	}
	for in, want := range ok {
		got, err := c.CheckURL(context.Background(), in)
		if err != nil || got != want {
			t.Errorf("%q: %q %v, want %q", in, got, err, want)
		}
	}
	bad := map[string]string{
		"http://127.0.0.1/":                             "127.0.0.1 is a loopback address",
		"http://10.0.0.5/hook":                          "10.0.0.5 is a private address (RFC 1918); outbound requests only reach public addresses unless the operator opens the range with CENTERDESK_OUTBOUND_ALLOW",
		"http://169.254.169.254/latest":                 "metadata",
		"http://[::1]:8080/":                            "::1 is the loopback address",
		"http://[::ffff:127.0.0.1]/":                    "IPv4-mapped",
		"http://[fe80::1%25eth0]/":                      "IPv6 zone",
		"http://0.0.0.0/":                               "unspecified",
		"http://2130706433/":                            "not an IP address written the usual way",
		"http://0177.0.0.1/":                            "not an IP address written the usual way",
		"http://0.0.0.0B0/":                             "does not end in a top-level domain",
		"http://hooks.example.9com/":                    "does not end in a top-level domain",
		"http://0x7f.0.0.1/":                            "not an IP address written the usual way",
		"http://0x7f000001/":                            "not an IP address written the usual way",
		"http://127.1/":                                 "not an IP address written the usual way",
		"http://localhost:8080/":                        "loopback name",
		"http://api.localhost/":                         "loopback name",
		"http://metadata.internal/":                     "metadata.internal resolves to 169.254.169.254",
		"http://sneaky.example.com/":                    "sneaky.example.com resolves to ::ffff:10.0.0.5",
		"http://user:pw@hooks.example.com/":             "user name or password",
		"http://@hooks.example.com/":                    "user name or password",
		"file:///etc/passwd":                            "http or https",
		"gopher://hooks.example.com/":                   "http or https",
		"http:/hooks.example.com":                       "http or https",
		"http://hooks.example.com:0/":                   "port",
		"http://hooks.example.com:99999/":               "port",
		"http://bücher.example/":                        "punycode",
		"http://a_b$c.example.com/":                     "not a host name",
		"http://" + strings.Repeat("a", 2000) + ".com/": "longer than 2000",
	}
	for in, want := range bad {
		if got, err := c.CheckURL(context.Background(), in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %q %v, want %q", in, got, err, want)
		}
	}
}
