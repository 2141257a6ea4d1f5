package server_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/server"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/user"
)

// newLimitedHarness is newHarness with rate limits of its own.
func newLimitedHarness(t *testing.T, apiLimit, publicLimit int) *harness {
	t.Helper()
	d := testutil.NewSQLite(t)
	cfg := testConfig(t)
	cfg.APIRateLimit, cfg.PublicRateLimit = apiLimit, publicLimit
	box := newBox(t)
	srv, err := server.New(cfg, testutil.Logger(t), d, box, server.Options{PasswordParams: fastParams})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return &harness{t: t, db: d, users: user.NewService(d, box, fastParams), url: ts.URL, srv: srv}
}

func TestAPIRateLimitPerToken(t *testing.T) {
	h := newLimitedHarness(t, 3, 0)
	a := h.token(h.createUser("a@example.com", "agent"))
	b := h.token(h.createUser("b@example.com", "agent"))
	for i, remaining := range []string{"2", "1", "0"} {
		resp, _ := h.api("GET", "/api/v1/me", a, "")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("request %d: %d", i+1, resp.StatusCode)
		}
		if got := resp.Header.Get("RateLimit-Policy"); got != `"token";q=3;w=60` {
			t.Errorf("request %d: RateLimit-Policy %q", i+1, got)
		}
		if got := resp.Header.Get("RateLimit"); !strings.HasPrefix(got, `"token";r=`+remaining+";t=") {
			t.Errorf("request %d: RateLimit %q, want %s remaining", i+1, got, remaining)
		}
	}
	resp, out := h.api("GET", "/api/v1/me", a, "")
	if resp.StatusCode != http.StatusTooManyRequests || errorOf(t, out)["code"] != "rate_limited" {
		t.Fatalf("request 4: %d %v", resp.StatusCode, out)
	}
	if resp.Header.Get("Retry-After") != "20" || !strings.HasPrefix(resp.Header.Get("RateLimit"), `"token";r=0;t=`) ||
		resp.Header.Get("RateLimit-Policy") != `"token";q=3;w=60` {
		t.Fatalf("429 headers: %v", resp.Header)
	}
	// Another token, even of the same address, has its own quota.
	if resp, _ := h.api("GET", "/api/v1/me", b, ""); resp.StatusCode != http.StatusOK {
		t.Fatalf("another token: %d", resp.StatusCode)
	}
	// Without a token the address limit (off here) applies, not a's.
	if resp, _ := h.api("GET", "/api/v1/me", "", ""); resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("RateLimit") != "" {
		t.Fatalf("without a token: %d %v", resp.StatusCode, resp.Header)
	}
}

