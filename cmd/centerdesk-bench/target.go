package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"time"

	"github.com/centerdesk/centerdesk/internal/config"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/demo"
	"github.com/centerdesk/centerdesk/internal/secret"
	"github.com/centerdesk/centerdesk/internal/server"
	"github.com/centerdesk/centerdesk/internal/user"
)

// target is a server this process started.
type target struct {
	url, token string
	stop       func()
	db         *db.DB      // the database it serves
	smtp       smtpOptions // the SMTP listener, when the SMTP ops run
}

// startInProcess opens (and migrates) the database and serves on it.
func startInProcess(ctx context.Context, o options, stderr io.Writer) (t *target, err error) {
	var undo []func() // run in reverse on failure, or by stop
	cleanup := func() {
		for i := len(undo) - 1; i >= 0; i-- {
			undo[i]()
		}
	}
	defer func() {
		if err != nil {
			cleanup()
		}
	}()
	dataDir := o.dataDir
	if dataDir == "" {
		if dataDir, err = os.MkdirTemp("", "centerdesk-bench-"); err != nil {
			return nil, err
		}
		undo = append(undo, func() { os.RemoveAll(dataDir) })
	}
	database := o.database
	if database == "" {
		database = filepath.Join(dataDir, "centerdesk.db")
	}
	d, err := db.Open(ctx, database, db.Options{MaxConns: o.maxConns})
	if err != nil {
		return nil, err
	}
	undo = append(undo, func() { d.Close() })
	if err := d.Migrate(ctx, slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))); err != nil {
		return nil, err
	}
	t, err = serveWith(ctx, d, dataDir, o.seedTickets, slices.ContainsFunc(o.ops, isSMTPOp), stderr)
	if err != nil {
		return nil, err
	}
	undo = append(undo, t.stop)
	t.stop = cleanup
	return t, nil
}

// serveOn seeds d when asked, makes a bench user with a token, and serves
// on a free loopback port until stop.
func serveOn(ctx context.Context, d *db.DB, dataDir string, seedTickets int, stderr io.Writer) (*target, error) {
	return serveWith(ctx, d, dataDir, seedTickets, false, stderr)
}

// serveWith is serveOn, also listening for mail when withSMTP.
func serveWith(ctx context.Context, d *db.DB, dataDir string, seedTickets int, withSMTP bool, stderr io.Writer) (*target, error) {
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	key, err := secret.LoadKey("", dataDir)
	if err != nil {
		return nil, err
	}
	box, err := secret.NewBox(key)
	if err != nil {
		return nil, err
	}
	// Cheap hashing: the bench signs in once, and measures tickets, not argon2.
	params := user.PasswordParams{Memory: 8 * 1024, Time: 1, Threads: 1}
	users := user.NewService(d, box, params)
	if err := seed(ctx, d, users, seedTickets, stderr); err != nil {
		return nil, err
	}
	token, err := benchToken(ctx, users)
	if err != nil {
		return nil, err
	}
	cfg := config.Config{DataDir: dataDir, SessionLifetime: time.Hour, SessionIdle: time.Hour, ShutdownTimeout: 10 * time.Second}
	var mailIn smtpOptions
	if withSMTP {
		if mailIn, err = enableSMTP(ctx, d, box, &cfg); err != nil {
			return nil, err
		}
	}
	srv, err := server.New(cfg, log, d, box, server.Options{PasswordParams: params})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan error, 1)
	go func() { done <- srv.Run(runCtx, ln) }()
	return &target{url: "http://" + ln.Addr().String(), token: token, db: d, stop: func() { cancel(); <-done }, smtp: mailIn}, nil
}

// seed adds n demo tickets (none when n is 0).
func seed(ctx context.Context, d *db.DB, users *user.Service, n int, stderr io.Writer) error {
	if n <= 0 {
		return nil
	}
	start := time.Now()
	res, err := demo.Generate(ctx, d, demo.Options{Tickets: n, Seed: uint64(start.UnixNano()),
		Force: true, Progress: stderr, Users: users})
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "seeded %d tickets and %d messages in %s\n", res.Tickets, res.Messages, time.Since(start).Round(time.Second))
	return nil
}

// benchToken makes an agent for this run and returns a token of theirs.
func benchToken(ctx context.Context, users *user.Service) (string, error) {
	email := fmt.Sprintf("bench-%d@bench.centerdesk.test", time.Now().UnixNano())
	u, err := users.Create(ctx, user.NewUser{Email: email, Name: "Bench", Role: "agent", Password: "bench password 1234"})
	if err != nil {
		return "", err
	}
	_, token, err := users.CreateToken(ctx, u.ID, "bench")
	return token, err
}

func startProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
