// Package scale fills a test database with a desk's worth of history for
// benchmarks of reports: tickets over a year, their effort, answered and
// unanswered surveys, and tickets tagged with friction points. It writes
// the rows directly, around the domain services, because a benchmark needs
// 100,000 tickets in seconds; the shapes follow the owners' migrations.
package scale

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/team"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

// Options say how much history to make.
type Options struct {
	Tickets int // spread over the year before Now
	Answers int // answered surveys, on solved tickets
	Tagged  int // tickets tagged with a friction point
	Now     time.Time
	// SLAClocks gives every ticket a first-reply clock (4 hours) and a
	// resolution clock (24 hours), met, breached or open as its times say.
	SLAClocks bool
}

// Desk is what Seed made, for the benchmark's queries.
type Desk struct {
	Agents    []int64
	Teams     []int64
	Frictions []int64
}

var channels = []string{"email", "portal", "phone", "chat", "api"}

// Seed writes the history in one transaction. Call it from a benchmark
// that only runs sub-benchmarks: the testing package runs such a parent
// once, so the seeded database serves every sub-benchmark and every b.N.
func Seed(tb testing.TB, d *db.DB, o Options) Desk {
	tb.Helper()
	var desk Desk
	for range 12 {
		desk.Agents = append(desk.Agents, testutil.NewUser(tb, d, "agent"))
	}
	desk.Teams = seedTeams(tb, d, desk.Agents)
	ctx := context.Background()
	r := rand.New(rand.NewPCG(1, 2))
	err := d.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		if err := seedTickets(ctx, tx, r, o, desk); err != nil {
			return err
		}
		if err := seedSurveys(ctx, tx, r, o, desk); err != nil {
			return err
		}
		if desk.Frictions, err = seedFriction(ctx, tx, r, o); err != nil {
			return err
		}
		if o.SLAClocks {
			return seedClocks(ctx, tx, o)
		}
		return nil
	})
	if err != nil {
		tb.Fatalf("scale: seed: %v", err)
	}
	return desk
}

// seedTeams makes three teams of four agents through the team service.
func seedTeams(tb testing.TB, d *db.DB, agents []int64) []int64 {
	tb.Helper()
	teams := team.NewService(d)
	var ids []int64
	for i, name := range []string{"Billing", "Technical", "Accounts"} {
		t, err := teams.Create(testutil.As(agents[0]), team.NewTeam{Name: name, MemberIDs: agents[i*4 : i*4+4]})
		if err != nil {
			tb.Fatalf("scale: team: %v", err)
		}
		ids = append(ids, t.ID)
	}
	return ids
}

// ticketAt is when ticket i was created: evenly over the year before now.
func ticketAt(o Options, i int) time.Time {
	// The year divided first: (Tickets-i) x a year in nanoseconds would
	// overflow int64 past 292 tickets and fold every ticket into the two
	// days around Now.
	step := (365 * 24 * time.Hour) / time.Duration(o.Tickets)
	return o.Now.Add(-time.Duration(o.Tickets-i) * step)
}

