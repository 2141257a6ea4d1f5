package effort

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
)

// Recount works the effort of the tickets with ids first to last out again
// from their messages and events, in the transaction q, and stores it: after
// messages moved between tickets (a merge, a split), or for tickets written
// without the ticket package (the demo desk). It applies the rules of Noted
// and Saved to the history in time order, so an incremental count and a
// recount agree.
func Recount(ctx context.Context, q db.Queryer, first, last int64) error {
	rows, err := currentRows(ctx, q, first, last)
	if err != nil {
		return err
	}
	steps, err := history(ctx, q, first, last)
	if err != nil {
		return err
	}
	if _, err := q.ExecContext(ctx, `DELETE FROM ticket_effort WHERE ticket_id BETWEEN $1 AND $2`, first, last); err != nil {
		return fmt.Errorf("effort: clear %d to %d: %w", first, last, err)
	}
	for _, r := range rows {
		f := fold(steps[r.ticketID])
		f.ticketID, f.lastStatus, f.lastAssignee, f.lastTeam = r.ticketID, r.lastStatus, r.lastAssignee, r.lastTeam
		if err := insertRow(ctx, q, f); err != nil {
			return err
		}
	}
	return nil
}

// currentRows reads the tickets' status, assignee and team, which a
// recount leaves effort's last state at.
func currentRows(ctx context.Context, q db.Queryer, first, last int64) ([]row, error) {
	rs, err := q.QueryContext(ctx, `SELECT id, status, assignee_id, team_id FROM tickets
		WHERE id BETWEEN $1 AND $2 ORDER BY id`, first, last)
	if err != nil {
		return nil, fmt.Errorf("effort: tickets %d to %d: %w", first, last, err)
	}
	defer rs.Close()
	var out []row
	for rs.Next() {
		var r row
		if err := rs.Scan(&r.ticketID, &r.lastStatus, &r.lastAssignee, &r.lastTeam); err != nil {
			return nil, fmt.Errorf("effort: scan ticket: %w", err)
		}
		out = append(out, r)
	}
	return out, rs.Err()
}

// step is one thing in a ticket's history that effort counts: a public
// message, or a change of status, team or assignee.
type step struct {
	at      time.Time
	message *Message
	field   string // "status", "assignee_id" or "team_id" for a change
	before  any
	after   any
}

// history reads the counted steps of the tickets, by ticket, in time order;
// a message comes before a change made at the same moment, as the ticket
// package writes a message before the status change it causes.
func history(ctx context.Context, q db.Queryer, first, last int64) (map[int64][]step, error) {
	out := map[int64][]step{}
	ms, err := q.QueryContext(ctx, `SELECT ticket_id, author_type, channel, created_at FROM messages
		WHERE ticket_id BETWEEN $1 AND $2 AND kind = 'reply' AND author_type IN ('customer', 'agent')
		ORDER BY ticket_id, created_at, id`, first, last)
	if err != nil {
		return nil, fmt.Errorf("effort: messages of %d to %d: %w", first, last, err)
	}
	defer ms.Close()
	for ms.Next() {
		m := Message{Kind: "reply"}
		if err := ms.Scan(&m.TicketID, &m.AuthorType, &m.Channel, db.ScanTime(&m.At)); err != nil {
			return nil, fmt.Errorf("effort: scan message: %w", err)
		}
		out[m.TicketID] = append(out[m.TicketID], step{at: m.At, message: &m})
	}
	if err := ms.Err(); err != nil {
		return nil, err
	}
	if err := changes(ctx, q, first, last, out); err != nil {
		return nil, err
	}
	for _, steps := range out {
		sortSteps(steps)
	}
	return out, nil
}

// changes adds the status, team and assignee changes of the tickets to out.
func changes(ctx context.Context, q db.Queryer, first, last int64, out map[int64][]step) error {
	es, err := q.QueryContext(ctx, `SELECT ticket_id, at, data FROM events
		WHERE ticket_id BETWEEN $1 AND $2
		  AND type IN ('ticket.status_changed', 'ticket.assignee_changed', 'ticket.team_changed')
		ORDER BY ticket_id, id`, first, last)
	if err != nil {
		return fmt.Errorf("effort: events of %d to %d: %w", first, last, err)
	}
	defer es.Close()
	for es.Next() {
		var (
			id   int64
			s    step
			data string
		)
		if err := es.Scan(&id, db.ScanTime(&s.at), &data); err != nil {
			return fmt.Errorf("effort: scan event: %w", err)
		}
		var c struct {
			Field  string `json:"field"`
			Before any    `json:"before"`
			After  any    `json:"after"`
		}
		if err := json.Unmarshal([]byte(data), &c); err != nil {
			return fmt.Errorf("effort: event data of %d: %w", id, err)
		}
		s.field, s.before, s.after = c.Field, c.Before, c.After
		out[id] = append(out[id], s)
	}
	return es.Err()
}

// sortSteps orders steps by time, stably (each kind arrives in its own
// order already), messages before changes at the same moment.
func sortSteps(steps []step) {
	slices.SortStableFunc(steps, func(a, b step) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		return cmp.Compare(kindRank(a), kindRank(b))
	})
}

func kindRank(s step) int {
	if s.message != nil {
		return 0
	}
	return 1
}

// fold applies the rules to a ticket's steps, oldest first.
func fold(steps []step) row {
	var r row
	status := ""
	for _, s := range steps {
		switch {
		case s.message != nil && s.message.AuthorType == "customer":
			r.contacts++
			r.mask |= bit(s.message.Channel)
			if r.lastChannel != nil && *r.lastChannel != s.message.Channel {
				r.switches++
			}
			ch := s.message.Channel
			r.lastChannel = &ch
			if r.waitStartedMS == nil {
				at := millis(s.at)
				r.waitStartedMS = &at
			}
		case s.message != nil:
			r.endWait(s.at)
		case s.field == "status":
			after, _ := s.after.(string)
			if before, _ := s.before.(string); before != "" {
				status = before
			}
			if closedStatus(status) && !closedStatus(after) {
				r.reopens++
			}
			if !closedStatus(status) && closedStatus(after) {
				r.endWait(s.at)
			}
			status = after
		case s.field == "assignee_id" || s.field == "team_id":
			if s.before != nil {
				r.transfers++
			}
		}
	}
	return r
}

// endWait ends a running wait at, adding it to the total.
func (r *row) endWait(at time.Time) {
	if r.waitStartedMS == nil {
		return
	}
	if d := millis(at) - *r.waitStartedMS; d > 0 {
		r.waitMS += d
	}
	r.waitStartedMS = nil
}

func insertRow(ctx context.Context, q db.Queryer, r row) error {
	_, err := q.ExecContext(ctx, `INSERT INTO ticket_effort (ticket_id, contacts, channel_mask, channel_switches,
			reopens, transfers, wait_ms, wait_started_ms, last_channel, last_status, last_assignee_id, last_team_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		r.ticketID, r.contacts, r.mask, r.switches, r.reopens, r.transfers, r.waitMS, r.waitStartedMS,
		r.lastChannel, r.lastStatus, r.lastAssignee, r.lastTeam)
	if err != nil {
		return fmt.Errorf("effort: store %d: %w", r.ticketID, err)
	}
	return nil
}
