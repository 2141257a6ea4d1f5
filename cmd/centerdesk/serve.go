package main

import (
	"context"
	"fmt"
	"net"
	neturl "net/url"
	"path/filepath"
	"strings"

	"github.com/centerdesk/centerdesk/internal/config"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/server"
	"github.com/centerdesk/centerdesk/internal/user"
)

func runServe(ctx context.Context, env *cliEnv, args []string) error {
	cfg, _, err := env.load(env.flags("serve"), args)
	if err != nil {
		return err
	}
	return serve(ctx, env, cfg, server.Options{})
}

// serve runs the server until ctx ends; tests call it with their own options.
func serve(ctx context.Context, env *cliEnv, cfg config.Config, opts server.Options) error {
	log := env.logger(cfg)
	d, err := openDB(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer d.Close() // last: after requests and background work have stopped
	box, err := secretBox(cfg)
	if err != nil {
		return err
	}
	srv, err := server.New(cfg, log, d, box, opts)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	scheme := "http"
	if cfg.TLSCert != "" {
		scheme = "https"
	}
	log.Info("Centerdesk is listening", "url", scheme+"://"+ln.Addr().String(), "database", string(d.Dialect()), "data_dir", cfg.DataDir)
	if err := greetFirstStart(ctx, env, cfg, d, scheme+"://"+ln.Addr().String()); err != nil {
		ln.Close()
		return err
	}
	if err := srv.Run(ctx, ln); err != nil {
		return err
	}
	log.Info("Centerdesk stopped")
	return nil
}

// greetFirstStart tells a newcomer where the data lives and how to create
// the first admin, while the instance has no users.
func greetFirstStart(ctx context.Context, env *cliEnv, cfg config.Config, d *db.DB, url string) error {
	n, err := user.NewService(d, nil, user.DefaultPasswordParams).Count(ctx)
	if err != nil || n > 0 {
		return err
	}
	dataDir, _ := filepath.Abs(cfg.DataDir)
	where := d.Target()
	if d.Dialect() == db.SQLite {
		where, _ = filepath.Abs(where)
	}
	fmt.Fprintf(env.stderr, `
Welcome to Centerdesk.
  Open:      %s
  Data:      %s
  Database:  %s (%s)

There are no users yet. Create the first admin (you will be given a password):
  %s
then sign in at %s/signin.

`, url, dataDir, where, d.Dialect(), createAdminCommand(env.program(), cfg), url)
	return nil
}

// createAdminCommand is the exact command that makes the first admin in
// this instance's database: run from another directory without
// --data-dir, it would make a second database and an admin nobody can
// sign in as.
func createAdminCommand(program string, cfg config.Config) string {
	dataDir, err := filepath.Abs(cfg.DataDir)
	if err != nil {
		dataDir = cfg.DataDir
	}
	cmd := program + " user create --data-dir " + shellQuote(dataDir)
	if cfg.DatabaseURL != "" {
		cmd += " --database " + shellQuote(databaseForCommand(cfg.DatabaseURL))
	}
	return cmd + ` --email you@example.com --name "Your Name" --role admin`
}

// databaseForCommand is the database setting as the hint prints it: a
// SQLite path made absolute, a PostgreSQL URL without its password, which
// must not land in a terminal's scrollback or a log.
func databaseForCommand(target string) string {
	if strings.HasPrefix(target, "postgres://") || strings.HasPrefix(target, "postgresql://") {
		u, err := neturl.Parse(target)
		if err != nil {
			return "postgres://..."
		}
		if _, ok := u.User.Password(); ok {
			u.User = neturl.UserPassword(u.User.Username(), "PASSWORD")
		}
		return u.String()
	}
	path := strings.TrimPrefix(strings.TrimPrefix(target, "sqlite://"), "sqlite:")
	if abs, err := filepath.Abs(path); err == nil && !strings.Contains(path, "?") {
		return abs
	}
	return target
}

// shellQuote quotes s for a POSIX shell when it holds anything but plain
// path characters.
func shellQuote(s string) string {
	plain := func(r rune) bool {
		return r == '/' || r == '.' || r == '-' || r == '_' || r == ':' || r == '@' || r == '=' || r == '+' ||
			('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9')
	}
	if s != "" && strings.IndexFunc(s, func(r rune) bool { return !plain(r) }) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func runMigrate(ctx context.Context, env *cliEnv, args []string) error {
	cfg, _, err := env.load(env.flags("migrate"), args)
	if err != nil {
		return err
	}
	d, err := openDB(ctx, cfg, env.logger(cfg))
	if err != nil {
		return err
	}
	defer d.Close()
	v, err := d.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "schema is at version %d\n", v)
	return nil
}
