package api_test

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

// testDNS answers the outbound client's lookups without the network.
type testDNS struct{}

var testDNSAnswers = map[string]string{
	"hooks.example.com":    "93.184.215.14",
	"intranet.example.com": "10.1.2.3",
}

func (testDNS) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	if a, ok := testDNSAnswers[host]; ok {
		return []netip.Addr{netip.MustParseAddr(a)}, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

func TestWebhookURLMustBePublic(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		lead := newClient(t, d)
		lead.want(lead.do("PUT", "/api/v1/recognition/webhook", `{"url": "https://hooks.example.com/a"}`, ""), http.StatusOK, nil)
		row := func() (v, at string) {
			t.Helper()
			if err := d.Read().QueryRow(`SELECT value, updated_at FROM settings WHERE key = 'recognition_webhook_url'`).Scan(&v, &at); err != nil {
				t.Fatal(err)
			}
			return v, at
		}
		before, beforeAt := row()
		audits := lead.count("audit_log")
		for url, want := range map[string]string{
			"http://10.0.0.5/hook":            "10.0.0.5 is a private address (RFC 1918); outbound requests only reach public addresses unless the operator opens the range with CENTERDESK_OUTBOUND_ALLOW",
			"http://127.0.0.1:8080/":          "127.0.0.1 is a loopback address (127.0.0.0/8)",
			"http://169.254.169.254/latest/":  "169.254.169.254 is a link-local address (169.254.0.0/16, where cloud metadata services answer)",
			"http://[::1]/":                   "::1 is the loopback address (::1)",
			"http://[::ffff:192.168.0.1]/":    "::ffff:192.168.0.1 is a private address (RFC 1918), written as an IPv4-mapped IPv6 address",
			"http://0177.0.0.1/":              `"0177.0.0.1" is not an IP address written the usual way (four decimal numbers, as 192.0.2.1)`,
			"http://intranet.example.com/x":   "intranet.example.com resolves to 10.1.2.3, a private address (RFC 1918)",
			"https://u:p@hooks.example.com/a": "must not carry a user name or password (user@host)",
		} {
			body, _ := json.Marshal(map[string]string{"url": url})
			rec := lead.do("PUT", "/api/v1/recognition/webhook", string(body), "")
			var got struct {
				Error struct{ Code, Field, Message string }
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			if rec.Code != http.StatusBadRequest || got.Error.Code != "invalid" || got.Error.Field != "url" {
				t.Errorf("%s: %d %s", url, rec.Code, rec.Body)
			}
			if !strings.HasPrefix(got.Error.Message, want) {
				t.Errorf("%s: message %q, want it to begin %q", url, got.Error.Message, want)
			}
		}
		if v, at := row(); v != before || at != beforeAt {
			t.Fatalf("refusals changed the row: %q %s", v, at)
		}
		if n := lead.count("audit_log"); n != audits {
			t.Fatalf("refusals wrote %d audit rows", n-audits)
		}
	})
}
