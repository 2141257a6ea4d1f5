package report

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/events"
)

// ConsumerName keys the roll-up's progress through the event stream.
const ConsumerName = "report-rollup"

// Consumer keeps the roll-up up to date: every ticket an event touches has
// its share re-read and the difference applied, in the batch's transaction,
// so a batch handed over twice changes nothing the second time.
func (s *Service) Consumer() events.Consumer {
	return events.Consumer{Name: ConsumerName, Handle: func(ctx context.Context, tx *sql.Tx, batch []events.Event) error {
		built, err := s.lockState(ctx, tx)
		if err != nil {
			return err
		}
		if !built {
			// The first batch after the migration builds everything from
			// the tickets as they are now, which covers this batch too.
			return s.backfillTx(ctx, tx)
		}
		ids := make([]int64, 0, len(batch))
		for _, e := range batch {
			if e.TicketID > 0 {
				ids = append(ids, e.TicketID)
			}
		}
		slices.Sort(ids)
		return s.refreshTx(ctx, tx, slices.Compact(ids))
	}}
}

// lockState reads whether the roll-up is built, holding the state row so
// the backfill and the consumer never run side by side on two nodes.
func (s *Service) lockState(ctx context.Context, tx *sql.Tx) (bool, error) {
	return s.readState(ctx, tx, true)
}

// readState reads whether the roll-up is built, locking the state row:
// exclusive for the consumer and the backfill, shared for the clock hook
// (clock changes run side by side, but never beside a backfill that would
// count them a second time).
func (s *Service) readState(ctx context.Context, tx *sql.Tx, exclusive bool) (bool, error) {
	q := `SELECT built FROM report_state WHERE id = 1`
	if s.db.Dialect() == db.Postgres {
		q += map[bool]string{true: ` FOR UPDATE`, false: ` FOR SHARE`}[exclusive]
	}
	var built int64
	if err := tx.QueryRowContext(ctx, q).Scan(&built); err != nil {
		return false, fmt.Errorf("report: read state: %w", err)
	}
	return built == 1, nil
}

// Backfill builds the roll-up from the existing tickets, once: at the first
// start after the migration (later calls find it built and return).
func (s *Service) Backfill(ctx context.Context) error {
	return s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		built, err := s.lockState(ctx, tx)
		if err != nil || built {
			return err
		}
		return s.backfillTx(ctx, tx)
	})
}

// Rebuild empties the roll-up and builds it again from the tickets.
func (s *Service) Rebuild(ctx context.Context) error {
	return s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := s.lockState(ctx, tx); err != nil {
			return err
		}
		for _, q := range []string{`DELETE FROM report_hourly`, `DELETE FROM report_daily`, `DELETE FROM report_facts`, `DELETE FROM report_survey_facts`,
			`DELETE FROM report_sla_hourly`, `DELETE FROM report_sla_daily`, `DELETE FROM report_sla_facts`} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("report: rebuild: %w", err)
			}
		}
		return s.backfillTx(ctx, tx)
	})
}

// backfillPage is how many tickets the backfill reads at a time.
const backfillPage = 2000