func seedTickets(ctx context.Context, tx *sql.Tx, r *rand.Rand, o Options, desk Desk) error {
	customers := max(o.Tickets/5, 1)
	cust, err := tx.PrepareContext(ctx, `INSERT INTO customers (id, name, created_at, updated_at) VALUES ($1, $2, $3, $3)`)
	if err != nil {
		return err
	}
	defer cust.Close()
	base := o.Now.AddDate(-1, 0, -1)
	for c := 1; c <= customers; c++ {
		if _, err := cust.ExecContext(ctx, 1_000_000+c, fmt.Sprintf("Customer %d", c), db.Time(base)); err != nil {
			return fmt.Errorf("customer: %w", err)
		}
	}
	tick, err := tx.PrepareContext(ctx, `INSERT INTO tickets (id, number, subject, status, priority, channel,
		requester_id, assignee_id, team_id, created_at, updated_at, first_reply_at, solved_at)
		VALUES ($1, $1, $2, $3, 'normal', $4, $5, $6, $7, $8, $9, $10, $11)`)
	if err != nil {
		return err
	}
	defer tick.Close()
	effort, err := tx.PrepareContext(ctx, `INSERT INTO ticket_effort (ticket_id, contacts, channel_switches, reopens,
		wait_ms, last_status) VALUES ($1, $2, $3, $4, $5, $6)`)
	if err != nil {
		return err
	}
	defer effort.Close()
	for i := 1; i <= o.Tickets; i++ {
		created := ticketAt(o, i)
		agent := desk.Agents[r.IntN(len(desk.Agents))]
		team := desk.Teams[r.IntN(len(desk.Teams))]
		status, solved := "open", db.NullTime(nil)
		replied := created.Add(time.Duration(5+r.IntN(600)) * time.Minute)
		if i%10 < 7 {
			at := replied.Add(time.Duration(r.IntN(48*60)) * time.Minute)
			status, solved = "solved", db.Time(at)
		}
		if _, err := tick.ExecContext(ctx, i, fmt.Sprintf("Scale ticket %d", i), status, channels[r.IntN(len(channels))],
			1_000_000+1+r.IntN(customers), agent, team, db.Time(created), db.Time(replied), db.Time(replied),
			solved); err != nil {
			return fmt.Errorf("ticket: %w", err)
		}
		if _, err := effort.ExecContext(ctx, i, 1+r.IntN(4), r.IntN(2), pick(i%17 == 0, 1, 0),
			r.IntN(8*3600)*1000, status); err != nil {
			return fmt.Errorf("effort: %w", err)
		}
	}
	return nil
}

// seedSurveys answers o.Answers surveys and leaves as many again sent and
// unanswered, on solved tickets, each counted for the ticket's assignee.
func seedSurveys(ctx context.Context, tx *sql.Tx, r *rand.Rand, o Options, desk Desk) error {
	ins, err := tx.PrepareContext(ctx, `INSERT INTO feedback_surveys (id, ticket_id, solve_event_id, customer_id,
		channel, assignee_id, team_id, status, token_hash, solved_at, sent_at, answered_at, changed_at, csat, ces,
		comment, created_at, updated_at)
		SELECT $1, t.id, $1, t.requester_id, t.channel, t.assignee_id, t.team_id, $2, $3, t.solved_at, t.solved_at,
			$4, $4, $5, $6, $7, t.solved_at, t.solved_at FROM tickets t WHERE t.id = $8`)
	if err != nil {
		return err
	}
	defer ins.Close()
	agents, err := tx.PrepareContext(ctx, `INSERT INTO feedback_survey_agents (survey_id, user_id, is_assignee, replied)
		SELECT $1, assignee_id, TRUE, TRUE FROM tickets WHERE id = $2`)
	if err != nil {
		return err
	}
	defer agents.Close()
	survey := 0
	for i := 1; i <= o.Tickets && survey < 2*o.Answers; i++ {
		if i%10 >= 7 {
			continue // not solved
		}
		survey++
		status, answered, csat, ces, comment := "sent", db.NullTime(nil), any(nil), any(nil), ""
		if survey%2 == 1 {
			at := ticketAt(o, i).Add(72 * time.Hour)
			status, answered, csat, ces = "answered", db.Time(at), 1+r.IntN(5), 1+r.IntN(7)
			if survey%6 == 1 {
				comment = "Thank you, that was quick."
			}
		}
		if _, err := ins.ExecContext(ctx, survey, status, fmt.Sprintf("scale-%d", survey), answered, csat, ces,
			comment, i); err != nil {
			return fmt.Errorf("survey: %w", err)
		}
		if _, err := agents.ExecContext(ctx, survey, i); err != nil {
			return fmt.Errorf("survey agent: %w", err)
		}
	}
	return nil
}

