package report

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/sla"
)

// Clock outcomes as the roll-up keeps them. An open clock is missed once
// its deadline has passed and pending before: which of the two is decided
// when a report is read, so the roll-up never waits for a breach job.
const (
	outcomeMet    = "met"
	outcomeMissed = "missed"
	outcomeOpen   = "open"
)

// clockFact is one SLA clock's share of report_sla_hourly: at the hour of
// its deadline, under its team and channel, and its ticket's agent and tags
// (as they are now, like the other reports').
type clockFact struct {
	clockID, ticketID int64
	metric            string
	dueHour, dueMS    int64
	team, channel     string
	agent             string // "" for unassigned
	tags              string // sorted, one a line
	outcome           string
}

// owned is f under its ticket's agent and tags.
func (f clockFact) owned(o ticketOwner) clockFact {
	f.agent, f.tags = o.agent, o.tags
	return f
}

// clockFactOf is the share of a clock in state with deadline due; false
// when it counts nowhere in service level (paused, so without a deadline,
// or cancelled), as sla.ServiceLevel leaves such clocks out.
func clockFactOf(id, ticketID int64, metric, state string, due *time.Time, team *int64, channel string) (clockFact, bool) {
	f := clockFact{clockID: id, ticketID: ticketID, metric: metric, channel: channel}
	switch {
	case due == nil:
		return f, false
	case state == sla.Fulfilled:
		f.outcome = outcomeMet
	case state == sla.Breached:
		f.outcome = outcomeMissed
	case state == sla.Active || state == sla.Paused:
		f.outcome = outcomeOpen
	default:
		return f, false
	}
	f.dueHour, f.dueMS = hourOf(*due), due.UnixMilli()
	if team != nil {
		f.team = strconv.FormatInt(*team, 10)
	}
	return f, true
}

// slaKey is one row of report_sla_hourly.
type slaKey struct {
	metric, dim string
	hour        int64 // the UTC day in report_sla_daily's deltas
	key         string
}

type slaCell struct{ met, missed, open int64 }

// slaDeltas accumulates changes to report_sla_hourly.
type slaDeltas map[slaKey]*slaCell

func (d slaDeltas) add(f clockFact, sign int64) {
	for _, k := range f.keys() {
		sk := slaKey{f.metric, k[0], f.dueHour, k[1]}
		c := d[sk]
		if c == nil {
			c = &slaCell{}
			d[sk] = c
		}
		switch f.outcome {
		case outcomeMet:
			c.met += sign
		case outcomeMissed:
			c.missed += sign
		default:
			c.open += sign
		}
	}
}

// apply adds every non-zero change to report_sla_hourly, and the same
// summed by UTC day to report_sla_daily.
func (d slaDeltas) apply(ctx context.Context, tx *sql.Tx) error {
	daily := slaDeltas{}
	for k, c := range d {
		dk := slaKey{k.metric, k.dim, k.hour / 24, k.key}
		if daily[dk] == nil {
			daily[dk] = &slaCell{}
		}
		daily[dk].met += c.met
		daily[dk].missed += c.missed
		daily[dk].open += c.open
	}
	if err := d.applyTo(ctx, tx, slaHourlyTable); err != nil {
		return err
	}
	return daily.applyTo(ctx, tx, slaDailyTable)
}

// applyTo adds every non-zero change to t (its keys' hours then days), in
// a fixed order so two writers never lock rows in opposite orders.
func (d slaDeltas) applyTo(ctx context.Context, tx *sql.Tx, t rollupTable) error {
	keys := make([]slaKey, 0, len(d))
	for k, c := range d {
		if *c != (slaCell{}) {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b slaKey) int {
		return strings.Compare(fmt.Sprint(a.metric, a.dim, a.hour, a.key), fmt.Sprint(b.metric, b.dim, b.hour, b.key))
	})
	for _, k := range keys {
		c := d[k]
		_, err := tx.ExecContext(ctx, `INSERT INTO `+t.name+` (metric, dim, `+t.at+`, dim_key, met, missed, open)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (metric, dim, `+t.at+`, dim_key) DO UPDATE SET
			met = `+t.name+`.met + excluded.met, missed = `+t.name+`.missed + excluded.missed,
			open = `+t.name+`.open + excluded.open`, k.metric, k.dim, k.hour, k.key, c.met, c.missed, c.open)
		if err != nil {
			return fmt.Errorf("report: roll up clocks %s %s %q at %s %d: %w", k.metric, k.dim, k.key, t.at, k.hour, err)
		}
	}
	return nil
}

