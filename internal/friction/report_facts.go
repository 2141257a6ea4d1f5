package friction

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
)

// ticketFact is one tagged ticket as the report counts it: one row per
// ticket and friction point it is tagged with.
//
// Every per-ticket figure of the report comes from here, so a new one is
// added in three places, all in this file and report.go: a field below, a
// column in one of ticketFacts' two queries, and its sum in tally.add.
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
	surveySums
}

// surveySums are a ticket's answered surveys.
type surveySums struct {
	CSATAnswers int // answered surveys with a CSAT
	CSATHappy   int // of which CSAT 4 or 5
	CESAnswers  int // answered surveys with a CES
	CESSum      int // the sum of their CES
}

// ticketFacts returns the facts of every ticket created in [from, to) that
// is tagged with a friction point, the point's department taken from
// departments (point id to department id).
//
// It reads only the period's tags, by the index on the ticket's creation
// kept with each tag (issue 16: p99 <= 50 ms at 100,000 tickets), in two
// plain queries merged here: the tags with the effort package's stored
// counts (contacts, reopens, switches and wait follow the customer's effort
// rules everywhere), and the surveys of those tickets. One query joining
// both leaves the planners a choice of orders, and they chose badly. With
// concurrent (never inside a transaction, which is one connection) the two
// run at once on two connections.
func ticketFacts(ctx context.Context, q db.Queryer, from, to time.Time, departments map[int64]int64, concurrent bool) ([]ticketFact, error) {
	var surveys map[int64]surveySums
	var surveysErr error
	done := make(chan struct{})
	readSurveys := func() {
		defer close(done)
		surveys, surveysErr = surveysOfTagged(ctx, q, from, to)
	}
	if concurrent {
		go readSurveys()
	} else {
		readSurveys()
	}
	facts, err := tagFacts(ctx, q, from, to, departments)
	<-done
	if err != nil {
		return nil, err
	}
	if surveysErr != nil {
		return nil, surveysErr
	}
	for i := range facts {
		facts[i].surveySums = surveys[facts[i].TicketID]
	}
	// The order the report has always counted in: by point, then ticket.
	slices.SortFunc(facts, func(a, b ticketFact) int {
		return cmp.Or(cmp.Compare(a.FrictionID, b.FrictionID), cmp.Compare(a.TicketID, b.TicketID))
	})
	return facts, nil
}

// tagFacts reads the period's tags with their tickets' stored effort.
func tagFacts(ctx context.Context, q db.Queryer, from, to time.Time, departments map[int64]int64) ([]ticketFact, error) {
	rows, err := q.QueryContext(ctx, `SELECT tf.friction_id, tf.ticket_id, t.requester_id, tf.ticket_created_at,
			COALESCE(e.contacts, 0), COALESCE(e.reopens, 0), COALESCE(e.channel_switches, 0), COALESCE(e.wait_ms, 0)
		FROM ticket_friction tf
		JOIN tickets t ON t.id = tf.ticket_id
		LEFT JOIN ticket_effort e ON e.ticket_id = tf.ticket_id
		WHERE tf.ticket_created_at >= $1 AND tf.ticket_created_at < $2`, db.Time(from), db.Time(to))
	if err != nil {
		return nil, fmt.Errorf("friction: ticket facts: %w", err)
	}
	defer rows.Close()
	var facts []ticketFact
	for rows.Next() {
		var f ticketFact
		if err := rows.Scan(&f.FrictionID, &f.TicketID, &f.CustomerID, db.ScanTime(&f.CreatedAt),
			&f.Contacts, &f.Reopens, &f.Switches, &f.WaitMS); err != nil {
			return nil, fmt.Errorf("friction: scan ticket fact: %w", err)
		}
		f.DepartmentID = departments[f.FrictionID]
		facts = append(facts, f)
	}
	return facts, rows.Err()
}

// surveysOfTagged sums the answered surveys of the tagged tickets created
// in [from, to), by ticket.
func surveysOfTagged(ctx context.Context, q db.Queryer, from, to time.Time) (map[int64]surveySums, error) {
	rows, err := q.QueryContext(ctx, `SELECT fs.ticket_id, COUNT(fs.csat), SUM(CASE WHEN fs.csat >= 4 THEN 1 ELSE 0 END),
			COUNT(fs.ces), COALESCE(SUM(fs.ces), 0)
		FROM feedback_surveys fs
		WHERE fs.status = 'answered' AND fs.ticket_id IN (SELECT tf.ticket_id FROM ticket_friction tf
			WHERE tf.ticket_created_at >= $1 AND tf.ticket_created_at < $2)
		GROUP BY fs.ticket_id`, db.Time(from), db.Time(to))
	if err != nil {
		return nil, fmt.Errorf("friction: surveys of tagged tickets: %w", err)
	}
	defer rows.Close()
	out := map[int64]surveySums{}
	for rows.Next() {
		var id int64
		var s surveySums
		if err := rows.Scan(&id, &s.CSATAnswers, &s.CSATHappy, &s.CESAnswers, &s.CESSum); err != nil {
			return nil, fmt.Errorf("friction: scan surveys: %w", err)
		}
		out[id] = s
	}
	return out, rows.Err()
}