func (s *Service) backfillTx(ctx context.Context, tx *sql.Tx) error {
	d := deltas{}
	var after int64
	for {
		ids, err := ticketIDsAfter(ctx, tx, after)
		if err != nil {
			return err
		}
		if len(ids) == 0 {
			break
		}
		facts, err := readTickets(ctx, tx, ids)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if f, ok := facts[id]; ok {
				d.add(f, 1)
				if err := saveFact(ctx, tx, f); err != nil {
					return err
				}
			}
		}
		if err := refreshSurveys(ctx, tx, ids, facts, d); err != nil {
			return err
		}
		after = ids[len(ids)-1]
	}
	if err := d.apply(ctx, tx); err != nil {
		return err
	}
	if err := backfillClocks(ctx, tx); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE report_state SET built = 1 WHERE id = 1`); err != nil {
		return fmt.Errorf("report: mark built: %w", err)
	}
	return nil
}

func ticketIDsAfter(ctx context.Context, tx *sql.Tx, after int64) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id FROM tickets WHERE id > $1 ORDER BY id LIMIT $2`, after, backfillPage)
	if err != nil {
		return nil, fmt.Errorf("report: list tickets: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("report: list tickets: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// refreshTx re-reads the tickets and moves the roll-up from each one's
// stored share to its current one.
func (s *Service) refreshTx(ctx context.Context, tx *sql.Tx, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	now, err := readTickets(ctx, tx, ids)
	if err != nil {
		return err
	}
	d := deltas{}
	var gone []int64
	for _, id := range ids {
		if _, ok := now[id]; !ok {
			gone = append(gone, id)
		}
		old, had, err := loadFact(ctx, tx, id)
		if err != nil {
			return err
		}
		cur, has := now[id]
		if had && has && sameFact(old, cur) {
			continue
		}
		if had {
			d.add(old, -1)
		}
		if has {
			d.add(cur, 1)
			err = saveFact(ctx, tx, cur)
		} else if had {
			_, err = tx.ExecContext(ctx, `DELETE FROM report_facts WHERE ticket_id = $1`, id)
		}
		if err != nil {
			return fmt.Errorf("report: keep ticket %d: %w", id, err)
		}
	}
	if err := refreshSurveys(ctx, tx, ids, now, d); err != nil {
		return err
	}
	if err := d.apply(ctx, tx); err != nil {
		return err
	}
	if err := rekeyClocks(ctx, tx, now); err != nil {
		return err
	}
	return dropTicketClocks(ctx, tx, gone)
}

func sameFact(a, b fact) bool {
	eq := func(x, y *int64) bool { return x == nil && y == nil || x != nil && y != nil && *x == *y }
	return a.createdHour == b.createdHour && a.team == b.team && a.agent == b.agent && a.channel == b.channel &&
		slices.Equal(a.tags, b.tags) && eq(a.frHour, b.frHour) && a.frSeconds == b.frSeconds &&
		a.frBusiness == b.frBusiness && eq(a.solvedHour, b.solvedHour) && a.resSeconds == b.resSeconds &&
		a.resBusiness == b.resBusiness && a.open == b.open
}

func saveFact(ctx context.Context, tx *sql.Tx, f fact) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO report_facts (ticket_id, created_hour, team_key, agent_key, channel, tags, fr_hour, fr_seconds,
			solved_hour, res_seconds, open, fr_bseconds, res_bseconds)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
		ON CONFLICT (ticket_id) DO UPDATE SET created_hour = excluded.created_hour, team_key = excluded.team_key,
			agent_key = excluded.agent_key, channel = excluded.channel, tags = excluded.tags, fr_hour = excluded.fr_hour,
			fr_seconds = excluded.fr_seconds, solved_hour = excluded.solved_hour, res_seconds = excluded.res_seconds,
			open = excluded.open, fr_bseconds = excluded.fr_bseconds, res_bseconds = excluded.res_bseconds`,
		f.ticketID, f.createdHour, f.team, f.agent, f.channel, strings.Join(f.tags, "\n"),
		f.frHour, nullableSeconds(f.frHour, f.frSeconds), f.solvedHour, nullableSeconds(f.solvedHour, f.resSeconds), boolInt(f.open),
		nullableSeconds(f.frHour, f.frBusiness), nullableSeconds(f.solvedHour, f.resBusiness))
	if err != nil {
		return fmt.Errorf("report: save fact of ticket %d: %w", f.ticketID, err)
	}
	return nil
}

func nullableSeconds(hour *int64, seconds int64) *int64 {
	if hour == nil {
		return nil
	}
	return &seconds
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func loadFact(ctx context.Context, tx *sql.Tx, id int64) (fact, bool, error) {
	f := fact{ticketID: id}
	var tags string
	var frSec, resSec, frBiz, resBiz sql.NullInt64
	var open int64
	err := tx.QueryRowContext(ctx, `SELECT created_hour, team_key, agent_key, channel, tags, fr_hour, fr_seconds, solved_hour,
		res_seconds, open, fr_bseconds, res_bseconds
		FROM report_facts WHERE ticket_id = $1`, id).Scan(&f.createdHour, &f.team, &f.agent, &f.channel, &tags,
		&f.frHour, &frSec, &f.solvedHour, &resSec, &open, &frBiz, &resBiz)
	if errors.Is(err, sql.ErrNoRows) {
		return fact{}, false, nil
	}
	if err != nil {
		return fact{}, false, fmt.Errorf("report: load fact of ticket %d: %w", id, err)
	}
	if tags != "" {
		f.tags = strings.Split(tags, "\n")
	}
	f.frSeconds, f.resSeconds, f.open = frSec.Int64, resSec.Int64, open == 1
	f.frBusiness, f.resBusiness = frBiz.Int64, resBiz.Int64
	return f, true, nil
}
