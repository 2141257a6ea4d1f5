package idempotency_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/idempotency"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/user"
)

// setup returns a handler that counts its runs, made idempotent, and a
// request builder for a user that exists.
func setup(t *testing.T, d *db.DB, delay time.Duration) (http.Handler, *atomic.Int32, func(method, body, key string) *http.Request) {
	t.Helper()
	var u user.User
	now := db.Time(db.Now())
	if err := d.Write().QueryRow(`INSERT INTO users (email, name, role, created_at, updated_at)
		VALUES ('a@example.com', 'A', 'agent', $1, $1) RETURNING id`, now).Scan(&u.ID); err != nil {
		t.Fatal(err)
	}
	var runs atomic.Int32
	h := func(w http.ResponseWriter, r *http.Request) error {
		n := runs.Add(1)
		time.Sleep(delay)
		if r.URL.Query().Get("fail") != "" {
			return apperr.Invalid("x", "failed")
		}
		httpx.WriteJSON(w, http.StatusCreated, map[string]int32{"run": n})
		return nil
	}
	log := testutil.Logger(t)
	handler := httpx.JSON(log, idempotency.NewStore(d, log).Wrap(h))
	req := func(method, body, key string) *http.Request {
		r := httptest.NewRequest(method, "/things", strings.NewReader(body))
		if key != "" {
			r.Header.Set(idempotency.Header, key)
		}
		return r.WithContext(user.WithUser(context.Background(), &u))
	}
	return handler, &runs, req
}

func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}

func TestReplayAndConflict(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		h, runs, req := setup(t, d, 0)
		first := serve(h, req("POST", `{"a":1}`, "k"))
		again := serve(h, req("POST", `{"a":1}`, "k"))
		if first.Code != 201 || again.Code != 201 || first.Body.String() != again.Body.String() || runs.Load() != 1 {
			t.Fatalf("first %d %s, again %d %s, %d runs", first.Code, first.Body, again.Code, again.Body, runs.Load())
		}
		if other := serve(h, req("POST", `{"a":2}`, "k")); other.Code != http.StatusConflict || runs.Load() != 1 {
			t.Fatalf("different body: %d %s", other.Code, other.Body)
		}
		serve(h, req("POST", `{"a":1}`, ""))
		serve(h, req("GET", ``, "k"))
		if runs.Load() != 3 {
			t.Fatalf("requests without a key or not POST ran %d times in all, want 3", runs.Load())
		}
		if long := serve(h, req("POST", `{}`, strings.Repeat("k", 256))); long.Code != http.StatusBadRequest {
			t.Fatalf("long key: %d", long.Code)
		}
	})
}

func TestRacingRequestsRunOnce(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		h, runs, req := setup(t, d, 100*time.Millisecond)
		const n = 5
		bodies := make([]string, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				rec := serve(h, req("POST", `{"a":1}`, "race"))
				if rec.Code != http.StatusCreated {
					t.Errorf("status %d: %s", rec.Code, rec.Body)
				}
				bodies[i] = rec.Body.String()
			})
		}
		wg.Wait()
		for i := range n {
			if bodies[i] != bodies[0] {
				t.Fatalf("answers differ: %q, %q", bodies[0], bodies[i])
			}
		}
		if runs.Load() != 1 {
			t.Fatalf("%d runs, want 1", runs.Load())
		}
	})
}

func TestFailureReleasesKey(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		h, runs, req := setup(t, d, 0)
		r := req("POST", `{}`, "k")
		r.URL.RawQuery = "fail=1"
		if rec := serve(h, r); rec.Code != http.StatusBadRequest {
			t.Fatalf("status %d", rec.Code)
		}
		if rec := serve(h, req("POST", `{}`, "k")); rec.Code != http.StatusCreated || runs.Load() != 2 {
			t.Fatalf("retry after failure: %d, %d runs", rec.Code, runs.Load())
		}
	})
}
