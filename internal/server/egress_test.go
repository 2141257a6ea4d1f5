package server_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/recognition"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

// testDNS answers the outbound client's lookups without the network.
type testDNS struct{}

func (testDNS) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	if host == "hooks.example.com" {
		return []netip.Addr{netip.MustParseAddr("93.184.215.14")}, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

// The operator's allow list, set in the configuration, is what lets the
// desk post to a receiver on loopback; without it the admin page refuses.
func TestOutboundAllowListOpensLoopback(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		var mu sync.Mutex
		var sigs []string
		recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			defer mu.Unlock()
			sigs = append(sigs, r.Header.Get(recognition.SignatureHeader))
		}))
		defer recv.Close()

		closed := newRecognitionDesk(t, newHarness(t, d))
		lead := closed.browser()
		closed.signIn(lead, "lead@example.com")
		resp := closed.postForm(lead, "/admin/recognition", url.Values{"url": {recv.URL + "/hook"}})
		if page := body(t, resp); resp.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(page, "127.0.0.1 is a loopback address") {
			t.Fatalf("loopback URL without the allow list: %d\n%s", resp.StatusCode, page)
		}

		cfg := testConfig(t)
		cfg.OutboundAllow = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
		open := *closed
		open.harness = newHarnessConfig(t, d, cfg)
		lead = open.browser()
		open.signIn(lead, "lead@example.com")
		if resp := open.postForm(lead, "/admin/recognition", url.Values{"url": {recv.URL + "/hook"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("loopback URL with the allow list: %d\n%s", resp.StatusCode, body(t, resp))
		}
		if resp := open.postForm(lead, "/recognition/awards", open.badgeForm("award", 0, "Kind.")); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("award: %d", resp.StatusCode)
		}
		if _, err := open.srv.RunJobs(context.Background()); err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		defer mu.Unlock()
		if len(sigs) != 1 || !strings.HasPrefix(sigs[0], "sha256=") {
			t.Fatalf("the receiver got %d posts: %q", len(sigs), sigs)
		}
	})
}
