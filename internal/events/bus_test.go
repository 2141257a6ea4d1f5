package events_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/events"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

// recorder is a durable consumer that writes each event it handles to the
// table seen, in its batch's transaction, with its delivery position. It
// can be told to fail or panic after writing, and counts batches running at
// once.
type recorder struct {
	name     string
	failNext atomic.Int32 // 1: return an error after writing; 2: panic
	block    chan struct{}
	entered  chan struct{}
	running  atomic.Int32
	overlaps atomic.Int32
}

func newRecorder(t *testing.T, d *db.DB, name string) *recorder {
	t.Helper()
	_, err := d.Write().Exec(`CREATE TABLE IF NOT EXISTS seen (
		consumer TEXT NOT NULL, event_id BIGINT NOT NULL, ticket_id BIGINT NOT NULL, pos BIGINT NOT NULL)`)
	if err != nil {
		t.Fatal(err)
	}
	return &recorder{name: name}
}

var errInjected = errors.New("injected failure")

func (r *recorder) consumer() events.Consumer {
	return events.Consumer{Name: r.name, Handle: func(ctx context.Context, tx *sql.Tx, batch []events.Event) error {
		if r.running.Add(1) > 1 {
			r.overlaps.Add(1)
		}
		defer r.running.Add(-1)
		for _, e := range batch {
			_, err := tx.ExecContext(ctx, `INSERT INTO seen (consumer, event_id, ticket_id, pos)
				SELECT $1, $2, $3, COUNT(*) FROM seen WHERE consumer = $1`, r.name, e.ID, e.TicketID)
			if err != nil {
				return err
			}
		}
		if r.entered != nil {
			r.entered <- struct{}{}
			<-r.block
			return ctx.Err()
		}
		switch r.failNext.Swap(0) {
		case 1:
			return errInjected
		case 2:
			panic("injected panic")
		}
		return nil
	}}
}

// seenIDs returns the event ids the consumer committed, in delivery order.
func seenIDs(t *testing.T, d *db.DB, consumer string) []int64 {
	t.Helper()
	rows, err := d.Read().Query(`SELECT event_id FROM seen WHERE consumer = $1 ORDER BY pos`, consumer)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return ids
}

// appendEvents appends n events to the ticket, each in its own transaction.
func appendEvents(t testing.TB, d *db.DB, ticketID int64, n int) []int64 {
	t.Helper()
	ctx := context.Background()
	var ids []int64
	for i := range n {
		err := d.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
			e := &events.Event{TicketID: ticketID, Type: fmt.Sprintf("test.%d", i)}
			if err := events.Append(ctx, tx, e); err != nil {
				return err
			}
			ids = append(ids, e.ID)
			return nil
		})
		if err != nil {
			t.Error(err)
			return ids
		}
	}
	return ids
}

// eventually waits for cond, failing the test after a generous deadline.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// reopen opens a second handle on d's database, as a second node (or
// process) would.
func reopen(t *testing.T, d *db.DB) *db.DB {
	t.Helper()
	ctx := context.Background()
	d2, err := db.Open(ctx, d.Target(), db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d2.Close() })
	return d2
}

// run starts b and returns a function that stops it and waits.
func run(t *testing.T, b *events.Bus) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { b.Run(ctx) })
	select {
	case <-b.Ready():
	case <-time.After(30 * time.Second):
		t.Fatal("bus not ready")
	}
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); wg.Wait() }) }
	t.Cleanup(stop)
	return stop
}

