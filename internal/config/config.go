// Package config builds Centerdesk's settings from flags and the environment.
// It is built once, checked, and passed down as a value: nothing reads it
// from a global.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config holds every setting of the server and the CLI.
type Config struct {
	Addr            string
	DatabaseURL     string
	DataDir         string
	PublicURL       string
	TLSCert         string
	TLSKey          string
	SecretKey       string
	LogFormat       string
	LogLevel        string
	SessionLifetime time.Duration
	SessionIdle     time.Duration
	ShutdownTimeout time.Duration
	DBMaxConns      int
	// The SMTP listener for incoming mail ("" SMTPAddr turns it off) and
	// its STARTTLS certificate; how often IMAP mailboxes without IDLE are
	// polled.
	SMTPAddr     string
	SMTPTLSCert  string
	SMTPTLSKey   string
	IMAPInterval time.Duration
	// OutboundAllow opens these ranges to outbound requests for URLs users
	// type (webhooks), which otherwise reach only public addresses.
	OutboundAllow []netip.Prefix
	// Requests a minute allowed per API token, and per client address on
	// routes that need no sign-in; 0 turns a limit off.
	APIRateLimit    int
	PublicRateLimit int
	// MetricsAddr, when set, serves /metrics without authentication on
	// its own listener, for a scraper inside the operator's network.
	MetricsAddr string
}

// option is one row of the settings table: a flag, its environment variable,
// its default and a pointer to where the value lands.
type option struct {
	flag, env, def, help string
	secret               bool // also read from ENV_FILE
	set                  func(c *Config, v string) error
}

func stringOpt(dst func(*Config) *string) func(*Config, string) error {
	return func(c *Config, v string) error { *dst(c) = v; return nil }
}

func durationOpt(name string, dst func(*Config) *time.Duration) func(*Config, string) error {
	return func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return fmt.Errorf("%s: %q is not a positive duration (examples: 30s, 12h)", name, v)
		}
		*dst(c) = d
		return nil
	}
}

func intOpt(name string, dst func(*Config) *int) func(*Config, string) error {
	return func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return fmt.Errorf("%s: %q is not a whole number", name, v)
		}
		*dst(c) = n
		return nil
	}
}

// options is the one table of settings; README.md documents the same rows.
var options = []option{
	{"addr", "CENTERDESK_ADDR", "127.0.0.1:8080", "HTTP listen address", false,
		stringOpt(func(c *Config) *string { return &c.Addr })},
	{"database", "CENTERDESK_DATABASE_URL", "", "database: a SQLite path or sqlite: URL, or a postgres:// URL (default: SQLite in the data directory)", true,
		stringOpt(func(c *Config) *string { return &c.DatabaseURL })},
	{"data-dir", "CENTERDESK_DATA_DIR", "./data", "directory for the SQLite database, attachments and the secret key", false,
		stringOpt(func(c *Config) *string { return &c.DataDir })},
	{"public-url", "CENTERDESK_PUBLIC_URL", "", "the URL people use to reach Centerdesk (https:// makes cookies Secure)", false,
		stringOpt(func(c *Config) *string { return &c.PublicURL })},
	{"tls-cert", "CENTERDESK_TLS_CERT", "", "TLS certificate file; serve HTTPS when set with --tls-key", false,
		stringOpt(func(c *Config) *string { return &c.TLSCert })},
	{"tls-key", "CENTERDESK_TLS_KEY", "", "TLS private key file", false,
		stringOpt(func(c *Config) *string { return &c.TLSKey })},
	{"secret-key", "CENTERDESK_SECRET_KEY", "", "key that encrypts secrets at rest (64 hex characters); default: generated once into the data directory", true,
		stringOpt(func(c *Config) *string { return &c.SecretKey })},
	{"log-format", "CENTERDESK_LOG_FORMAT", "text", "log format: text or json", false,
		stringOpt(func(c *Config) *string { return &c.LogFormat })},
	{"log-level", "CENTERDESK_LOG_LEVEL", "info", "log level: debug, info, warn or error", false,
		stringOpt(func(c *Config) *string { return &c.LogLevel })},
	{"session-lifetime", "CENTERDESK_SESSION_LIFETIME", "12h", "longest a sign-in lasts", false,
		durationOpt("session-lifetime", func(c *Config) *time.Duration { return &c.SessionLifetime })},
	{"session-idle-timeout", "CENTERDESK_SESSION_IDLE_TIMEOUT", "2h", "sign out after this long without a request", false,
		durationOpt("session-idle-timeout", func(c *Config) *time.Duration { return &c.SessionIdle })},
	{"shutdown-timeout", "CENTERDESK_SHUTDOWN_TIMEOUT", "30s", "how long shutdown waits for requests in flight", false,
		durationOpt("shutdown-timeout", func(c *Config) *time.Duration { return &c.ShutdownTimeout })},
	{"db-max-conns", "CENTERDESK_DB_MAX_CONNS", "0", "most open database connections (0: a default for the dialect)", false,
		intOpt("db-max-conns", func(c *Config) *int { return &c.DBMaxConns })},
	{"smtp-addr", "CENTERDESK_SMTP_ADDR", "127.0.0.1:2525", "SMTP listen address for incoming mail (empty: no listener)", false,
		stringOpt(func(c *Config) *string { return &c.SMTPAddr })},
	{"smtp-tls-cert", "CENTERDESK_SMTP_TLS_CERT", "", "TLS certificate file; offer STARTTLS on the SMTP listener when set with --smtp-tls-key", false,
		stringOpt(func(c *Config) *string { return &c.SMTPTLSCert })},
	{"smtp-tls-key", "CENTERDESK_SMTP_TLS_KEY", "", "TLS private key file for the SMTP listener", false,
		stringOpt(func(c *Config) *string { return &c.SMTPTLSKey })},
	{"imap-interval", "CENTERDESK_IMAP_INTERVAL", "1m", "how often IMAP mailboxes are polled when the server has no IDLE", false,
		durationOpt("imap-interval", func(c *Config) *time.Duration { return &c.IMAPInterval })},
	{"outbound-allow", "CENTERDESK_OUTBOUND_ALLOW", "", "comma-separated CIDR ranges that webhooks may reach although private or reserved (e.g. 10.20.0.0/16)", false,
		setOutboundAllow},
	{"api-rate-limit", "CENTERDESK_API_RATE_LIMIT", "3000", "API requests a minute per token (0: no limit)", false,
		intOpt("api-rate-limit", func(c *Config) *int { return &c.APIRateLimit })},
	{"public-rate-limit", "CENTERDESK_PUBLIC_RATE_LIMIT", "300", "requests a minute per client address to sign-in forms and the API without a token (0: no limit)", false,
		intOpt("public-rate-limit", func(c *Config) *int { return &c.PublicRateLimit })},
	{"metrics-addr", "CENTERDESK_METRICS_ADDR", "", "listen address that serves /metrics without authentication, for a scraper on a private network (empty: none; the main address answers admins' tokens only)", false,
		stringOpt(func(c *Config) *string { return &c.MetricsAddr })},
}

