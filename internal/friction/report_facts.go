package friction

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
)

// ticketFact is one tagged ticket as the report counts it: one row per
// ticket and friction point it is tagged with.
//
// Every per-ticket figure of the report comes from here, so a new one is
// added in three places, all in this file and report.go: a field below, a
// column in ticketFacts' query (a LEFT JOIN on the table that keeps it),
// and its sum in Figures.add. The effort table (channel switches, customer
// wait) and the surveys table (CSAT, CES) join there.
type ticketFact struct {
	FrictionID   int64
	DepartmentID int64
	TicketID     int64
	CustomerID   int64
	CreatedAt    time.Time
	Contacts     int   // customer messages, whatever their channel
	Reopens      int   // times the ticket went from solved or closed back to work
	Switches     int   // customer messages by another channel than their previous one
	WaitMS       int64 // customer wait ended so far (a wait still running is not counted)
	CSATAnswers  int   // answered surveys with a CSAT
	CSATHappy    int   // of which CSAT 4 or 5
	CESAnswers   int   // answered surveys with a CES
	CESSum       int   // the sum of their CES
}

// ticketFacts returns the facts of every ticket created in [from, to) that
// is tagged with a friction point.
func ticketFacts(ctx context.Context, q db.Queryer, from, to time.Time) ([]ticketFact, error) {
	rows, err := q.QueryContext(ctx, `SELECT tf.friction_id, p.department_id, t.id, t.requester_id, t.created_at,
			(SELECT COUNT(*) FROM messages m WHERE m.ticket_id = t.id AND m.author_type = 'customer'),
			COALESCE(e.channel_switches, 0), COALESCE(e.wait_ms, 0),
			COALESCE(s.csat_answers, 0), COALESCE(s.csat_happy, 0), COALESCE(s.ces_answers, 0), COALESCE(s.ces_sum, 0)
		FROM ticket_friction tf
		JOIN friction_points p ON p.id = tf.friction_id
		JOIN tickets t ON t.id = tf.ticket_id
		LEFT JOIN ticket_effort e ON e.ticket_id = t.id
		LEFT JOIN (SELECT ticket_id, COUNT(csat) AS csat_answers,
				SUM(CASE WHEN csat >= 4 THEN 1 ELSE 0 END) AS csat_happy,
				COUNT(ces) AS ces_answers, SUM(ces) AS ces_sum
			FROM feedback_surveys WHERE status = 'answered' GROUP BY ticket_id) s ON s.ticket_id = t.id
		WHERE t.created_at >= $1 AND t.created_at < $2
		ORDER BY tf.friction_id, t.id`, db.Time(from), db.Time(to))
	if err != nil {
		return nil, fmt.Errorf("friction: ticket facts: %w", err)
	}
	var facts []ticketFact
	for rows.Next() {
		var f ticketFact
		if err := rows.Scan(&f.FrictionID, &f.DepartmentID, &f.TicketID, &f.CustomerID, db.ScanTime(&f.CreatedAt),
			&f.Contacts, &f.Switches, &f.WaitMS, &f.CSATAnswers, &f.CSATHappy, &f.CESAnswers, &f.CESSum); err != nil {
			rows.Close()
			return nil, fmt.Errorf("friction: scan ticket fact: %w", err)
		}
		facts = append(facts, f)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	reopens, err := reopensOf(ctx, q, from, to)
	if err != nil {
		return nil, err
	}
	for i := range facts {
		facts[i].Reopens = reopens[facts[i].TicketID]
	}
	return facts, nil
}

// doneStatuses are the statuses a ticket is done in; leaving one for
// another is a reopening (as in packages quality and standing).
var doneStatuses = map[string]bool{"solved": true, "closed": true}

// reopensOf counts the reopenings of the tagged tickets created in
// [from, to), from their status changes; the JSON of an event is read here
// rather than in SQL, where the dialects differ.
func reopensOf(ctx context.Context, q db.Queryer, from, to time.Time) (map[int64]int, error) {
	rows, err := q.QueryContext(ctx, `SELECT e.ticket_id, e.data FROM events e
		WHERE e.type = 'ticket.status_changed' AND e.ticket_id IN (SELECT tf.ticket_id FROM ticket_friction tf
			JOIN tickets t ON t.id = tf.ticket_id WHERE t.created_at >= $1 AND t.created_at < $2)`,
		db.Time(from), db.Time(to))
	if err != nil {
		return nil, fmt.Errorf("friction: status changes: %w", err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var data string
		if err := rows.Scan(&id, &data); err != nil {
			return nil, fmt.Errorf("friction: scan status change: %w", err)
		}
		var c struct{ Before, After string }
		if json.Unmarshal([]byte(data), &c) == nil && doneStatuses[c.Before] && !doneStatuses[c.After] {
			out[id]++
		}
	}
	return out, rows.Err()
}