func TestConsumerGetsEachEventOnceAcrossFailures(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ticketID := newTicket(t, d)
		before := appendEvents(t, d, ticketID, 2) // before the consumer existed: not for it
		rec := newRecorder(t, d, "c")
		bus := events.NewBus(d, testutil.Logger(t), events.Options{BatchSize: 3})
		if err := bus.Register(rec.consumer()); err != nil {
			t.Fatal(err)
		}
		if err := bus.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		want := appendEvents(t, d, ticketID, 10)

		rec.failNext.Store(1)
		if err := bus.Drain(ctx); !errors.Is(err, errInjected) {
			t.Fatalf("drain with a failing batch: %v", err)
		}
		rec.failNext.Store(2)
		if err := bus.Drain(ctx); err == nil {
			t.Fatal("drain with a panicking batch succeeded")
		}
		if got := seenIDs(t, d, "c"); len(got) != 0 {
			t.Fatalf("failed batches left %v behind", got)
		}
		if err := bus.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		if err := bus.Drain(ctx); err != nil { // nothing new: nothing again
			t.Fatal(err)
		}
		if got := seenIDs(t, d, "c"); !slices.Equal(got, want) {
			t.Fatalf("consumer saw %v, want %v (not %v, from before it existed)", got, want, before)
		}
	})
}

func TestConsumerStoppedMidBatchGetsTheBatchAgain(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ticketID := newTicket(t, d)
		rec := newRecorder(t, d, "c")
		rec.block, rec.entered = make(chan struct{}), make(chan struct{})
		first := events.NewBus(d, testutil.Logger(t), events.Options{BatchSize: 4, Poll: time.Hour})
		if err := first.Register(rec.consumer()); err != nil {
			t.Fatal(err)
		}
		if err := first.Drain(ctx); err != nil { // registers; nothing to hand over yet
			t.Fatal(err)
		}
		want := appendEvents(t, d, ticketID, 6)
		runCtx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { first.Run(runCtx); close(done) }()
		<-rec.entered    // the first batch is written, not committed
		stop()           // the process stops...
		close(rec.block) // ...while the handler still runs
		<-done
		if got := seenIDs(t, d, "c"); len(got) != 0 {
			t.Fatalf("a stopped batch left %v behind", got)
		}

		// The next process hands over everything, once.
		again := &recorder{name: "c"}
		second := events.NewBus(reopen(t, d), testutil.Logger(t), events.Options{BatchSize: 4})
		if err := second.Register(again.consumer()); err != nil {
			t.Fatal(err)
		}
		if err := second.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		if got := seenIDs(t, d, "c"); !slices.Equal(got, want) {
			t.Fatalf("after restart the consumer saw %v, want %v", got, want)
		}
	})
}

func TestTwoNodesNeverProcessAConsumerTwice(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		rec := newRecorder(t, d, "c")
		d2 := reopen(t, d)
		opts := events.Options{BatchSize: 5, Poll: 20 * time.Millisecond}
		nodes := []*events.Bus{events.NewBus(d, testutil.Logger(t), opts), events.NewBus(d2, testutil.Logger(t), opts)}
		for _, b := range nodes {
			if err := b.Register(rec.consumer()); err != nil {
				t.Fatal(err)
			}
			if err := b.Drain(context.Background()); err != nil {
				t.Fatal(err)
			}
			run(t, b)
		}

		const writers, each = 6, 20
		var (
			wg      sync.WaitGroup
			mu      sync.Mutex
			written = map[int64][]int64{} // ticket → its event ids in commit order
		)
		for w := range writers {
			ticketID := newTicket(t, d)
			writeTo := []*db.DB{d, d2}[w%2]
			wg.Go(func() {
				ids := appendEvents(t, writeTo, ticketID, each)
				mu.Lock()
				written[ticketID] = ids
				mu.Unlock()
			})
		}
		wg.Wait()
		eventually(t, "every event handled", func() bool {
			return len(seenIDs(t, d, "c")) >= writers*each
		})

		var n, distinct int
		if err := d.Read().QueryRow(`SELECT COUNT(*), COUNT(DISTINCT event_id) FROM seen`).Scan(&n, &distinct); err != nil {
			t.Fatal(err)
		}
		if n != writers*each || distinct != n {
			t.Fatalf("%d deliveries of %d events, want %d each once", n, distinct, writers*each)
		}
		if o := rec.overlaps.Load(); o != 0 {
			t.Fatalf("the consumer ran on two nodes at once %d times", o)
		}
		// Each ticket's events arrive in the order they were committed.
		got := map[int64][]int64{}
		rows, err := d.Read().Query(`SELECT ticket_id, event_id FROM seen ORDER BY pos`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var tid, eid int64
			if err := rows.Scan(&tid, &eid); err != nil {
				t.Fatal(err)
			}
			got[tid] = append(got[tid], eid)
		}
		for tid, ids := range written {
			if !slices.Equal(got[tid], ids) {
				t.Fatalf("ticket %d: delivered %v, committed %v", tid, got[tid], ids)
			}
		}
	})
}

