package jobs_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

func newClock() *testutil.Clock {
	return testutil.NewClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
}

func newQueue(t *testing.T, d *db.DB, c *testutil.Clock, worker string) *jobs.Queue {
	return jobs.New(d, testutil.Logger(t), jobs.Options{Now: c.Now, WorkerID: worker,
		Lease: time.Minute, BaseBackoff: 10 * time.Second, MaxBackoff: time.Hour})
}

func enqueue(t *testing.T, d *db.DB, q *jobs.Queue, kind string, payload any, opts jobs.EnqueueOptions) int64 {
	t.Helper()
	var id int64
	err := d.Tx(context.Background(), func(ctx context.Context, tx *sql.Tx) error {
		var err error
		id, err = q.Enqueue(context.Background(), tx, kind, payload, opts)
		return err
	})
	if err != nil {
		t.Fatalf("enqueue: %v", err)
	}
	return id
}

func get(t *testing.T, d *db.DB, id int64) *jobs.Job {
	t.Helper()
	j, err := jobs.Get(context.Background(), d.Read(), id)
	if err != nil {
		t.Fatalf("get job %d: %v", id, err)
	}
	return j
}

func runDue(t *testing.T, q *jobs.Queue) int {
	t.Helper()
	n, err := q.RunDue(context.Background())
	if err != nil {
		t.Fatalf("run due: %v", err)
	}
	return n
}

func TestEnqueueCommitsWithTheCallersTransaction(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		q := newQueue(t, d, newClock(), "w1")
		boom := errors.New("the caller's change failed")
		err := d.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
			if _, err := q.Enqueue(ctx, tx, "mail", map[string]int{"n": 1}, jobs.EnqueueOptions{}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) || testutil.Count(t, d, "jobs") != 0 {
			t.Fatalf("rolled back: err %v, %d jobs", err, testutil.Count(t, d, "jobs"))
		}
		a := enqueue(t, d, q, "mail", map[string]int{"n": 2}, jobs.EnqueueOptions{UniqueKey: "reply-7"})
		b := enqueue(t, d, q, "mail", map[string]int{"n": 3}, jobs.EnqueueOptions{UniqueKey: "reply-7"})
		c := enqueue(t, d, q, "other", nil, jobs.EnqueueOptions{UniqueKey: "reply-7"})
		if a != b || a == c || testutil.Count(t, d, "jobs") != 2 {
			t.Errorf("unique key: ids %d %d %d, %d jobs", a, b, c, testutil.Count(t, d, "jobs"))
		}
		j := get(t, d, a)
		if j.State != jobs.StateQueued || string(j.Payload) != `{"n":2}` || j.MaxAttempts != jobs.DefaultMaxAttempts {
			t.Errorf("job: %+v", j)
		}
	})
}

func TestRetryWithBackoffThenSuccess(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		c := newClock()
		q := newQueue(t, d, c, "w1")
		var runs []int
		q.Register("flaky", jobs.Kind{Handle: func(ctx context.Context, j *jobs.Job) error {
			runs = append(runs, j.Attempts)
			if j.Attempts < 3 {
				return fmt.Errorf("451 try later (attempt %d)", j.Attempts)
			}
			return nil
		}})
		id := enqueue(t, d, q, "flaky", nil, jobs.EnqueueOptions{})
		for attempt, wait := range []time.Duration{10 * time.Second, 20 * time.Second} {
			start := c.Now()
			if n := runDue(t, q); n != 1 {
				t.Fatalf("attempt %d: ran %d jobs", attempt+1, n)
			}
			j := get(t, d, id)
			delay := j.RunAt.Sub(start)
			if j.State != jobs.StateFailed || j.Attempts != attempt+1 || delay < wait/2 || delay > wait ||
				!strings.Contains(j.LastError, "451 try later") || j.LockedBy != "" {
				t.Fatalf("after attempt %d: %+v (delay %s)", attempt+1, j, delay)
			}
			if n := runDue(t, q); n != 0 {
				t.Fatalf("ran %d jobs before the backoff ended", n)
			}
			c.Add(wait)
		}
		if n := runDue(t, q); n != 1 {
			t.Fatalf("third attempt ran %d", n)
		}
		j := get(t, d, id)
		if j.State != jobs.StateDone || j.Attempts != 3 || j.FinishedAt == nil || len(runs) != 3 {
			t.Errorf("done: %+v, runs %v", j, runs)
		}
	})
}

