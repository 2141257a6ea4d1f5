package events

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
)

// Options tune a Bus; zero values pick the defaults.
type Options struct {
	// Poll is how often the dispatcher looks for events when nothing woke
	// it: writes by other processes, and retries of failed batches.
	Poll time.Duration // default 2s
	// BatchSize bounds the events in one consumer transaction.
	BatchSize int // default 100
	// SubscriberBuffer is how many events a live subscriber may fall behind
	// before it is dropped.
	SubscriberBuffer int // default 256
	// Keep is how long delivered outbox rows stay, for lagging nodes' live
	// feeds; CleanupEvery is how often they are removed.
	Keep         time.Duration // default 10m
	CleanupEvery time.Duration // default 1m
	// MaxRetryDelay bounds the wait before a failed batch is tried again.
	MaxRetryDelay time.Duration // default 1m
	// MaxSeen bounds the live feed's delivered set on PostgreSQL. It only
	// grows this large while a transaction stays open for long under heavy
	// writes; the feed then starts again from now and tells subscribers they
	// missed events.
	MaxSeen int // default 100,000
}

func (o *Options) defaults() {
	if o.Poll <= 0 {
		o.Poll = 2 * time.Second
	}
	if o.BatchSize <= 0 {
		o.BatchSize = 100
	}
	if o.SubscriberBuffer <= 0 {
		o.SubscriberBuffer = 256
	}
	if o.Keep <= 0 {
		o.Keep = 10 * time.Minute
	}
	if o.CleanupEvery <= 0 {
		o.CleanupEvery = time.Minute
	}
	if o.MaxRetryDelay <= 0 {
		o.MaxRetryDelay = time.Minute
	}
	if o.MaxSeen <= 0 {
		o.MaxSeen = 100_000
	}
}

// Bus hands committed events to durable consumers and live subscribers. One
// runs in each process (each node); see the package documentation.
type Bus struct {
	db   *db.DB
	log  *slog.Logger
	opts Options

	local  chan struct{} // a transaction of this process committed
	remote chan struct{} // another node announced events
	ready  chan struct{} // closed once consumers are registered and the live feed has started
	once   sync.Once

	mu        sync.Mutex
	consumers []*consumer
	running   bool
	stopped   bool
	subs      map[*subscriber]struct{}
	// channelName is the NOTIFY channel (PostgreSQL), once known.
	channelName string

	stats stats
}

type stats struct {
	handled  sync.Map // consumer name → *atomic.Int64
	failures sync.Map
	dropped  atomic.Int64
}

func (s *stats) add(m *sync.Map, name string, n int64) {
	v, _ := m.LoadOrStore(name, new(atomic.Int64))
	v.(*atomic.Int64).Add(n)
}

// NewBus returns a bus over d. It hooks d's commits to wake its dispatcher;
// Run starts the dispatcher.
func NewBus(d *db.DB, log *slog.Logger, opts Options) *Bus {
	opts.defaults()
	b := &Bus{
		db: d, log: log, opts: opts,
		local:  make(chan struct{}, 1),
		remote: make(chan struct{}, 1),
		ready:  make(chan struct{}),
		subs:   map[*subscriber]struct{}{},
	}
	d.OnCommit(func() { signal(b.local) })
	return b
}

// signal wakes the dispatcher without waiting: one pending signal is enough.
func signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// Ready is closed once Run has registered the consumers and started the
// live feed: from then on, subscribers get every event committed after
// they subscribed, and consumers every event committed after it.
func (b *Bus) Ready() <-chan struct{} { return b.ready }

