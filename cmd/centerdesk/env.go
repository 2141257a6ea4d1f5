package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/centerdesk/centerdesk/internal/config"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/secret"
)

// cliEnv is the process's surroundings, passed in so tests can supply them.
type cliEnv struct {
	getenv         func(string) string
	stdin          io.Reader
	stdout, stderr io.Writer
}

// flags returns a flag set for a command that reports errors to stderr.
func (e *cliEnv) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("centerdesk "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	return fs
}

// load reads the settings for a command from its flag set and arguments.
func (e *cliEnv) load(fs *flag.FlagSet, args []string) (config.Config, []string, error) {
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage of %s:\n", fs.Name())
		fs.PrintDefaults()
	}
	return config.Load(fs, args, e.getenv)
}

func (e *cliEnv) logger(cfg config.Config) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(strings.ToUpper(cfg.LogLevel)))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(e.stderr, opts))
	}
	return slog.New(slog.NewTextHandler(e.stderr, opts))
}

// openDB opens and migrates the configured database.
func openDB(ctx context.Context, cfg config.Config, log *slog.Logger) (*db.DB, error) {
	d, err := db.Open(ctx, cfg.DatabaseTarget(), db.Options{MaxConns: cfg.DBMaxConns})
	if err != nil {
		return nil, err
	}
	if err := d.Migrate(ctx, log); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// secretBox returns the box that seals secrets at rest.
func secretBox(cfg config.Config) (*secret.Box, error) {
	key, err := secret.LoadKey(cfg.SecretKey, cfg.DataDir)
	if err != nil {
		return nil, err
	}
	return secret.NewBox(key)
}
