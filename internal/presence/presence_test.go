package presence

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

// clock is a settable time for expiry tests.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) get() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func next(t *testing.T, ch <-chan Change) Change {
	t.Helper()
	select {
	case c, ok := <-ch:
		if !ok {
			t.Fatal("subscription closed")
		}
		return c
	case <-time.After(20 * time.Second):
		t.Fatal("no presence change")
	}
	return Change{}
}

func TestSetPublishesChangesAndExpires(t *testing.T) {
	t.Parallel()
	c := &clock{now: time.Unix(1000, 0)}
	h := NewHub(nil)
	h.now = c.get
	ctx := context.Background()
	sub := h.Subscribe(ctx, 16)

	if _, err := h.Set(ctx, 7, 1, "Ana", "typing"); !apperr.Is(err, apperr.KindInvalid) {
		t.Fatalf("bad state: %v", err)
	}
	if _, err := h.Set(ctx, 7, 1, "Ana", Viewing); err != nil {
		t.Fatal(err)
	}
	got := next(t, sub)
	if got.TicketID != 7 || !slices.Equal(got.Agents, []Agent{{1, "Ana", Viewing}}) {
		t.Fatalf("change %+v", got)
	}
	list, _ := h.Set(ctx, 7, 2, "Bo", Replying)
	if !slices.Equal(list, []Agent{{1, "Ana", Viewing}, {2, "Bo", Replying}}) {
		t.Fatalf("list %+v", list)
	}
	if w := next(t, sub).Without(1); !slices.Equal(w, []Agent{{2, "Bo", Replying}}) {
		t.Fatalf("Ana is shown %+v", w)
	}

	// A heartbeat that changes nothing shown publishes nothing, but keeps
	// Ana alive past Bo's expiry.
	c.add(30 * time.Second)
	h.Set(ctx, 7, 1, "Ana", Viewing)
	c.add(20 * time.Second)
	h.Expire()
	if got := next(t, sub); !slices.Equal(got.Agents, []Agent{{1, "Ana", Viewing}}) {
		t.Fatalf("after Bo expired: %+v", got)
	}
	h.Set(ctx, 7, 1, "Ana", Left)
	if got := next(t, sub); len(got.Agents) != 0 {
		t.Fatalf("after Ana left: %+v", got)
	}
	if len(h.Current(7)) != 0 || len(h.tickets) != 0 {
		t.Fatalf("entries left behind: %v", h.tickets)
	}
}

func TestSlowSubscriberIsDropped(t *testing.T) {
	t.Parallel()
	h := NewHub(nil)
	sub := h.Subscribe(context.Background(), 1)
	for i := range int64(3) {
		h.Set(context.Background(), i+1, 1, "Ana", Viewing)
	}
	<-sub
	if _, ok := <-sub; ok {
		t.Fatal("a subscriber two changes behind was not dropped")
	}
}

// TestRelayBetweenNodes runs two hubs over one PostgreSQL database, as two
// nodes: a heartbeat on one shows on the other.
func TestRelayBetweenNodes(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		r := NewRelay(d, testutil.Logger(t))
		if d.Dialect() == db.SQLite {
			if r != nil {
				t.Fatal("SQLite has one node and needs no relay")
			}
			return
		}
		a, b := NewHub(r), NewHub(NewRelay(d, testutil.Logger(t)))
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var wg sync.WaitGroup
		defer wg.Wait()
		defer cancel()
		wg.Go(func() { b.Run(ctx) })
		sub := b.Subscribe(ctx, 16)
		// b may not be listening yet: heartbeat until it hears one, as pages do.
		deadline := time.Now().Add(20 * time.Second)
		for {
			if _, err := a.Set(ctx, 9, 3, "Cy", Replying); err != nil {
				t.Fatal(err)
			}
			select {
			case got := <-sub:
				if !slices.Equal(got.Agents, []Agent{{3, "Cy", Replying}}) {
					t.Fatalf("node b sees %+v", got)
				}
				return
			case <-time.After(200 * time.Millisecond):
			}
			if time.Now().After(deadline) {
				t.Fatal("node b never heard node a")
			}
		}
	})
}