// seedFriction makes four departments with five accepted friction points
// each, and tags o.Tagged tickets with one of them.
func seedFriction(ctx context.Context, tx *sql.Tx, r *rand.Rand, o Options) ([]int64, error) {
	var points []int64
	for dep := range 4 {
		var depID int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO departments (name, created_at, updated_at) VALUES ($1, $2, $2)
			RETURNING id`, fmt.Sprintf("Department %d", dep), db.Time(o.Now)).Scan(&depID); err != nil {
			return nil, fmt.Errorf("department: %w", err)
		}
		for p := range 5 {
			var id int64
			if err := tx.QueryRowContext(ctx, `INSERT INTO friction_points (department_id, name, state, created_at,
				updated_at) VALUES ($1, $2, 'accepted', $3, $3) RETURNING id`, depID, fmt.Sprintf("Cause %d.%d", dep, p),
				db.Time(o.Now)).Scan(&id); err != nil {
				return nil, fmt.Errorf("friction point: %w", err)
			}
			points = append(points, id)
		}
	}
	tag, err := tx.PrepareContext(ctx, `INSERT INTO ticket_friction (ticket_id, friction_id, tagged_at, ticket_created_at)
		VALUES ($1, $2, $3, $3)`)
	if err != nil {
		return nil, err
	}
	defer tag.Close()
	step := max(o.Tickets/max(o.Tagged, 1), 1)
	for i, n := 1, 0; i <= o.Tickets && n < o.Tagged; i, n = i+step, n+1 {
		if _, err := tag.ExecContext(ctx, i, points[r.IntN(len(points))], db.Time(ticketAt(o, i))); err != nil {
			return nil, fmt.Errorf("tag: %w", err)
		}
	}
	return points, nil
}

// seedClocks gives each ticket the clocks of a policy with a 4-hour first
// reply and a 24-hour resolution target, in calendar hours, as the SLA
// engine leaves them: fulfilled when met in time, breached when met late
// or overdue, active while the deadline is ahead.
func seedClocks(ctx context.Context, tx *sql.Tx, o Options) error {
	ins, err := tx.PrepareContext(ctx, `INSERT INTO sla_clocks (ticket_id, metric, state, policy_name, target_minutes,
		business_hours, team_id, channel, priority, started_at, due_at, breached_at, fulfilled_at, updated_at)
		SELECT id, $2, $3, 'Scale', $4, FALSE, team_id, channel, priority, created_at, $5, $6, $7, created_at
		FROM tickets WHERE id = $1`)
	if err != nil {
		return err
	}
	defer ins.Close()
	rows, err := tx.QueryContext(ctx, `SELECT id, created_at, first_reply_at, solved_at FROM tickets ORDER BY id`)
	if err != nil {
		return err
	}
	type times struct {
		id             int64
		created        time.Time
		replied, solve *time.Time
	}
	var all []times
	for rows.Next() {
		var t times
		if err := rows.Scan(&t.id, db.ScanTime(&t.created), db.ScanNullTime(&t.replied), db.ScanNullTime(&t.solve)); err != nil {
			rows.Close()
			return err
		}
		all = append(all, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, t := range all {
		for _, c := range []struct {
			metric string
			target time.Duration
			done   *time.Time
		}{{"first_reply", 4 * time.Hour, t.replied}, {"resolution", 24 * time.Hour, t.solve}} {
			due := t.created.Add(c.target)
			state, breached, fulfilled := "active", db.NullTime(nil), db.NullTime(c.done)
			switch {
			case c.done != nil && !c.done.After(due):
				state = "fulfilled"
			case c.done != nil || !due.After(o.Now):
				state, breached = "breached", db.Time(due)
			}
			if _, err := ins.ExecContext(ctx, t.id, c.metric, state, int(c.target/time.Minute), db.Time(due),
				breached, fulfilled); err != nil {
				return fmt.Errorf("clock: %w", err)
			}
		}
	}
	return nil
}

func pick[T any](cond bool, a, b T) T {
	if cond {
		return a
	}
	return b
}

// Latencies times calls of fn and reports their median and 99th percentile
// in milliseconds on b, beside ns/op.
func Latencies(b *testing.B, fn func(i int) error) {
	b.Helper()
	took := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		start := time.Now()
		if err := fn(i); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(took)
	at := func(q float64) float64 {
		return float64(took[min(int(q*float64(len(took))), len(took)-1)]) / float64(time.Millisecond)
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}
