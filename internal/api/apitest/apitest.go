// Package apitest builds what an API package's tests need: the whole server's
// handler over a test database, bearer tokens for users of each role, and a
// call that checks the status and decodes the answer.
package apitest

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/config"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/secret"
	"github.com/centerdesk/centerdesk/internal/server"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/user"
)

// Bench is a server's handler over d, for calls made in-process.
type Bench struct {
	T     *testing.T
	D     *db.DB
	H     http.Handler
	Users *user.Service
}

// fastParams keep password hashing cheap: tests make many users.
var fastParams = user.PasswordParams{Memory: 1024, Time: 1, Threads: 1}

// New builds the server over d, as it runs, without listening.
func New(t *testing.T, d *db.DB) *Bench {
	t.Helper()
	box, err := secret.NewBox(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), SessionLifetime: time.Hour,
		SessionIdle: time.Hour, ShutdownTimeout: 10 * time.Second}
	srv, err := server.New(cfg, testutil.Logger(t), d, box, server.Options{PasswordParams: fastParams})
	if err != nil {
		t.Fatal(err)
	}
	return &Bench{T: t, D: d, H: srv.Handler(), Users: user.NewService(d, box, fastParams)}
}

// Token makes a user of role and returns an API token of theirs.
func (b *Bench) Token(role string) string {
	b.T.Helper()
	id := testutil.NewUser(b.T, b.D, role)
	_, tok, err := b.Users.CreateToken(context.Background(), id, "tests")
	if err != nil {
		b.T.Fatal(err)
	}
	return tok
}

// Do calls method path with body (JSON, or none) as token's user, fails the
// test unless the answer's status is want, and decodes the answer into out
// when out is not nil.
func (b *Bench) Do(token, method, path, body string, want int, out any) {
	b.T.Helper()
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	r.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	b.H.ServeHTTP(rec, r)
	if rec.Code != want {
		b.T.Fatalf("%s %s: %d, want %d: %s", method, path, rec.Code, want, rec.Body)
	}
	if out != nil {
		if err := json.Unmarshal(rec.Body.Bytes(), out); err != nil {
			b.T.Fatalf("%s %s: %v: %s", method, path, err, rec.Body)
		}
	}
}

// Problem is the API's error answer.
type Problem struct {
	Error struct {
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"error"`
}