// TestLateCommitIsNotSkipped is the case a "last id seen" cursor gets wrong
// on PostgreSQL: a transaction takes the lower event id but commits after
// one with a higher id has been delivered.
func TestLateCommitIsNotSkipped(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		if d.Dialect() == db.SQLite {
			t.Skip("SQLite has one writer at a time: a transaction cannot take an id and commit after a later one")
		}
		ctx := context.Background()
		ticketID := newTicket(t, d)
		rec := newRecorder(t, d, "c")
		bus := events.NewBus(d, testutil.Logger(t), events.Options{Poll: 20 * time.Millisecond})
		if err := bus.Register(rec.consumer()); err != nil {
			t.Fatal(err)
		}
		if err := bus.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		live := events.NewBus(reopen(t, d), testutil.Logger(t), events.Options{Poll: 20 * time.Millisecond})
		run(t, live)
		sub := live.Subscribe(t.Context(), events.Filter{TicketID: ticketID})

		late, err := d.Write().BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer late.Rollback()
		early := &events.Event{TicketID: ticketID, Type: "late"}
		if err := events.Append(ctx, late, early); err != nil {
			t.Fatal(err)
		}
		committed := appendEvents(t, d, ticketID, 1)[0]
		if early.ID >= committed {
			t.Fatalf("premise: the late transaction's id %d should be below %d", early.ID, committed)
		}

		if err := bus.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		if got := seenIDs(t, d, "c"); !slices.Equal(got, []int64{committed}) {
			t.Fatalf("before the late commit the consumer saw %v", got)
		}
		if e := receive(t, sub); e.ID != committed {
			t.Fatalf("subscriber got %d first, want %d", e.ID, committed)
		}

		if err := late.Commit(); err != nil {
			t.Fatal(err)
		}
		if err := bus.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		if got := seenIDs(t, d, "c"); !slices.Equal(got, []int64{committed, early.ID}) {
			t.Fatalf("after the late commit the consumer saw %v, want %v", got, []int64{committed, early.ID})
		}
		if e := receive(t, sub); e.ID != early.ID {
			t.Fatalf("subscriber got %d, want the late event %d", e.ID, early.ID)
		}
		// Neither is handed over again, whatever the horizon does.
		appendEvents(t, d, ticketID, 1)
		if err := bus.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		if got := seenIDs(t, d, "c"); len(got) != 3 {
			t.Fatalf("consumer saw %v", got)
		}
	})
}

func receive(t *testing.T, ch <-chan events.Event) events.Event {
	t.Helper()
	select {
	case e, ok := <-ch:
		if !ok {
			t.Fatal("subscription closed")
		}
		return e
	case <-time.After(30 * time.Second):
		t.Fatal("no event")
	}
	return events.Event{}
}