// setOutboundAllow parses the allow list of outbound requests, naming the
// first entry that is not a CIDR range.
func setOutboundAllow(c *Config, v string) error {
	c.OutboundAllow = nil
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return fmt.Errorf("outbound-allow: %q is not a CIDR range (example: 10.20.0.0/16)", s)
		}
		if p != p.Masked() {
			return fmt.Errorf("outbound-allow: %q has bits set past its prefix length; did you mean %s?", s, p.Masked())
		}
		c.OutboundAllow = append(c.OutboundAllow, p)
	}
	return nil
}

// Options lists the settings' flag, environment variable, default and help,
// for documentation and `centerdesk help`.
func Options() [][4]string {
	rows := make([][4]string, len(options))
	for i, o := range options {
		rows[i] = [4]string{"--" + o.flag, o.env, o.def, o.help}
	}
	return rows
}

// Load reads the settings from the environment (getenv) and then args, which
// win. It returns the remaining arguments.
func Load(fs *flag.FlagSet, args []string, getenv func(string) string) (Config, []string, error) {
	var c Config
	values := make(map[string]*string, len(options))
	for _, o := range options {
		v, err := fromEnv(o, getenv)
		if err != nil {
			return c, nil, err
		}
		values[o.flag] = fs.String(o.flag, v, o.help+" ($"+o.env+")")
	}
	if err := fs.Parse(args); err != nil {
		return c, nil, err
	}
	for _, o := range options {
		if err := o.set(&c, *values[o.flag]); err != nil {
			return c, nil, err
		}
	}
	if err := c.check(); err != nil {
		return c, nil, err
	}
	return c, fs.Args(), nil
}

func fromEnv(o option, getenv func(string) string) (string, error) {
	if v := getenv(o.env); v != "" {
		return v, nil
	}
	if o.secret {
		if path := getenv(o.env + "_FILE"); path != "" {
			b, err := os.ReadFile(path)
			if err != nil {
				return "", fmt.Errorf("%s_FILE: %w", o.env, err)
			}
			return strings.TrimSpace(string(b)), nil
		}
	}
	return o.def, nil
}

// check validates settings alone and in combination.
func (c *Config) check() error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("addr: %q is not host:port: %w", c.Addr, err))
	}
	if c.SMTPAddr != "" {
		if _, _, err := net.SplitHostPort(c.SMTPAddr); err != nil {
			errs = append(errs, fmt.Errorf("smtp-addr: %q is not host:port: %w", c.SMTPAddr, err))
		}
	}
	if c.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil {
			errs = append(errs, fmt.Errorf("metrics-addr: %q is not host:port: %w", c.MetricsAddr, err))
		} else if c.MetricsAddr == c.Addr {
			errs = append(errs, errors.New("metrics-addr: must differ from addr, which answers /metrics to admins only"))
		}
	}
	if (c.SMTPTLSCert == "") != (c.SMTPTLSKey == "") {
		errs = append(errs, errors.New("smtp-tls-cert and smtp-tls-key: set both or neither"))
	}
	if c.DataDir == "" {
		errs = append(errs, errors.New("data-dir: must not be empty"))
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		errs = append(errs, errors.New("tls-cert and tls-key: set both or neither"))
	}
	if c.PublicURL != "" {
		u, err := url.Parse(c.PublicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("public-url: %q is not an http(s) URL", c.PublicURL))
		}
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		errs = append(errs, fmt.Errorf("log-format: %q is neither text nor json", c.LogFormat))
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("log-level: %q is not one of debug, info, warn, error", c.LogLevel))
	}
	return errors.Join(errs...)
}

// SecureCookies reports whether browsers reach Centerdesk over HTTPS, so
// cookies must be marked Secure.
func (c Config) SecureCookies() bool {
	return c.TLSCert != "" || strings.HasPrefix(c.PublicURL, "https://")
}

// DatabaseTarget is what the database setting resolves to, defaulting to a
// SQLite file in the data directory.
func (c Config) DatabaseTarget() string {
	if c.DatabaseURL != "" {
		return c.DatabaseURL
	}
	return filepath.Join(c.DataDir, "centerdesk.db")
}

// PrintOptions writes the settings table, for help output.
func PrintOptions(w io.Writer) {
	for _, row := range Options() {
		def := row[2]
		if def == "" {
			def = `""`
		}
		fmt.Fprintf(w, "  %-26s %-34s default %s\n      %s\n", row[0], row[1], def, row[3])
	}
}
