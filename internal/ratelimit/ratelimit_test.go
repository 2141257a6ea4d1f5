package ratelimit

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/httpx"
)

// clock is a test clock that moves only when told.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

func newClock() *clock { return &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)} }

// call runs one request through p for key, answering errors as the API
// does.
func call(p *Policy, key uint64) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	httpx.JSON(log, func(w http.ResponseWriter, r *http.Request) error {
		if err := p.Allow(w, key); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}).ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/me", nil))
	return rec
}

func TestQuotaLetsNThroughThenAnswers429(t *testing.T) {
	c := newClock()
	p := NewPolicy("token", 3, time.Minute, c.now)
	for i, remaining := range []string{"2", "1", "0"} {
		rec := call(p, 1)
		if rec.Code != http.StatusNoContent {
			t.Fatalf("request %d: %d", i+1, rec.Code)
		}
		if got := rec.Header().Get("RateLimit-Policy"); got != `"token";q=3;w=60` {
			t.Errorf("request %d: RateLimit-Policy %q", i+1, got)
		}
		// The quota is whole again 20s after each request, so 20, 40, 60s.
		want := `"token";r=` + remaining + ";t=" + []string{"20", "40", "60"}[i]
		if got := rec.Header().Get("RateLimit"); got != want {
			t.Errorf("request %d: RateLimit %q, want %q", i+1, got, want)
		}
		if rec.Header().Get("Retry-After") != "" {
			t.Errorf("request %d: Retry-After on an allowed request", i+1)
		}
	}
	rec := call(p, 1)
	if rec.Code != http.StatusTooManyRequests {
		t.Fatalf("request 4: %d, want 429", rec.Code)
	}
	if got := rec.Header().Get("Retry-After"); got != "20" {
		t.Errorf("Retry-After %q, want 20", got)
	}
	if got := rec.Header().Get("RateLimit"); got != `"token";r=0;t=60` {
		t.Errorf("RateLimit %q", got)
	}
	if got := rec.Header().Get("RateLimit-Policy"); got != `"token";q=3;w=60` {
		t.Errorf("RateLimit-Policy %q", got)
	}
	var body httpx.ErrorBody
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body.Error.Code != "rate_limited" || body.Error.Message == "" {
		t.Fatalf("body %s (%v)", rec.Body, err)
	}

	// One request's worth of time later, one more goes through, and only one.
	c.advance(19 * time.Second)
	if rec := call(p, 1); rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") != "1" {
		t.Fatalf("a second early: %d, Retry-After %q", rec.Code, rec.Header().Get("Retry-After"))
	}
	c.advance(time.Second)
	if rec := call(p, 1); rec.Code != http.StatusNoContent {
		t.Fatalf("after 20s: %d", rec.Code)
	}
	if rec := call(p, 1); rec.Code != http.StatusTooManyRequests {
		t.Fatalf("right after: %d", rec.Code)
	}
	// A whole window later the whole quota is back.
	c.advance(time.Minute)
	for i := range 3 {
		if rec := call(p, 1); rec.Code != http.StatusNoContent {
			t.Fatalf("next window, request %d: %d", i+1, rec.Code)
		}
	}
}

func TestZeroTurnsTheLimitOff(t *testing.T) {
	p := NewPolicy("token", 0, time.Minute, nil)
	if p != nil {
		t.Fatalf("a quota of 0 made a policy")
	}
	for range 1000 {
		rec := call(p, 1)
		if rec.Code != http.StatusNoContent || rec.Header().Get("RateLimit") != "" || rec.Header().Get("RateLimit-Policy") != "" {
			t.Fatalf("%d, headers %v", rec.Code, rec.Header())
		}
	}
}

func TestEachKeyHasItsOwnQuota(t *testing.T) {
	c := newClock()
	p := NewPolicy("token", 2, time.Minute, c.now)
	a, b := TokenKey("cd_token_a"), TokenKey("cd_token_b")
	call(p, a)
	call(p, a)
	if rec := call(p, a); rec.Code != http.StatusTooManyRequests {
		t.Fatalf("third request of a: %d", rec.Code)
	}
	for i := range 2 {
		if rec := call(p, b); rec.Code != http.StatusNoContent {
			t.Fatalf("b's request %d, after a ran out: %d", i+1, rec.Code)
		}
	}
}