func TestSubscribersGetEventsInOrderAndASlowOneIsDropped(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		const buffer = 8
		ticketA, ticketB := newTicket(t, d), newTicket(t, d)
		// Only commits wake the bus: the poll would come after the test.
		bus := events.NewBus(d, testutil.Logger(t), events.Options{Poll: time.Hour, SubscriberBuffer: buffer})
		run(t, bus)
		ctx := t.Context()
		all := bus.Subscribe(ctx, events.Filter{})
		onlyB := bus.Subscribe(ctx, events.Filter{TicketID: ticketB, Types: []string{"test.1", "test.2"}})
		slow := bus.Subscribe(ctx, events.Filter{})

		// One event at a time: the reader keeps up, the slow one does not.
		for range 3 * buffer {
			for _, tid := range []int64{ticketA, ticketB} {
				id := appendEvents(t, d, tid, 1)[0]
				if got := receive(t, all).ID; got != id {
					t.Fatalf("subscriber got %d, want %d", got, id)
				}
			}
		}
		// A burst in one transaction arrives whole and in order.
		burst := appendInOneTx(t, d, ticketB, buffer-1)
		for _, id := range burst {
			if got := receive(t, all).ID; got != id {
				t.Fatalf("subscriber got %d of the burst, want %d", got, id)
			}
		}
		if got := []int64{receive(t, onlyB).ID, receive(t, onlyB).ID}; !slices.Equal(got, burst[1:3]) {
			t.Fatalf("filtered subscriber got %v, want %v", got, burst[1:3])
		}
		// The slow subscriber kept at most its buffer and was then dropped.
		var kept int
		for range slow {
			kept++
		}
		if kept > buffer {
			t.Fatalf("slow subscriber got %d events, more than its buffer %d", kept, buffer)
		}
		if m := scrape(t, bus.Collector()); m["centerdesk_event_subscribers_dropped_total"] != 1 {
			t.Fatalf("want one dropped subscriber: %v", m)
		}
		select {
		case e, ok := <-onlyB:
			t.Fatalf("filtered subscriber got more: %+v %v", e, ok)
		default:
		}
	})
}

// appendInOneTx appends n events typed test.0, test.1... in one transaction.
func appendInOneTx(t *testing.T, d *db.DB, ticketID int64, n int) []int64 {
	t.Helper()
	ctx := context.Background()
	var ids []int64
	err := d.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		ids = nil
		for i := range n {
			e := &events.Event{TicketID: ticketID, Type: fmt.Sprintf("test.%d", i)}
			if err := events.Append(ctx, tx, e); err != nil {
				return err
			}
			ids = append(ids, e.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// scrape collects c's metrics, summed by name.
func scrape(t *testing.T, c prometheus.Collector) map[string]float64 {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(c)
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			out[mf.GetName()] += m.GetGauge().GetValue() + m.GetCounter().GetValue()
		}
	}
	return out
}

func TestNotifyWakesTheOtherNodes(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		if d.Dialect() == db.SQLite {
			t.Skip("SQLite runs as one process; other processes' writes are found by the poll")
		}
		ticketID := newTicket(t, d)
		// Neither node polls within the test: only the commit on node one and
		// its NOTIFY can wake node two.
		opts := events.Options{Poll: time.Hour}
		one := events.NewBus(d, testutil.Logger(t), opts)
		two := events.NewBus(reopen(t, d), testutil.Logger(t), opts)
		run(t, one)
		run(t, two)
		sub := two.Subscribe(t.Context(), events.Filter{})
		ids := appendEvents(t, d, ticketID, 3)
		for _, id := range ids {
			if e := receive(t, sub); e.ID != id {
				t.Fatalf("node two got %d, want %d", e.ID, id)
			}
		}
	})
}

