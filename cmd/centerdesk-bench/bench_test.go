package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/demo"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

// Every operation the bench makes is one the API answers with success, on
// a small seeded desk (this checks the requests, not their speed: nothing
// here is timed).
func TestEveryOperationSucceedsAgainstTheServer(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		tg, err := serveOn(ctx, d, t.TempDir(), 40, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		defer tg.stop()
		c := newClient(tg.url, tg.token, 2)
		c.direct = tg.db
		if err := c.prime(ctx); err != nil {
			t.Fatal(err)
		}
		for _, op := range []string{"create", "create-raw", "reply", "get", "list", "search"} {
			// A request cut off by the run's end is not counted: on a busy
			// machine none may finish in a short run, so a run with neither
			// successes nor errors is repeated, longer.
			var r result
			for _, d := range []time.Duration{300 * time.Millisecond, time.Second, 5 * time.Second} {
				if r = measure(ctx, op, options{duration: d, concurrency: 2}, c); r.Count+r.Errors > 0 {
					break
				}
			}
			if r.Count == 0 || r.Errors != 0 {
				t.Errorf("%s: %d requests, %d errors %v; the first: %s", op, r.Count, r.Errors, r.ErrorKinds, r.FirstError)
			}
		}
	})
}

// The search terms are words the demo desk is written in, so searches find
// something.
func TestSearchTermsComeFromTheDemoVocabulary(t *testing.T) {
	words := demo.Words()
	for _, term := range searchWords {
		for _, w := range strings.Fields(strings.Trim(term, `"`)) {
			stem := strings.TrimSuffix(w, "*")
			found := false
			for known := range words {
				if known == stem || (strings.HasSuffix(w, "*") && strings.HasPrefix(known, stem)) {
					found = true
					break
				}
			}
			if !found {
				t.Errorf("search term %q: %q is not in the demo's vocabulary", term, w)
			}
		}
	}
}

func TestErrorsAreCountedByKind(t *testing.T) {
	kinds := map[error]string{
		&statusError{status: 404, msg: "GET /x: 404"}:        "HTTP 404",
		fmt.Errorf("wrapped: %w", errNothingYet):             "no ticket yet",
		&net.OpError{Op: "dial", Err: errors.New("refused")}: "transport",
	}
	for err, want := range kinds {
		if got := errorKind(err); got != want {
			t.Errorf("errorKind(%v) = %q, want %q", err, got, want)
		}
	}
	r := summarise("get", 1, nil, map[string]int{"HTTP 404": 2, "timeout": 1}, "first", time.Second)
	if r.Errors != 3 || r.Count != 0 || r.P99 != 0 {
		t.Fatalf("summary %+v", r)
	}
}
