package effort

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
)

// State is what effort needs of a ticket as it is stored: compared with the
// state effort saw last, it tells a reopen, a transfer and the end of a wait.
type State struct {
	TicketID   int64
	Status     string
	AssigneeID *int64
	TeamID     *int64
	At         time.Time // when the change was made
}

// Message is what effort needs of a stored message.
type Message struct {
	TicketID   int64
	Kind       string // "reply" (public) or "note"
	AuthorType string // "customer", "agent" or "system"
	Channel    string
	At         time.Time
}

// Each change below answers the ticket's figures as they stand after it in
// dst, when dst is not nil, from the row it wrote (RETURNING): the ticket in
// hand stays current without a read of its own.

// Start writes the effort row of a ticket just inserted, in its
// transaction q: nothing spent yet.
func Start(ctx context.Context, q db.Queryer, s State, dst *Effort) error {
	err := returning(q.QueryRowContext(ctx, `INSERT INTO ticket_effort (ticket_id, last_status, last_assignee_id, last_team_id)
		VALUES ($1, $2, $3, $4) RETURNING `+rowColumns, s.TicketID, s.Status, s.AssigneeID, s.TeamID), s.At, dst)
	if err != nil {
		return fmt.Errorf("effort: start %d: %w", s.TicketID, err)
	}
	return nil
}

// returning reads a written row into dst, as of now; no row (a ticket
// written without effort, such as the demo desk's) leaves dst alone.
func returning(sc *sql.Row, now time.Time, dst *Effort) error {
	r, err := scanRow(sc)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return err
	case dst != nil:
		*dst = r.effortAt(now)
	}
	return nil
}

// Noted counts a message just stored, in its transaction q: a customer's
// public message is a contact (and may switch channel and start a wait),
// an agent's public reply ends the wait. Notes and the system's messages
// change nothing.
func Noted(ctx context.Context, q db.Queryer, m Message, dst *Effort) error {
	if m.Kind != "reply" {
		return nil
	}
	var err error
	switch m.AuthorType {
	case "customer":
		err = returning(q.QueryRowContext(ctx, `UPDATE ticket_effort SET contacts = contacts + 1,
			channel_mask = channel_mask | $1,
			channel_switches = channel_switches
				+ CASE WHEN last_channel IS NOT NULL AND last_channel <> CAST($2 AS TEXT) THEN 1 ELSE 0 END,
			last_channel = CAST($2 AS TEXT),
			wait_started_ms = COALESCE(wait_started_ms, CAST($3 AS BIGINT))
			WHERE ticket_id = $4 RETURNING `+rowColumns, bit(m.Channel), m.Channel, millis(m.At), m.TicketID),
			m.At, dst)
	case "agent":
		err = returning(q.QueryRowContext(ctx, `UPDATE ticket_effort SET wait_ms = wait_ms
				+ CASE WHEN wait_started_ms < CAST($1 AS BIGINT) THEN CAST($1 AS BIGINT) - wait_started_ms ELSE 0 END,
			wait_started_ms = NULL
			WHERE ticket_id = $2 AND wait_started_ms IS NOT NULL RETURNING `+rowColumns, millis(m.At), m.TicketID),
			m.At, dst)
	}
	if err != nil {
		return fmt.Errorf("effort: note message on %d: %w", m.TicketID, err)
	}
	return nil
}

// Saved compares a ticket just saved, in its transaction q, with the state
// effort saw last: leaving solved or closed is a reopen, a team or an
// assignee replaced or removed is a transfer each, and entering solved or
// closed ends a running wait.
func Saved(ctx context.Context, q db.Queryer, s State, dst *Effort) error {
	err := returning(q.QueryRowContext(ctx, `UPDATE ticket_effort SET
		reopens = reopens + CASE WHEN last_status IN ('solved', 'closed')
			AND CAST($1 AS TEXT) NOT IN ('solved', 'closed') THEN 1 ELSE 0 END,
		transfers = transfers
			+ CASE WHEN last_assignee_id IS NOT NULL
				AND (CAST($2 AS BIGINT) IS NULL OR last_assignee_id <> CAST($2 AS BIGINT)) THEN 1 ELSE 0 END
			+ CASE WHEN last_team_id IS NOT NULL
				AND (CAST($3 AS BIGINT) IS NULL OR last_team_id <> CAST($3 AS BIGINT)) THEN 1 ELSE 0 END,
		wait_ms = wait_ms + CASE WHEN last_status NOT IN ('solved', 'closed')
			AND CAST($1 AS TEXT) IN ('solved', 'closed') AND wait_started_ms < CAST($4 AS BIGINT)
			THEN CAST($4 AS BIGINT) - wait_started_ms ELSE 0 END,
		wait_started_ms = CASE WHEN last_status NOT IN ('solved', 'closed')
			AND CAST($1 AS TEXT) IN ('solved', 'closed') THEN NULL ELSE wait_started_ms END,
		last_status = CAST($1 AS TEXT), last_assignee_id = CAST($2 AS BIGINT), last_team_id = CAST($3 AS BIGINT)
		WHERE ticket_id = $5 RETURNING `+rowColumns, s.Status, s.AssigneeID, s.TeamID, millis(s.At), s.TicketID),
		s.At, dst)
	if err != nil {
		return fmt.Errorf("effort: note save of %d: %w", s.TicketID, err)
	}
	return nil
}

const rowColumns = `ticket_id, contacts, channel_switches, reopens, transfers, channel_mask,
	wait_ms, wait_started_ms, last_status, last_channel, last_assignee_id, last_team_id, ` + ticketCES