func TestPublicRateLimitPerAddress(t *testing.T) {
	h := newLimitedHarness(t, 0, 4)
	h.createUser("ada@example.com", "admin")
	b := h.browser()
	// Requests without a valid token and sign-in forms share one quota.
	if resp, _ := h.api("GET", "/api/v1/me", "", ""); resp.StatusCode != http.StatusUnauthorized ||
		resp.Header.Get("RateLimit-Policy") != `"address";q=4;w=60` || !strings.HasPrefix(resp.Header.Get("RateLimit"), `"address";r=3;`) {
		t.Fatalf("without a token: %d %v", resp.StatusCode, resp.Header)
	}
	if resp, _ := h.api("GET", "/api/v1/me", "cd_made_up", ""); resp.StatusCode != http.StatusUnauthorized ||
		!strings.HasPrefix(resp.Header.Get("RateLimit"), `"address";r=2;`) {
		t.Fatalf("a made-up token: %d %v", resp.StatusCode, resp.Header)
	}
	if resp, _ := h.api("GET", "/api/v1/openapi.json", "", ""); resp.StatusCode != http.StatusOK ||
		!strings.HasPrefix(resp.Header.Get("RateLimit"), `"address";r=1;`) {
		t.Fatalf("the public OpenAPI document: %d %v", resp.StatusCode, resp.Header)
	}
	// Reading the form is not counted; posting it is.
	if resp := h.get(b, "/signin"); resp.StatusCode != http.StatusOK || resp.Header.Get("RateLimit") != "" {
		t.Fatalf("GET /signin: %d %v", resp.StatusCode, resp.Header)
	}
	resp := h.postForm(b, "/signin", url.Values{"email": {"ada@example.com"}, "password": {testPassword}})
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("RateLimit"), `"address";r=0;`) {
		t.Fatalf("sign in: %d %v", resp.StatusCode, resp.Header)
	}
	resp = h.postForm(h.browser(), "/portal/signin", url.Values{"email": {"someone@example.com"}})
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("a fifth public request: %d %v", resp.StatusCode, resp.Header)
	}
	if !strings.Contains(body(t, resp), `"rate_limited"`) {
		t.Fatal("the 429 does not say rate_limited")
	}
	if resp, _ := h.api("GET", "/api/v1/me", "", ""); resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("the API without a token, over the limit: %d", resp.StatusCode)
	}
	// A signed-in agent's pages are not counted.
	if resp := h.get(b, "/inbox"); resp.StatusCode != http.StatusOK {
		t.Fatalf("inbox: %d", resp.StatusCode)
	}
}

func TestRateLimitsOffAtZero(t *testing.T) {
	h := newLimitedHarness(t, 0, 0)
	tok := h.token(h.createUser("a@example.com", "agent"))
	for i := range 20 {
		resp, _ := h.api("GET", "/api/v1/me", tok, "")
		if resp.StatusCode != http.StatusOK || resp.Header.Get("RateLimit") != "" || resp.Header.Get("RateLimit-Policy") != "" {
			t.Fatalf("request %d: %d %v", i+1, resp.StatusCode, resp.Header)
		}
	}
}

// TestMetricsAddress serves /metrics openly on its own address, alongside a
// main address that still asks for a token, and stops it with the server.
func TestMetricsAddress(t *testing.T) {
	d := testutil.NewSQLite(t)
	cfg := testConfig(t)
	cfg.MetricsAddr = freeAddr(t)
	srv, err := server.New(cfg, testutil.Logger(t), d, newBox(t), server.Options{PasswordParams: fastParams})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	main := "http://" + ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx, ln) }()

	get := func(u string) *http.Response {
		t.Helper()
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}
	// The main address answers once Run serves, which is after the
	// metrics listener opened.
	if resp := get(main + "/metrics"); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("main address without a token: %d, want 401", resp.StatusCode)
	}
	resp := get("http://" + cfg.MetricsAddr + "/metrics")
	if b := body(t, resp); resp.StatusCode != http.StatusOK || !strings.Contains(b, "centerdesk_http_requests_total") {
		t.Fatalf("metrics address: %d\n%.300s", resp.StatusCode, b)
	}
	// Only metrics: nothing else of Centerdesk is reachable there.
	for _, path := range []string{"/healthz", "/api/v1/me", "/signin"} {
		if resp := get("http://" + cfg.MetricsAddr + path); resp.StatusCode != http.StatusNotFound {
			t.Errorf("metrics address %s: %d, want 404", path, resp.StatusCode)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	if c, err := net.Dial("tcp", cfg.MetricsAddr); err == nil {
		c.Close()
		t.Fatal("the metrics address still accepts connections after Run returned")
	}
}

func TestMetricsAddressInUseFailsRun(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	cfg := testConfig(t)
	cfg.MetricsAddr = taken.Addr().String()
	srv, err := server.New(cfg, testutil.Logger(t), testutil.NewSQLite(t), newBox(t), server.Options{PasswordParams: fastParams})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if err := srv.Run(context.Background(), ln); err == nil || !strings.Contains(err.Error(), "metrics: listen") {
		t.Fatalf("Run = %v, want the metrics listener's failure", err)
	}
}