func TestBackoffIsCappedAndJittered(t *testing.T) {
	q := jobs.New(testutil.NewSQLite(t), testutil.Logger(t), jobs.Options{BaseBackoff: time.Second, MaxBackoff: time.Minute})
	for attempt := 1; attempt < 40; attempt++ {
		want := min(time.Second<<min(attempt-1, 20), time.Minute)
		if got := time.Duration(q.Backoff(attempt)); got < want/2 || got > want {
			t.Errorf("attempt %d: backoff %s outside [%s, %s]", attempt, got, want/2, want)
		}
	}
}

func TestLeaseExpiryAfterACrashRunsTheJobAgain(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := newClock()
		crashed := newQueue(t, d, c, "crashed")
		survivor := newQueue(t, d, c, "survivor")
		var ran []string
		handle := func(ctx context.Context, j *jobs.Job) error {
			ran = append(ran, fmt.Sprintf("%s#%d", j.LockedBy, j.Attempts))
			return nil
		}
		crashed.Register("send", jobs.Kind{Handle: handle})
		survivor.Register("send", jobs.Kind{Handle: handle})
		id := enqueue(t, d, crashed, "send", nil, jobs.EnqueueOptions{})

		claimed, err := crashed.Claim(ctx, 5)
		if err != nil || len(claimed) != 1 {
			t.Fatalf("claim: %v, %v", claimed, err)
		}
		// The crashed worker never reports back. Until its lease ends, no
		// one else runs the job.
		if n := runDue(t, survivor); n != 0 {
			t.Fatalf("ran %d jobs under another's lease", n)
		}
		c.Add(time.Minute + time.Second)
		if n := runDue(t, survivor); n != 1 {
			t.Fatalf("after the lease ended, ran %d jobs", n)
		}
		j := get(t, d, id)
		if j.State != jobs.StateDone || j.Attempts != 2 || len(ran) != 1 || ran[0] != "survivor#2" {
			t.Fatalf("job %+v, runs %v", j, ran)
		}
		// The crashed worker coming back cannot complete what is no longer
		// its job.
		err = d.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error { return crashed.Finish(ctx, tx, claimed[0]) })
		if !errors.Is(err, jobs.ErrLeaseLost) {
			t.Errorf("stale finish: %v", err)
		}
	})
}

func TestTwoWorkersNeverRunAJobTwice(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		const total = 40
		c := newClock()
		var (
			mu    sync.Mutex
			runs  = map[int64]int{}
			by    = map[string]int{}
			doneC = make(chan struct{}, total*2)
		)
		handle := func(ctx context.Context, j *jobs.Job) error {
			mu.Lock()
			runs[j.ID]++
			by[j.LockedBy]++
			mu.Unlock()
			doneC <- struct{}{}
			return nil
		}
		var queues []*jobs.Queue
		for _, name := range []string{"a", "b"} {
			q := jobs.New(d, testutil.Logger(t), jobs.Options{Now: c.Now, WorkerID: name, Workers: 3})
			q.Register("send", jobs.Kind{Handle: handle})
			queues = append(queues, q)
		}
		for i := range total {
			enqueue(t, d, queues[i%2], "send", i, jobs.EnqueueOptions{})
		}
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		for _, q := range queues {
			wg.Go(func() { q.Run(ctx) })
		}
		for range total {
			<-doneC
		}
		cancel()
		wg.Wait()
		mu.Lock()
		defer mu.Unlock()
		if len(runs) != total {
			t.Errorf("%d distinct jobs ran, want %d", len(runs), total)
		}
		for id, n := range runs {
			if n != 1 {
				t.Errorf("job %d ran %d times", id, n)
			}
		}
		var done int
		if err := d.Read().QueryRow(`SELECT COUNT(*) FROM jobs WHERE state = 'done'`).Scan(&done); err != nil || done != total {
			t.Errorf("%d jobs done (%v), want %d; runs by worker %v", done, err, total, by)
		}
	})
}

