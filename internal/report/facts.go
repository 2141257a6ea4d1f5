package report

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/schedule"
)

// fact is one ticket's share of the roll-up: what it adds, at which hours,
// under which keys.
type fact struct {
	ticketID    int64
	createdHour int64
	team, agent string // ids as text, "" for none
	channel     string
	tags        []string // sorted
	frHour      *int64   // the hour of the first reply, if any
	frSeconds   int64
	frBusiness  int64  // the same span in the open time of the ticket's schedule
	solvedHour  *int64 // the hour it was solved, if it is solved now
	resSeconds  int64
	resBusiness int64
	open        bool
}

func hourOf(t time.Time) int64 { return t.Unix() / 3600 }

// ticketRow is what a fact is made from.
type ticketRow struct {
	id                 int64
	created            time.Time
	team, agent        sql.NullInt64
	channel, status    string
	firstReply, solved *time.Time
}

// fact is the ticket's share; cal counts its business time (nil: every
// hour is open, so business time is calendar time).
func (t ticketRow) fact(tags []string, cal *schedule.Calendar) fact {
	f := fact{ticketID: t.id, createdHour: hourOf(t.created), channel: t.channel, tags: tags,
		open: t.status != "solved" && t.status != "closed"}
	if t.team.Valid {
		f.team = strconv.FormatInt(t.team.Int64, 10)
	}
	if t.agent.Valid {
		f.agent = strconv.FormatInt(t.agent.Int64, 10)
	}
	if t.firstReply != nil {
		h := hourOf(*t.firstReply)
		f.frHour, f.frSeconds = &h, max(0, int64(t.firstReply.Sub(t.created)/time.Second))
		f.frBusiness = businessSeconds(cal, t.created, *t.firstReply, f.frSeconds)
	}
	if !f.open && t.solved != nil {
		h := hourOf(*t.solved)
		f.solvedHour, f.resSeconds = &h, max(0, int64(t.solved.Sub(t.created)/time.Second))
		f.resBusiness = businessSeconds(cal, t.created, *t.solved, f.resSeconds)
	}
	return f
}

// keys are the (dimension, key) pairs a fact counts under.
func (f fact) keys() [][2]string {
	ks := [][2]string{{DimAll, ""}, {DimTeam, f.team}, {DimAgent, f.agent}, {DimChannel, f.channel}}
	for _, t := range f.tags {
		ks = append(ks, [2]string{DimTag, t})
	}
	return ks
}

// cell is one roll-up row's change.
type cell struct {
	created, solved, open, frN, frSum, resN, resSum int64
	frBSum, resBSum                                 int64         // business seconds
	csatN, csatSat, cesN, cesSum                    int64         // survey answers
	fr, res, frB, resB                              map[int]int64 // bucket -> count
}

type cellKey struct {
	dim  string
	hour int64 // the UTC day in deltas made by daily
	key  string
}

// deltas accumulates changes to roll-up rows.
type deltas map[cellKey]*cell

func (d deltas) at(k cellKey) *cell {
	c := d[k]
	if c == nil {
		c = &cell{fr: map[int]int64{}, res: map[int]int64{}, frB: map[int]int64{}, resB: map[int]int64{}}
		d[k] = c
	}
	return c
}

// add puts sign times the fact's share into d.
func (d deltas) add(f fact, sign int64) {
	for _, k := range f.keys() {
		c := d.at(cellKey{k[0], f.createdHour, k[1]})
		c.created += sign
		if f.open {
			c.open += sign
		}
		if f.frHour != nil {
			c := d.at(cellKey{k[0], *f.frHour, k[1]})
			c.frN += sign
			c.frSum += sign * f.frSeconds
			c.fr[bucketOf(f.frSeconds)] += sign
			c.frBSum += sign * f.frBusiness
			c.frB[bucketOf(f.frBusiness)] += sign
		}
		if f.solvedHour != nil {
			c := d.at(cellKey{k[0], *f.solvedHour, k[1]})
			c.solved += sign
			c.resN += sign
			c.resSum += sign * f.resSeconds
			c.res[bucketOf(f.resSeconds)] += sign
			c.resBSum += sign * f.resBusiness
			c.resB[bucketOf(f.resBusiness)] += sign
		}
	}
}

func (c *cell) zero() bool {
	for _, n := range c.sums() {
		if n != 0 {
			return false
		}
	}
	for _, h := range []map[int]int64{c.fr, c.res, c.frB, c.resB} {
		for _, n := range h {
			if n != 0 {
				return false
			}
		}
	}
	return true
}

// apply adds every non-zero change to report_hourly, and the same changes
// summed by UTC day to report_daily, so the two always agree.
func (d deltas) apply(ctx context.Context, tx *sql.Tx) error {
	if err := d.applyTo(ctx, tx, hourlyTable); err != nil {
		return err
	}
	return d.daily().applyTo(ctx, tx, dailyTable)
}

// rollupTable is a roll-up table and its time column.
type rollupTable struct{ name, at string }

var (
	hourlyTable    = rollupTable{"report_hourly", "hour"}
	dailyTable     = rollupTable{"report_daily", "day"}
	slaHourlyTable = rollupTable{"report_sla_hourly", "hour"}
	slaDailyTable  = rollupTable{"report_sla_daily", "day"}
)

