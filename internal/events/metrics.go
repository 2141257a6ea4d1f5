package events

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/centerdesk/centerdesk/internal/db"
)

// Lag is how far a durable consumer is behind.
type Lag struct {
	Consumer string
	Pending  int64         // committed events it has not handled
	Oldest   time.Duration // age of the oldest of them; 0 when none
}

// Lags reports every registered consumer's lag, across all nodes.
func Lags(ctx context.Context, d *db.DB) ([]Lag, error) {
	pending := `o.id > c.horizon`
	if d.Dialect() == db.Postgres {
		pending = `o.txid >= c.horizon AND NOT EXISTS (
			SELECT 1 FROM event_deliveries d WHERE d.consumer = c.name AND d.outbox_id = o.id)`
	}
	rows, err := d.Reader(ctx).QueryContext(ctx, `
		SELECT c.name, COUNT(o.id), MIN(o.created_at)
		FROM event_consumers c LEFT JOIN outbox o ON `+pending+`
		GROUP BY c.name ORDER BY c.name`)
	if err != nil {
		return nil, fmt.Errorf("events: consumer lag: %w", err)
	}
	defer rows.Close()
	var out []Lag
	now := time.Now()
	for rows.Next() {
		var (
			l      Lag
			oldest *time.Time
		)
		if err := rows.Scan(&l.Consumer, &l.Pending, db.ScanNullTime(&oldest)); err != nil {
			return nil, fmt.Errorf("events: consumer lag: %w", err)
		}
		if oldest != nil {
			l.Oldest = max(now.Sub(*oldest), 0)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

var (
	pendingDesc = prometheus.NewDesc("centerdesk_event_consumer_pending",
		"Committed events a durable consumer has not handled yet.", []string{"consumer"}, nil)
	lagDesc = prometheus.NewDesc("centerdesk_event_consumer_lag_seconds",
		"Age of the oldest event a durable consumer has not handled yet; 0 when it is up to date.",
		[]string{"consumer"}, nil)
	handledDesc = prometheus.NewDesc("centerdesk_event_consumer_events_total",
		"Events a durable consumer handled on this node.", []string{"consumer"}, nil)
	failuresDesc = prometheus.NewDesc("centerdesk_event_consumer_failures_total",
		"Batches a durable consumer failed on this node (each is handed over again).", []string{"consumer"}, nil)
	subscribersDesc = prometheus.NewDesc("centerdesk_event_subscribers",
		"Live subscribers on this node.", nil, nil)
	droppedDesc = prometheus.NewDesc("centerdesk_event_subscribers_dropped_total",
		"Live subscribers dropped for falling behind.", nil, nil)
)

// Collector returns the bus's Prometheus metrics: each consumer's lag (read
// from the database at scrape time) and this node's counts.
func (b *Bus) Collector() prometheus.Collector { return collector{b} }

type collector struct{ b *Bus }

func (c collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{pendingDesc, lagDesc, handledDesc, failuresDesc, subscribersDesc, droppedDesc} {
		ch <- d
	}
}

func (c collector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	lags, err := Lags(ctx, c.b.db)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(pendingDesc, err)
	}
	for _, l := range lags {
		ch <- prometheus.MustNewConstMetric(pendingDesc, prometheus.GaugeValue, float64(l.Pending), l.Consumer)
		ch <- prometheus.MustNewConstMetric(lagDesc, prometheus.GaugeValue, l.Oldest.Seconds(), l.Consumer)
	}
	counters := func(desc *prometheus.Desc, m *sync.Map) {
		m.Range(func(k, v any) bool {
			ch <- prometheus.MustNewConstMetric(desc, prometheus.CounterValue,
				float64(v.(*atomic.Int64).Load()), k.(string))
			return true
		})
	}
	counters(handledDesc, &c.b.stats.handled)
	counters(failuresDesc, &c.b.stats.failures)
	c.b.mu.Lock()
	n := len(c.b.subs)
	c.b.mu.Unlock()
	ch <- prometheus.MustNewConstMetric(subscribersDesc, prometheus.GaugeValue, float64(n))
	ch <- prometheus.MustNewConstMetric(droppedDesc, prometheus.CounterValue, float64(c.b.stats.dropped.Load()))
}