// keys are the (dimension, key) pairs a clock counts under.
func (f clockFact) keys() [][2]string {
	ks := [][2]string{{DimAll, ""}, {DimTeam, f.team}, {DimChannel, f.channel}, {DimAgent, f.agent}}
	if f.tags != "" {
		for _, t := range strings.Split(f.tags, "\n") {
			ks = append(ks, [2]string{DimTag, t})
		}
	}
	return ks
}

// ticketOwner is what service level reads of a clock's ticket.
type ticketOwner struct{ agent, tags string }

// readOwners reads the tickets' agents and tags (read-only; tickets belong
// to internal/ticket). A ticket gone is missing from the map.
func readOwners(ctx context.Context, q db.Queryer, ids []int64) (map[int64]ticketOwner, error) {
	out := map[int64]ticketOwner{}
	if len(ids) == 0 {
		return out, nil
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	in, args := db.InList(1, ids)
	rows, err := q.QueryContext(ctx, `SELECT id, assignee_id FROM tickets WHERE id IN (`+in+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("report: read clock owners: %w", err)
	}
	for rows.Next() {
		var id int64
		var agent sql.NullInt64
		if err := rows.Scan(&id, &agent); err != nil {
			rows.Close()
			return nil, fmt.Errorf("report: read clock owners: %w", err)
		}
		o := ticketOwner{}
		if agent.Valid {
			o.agent = strconv.FormatInt(agent.Int64, 10)
		}
		out[id] = o
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("report: read clock owners: %w", err)
	}
	tags, err := readTags(ctx, q, in, args)
	if err != nil {
		return nil, err
	}
	for id, t := range tags {
		if o, ok := out[id]; ok {
			o.tags = strings.Join(t, "\n")
			out[id] = o
		}
	}
	return out, nil
}

// ClockChanged is the SLA service's clock hook: it moves the changed
// clocks' shares in the roll-up inside the transaction that changed them,
// so service level follows every change (a reply, a pause, a new policy,
// a breach) with its commit. Until the roll-up is first built the backfill
// will count the clocks, so nothing is done.
func (s *Service) ClockChanged(ctx context.Context, tx *sql.Tx, clocks []*sla.Clock) error {
	built, err := s.readState(ctx, tx, false)
	if err != nil || !built {
		return err
	}
	ids := make([]int64, len(clocks))
	for i, c := range clocks {
		ids[i] = c.TicketID
	}
	owners, err := readOwners(ctx, tx, ids)
	if err != nil {
		return err
	}
	d := slaDeltas{}
	for _, c := range clocks {
		cur, has := clockFactOf(c.ID, c.TicketID, c.Metric, c.State, c.DueAt, c.TeamID, c.Channel)
		if err := moveClock(ctx, tx, d, c.ID, cur.owned(owners[c.TicketID]), has); err != nil {
			return err
		}
	}
	return d.apply(ctx, tx)
}

// moveClock takes a clock's stored share out of d and puts cur in (when
// has), keeping report_sla_facts in step.
func moveClock(ctx context.Context, tx *sql.Tx, d slaDeltas, id int64, cur clockFact, has bool) error {
	old, had, err := loadClockFact(ctx, tx, id)
	if err != nil {
		return err
	}
	if had && has && old == cur {
		return nil
	}
	if had {
		d.add(old, -1)
	}
	if has {
		d.add(cur, 1)
		return saveClockFact(ctx, tx, cur)
	}
	if had {
		if _, err := tx.ExecContext(ctx, `DELETE FROM report_sla_facts WHERE clock_id = $1`, id); err != nil {
			return fmt.Errorf("report: drop clock %d: %w", id, err)
		}
	}
	return nil
}

func loadClockFact(ctx context.Context, tx *sql.Tx, id int64) (clockFact, bool, error) {
	f := clockFact{clockID: id}
	err := tx.QueryRowContext(ctx, `SELECT ticket_id, metric, due_hour, due_ms, team_key, channel, outcome, agent_key, tags
		FROM report_sla_facts WHERE clock_id = $1`, id).Scan(&f.ticketID, &f.metric, &f.dueHour, &f.dueMS,
		&f.team, &f.channel, &f.outcome, &f.agent, &f.tags)
	if errors.Is(err, sql.ErrNoRows) {
		return clockFact{}, false, nil
	}
	if err != nil {
		return clockFact{}, false, fmt.Errorf("report: load clock %d: %w", id, err)
	}
	return f, true, nil
}

func saveClockFact(ctx context.Context, tx *sql.Tx, f clockFact) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO report_sla_facts (clock_id, ticket_id, metric, due_hour, due_ms, team_key, channel, outcome, agent_key, tags)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (clock_id) DO UPDATE SET ticket_id = excluded.ticket_id, metric = excluded.metric,
			due_hour = excluded.due_hour, due_ms = excluded.due_ms, team_key = excluded.team_key,
			channel = excluded.channel, outcome = excluded.outcome, agent_key = excluded.agent_key, tags = excluded.tags`,
		f.clockID, f.ticketID, f.metric, f.dueHour, f.dueMS, f.team, f.channel, f.outcome, f.agent, f.tags)
	if err != nil {
		return fmt.Errorf("report: save clock %d: %w", f.clockID, err)
	}
	return nil
}

// dropTicketClocks takes the clocks of deleted tickets out of the roll-up
// (their rows went with the ticket, so no hook saw them go).
func dropTicketClocks(ctx context.Context, tx *sql.Tx, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	in, args := db.InList(1, ids)
	rows, err := tx.QueryContext(ctx, `SELECT clock_id FROM report_sla_facts WHERE ticket_id IN (`+in+`)`, args...)
	if err != nil {
		return fmt.Errorf("report: clocks of deleted tickets: %w", err)
	}
	var clocks []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return fmt.Errorf("report: clocks of deleted tickets: %w", err)
		}
		clocks = append(clocks, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	d := slaDeltas{}
	for _, id := range clocks {
		if err := moveClock(ctx, tx, d, id, clockFact{}, false); err != nil {
			return err
		}
	}
	return d.apply(ctx, tx)
}

// backfillClocks counts every clock there is, a page at a time.
func backfillClocks(ctx context.Context, tx *sql.Tx) error {
	d := slaDeltas{}
	var after int64
	for {
		facts, last, err := readClocks(ctx, tx, after)
		if err != nil {
			return err
		}
		if last == 0 {
			break
		}
		ids := make([]int64, len(facts))
		for i, f := range facts {
			ids[i] = f.ticketID
		}
		owners, err := readOwners(ctx, tx, ids)
		if err != nil {
			return err
		}
		for _, f := range facts {
			f = f.owned(owners[f.ticketID])
			d.add(f, 1)
			if err := saveClockFact(ctx, tx, f); err != nil {
				return err
			}
		}
		after = last
	}
	return d.apply(ctx, tx)
}

// readClocks reads a page of clocks after id after (read-only; clocks
// belong to internal/sla), and the last id read (0 at the end).
func readClocks(ctx context.Context, tx *sql.Tx, after int64) ([]clockFact, int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, ticket_id, metric, state, due_at, team_id, channel
		FROM sla_clocks WHERE id > $1 ORDER BY id LIMIT $2`, after, backfillPage)
	if err != nil {
		return nil, 0, fmt.Errorf("report: read clocks: %w", err)
	}
	defer rows.Close()
	var out []clockFact
	var last int64
	for rows.Next() {
		var id, ticketID int64
		var metric, state, channel string
		var due *time.Time
		var team *int64
		if err := rows.Scan(&id, &ticketID, &metric, &state, db.ScanNullTime(&due), &team, &channel); err != nil {
			return nil, 0, fmt.Errorf("report: read clocks: %w", err)
		}
		last = id
		if f, ok := clockFactOf(id, ticketID, metric, state, due, team, channel); ok {
			out = append(out, f)
		}
	}
	return out, last, rows.Err()
}

