package quality

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/centerdesk/centerdesk/internal/db"
)

// Signals are what is known about a ticket that says a reviewer should look
// at it. Rating and Effort stay nil until the desk records them; loadSignals
// is the one place to fill a new signal, and NeedsLook the one place to
// weigh it.
type Signals struct {
	Reopens  int      // times the ticket went from solved (or closed) back to work
	Messages int      // length of the thread
	Rating   *float64 // customer satisfaction, 1 (worst) to 5 (best)
	Effort   *float64 // customer effort, 1 (least) to 7 (most)
}

// Weights of the signals in NeedsLook.
const (
	reopenWeight       = 10
	longThreadFrom     = 6 // messages; a thread longer than this starts to count
	longThreadWeight   = 1 // per message beyond longThreadFrom
	lowRatingWeight    = 5 // per point below 5
	highEffortWeight   = 3 // per point above 1
	maxThreadLengthPts = 20
)

// NeedsLook scores how much a ticket needs a reviewer's eye: 0 for a
// ticket that went smoothly, more for each reopening, for a long thread, a
// low rating or a high effort.
func NeedsLook(s Signals) float64 {
	score := float64(s.Reopens * reopenWeight)
	if extra := s.Messages - longThreadFrom; extra > 0 {
		score += float64(min(extra*longThreadWeight, maxThreadLengthPts))
	}
	if s.Rating != nil && *s.Rating < 5 {
		score += (5 - *s.Rating) * lowRatingWeight
	}
	if s.Effort != nil && *s.Effort > 1 {
		score += (*s.Effort - 1) * highEffortWeight
	}
	return score
}

// reopenStatuses are the statuses a ticket is done in; leaving one for
// another status is a reopening.
var doneStatuses = map[string]bool{"solved": true, "closed": true}

// loadSignals returns the signals of the tickets solved in [from, to).
func loadSignals(ctx context.Context, q db.Queryer, p *Period) (map[int64]*Signals, error) {
	out := map[int64]*Signals{}
	get := func(id int64) *Signals {
		if out[id] == nil {
			out[id] = &Signals{}
		}
		return out[id]
	}
	const solved = `SELECT id FROM tickets WHERE solved_at >= $1 AND solved_at < $2 AND assignee_id IS NOT NULL`
	from, to := db.Time(p.StartsAt), db.Time(p.EndsAt)
	rows, err := q.QueryContext(ctx, `SELECT ticket_id, COUNT(*) FROM messages
		WHERE ticket_id IN (`+solved+`) GROUP BY ticket_id`, from, to)
	if err != nil {
		return nil, fmt.Errorf("quality: count messages: %w", err)
	}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			rows.Close()
			return nil, fmt.Errorf("quality: scan message count: %w", err)
		}
		get(id).Messages = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.QueryContext(ctx, `SELECT ticket_id, data FROM events
		WHERE type = 'ticket.status_changed' AND ticket_id IN (`+solved+`)`, from, to)
	if err != nil {
		return nil, fmt.Errorf("quality: status changes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var data string
		if err := rows.Scan(&id, &data); err != nil {
			return nil, fmt.Errorf("quality: scan status change: %w", err)
		}
		var c struct{ Before, After string }
		if json.Unmarshal([]byte(data), &c) == nil && doneStatuses[c.Before] && !doneStatuses[c.After] {
			get(id).Reopens++
		}
	}
	return out, rows.Err()
}