// daily is d summed by UTC day: its keys' hours become days.
func (d deltas) daily() deltas {
	out := deltas{}
	for k, c := range d {
		day := out.at(cellKey{k.dim, k.hour / 24, k.key})
		day.created += c.created
		day.solved += c.solved
		day.open += c.open
		day.frN += c.frN
		day.frSum += c.frSum
		day.resN += c.resN
		day.resSum += c.resSum
		day.frBSum += c.frBSum
		day.resBSum += c.resBSum
		day.csatN += c.csatN
		day.csatSat += c.csatSat
		day.cesN += c.cesN
		day.cesSum += c.cesSum
		for _, h := range [][2]map[int]int64{{day.fr, c.fr}, {day.res, c.res}, {day.frB, c.frB}, {day.resB, c.resB}} {
			for b, n := range h[1] {
				h[0][b] += n
			}
		}
	}
	return out
}

// applyTo adds every non-zero change to t (whose time column then holds
// the keys' hours or days). Column names come from the fixed bucket list,
// never from input.
func (d deltas) applyTo(ctx context.Context, tx *sql.Tx, t rollupTable) error {
	keys := make([]cellKey, 0, len(d))
	for k, c := range d {
		if !c.zero() {
			keys = append(keys, k)
		}
	}
	// A fixed order keeps two writers from locking rows in opposite orders.
	slices.SortFunc(keys, func(a, b cellKey) int {
		return strings.Compare(fmt.Sprint(a.dim, a.hour, a.key), fmt.Sprint(b.dim, b.hour, b.key))
	})
	for _, k := range keys {
		if err := upsertCell(ctx, tx, t, k, d[k]); err != nil {
			return err
		}
	}
	return nil
}

// sumColumns are report_hourly's counters, in the order sums gives them.
var sumColumns = []string{"created", "solved", "open_now", "fr_n", "fr_sum", "res_n", "res_sum",
	"fr_bsum", "res_bsum", "csat_n", "csat_sat", "ces_n", "ces_sum"}

func (c *cell) sums() []int64 {
	return []int64{c.created, c.solved, c.open, c.frN, c.frSum, c.resN, c.resSum,
		c.frBSum, c.resBSum, c.csatN, c.csatSat, c.cesN, c.cesSum}
}

func upsertCell(ctx context.Context, tx *sql.Tx, t rollupTable, k cellKey, c *cell) error {
	cols := []string{"dim", t.at, "dim_key"}
	args := []any{k.dim, k.hour, k.key}
	for i, n := range c.sums() {
		if n != 0 {
			cols = append(cols, sumColumns[i])
			args = append(args, n)
		}
	}
	for _, h := range []struct {
		prefix string
		m      map[int]int64
	}{{"fr_h", c.fr}, {"res_h", c.res}, {"fr_bh", c.frB}, {"res_bh", c.resB}} {
		for b := range Buckets {
			if n := h.m[b]; n != 0 {
				cols = append(cols, fmt.Sprintf("%s%02d", h.prefix, b))
				args = append(args, n)
			}
		}
	}
	marks := make([]string, len(cols))
	sets := make([]string, 0, len(cols)-3)
	for i, col := range cols {
		marks[i] = "$" + strconv.Itoa(i+1)
		if i >= 3 {
			sets = append(sets, col+" = "+t.name+"."+col+" + excluded."+col)
		}
	}
	q := "INSERT INTO " + t.name + " (" + strings.Join(cols, ", ") + ") VALUES (" + strings.Join(marks, ", ") +
		") ON CONFLICT (dim, " + t.at + ", dim_key) DO UPDATE SET " + strings.Join(sets, ", ")
	if _, err := tx.ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("report: roll up %s %q at %s %d: %w", k.dim, k.key, t.at, k.hour, err)
	}
	return nil
}

// readTickets reads the tickets' current state (read-only; tickets belong
// to internal/ticket) with their tags.
func readTickets(ctx context.Context, q db.Queryer, ids []int64) (map[int64]fact, error) {
	out := map[int64]fact{}
	if len(ids) == 0 {
		return out, nil
	}
	in, args := db.InList(1, ids)
	rows, err := q.QueryContext(ctx, `SELECT id, created_at, team_id, assignee_id, channel, status, first_reply_at, solved_at
		FROM tickets WHERE id IN (`+in+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("report: read tickets: %w", err)
	}
	var tickets []ticketRow
	for rows.Next() {
		var t ticketRow
		if err := rows.Scan(&t.id, db.ScanTime(&t.created), &t.team, &t.agent, &t.channel, &t.status,
			db.ScanNullTime(&t.firstReply), db.ScanNullTime(&t.solved)); err != nil {
			rows.Close()
			return nil, fmt.Errorf("report: read tickets: %w", err)
		}
		tickets = append(tickets, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("report: read tickets: %w", err)
	}
	tags, err := readTags(ctx, q, in, args)
	if err != nil {
		return nil, err
	}
	cals := calendars{}
	for _, t := range tickets {
		cal, err := cals.of(ctx, q, t.team)
		if err != nil {
			return nil, err
		}
		out[t.id] = t.fact(tags[t.id], cal)
	}
	return out, nil
}

func readTags(ctx context.Context, q db.Queryer, in string, args []any) (map[int64][]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT ticket_id, tag FROM ticket_tags WHERE ticket_id IN (`+in+`) ORDER BY ticket_id, tag`, args...)
	if err != nil {
		return nil, fmt.Errorf("report: read tags: %w", err)
	}
	defer rows.Close()
	out := map[int64][]string{}
	for rows.Next() {
		var id int64
		var tag string
		if err := rows.Scan(&id, &tag); err != nil {
			return nil, fmt.Errorf("report: read tags: %w", err)
		}
		out[id] = append(out[id], tag)
	}
	return out, rows.Err()
}