// rekeyClocks moves the clocks of the tickets in now to their tickets'
// current agent and tags: an assignment or a tag changes no clock, so no
// clock hook sees it, but service level by agent or tag follows it.
func rekeyClocks(ctx context.Context, tx *sql.Tx, now map[int64]fact) error {
	if len(now) == 0 {
		return nil
	}
	ids := make([]int64, 0, len(now))
	for id := range now {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	in, args := db.InList(1, ids)
	rows, err := tx.QueryContext(ctx, `SELECT clock_id, ticket_id, agent_key, tags FROM report_sla_facts
		WHERE ticket_id IN (`+in+`) ORDER BY clock_id`, args...)
	if err != nil {
		return fmt.Errorf("report: clocks of changed tickets: %w", err)
	}
	var moved []int64
	for rows.Next() {
		var clock, ticket int64
		var agent, tags string
		if err := rows.Scan(&clock, &ticket, &agent, &tags); err != nil {
			rows.Close()
			return fmt.Errorf("report: clocks of changed tickets: %w", err)
		}
		if f := now[ticket]; agent != f.agent || tags != strings.Join(f.tags, "\n") {
			moved = append(moved, clock)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("report: clocks of changed tickets: %w", err)
	}
	d := slaDeltas{}
	for _, id := range moved {
		old, had, err := loadClockFact(ctx, tx, id)
		if err != nil {
			return err
		}
		if !had {
			continue
		}
		t := now[old.ticketID]
		cur := old.owned(ticketOwner{agent: t.agent, tags: strings.Join(t.tags, "\n")})
		if err := moveClock(ctx, tx, d, id, cur, true); err != nil {
			return err
		}
	}
	return d.apply(ctx, tx)
}
