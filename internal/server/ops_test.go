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
	"github.com/centerdesk/centerdesk/internal/server"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

func TestHealthReadyAndMetrics(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		c := http.DefaultClient
		if resp := h.get(c, "/healthz"); resp.StatusCode != http.StatusOK {
			t.Fatalf("healthz: %d", resp.StatusCode)
		}
		if resp := h.get(c, "/readyz"); resp.StatusCode != http.StatusOK {
			t.Fatalf("readyz: %d", resp.StatusCode)
		}
		// Metrics are an admin's to read on the main address.
		if resp, _ := h.api("GET", "/metrics", "", ""); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("metrics without a token: %d, want 401", resp.StatusCode)
		}
		agent := h.token(h.createUser("agent@example.com", "agent"))
		if resp, _ := h.api("GET", "/metrics", agent, ""); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("metrics with an agent's token: %d, want 403", resp.StatusCode)
		}
		admin := h.token(h.createUser("admin@example.com", "admin"))
		req, _ := http.NewRequest("GET", h.url+"/metrics", nil)
		req.Header.Set("Authorization", "Bearer "+admin)
		metrics := body(t, h.do(c, req))
		for _, want := range []string{
			`centerdesk_http_requests_total{method="GET",route="GET /healthz",status="200"} 1`,
			`centerdesk_http_request_duration_seconds_bucket{route="GET /readyz"`,
			`go_sql_max_open_connections`,
		} {
			if !strings.Contains(metrics, want) {
				t.Errorf("metrics lack %s", want)
			}
		}
		d.Close()
		if resp := h.get(c, "/readyz"); resp.StatusCode != http.StatusServiceUnavailable {
			t.Fatalf("readyz with the database closed: %d, want 503", resp.StatusCode)
		}
		if resp := h.get(c, "/healthz"); resp.StatusCode != http.StatusOK {
			t.Fatalf("healthz with the database closed: %d, want 200", resp.StatusCode)
		}
	})
}

// TestGracefulShutdown holds a request in flight, ends the server's
// context, and checks that the listener closes at once while the request
// still completes.
func TestGracefulShutdown(t *testing.T) {
	d := testutil.NewSQLite(t)
	entered, release := make(chan struct{}), make(chan struct{})
	hold := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/hold" {
				close(entered)
				<-release
				w.Write([]byte("finished"))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	srv, err := server.New(testConfig(t), testutil.Logger(t), d, newBox(t), server.Options{PasswordParams: fastParams, Wrap: hold})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx, ln) }()

	type result struct {
		body string
		err  error
	}
	inflight := make(chan result, 1)
	go func() {
		resp, err := http.Get("http://" + addr + "/hold")
		if err != nil {
			inflight <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		inflight <- result{string(b), err}
	}()
	<-entered
	cancel()

	// The listener closes promptly: new connections are refused.
	deadline := time.Now().Add(5 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err != nil {
			break
		}
		conn.Close()
		if time.Now().After(deadline) {
			t.Fatal("still accepting connections after shutdown began")
		}
		time.Sleep(20 * time.Millisecond)
	}
	select {
	case err := <-done:
		t.Fatalf("Run returned (%v) while a request was in flight", err)
	default:
	}
	close(release)
	if r := <-inflight; r.err != nil || r.body != "finished" {
		t.Fatalf("in-flight request: %q, %v", r.body, r.err)
	}
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
}