func TestCleanupRemovesOnlyWhatEveryConsumerPassed(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ticketID := newTicket(t, d)
		rec := newRecorder(t, d, "c")
		bus := events.NewBus(d, testutil.Logger(t), events.Options{})
		if err := bus.Register(rec.consumer()); err != nil {
			t.Fatal(err)
		}
		if err := bus.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		appendEvents(t, d, ticketID, 5)
		future := time.Now().Add(time.Hour)
		if n, err := events.CleanUpOutbox(ctx, d, future); err != nil || n != 0 {
			t.Fatalf("removed %d rows the consumer had not handled (err %v)", n, err)
		}
		lags, err := events.Lags(ctx, d)
		if err != nil || len(lags) != 1 || lags[0].Pending != 5 || lags[0].Oldest < 0 {
			t.Fatalf("lag before: %+v, %v", lags, err)
		}
		if m := scrape(t, bus.Collector()); m["centerdesk_event_consumer_pending"] != 5 {
			t.Fatalf("pending metric: %v", m)
		}
		if n, err := events.CleanUpOutbox(ctx, d, time.Now().Add(-time.Hour)); err != nil || n != 0 {
			t.Fatalf("removed %d rows younger than the cutoff (err %v)", n, err)
		}
		// On PostgreSQL the horizon passes the rows once no transaction
		// older than them runs; other tests' transactions may delay that.
		eventually(t, "the consumer's horizon to pass the rows", func() bool {
			if err := bus.Drain(ctx); err != nil {
				t.Fatal(err)
			}
			if _, err := events.CleanUpOutbox(ctx, d, future); err != nil {
				t.Fatal(err)
			}
			return count(t, d, "outbox") == 0
		})
		if n := count(t, d, "events"); n != 5 {
			t.Fatalf("%d events left, want all 5", n)
		}
		if lags, err := events.Lags(ctx, d); err != nil || lags[0].Pending != 0 || lags[0].Oldest != 0 {
			t.Fatalf("lag after: %+v, %v", lags, err)
		}
		if got := seenIDs(t, d, "c"); len(got) != 5 {
			t.Fatalf("consumer saw %v", got)
		}
	})
}

func TestRegisterRefusesBadConsumers(t *testing.T) {
	bus := events.NewBus(testutil.NewSQLite(t), testutil.Logger(t), events.Options{})
	handle := func(context.Context, *sql.Tx, []events.Event) error { return nil }
	if err := bus.Register(events.Consumer{Name: "", Handle: handle}); err == nil {
		t.Fatal("registered a consumer without a name")
	}
	if err := bus.Register(events.Consumer{Name: "x"}); err == nil {
		t.Fatal("registered a consumer without a handler")
	}
	if err := bus.Register(events.Consumer{Name: "x", Handle: handle}); err != nil {
		t.Fatal(err)
	}
	if err := bus.Register(events.Consumer{Name: "x", Handle: handle}); err == nil {
		t.Fatal("registered a consumer twice")
	}
}

// TestLongTransactionMakesLiveFeedStartOver: a transaction left open holds
// the horizon back, so the live feed's delivered set grows; past its bound
// the feed starts over, telling subscribers they missed events, and goes on.
func TestLongTransactionMakesLiveFeedStartOver(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		if d.Dialect() == db.SQLite {
			t.Skip("SQLite's live feed is a cursor with no delivered set")
		}
		ctx := context.Background()
		ticketID := newTicket(t, d)
		bus := events.NewBus(d, testutil.Logger(t), events.Options{Poll: 20 * time.Millisecond, MaxSeen: 3})
		run(t, bus)
		open, err := d.Write().BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer open.Rollback()
		late := &events.Event{TicketID: ticketID, Type: "late"}
		if err := events.Append(ctx, open, late); err != nil {
			t.Fatal(err)
		}
		dropped := bus.Subscribe(t.Context(), events.Filter{TicketID: ticketID})
		before := appendEvents(t, d, ticketID, 5)
		var got int
		for range dropped {
			got++
		}
		if got > 5 {
			t.Fatalf("dropped subscriber got %d events", got)
		}
		// The feed goes on from where it started over, and the open
		// transaction's event still arrives once it commits.
		sub := bus.Subscribe(t.Context(), events.Filter{TicketID: ticketID})
		next := appendEvents(t, d, ticketID, 1)[0]
		for e := receive(t, sub); e.ID != next; e = receive(t, sub) {
			// The feed may start over after the last of the five committed
			// and hand it to the new subscriber, which is still after it
			// subscribed; anything else is wrong.
			if e.ID != before[len(before)-1] {
				t.Fatalf("got %d, want %d", e.ID, next)
			}
		}
		if err := open.Commit(); err != nil {
			t.Fatal(err)
		}
		if e := receive(t, sub); e.ID != late.ID {
			t.Fatalf("got %d, want the late event %d", e.ID, late.ID)
		}
	})
}
