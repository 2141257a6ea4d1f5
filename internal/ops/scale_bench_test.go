package ops_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/feedback"
	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/ops"
	"github.com/centerdesk/centerdesk/internal/presence"
	"github.com/centerdesk/centerdesk/internal/report"
	"github.com/centerdesk/centerdesk/internal/schedule"
	"github.com/centerdesk/centerdesk/internal/settings"
	"github.com/centerdesk/centerdesk/internal/sla"
	"github.com/centerdesk/centerdesk/internal/team"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/testutil/scale"
)

// BenchmarkBoardAtScale answers the whole board (three teams and the
// desk) over a year of 100,000 tickets, 30,000 of them unsolved and
// waiting, 200,000 SLA clocks, the report roll-up and 30,000 answered
// surveys (issue 17's goal: p99 <= 50 ms). docs/BENCHMARKS.md has the
// figures:
//
//	go test -run '^$' -bench BoardAtScale -benchtime 200x ./internal/ops/
func BenchmarkBoardAtScale(b *testing.B) {
	for _, dialect := range []struct {
		name string
		open func(testing.TB) *db.DB
	}{{"sqlite", testutil.NewSQLite}, {"postgres", testutil.NewPostgres}} {
		d := dialect.open(b)
		now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
		desk := scale.Seed(b, d, scale.Options{Tickets: 100_000, Answers: 30_000, Tagged: 10_000, Now: now})
		seedClocks(b, d, now)
		reports := report.NewService(d)
		if err := reports.Rebuild(context.Background()); err != nil {
			b.Fatal(err)
		}
		log := testutil.Logger(b)
		queue := jobs.New(d, log, jobs.Options{})
		clock := func() time.Time { return now }
		online := presence.NewHub(nil)
		for i, agent := range desk.Agents[:5] {
			if _, err := online.Set(context.Background(), int64(i+1), agent, "Agent", presence.Viewing); err != nil {
				b.Fatal(err)
			}
		}
		board := ops.New(ops.Deps{DB: d, SLA: sla.New(d, queue, sla.Options{Now: clock}), Schedules: schedule.NewService(d),
			Teams: team.NewService(d), Settings: settings.NewStore(d), Reports: reports, Rosters: []ops.Roster{online},
			Feedback: feedback.New(d, queue, nil, []byte("0123456789abcdef0123456789abcdef"), log, feedback.Options{Now: clock}),
			Now:      clock})
		b.Run(dialect.name, func(b *testing.B) {
			scale.Latencies(b, func(int) error {
				_, err := board.Snapshot(context.Background())
				return err
			})
		})
	}
}

// seedClocks gives every seeded ticket a first reply clock (4 hours) and a
// resolution clock (24 hours), met or breached as the ticket's times say,
// the unsolved ones' resolution still running or breached, and marks the
// unsolved tickets' customers as waiting since they wrote.
func seedClocks(b *testing.B, d *db.DB, now time.Time) {
	b.Helper()
	ctx := context.Background()
	type seeded struct {
		id, team         int64
		channel          string
		created, replied time.Time
		solved           *time.Time
	}
	var tickets []seeded
	rows, err := d.Read().QueryContext(ctx, `SELECT id, team_id, channel, created_at, first_reply_at, solved_at FROM tickets`)
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
		var t seeded
		if err := rows.Scan(&t.id, &t.team, &t.channel, db.ScanTime(&t.created), db.ScanTime(&t.replied), db.ScanNullTime(&t.solved)); err != nil {
			b.Fatal(err)
		}
		tickets = append(tickets, t)
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	rows.Close()
	const columns = 11
	var values []string
	var args []any
	flush := func(tx *sql.Tx) error {
		if len(values) == 0 {
			return nil
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sla_clocks (ticket_id, metric, state, target_minutes, business_hours,
			team_id, channel, started_at, due_at, fulfilled_at, updated_at) VALUES `+strings.Join(values, ", "), args...)
		values, args = values[:0], args[:0]
		return err
	}
	add := func(tx *sql.Tx, t seeded, metric string, target time.Duration, done *time.Time) error {
		due := t.created.Add(target)
		state := "active"
		switch {
		case done != nil && !done.After(due):
			state = "fulfilled"
		case done != nil || !due.After(now):
			state = "breached"
		}
		n := len(args)
		ph := make([]string, columns)
		for i := range ph {
			ph[i] = fmt.Sprintf("$%d", n+i+1)
		}
		values = append(values, "("+strings.Join(ph, ", ")+")")
		args = append(args, t.id, metric, state, int(target.Minutes()), false, t.team, t.channel,
			db.Time(t.created), db.Time(due), db.NullTime(done), db.Time(now))
		if len(values) == 400 {
			return flush(tx)
		}
		return nil
	}
	err = d.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		for _, t := range tickets {
			replied := t.replied
			if err := add(tx, t, sla.FirstReply, 4*time.Hour, &replied); err != nil {
				return err
			}
			if err := add(tx, t, sla.Resolution, 24*time.Hour, t.solved); err != nil {
				return err
			}
		}
		if err := flush(tx); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE tickets SET waiting_since = created_at WHERE status = 'open'`)
		return err
	})
	if err != nil {
		b.Fatalf("seed clocks: %v", err)
	}
}