// Register adds a durable consumer. Call it before Run.
func (b *Bus) Register(c Consumer) error {
	if c.Name == "" || len(c.Name) > 100 || c.Handle == nil {
		return fmt.Errorf("events: a consumer needs a name of 1 to 100 bytes and a Handle")
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.running {
		return fmt.Errorf("events: register %s: the bus is already running", c.Name)
	}
	for _, have := range b.consumers {
		if have.Name == c.Name {
			return fmt.Errorf("events: consumer %s registered twice", c.Name)
		}
	}
	b.consumers = append(b.consumers, &consumer{Consumer: c, behind: true})
	return nil
}

// Drain hands every registered consumer everything committed before the
// call, waiting for other nodes' batches rather than skipping, and returns
// the first failure. It is for commands and tests that need consumers up to
// date now; a running server relies on Run.
func (b *Bus) Drain(ctx context.Context) error {
	if err := b.registerAll(ctx); err != nil {
		return err
	}
	for _, c := range b.consumerList() {
		for {
			out, err := runBatch(ctx, b.db, &c.Consumer, b.opts.BatchSize, true)
			if err != nil {
				return err
			}
			b.stats.add(&b.stats.handled, c.Name, int64(out.handled))
			if out.drained {
				break
			}
		}
	}
	return nil
}

func (b *Bus) consumerList() []*consumer {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.consumers
}

func (b *Bus) registerAll(ctx context.Context) error {
	for _, c := range b.consumerList() {
		if err := registerConsumer(ctx, b.db, c.Name); err != nil {
			return err
		}
	}
	return nil
}

// Run dispatches events until ctx ends: to live subscribers, then to durable
// consumers, whenever a commit, a notification or the poll wakes it. When ctx
// ends, a batch in progress is rolled back (it is handed over again at the
// next start) and every subscriber's channel is closed.
func (b *Bus) Run(ctx context.Context) {
	b.mu.Lock()
	if b.running || b.stopped {
		b.mu.Unlock()
		b.log.Error("events: the bus can run only once")
		return
	}
	b.running = true
	b.mu.Unlock()
	defer b.dropAll(true)

	var listening sync.WaitGroup
	defer listening.Wait()
	if b.db.Dialect() == db.Postgres {
		listening.Go(func() { b.listen(ctx) })
	}
	b.loop(ctx)
}

// wake says what woke the dispatcher.
type wake struct {
	local bool // a commit in this process
	poll  bool // the poll timer
}

func (b *Bus) loop(ctx context.Context) {
	d := &dispatch{bus: b, feed: &liveFeed{}}
	tick := time.NewTicker(b.opts.Poll)
	defer tick.Stop()
	w := wake{poll: true}
	for {
		d.round(ctx, w)
		w = wake{}
		select {
		case <-ctx.Done():
			return
		case <-b.local:
			w.local = true
		case <-b.remote:
		case <-tick.C:
			w.poll = true
		}
	}
}

// dispatch is the state of the dispatcher's loop.
type dispatch struct {
	bus         *Bus
	feed        *liveFeed
	registered  bool
	lastCleanup time.Time
	// unannounced says the live feed read rows since the last NOTIFY. A
	// local commit can land while a round woken by something else is
	// running: that round reads its rows, and the round its wake-up then
	// starts finds nothing new, yet the other nodes still need telling.
	unannounced bool
}

// round does one pass: the live feed, then the consumers that may have work,
// then cleanup when due.
func (d *dispatch) round(ctx context.Context, w wake) {
	b := d.bus
	if !d.registered {
		if err := b.registerAll(ctx); err != nil {
			b.logErr(ctx, "events: register consumers", err)
			return
		}
		d.registered = true
	}
	fresh := d.live(ctx)
	if d.feed.started {
		b.once.Do(func() { close(b.ready) })
	}
	d.unannounced = d.unannounced || fresh
	if d.unannounced && w.local && b.db.Dialect() == db.Postgres {
		b.announce(ctx)
		d.unannounced = false
	}
	for _, c := range b.consumerList() {
		if fresh || w.poll || c.behind {
			d.consume(ctx, c)
		}
	}
	if time.Since(d.lastCleanup) >= b.opts.CleanupEvery {
		if _, err := b.cleanup(ctx); err != nil {
			b.logErr(ctx, "events: clean up the outbox", err)
		}
		d.lastCleanup = time.Now()
	}
}

// live reads what is new for the live feed and publishes it, and reports
// whether there was anything.
func (d *dispatch) live(ctx context.Context) (fresh bool) {
	b := d.bus
	if !d.feed.started {
		if err := d.feed.start(ctx, b.db, b.opts.MaxSeen); err != nil {
			b.logErr(ctx, "events: live feed", err)
			return true // let the consumers look for themselves
		}
	}
	for ctx.Err() == nil {
		rows, drained, err := d.feed.next(ctx, b.db, b.opts.BatchSize)
		if err != nil {
			b.logErr(ctx, "events: live feed", err)
			return true
		}
		fresh = fresh || len(rows) > 0
		b.publish(rows)
		if d.feed.overflowing() {
			d.startOver(ctx)
			return true
		}
		if drained {
			break
		}
	}
	return fresh
}

// startOver replaces an overflowing live feed with one that starts from
// now, and drops the subscribers, who missed events. The new feed starts
// before the drop, so whoever subscribes after the drop misses nothing.
func (d *dispatch) startOver(ctx context.Context) {
	b := d.bus
	b.log.Warn("events: a long transaction held the live feed back; subscribers must reload")
	fresh := &liveFeed{}
	if err := fresh.start(ctx, b.db, b.opts.MaxSeen); err != nil {
		b.logErr(ctx, "events: live feed", err) // the next round starts it
	}
	b.dropAll(false)
	d.feed = fresh
}

// consume runs the consumer's batches until it is drained, skipped or fails.
func (d *dispatch) consume(ctx context.Context, c *consumer) {
	b := d.bus
	if time.Now().Before(c.retryAt) {
		return
	}
	for ctx.Err() == nil {
		out, err := runBatch(ctx, b.db, &c.Consumer, b.opts.BatchSize, false)
		if err != nil {
			c.behind = true
			c.failures++
			c.retryAt = time.Now().Add(b.retryDelay(c.failures))
			b.stats.add(&b.stats.failures, c.Name, 1)
			b.logErr(ctx, "events: consumer batch failed; it will be handed over again", err,
				"consumer", c.Name, "failures", c.failures)
			return
		}
		c.failures, c.retryAt = 0, time.Time{}
		b.stats.add(&b.stats.handled, c.Name, int64(out.handled))
		// A skipped consumer is another node's for now; that node goes on
		// until it is drained, and the poll looks again.
		c.behind = !out.drained && !out.skipped
		if !c.behind {
			return
		}
	}
}

// retryDelay doubles from the poll interval up to MaxRetryDelay.
func (b *Bus) retryDelay(failures int) time.Duration {
	delay := b.opts.Poll
	for range min(failures-1, 16) {
		delay *= 2
	}
	return min(delay, b.opts.MaxRetryDelay)
}

func (b *Bus) logErr(ctx context.Context, msg string, err error, attrs ...any) {
	if ctx.Err() != nil {
		return // stopping: the batch in progress rolled back, as it should
	}
	b.log.ErrorContext(ctx, msg, append([]any{"err", err}, attrs...)...)
}
