package main

import (
	"context"
	"flag"
	"io"
	"log/slog"
	"path/filepath"
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

// argv0 is how the binary was started (os.Args[0]); main sets it, tests
// leave it empty.
var argv0 string

// program is how a printed command should start: the binary's path as it
// was run, or `go run ./cmd/centerdesk` when `go run` built it.
func (e *cliEnv) program() string {
	switch {
	case argv0 == "":
		return "centerdesk"
	case strings.Contains(argv0, "go-build"):
		return "go run ./cmd/centerdesk"
	case strings.ContainsRune(argv0, filepath.Separator):
		if abs, err := filepath.Abs(argv0); err == nil {
			return shellQuote(abs) // ./centerdesk works only from here
		}
	}
	return shellQuote(argv0)
}

// flags returns a flag set for a command. It prints nothing itself: the
// command reports parse errors once, and help goes to standard output.
func (e *cliEnv) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("centerdesk "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
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
