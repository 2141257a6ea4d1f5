package server_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/events"
	"github.com/centerdesk/centerdesk/internal/server"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/user"
)

// TestEventBusRunsWithTheServer checks the wiring: Run starts the bus, a
// ticket created over HTTP (idempotently) reaches a live subscriber after
// commit, the bus's metrics are served, and shutdown stops the bus.
func TestEventBusRunsWithTheServer(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		box := newBox(t)
		cfg := testConfig(t)
		cfg.MetricsAddr = freeAddr(t) // scraped without a token
		srv, err := server.New(cfg, testutil.Logger(t), d, box, server.Options{PasswordParams: fastParams})
		if err != nil {
			t.Fatal(err)
		}
		users := user.NewService(d, box, fastParams)
		u, err := users.Create(context.Background(), user.NewUser{Email: "a@example.com", Name: "A", Role: "agent", Password: testPassword})
		if err != nil {
			t.Fatal(err)
		}
		_, token, err := users.CreateToken(context.Background(), u.ID, "test")
		if err != nil {
			t.Fatal(err)
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		base := "http://" + ln.Addr().String()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		done := make(chan error, 1)
		go func() { done <- srv.Run(ctx, ln) }()
		select {
		case <-srv.Bus().Ready():
		case <-time.After(30 * time.Second):
			t.Fatal("the bus did not start")
		}
		sub := srv.Bus().Subscribe(context.Background(), events.Filter{})

		post := func() (*http.Response, string) {
			req, err := http.NewRequest("POST", base+"/api/v1/tickets", strings.NewReader(
				`{"subject": "Refund", "requester": {"email": "ada@example.com", "name": "Ada"}, "body": "Please."}`))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Idempotency-Key", "one")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			return resp, string(body)
		}
		first, body := post()
		if first.StatusCode != http.StatusCreated {
			t.Fatalf("create: %d %s", first.StatusCode, body)
		}
		for _, want := range []string{"ticket.created", "message.added"} {
			select {
			case e := <-sub:
				if e.Type != want {
					t.Fatalf("event %s, want %s", e.Type, want)
				}
			case <-time.After(30 * time.Second):
				t.Fatalf("no %s event", want)
			}
		}
		again, againBody := post()
		if again.StatusCode != http.StatusCreated || againBody != body ||
			again.Header.Get("Location") != first.Header.Get("Location") || again.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("replay: %d %v %s", again.StatusCode, again.Header, againBody)
		}

		resp, err := http.Get("http://" + cfg.MetricsAddr + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		metrics, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		// The test's subscriber, and the live hub's (internal/live).
		if !strings.Contains(string(metrics), "centerdesk_event_subscribers 2") {
			t.Fatalf("metrics lack the bus's:\n%s", metrics)
		}

		cancel()
		if err := <-done; err != nil {
			t.Fatalf("Run: %v", err)
		}
		if _, open := <-sub; open {
			t.Fatal("a subscriber outlived the server")
		}
	})
}