func TestLimiterExactAtAnyQuota(t *testing.T) {
	// window/quota is rarely whole in nanoseconds; the quota still is.
	for _, quota := range []int{1, 7, 300, 3000, 999_999} {
		l := New(quota, time.Minute, newClock().now)
		for i := range quota {
			if !l.Allow(9).Allowed {
				t.Fatalf("quota %d: request %d refused", quota, i+1)
			}
		}
		if d := l.Allow(9); d.Allowed || d.Remaining != 0 || d.RetryAfter <= 0 {
			t.Fatalf("quota %d: request %d: %+v", quota, quota+1, d)
		}
	}
}

func TestMemoryIsBounded(t *testing.T) {
	c := newClock()
	l := New(10, time.Minute, c.now)
	for k := range uint64(3 * MaxKeys) {
		l.Allow(k * 0x9e3779b97f4a7c15) // spread over the shards
	}
	if n := l.size(); n > MaxKeys {
		t.Fatalf("%d keys remembered, bound %d", n, MaxKeys)
	}
	// Keys whose quota is whole again go first, and cost nobody anything.
	c.advance(time.Hour)
	l.Allow(1)
	if d := l.Allow(2); !d.Allowed || d.Remaining != 9 {
		t.Fatalf("a new key after the sweep: %+v", d)
	}
}

func TestAllowDoesNotAllocate(t *testing.T) {
	l := New(1_000_000, time.Minute, nil)
	l.Allow(42)
	if n := testing.AllocsPerRun(1000, func() { l.Allow(42) }); n != 0 {
		t.Fatalf("Allow allocates %v times", n)
	}
	if n := testing.AllocsPerRun(1000, func() { AddressKey("2001:db8::1"); TokenKey("cd_x") }); n != 0 {
		t.Fatalf("the keys allocate %v times", n)
	}
}

func TestAddressKeys(t *testing.T) {
	same := [][2]string{
		{"192.0.2.1", "::ffff:192.0.2.1"},
		{"2001:db8:1:2::1", "2001:db8:1:2:ffff::9"}, // one /64
		{"fe80::1%eth0", "fe80::2%eth1"},
	}
	for _, s := range same {
		if AddressKey(s[0]) != AddressKey(s[1]) {
			t.Errorf("%s and %s are counted apart", s[0], s[1])
		}
	}
	apart := [][2]string{
		{"192.0.2.1", "192.0.2.2"},
		{"2001:db8:1:2::1", "2001:db8:1:3::1"},
		{"192.0.2.1", "::c000:201"},
		{"not an address", "192.0.2.1"},
	}
	for _, s := range apart {
		if AddressKey(s[0]) == AddressKey(s[1]) {
			t.Errorf("%s and %s share a counter", s[0], s[1])
		}
	}
}

func TestConcurrentRequestsShareOneQuota(t *testing.T) {
	l := New(100, time.Minute, newClock().now)
	var allowed atomic.Int64
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				if l.Allow(7).Allowed {
					allowed.Add(1)
				}
			}
		})
	}
	wg.Wait()
	if n := allowed.Load(); n != 100 {
		t.Fatalf("%d of 400 allowed, want the quota of 100", n)
	}
}

// BenchmarkAllow is the limiter's cost on every API request: one token's
// key, and many clients' keys spread over the shards, from parallel
// goroutines.
func BenchmarkAllow(b *testing.B) {
	l := New(3000, time.Minute, nil)
	b.Run("one-key", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				l.Allow(42)
			}
		})
	})
	b.Run("many-keys", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			var k uint64
			for pb.Next() {
				k = k*6364136223846793005 + 1442695040888963407
				l.Allow(k % 100_000)
			}
		})
	})
}
