package main

import (
	"context"
	"fmt"
	"net"
	"path/filepath"

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
  go run ./cmd/centerdesk user create --email you@example.com --name "Your Name" --role admin
then sign in at %s/signin.

`, url, dataDir, where, d.Dialect(), url)
	return nil
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
