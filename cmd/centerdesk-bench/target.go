package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"runtime/pprof"
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
}

// startInProcess opens (and migrates) the database, seeds it when asked,
// makes a bench user with a token, and serves on a free loopback port.
func startInProcess(ctx context.Context, o options, stderr io.Writer) (*target, error) {
	dataDir := o.dataDir
	if dataDir == "" {
		var err error
		if dataDir, err = os.MkdirTemp("", "centerdesk-bench-"); err != nil {
			return nil, err
		}
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	d, err := db.Open(ctx, o.database, db.Options{})
	if err != nil {
		return nil, err
	}
	if err := d.Migrate(ctx, log); err != nil {
		d.Close()
		return nil, err
	}
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
	if o.seedTickets > 0 {
		start := time.Now()
		res, err := demo.Generate(ctx, d, demo.Options{Tickets: o.seedTickets, Seed: uint64(time.Now().UnixNano()),
			Force: true, Progress: stderr, Users: users})
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(stderr, "seeded %d tickets and %d messages in %s\n", res.Tickets, res.Messages, time.Since(start).Round(time.Second))
	}
	token, err := benchToken(ctx, users)
	if err != nil {
		return nil, err
	}
	cfg := config.Config{DataDir: dataDir, SessionLifetime: time.Hour, SessionIdle: time.Hour, ShutdownTimeout: 10 * time.Second}
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
	return &target{url: "http://" + ln.Addr().String(), token: token, stop: func() {
		cancel()
		<-done
		d.Close()
	}}, nil
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