// ticketCES is the CES of the row's ticket, read from internal/feedback's
// table without importing it (feedback imports the ticket package, which
// imports this one): the score of the latest answered survey with a CES.
// There is one survey per resolution, so this is the most recent
// resolution the customer rated. A subquery beside the row's columns
// keeps a page of tickets at one query and the RETURNING of each change
// current.
const ticketCES = `(SELECT s.ces FROM feedback_surveys s
	WHERE s.ticket_id = ticket_effort.ticket_id AND s.status = 'answered' AND s.ces IS NOT NULL
	ORDER BY s.id DESC LIMIT 1)`

func scanRow(sc interface{ Scan(...any) error }) (row, error) {
	var r row
	err := sc.Scan(&r.ticketID, &r.contacts, &r.switches, &r.reopens, &r.transfers, &r.mask,
		&r.waitMS, &r.waitStartedMS, &r.lastStatus, &r.lastChannel, &r.lastAssignee, &r.lastTeam, &r.ces)
	return r, err
}

// ForTickets returns the effort of each ticket of ids, read now; a ticket
// with no effort row (written around the ticket package) has Zero.
func ForTickets(ctx context.Context, q db.Queryer, ids []int64) (map[int64]Effort, error) {
	return ForTicketsAt(ctx, q, ids, db.Now())
}

// ForTicketsAt is ForTickets with running waits counted up to now.
func ForTicketsAt(ctx context.Context, q db.Queryer, ids []int64, now time.Time) (map[int64]Effort, error) {
	out := make(map[int64]Effort, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	marks := make([]string, len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		marks[i] = fmt.Sprintf("$%d", i+1)
		args[i] = id
		out[id] = Zero()
	}
	rows, err := q.QueryContext(ctx, `SELECT `+rowColumns+` FROM ticket_effort
		WHERE ticket_id IN (`+strings.Join(marks, ", ")+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("effort: read: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanRow(rows)
		if err != nil {
			return nil, fmt.Errorf("effort: scan: %w", err)
		}
		out[r.ticketID] = r.effortAt(now)
	}
	return out, rows.Err()
}

// ForCustomer sums the effort of every ticket customerID requested, read
// now: the channels are those of all their tickets together. It adds up
// stored figures, one indexed pass over the customer's tickets.
func ForCustomer(ctx context.Context, q db.Queryer, customerID int64) (Effort, error) {
	return ForCustomerAt(ctx, q, customerID, db.Now())
}

// ForCustomerAt is ForCustomer with running waits counted up to now.
func ForCustomerAt(ctx context.Context, q db.Queryer, customerID int64, now time.Time) (Effort, error) {
	var (
		e                 = Zero()
		waitMS, open, sum int64
	)
	err := q.QueryRowContext(ctx, `SELECT COALESCE(SUM(e.contacts), 0), COALESCE(SUM(e.channel_switches), 0),
			COALESCE(SUM(e.reopens), 0), COALESCE(SUM(e.transfers), 0), COALESCE(SUM(e.wait_ms), 0),
			COALESCE(SUM(CASE WHEN `+runningWait+` THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN `+runningWait+` THEN e.wait_started_ms ELSE 0 END), 0)
		FROM ticket_effort e JOIN tickets t ON t.id = e.ticket_id
		WHERE t.requester_id = $1`, customerID).
		Scan(&e.Contacts, &e.ChannelSwitches, &e.Reopens, &e.Transfers, &waitMS, &open, &sum)
	if err != nil {
		return Effort{}, fmt.Errorf("effort: sum for customer %d: %w", customerID, err)
	}
	if running := open*millis(now) - sum; running > 0 {
		waitMS += running
	}
	e.CustomerWaitSeconds = waitMS / 1000
	mask, err := customerChannels(ctx, q, customerID)
	if err != nil {
		return Effort{}, err
	}
	e.Channels = channelsOf(mask)
	if e.CES, err = customerCES(ctx, q, customerID); err != nil {
		return Effort{}, err
	}
	return e, nil
}

// customerCES is the mean CES of the customer's answered surveys (the
// requester at each solve), nil when they answered none with a CES. Read
// from internal/feedback's table, as ticketCES.
func customerCES(ctx context.Context, q db.Queryer, customerID int64) (*float64, error) {
	var mean sql.NullFloat64
	err := q.QueryRowContext(ctx, `SELECT CAST(AVG(ces) AS DOUBLE PRECISION) FROM feedback_surveys
		WHERE customer_id = $1 AND status = 'answered' AND ces IS NOT NULL`, customerID).Scan(&mean)
	if err != nil {
		return nil, fmt.Errorf("effort: CES of customer %d: %w", customerID, err)
	}
	if !mean.Valid {
		return nil, nil
	}
	return &mean.Float64, nil
}

// runningWait is true for an effort row e whose wait runs as it is read.
const runningWait = `e.wait_started_ms IS NOT NULL AND e.last_status NOT IN ('solved', 'closed')`

// customerChannels ORs the channel masks of the customer's tickets: few
// distinct masks, so few rows.
func customerChannels(ctx context.Context, q db.Queryer, customerID int64) (int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT DISTINCT e.channel_mask
		FROM ticket_effort e JOIN tickets t ON t.id = e.ticket_id WHERE t.requester_id = $1`, customerID)
	if err != nil {
		return 0, fmt.Errorf("effort: channels of customer %d: %w", customerID, err)
	}
	defer rows.Close()
	var mask int64
	for rows.Next() {
		var m int64
		if err := rows.Scan(&m); err != nil {
			return 0, fmt.Errorf("effort: scan channels: %w", err)
		}
		mask |= m
	}
	return mask, rows.Err()
}
