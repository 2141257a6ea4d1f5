package config_test

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/config"
)

func load(t *testing.T, env map[string]string, args ...string) (config.Config, error) {
	t.Helper()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c, _, err := config.Load(fs, args, func(k string) string { return env[k] })
	return c, err
}

func TestDefaults(t *testing.T) {
	c, err := load(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.DataDir != "./data" || c.DatabaseTarget() != filepath.Join("data", "centerdesk.db") {
		t.Fatalf("defaults: %+v", c)
	}
	if c.SessionLifetime != 12*time.Hour || c.SecureCookies() {
		t.Fatalf("session defaults: %+v", c)
	}
}

func TestFlagsWinOverEnvironment(t *testing.T) {
	c, err := load(t, map[string]string{"CENTERDESK_ADDR": "0.0.0.0:9000", "CENTERDESK_LOG_FORMAT": "json"}, "--addr", "127.0.0.1:7000")
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:7000" || c.LogFormat != "json" {
		t.Fatalf("got %+v", c)
	}
}

func TestSecretsFromFiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "db-url")
	if err := os.WriteFile(path, []byte("postgres://u:p@db/centerdesk\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := load(t, map[string]string{"CENTERDESK_DATABASE_URL_FILE": path})
	if err != nil {
		t.Fatal(err)
	}
	if c.DatabaseURL != "postgres://u:p@db/centerdesk" {
		t.Fatalf("database URL %q", c.DatabaseURL)
	}
}

func TestBadSettingsAreNamedTogether(t *testing.T) {
	_, err := load(t, map[string]string{"CENTERDESK_SESSION_LIFETIME": "forever"})
	if err == nil || !strings.Contains(err.Error(), "session-lifetime") {
		t.Fatalf("err = %v", err)
	}
	_, err = load(t, nil, "--tls-cert", "c.pem", "--public-url", "ftp://x", "--log-level", "loud")
	for _, want := range []string{"tls-cert and tls-key", "public-url", "log-level"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v, want it to name %s", err, want)
		}
	}
}

func TestSecureCookiesBehindHTTPS(t *testing.T) {
	c, err := load(t, nil, "--public-url", "https://help.example.com")
	if err != nil {
		t.Fatal(err)
	}
	if !c.SecureCookies() {
		t.Fatal("https public URL without Secure cookies")
	}
}

func TestOutboundAllow(t *testing.T) {
	c, err := load(t, map[string]string{"CENTERDESK_OUTBOUND_ALLOW": " 10.20.0.0/16, fd00::/8,,"})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.OutboundAllow) != 2 || c.OutboundAllow[0].String() != "10.20.0.0/16" || c.OutboundAllow[1].String() != "fd00::/8" {
		t.Fatalf("allow list %v", c.OutboundAllow)
	}
	if c, err := load(t, nil); err != nil || c.OutboundAllow != nil {
		t.Fatalf("default allow list %v %v", c.OutboundAllow, err)
	}
	for in, want := range map[string]string{
		"10.0.0.0/33":         `outbound-allow: "10.0.0.0/33" is not a CIDR range`,
		"10.0.0.0/8,intranet": `outbound-allow: "intranet" is not a CIDR range`,
		"10.0.0.1":            `outbound-allow: "10.0.0.1" is not a CIDR range`,
		"10.0.0.5/8":          "did you mean 10.0.0.0/8?",
	} {
		if _, err := load(t, nil, "--outbound-allow", in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", in, err, want)
		}
	}
}

func TestRateLimitsAndMetricsAddress(t *testing.T) {
	c, err := load(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.APIRateLimit != 3000 || c.PublicRateLimit != 300 || c.MetricsAddr != "" {
		t.Fatalf("defaults: api %d, public %d, metrics %q", c.APIRateLimit, c.PublicRateLimit, c.MetricsAddr)
	}
	c, err = load(t, map[string]string{"CENTERDESK_API_RATE_LIMIT": "0", "CENTERDESK_METRICS_ADDR": "10.0.0.5:9090"},
		"--public-rate-limit", "50")
	if err != nil {
		t.Fatal(err)
	}
	if c.APIRateLimit != 0 || c.PublicRateLimit != 50 || c.MetricsAddr != "10.0.0.5:9090" {
		t.Fatalf("got api %d, public %d, metrics %q", c.APIRateLimit, c.PublicRateLimit, c.MetricsAddr)
	}
	_, err = load(t, nil, "--api-rate-limit", "-1", "--public-rate-limit", "many")
	if err == nil || !strings.Contains(err.Error(), "api-rate-limit") {
		t.Errorf("err = %v, want it to name api-rate-limit", err)
	}
	_, err = load(t, nil, "--metrics-addr", "9090")
	if err == nil || !strings.Contains(err.Error(), "metrics-addr") {
		t.Errorf("err = %v, want it to name metrics-addr", err)
	}
	_, err = load(t, nil, "--metrics-addr", "127.0.0.1:8080")
	if err == nil || !strings.Contains(err.Error(), "metrics-addr: must differ") {
		t.Errorf("err = %v, want the same address refused", err)
	}
}