func TestDeadLetter(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		c := newClock()
		q := newQueue(t, d, c, "w1")
		var buried []string
		onDead := func(ctx context.Context, tx *sql.Tx, j *jobs.Job, reason string) error {
			// It runs in the transaction that buries the job.
			var state string
			if err := tx.QueryRowContext(ctx, `SELECT state FROM jobs WHERE id = $1`, j.ID).Scan(&state); err != nil {
				return err
			}
			buried = append(buried, fmt.Sprintf("%s %s: %s", j.Kind, state, reason))
			return nil
		}
		runs := 0
		q.Register("rejected", jobs.Kind{OnDead: onDead, Handle: func(ctx context.Context, j *jobs.Job) error {
			runs++
			return jobs.Permanent(errors.New("550 no such user"))
		}})
		q.Register("down", jobs.Kind{OnDead: onDead, MaxAttempts: 2, Handle: func(ctx context.Context, j *jobs.Job) error {
			runs++
			return errors.New("connection refused")
		}})
		q.Register("panics", jobs.Kind{OnDead: onDead, Handle: func(ctx context.Context, j *jobs.Job) error {
			runs++
			panic("nil map")
		}})
		q.Register("orphaned", jobs.Kind{OnDead: onDead, Handle: func(ctx context.Context, j *jobs.Job) error {
			runs++
			return nil
		}})
		rejected := enqueue(t, d, q, "rejected", nil, jobs.EnqueueOptions{})
		down := enqueue(t, d, q, "down", nil, jobs.EnqueueOptions{})
		panics := enqueue(t, d, q, "panics", nil, jobs.EnqueueOptions{})
		if n := runDue(t, q); n != 3 {
			t.Fatalf("ran %d", n)
		}
		c.Add(time.Hour)
		if n := runDue(t, q); n != 1 {
			t.Fatalf("second round ran %d", n)
		}
		for id, want := range map[int64]string{rejected: "550 no such user", down: "connection refused", panics: "panic: nil map"} {
			j := get(t, d, id)
			if j.State != jobs.StateDead || !strings.HasPrefix(j.LastError, want) || j.FinishedAt == nil {
				t.Errorf("job %s: %s %q", j.Kind, j.State, j.LastError)
			}
		}
		// A job whose worker died on its last attempt is not run again.
		orphan := enqueue(t, d, q, "orphaned", nil, jobs.EnqueueOptions{MaxAttempts: 1})
		if _, err := q.Claim(context.Background(), 1); err != nil {
			t.Fatal(err)
		}
		c.Add(2 * time.Minute)
		runs = 0
		runDue(t, q)
		if j := get(t, d, orphan); j.State != jobs.StateDead || runs != 0 || !strings.Contains(j.LastError, "worker stopped") {
			t.Errorf("orphan: %+v, runs %d", j, runs)
		}
		if len(buried) != 4 || !strings.HasPrefix(buried[0], "rejected dead: 550") {
			t.Errorf("OnDead calls: %q", buried)
		}
	})
}

func TestRunFinishesTheJobInFlightWhenStopped(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		q := newQueue(t, d, newClock(), "w1")
		started, release := make(chan struct{}), make(chan struct{})
		q.Register("slow", jobs.Kind{Handle: func(ctx context.Context, j *jobs.Job) error {
			close(started)
			<-release
			return nil
		}})
		id := enqueue(t, d, q, "slow", nil, jobs.EnqueueOptions{})
		ctx, cancel := context.WithCancel(context.Background())
		stopped := make(chan struct{})
		go func() { q.Run(ctx); close(stopped) }()
		<-started
		cancel()
		select {
		case <-stopped:
			t.Fatal("Run returned with a job still running")
		default:
		}
		close(release)
		<-stopped
		if j := get(t, d, id); j.State != jobs.StateDone {
			t.Errorf("job in flight at stop: %s", j.State)
		}
	})
}

func TestPruneKeepsDeadJobs(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		c := newClock()
		q := newQueue(t, d, c, "w1")
		q.Register("ok", jobs.Kind{Handle: func(context.Context, *jobs.Job) error { return nil }})
		q.Register("bad", jobs.Kind{Handle: func(context.Context, *jobs.Job) error { return jobs.Permanent(errors.New("no")) }})
		ok := enqueue(t, d, q, "ok", nil, jobs.EnqueueOptions{})
		bad := enqueue(t, d, q, "bad", nil, jobs.EnqueueOptions{})
		runDue(t, q)
		c.Add(8 * 24 * time.Hour)
		if err := q.Prune(context.Background()); err != nil {
			t.Fatal(err)
		}
		if _, err := jobs.Get(context.Background(), d.Read(), ok); !errors.Is(err, sql.ErrNoRows) {
			t.Errorf("done job not pruned: %v", err)
		}
		if j := get(t, d, bad); j.State != jobs.StateDead {
			t.Errorf("dead job: %+v", j)
		}
	})
}
