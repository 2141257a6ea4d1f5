package demo

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/recognition"
)

// Recognition over the demo's months: the badges reviews proposed (most
// confirmed with a citation, some dismissed, this week's still open), peer
// nominations (most approved, a few declined, some waiting), and the
// feed's reactions and comments. Rows are written directly, dated when
// they would have happened, with their badge.awarded events and no outbox
// rows (consumers must not announce months-old awards as news).

// recognitionDemo is the state of the recognition demo.
type recognitionDemo struct {
	g      *generator
	tx     *sql.Tx
	now    time.Time
	lead   int64
	users  []int64
	values []demoValue
	given  map[[3]int64]bool // value, ticket, agent already awarded
	awards []demoAward
}

type demoValue struct {
	id                 int64
	name, code, colour string
}

type demoAward struct {
	id, ticket int64
	at         time.Time
}

// recognition writes the demo's awards; it needs the values of the
// philosophy demo and is richer after the reviews demo.
func (g *generator) recognition(ctx context.Context) error {
	return g.d.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		rd := &recognitionDemo{g: g, tx: tx, now: g.o.Now, given: map[[3]int64]bool{}}
		if err := rd.load(ctx); err != nil || len(rd.values) == 0 {
			return err
		}
		if err := rd.fromReviews(ctx); err != nil {
			return err
		}
		if err := rd.nominations(ctx); err != nil {
			return err
		}
		return rd.social(ctx)
	})
}

func (rd *recognitionDemo) load(ctx context.Context) error {
	rows, err := rd.tx.QueryContext(ctx, `SELECT id, name, code, colour FROM team_values ORDER BY position, id`)
	if err != nil {
		return fmt.Errorf("demo: recognition: values: %w", err)
	}
	for rows.Next() {
		var v demoValue
		if err := rows.Scan(&v.id, &v.name, &v.code, &v.colour); err != nil {
			rows.Close()
			return fmt.Errorf("demo: recognition: %w", err)
		}
		rd.values = append(rd.values, v)
	}
	rows.Close()
	if err := rd.tx.QueryRowContext(ctx, `SELECT id FROM users WHERE email = $1`, rd.g.res.AdminEmail).Scan(&rd.lead); err != nil {
		return fmt.Errorf("demo: recognition: lead: %w", err)
	}
	rd.users = append([]int64{rd.lead}, rd.g.agents...)
	return nil
}

// fromReviews proposes the badge of every value a review rated at the top
// of its range, as the review hook does, and decides most of them.
func (rd *recognitionDemo) fromReviews(ctx context.Context) error {
	rows, err := rd.tx.QueryContext(ctx, `SELECT r.id, r.ticket_id, r.agent_id, r.reviewer_id, r.submitted_at, c.value_id
		FROM reviews r JOIN review_ratings rr ON rr.review_id = r.id
		JOIN scorecard_categories c ON c.id = rr.category_id
		WHERE r.status = 'submitted' AND r.calibration_id IS NULL AND c.scale = 'range'
		AND c.value_id IS NOT NULL AND rr.rating = c.scale_max ORDER BY r.id, c.position`)
	if err != nil {
		return fmt.Errorf("demo: recognition: top ratings: %w", err)
	}
	type top struct {
		review, ticket, agent, reviewer, value int64
		at                                     time.Time
	}
	var tops []top
	for rows.Next() {
		var t top
		if err := rows.Scan(&t.review, &t.ticket, &t.agent, &t.reviewer, db.ScanTime(&t.at), &t.value); err != nil {
			rows.Close()
			return fmt.Errorf("demo: recognition: %w", err)
		}
		tops = append(tops, t)
	}
	rows.Close()
	for _, t := range tops {
		key := [3]int64{t.value, t.ticket, t.agent}
		if rd.given[key] {
			continue
		}
		status, decided := "open", t.at.Add(time.Duration(10+rd.g.rnd.IntN(50))*time.Minute)
		if rd.now.Sub(t.at) > 4*24*time.Hour {
			status = pick(rd.g.rnd, []string{"confirmed", "confirmed", "dismissed"})
		}
		var awardID *int64
		if status == "confirmed" {
			id, err := rd.award(ctx, rd.value(t.value), t.ticket, t.agent, t.reviewer, 0, "review", &t.review, decided)
			if err != nil {
				return err
			}
			awardID = &id
		}
		var decidedAt any
		if status != "open" {
			decidedAt = db.Time(decided)
		}
		_, err := rd.tx.ExecContext(ctx, `INSERT INTO badge_proposals (review_id, value_id, ticket_id, agent_id,
			reviewer_id, status, award_id, created_at, decided_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
			ON CONFLICT DO NOTHING`, t.review, t.value, t.ticket, t.agent, t.reviewer, status, awardID,
			db.Time(t.at), decidedAt)
		if err != nil {
			return fmt.Errorf("demo: recognition: proposal: %w", err)
		}
	}
	return nil
}

func (rd *recognitionDemo) value(id int64) demoValue {
	for _, v := range rd.values {
		if v.id == id {
			return v
		}
	}
	return rd.values[0]
}

// nominations has agents nominate each other for tickets they saw solved:
// about two a week over the demo's span.
func (rd *recognitionDemo) nominations(ctx context.Context) error {
	rows, err := rd.tx.QueryContext(ctx, `SELECT id, assignee_id, updated_at FROM tickets
		WHERE assignee_id IS NOT NULL AND status IN ('solved', 'closed') ORDER BY id DESC LIMIT 3000`)
	if err != nil {
		return fmt.Errorf("demo: recognition: solved tickets: %w", err)
	}
	type solved struct {
		id, agent int64
		at        time.Time
	}
	var tickets []solved
	for rows.Next() {
		var s solved
		if err := rows.Scan(&s.id, &s.agent, db.ScanTime(&s.at)); err != nil {
			rows.Close()
			return fmt.Errorf("demo: recognition: %w", err)
		}
		tickets = append(tickets, s)
	}
	rows.Close()
	if len(tickets) == 0 || len(rd.g.agents) < 2 {
		return nil
	}
	n := max(6, rd.g.o.Days*2/7)
	for range n {
		s := pick(rd.g.rnd, tickets)
		by := pick(rd.g.rnd, rd.g.agents)
		v := pick(rd.g.rnd, rd.values)
		key := [3]int64{v.id, s.id, s.agent}
		if by == s.agent || rd.given[key] {
			continue
		}
		at := minTime(s.at.Add(time.Duration(1+rd.g.rnd.IntN(20))*time.Hour), rd.now.Add(-time.Hour))
		if err := rd.nomination(ctx, v, s.id, s.agent, by, at); err != nil {
			return err
		}
	}
	return nil
}

func (rd *recognitionDemo) nomination(ctx context.Context, v demoValue, ticket, agent, by int64, at time.Time) error {
	status := "open"
	if rd.now.Sub(at) > 3*24*time.Hour {
		status = pick(rd.g.rnd, []string{"approved", "approved", "approved", "declined"})
	}
	citation := citationFor(rd.g.rnd, v.name)
	decided := minTime(at.Add(time.Duration(2+rd.g.rnd.IntN(40))*time.Hour), rd.now.Add(-time.Minute))
	var awardID, decidedBy *int64
	var decidedAt any
	note := ""
	switch status {
	case "approved":
		id, err := rd.award(ctx, v, ticket, agent, rd.lead, by, "nomination", nil, decided)
		if err != nil {
			return err
		}
		awardID, decidedBy, decidedAt, note = &id, &rd.lead, db.Time(decided), "Well spotted, thank you."
	case "declined":
		decidedBy, decidedAt, note = &rd.lead, db.Time(decided), "Good work, but the customer still had to chase us twice."
	}
	_, err := rd.tx.ExecContext(ctx, `INSERT INTO badge_nominations (value_id, ticket_id, agent_id, nominated_by,
		citation, status, note, decided_by, decided_at, award_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		v.id, ticket, agent, by, citation, status, note, decidedBy, decidedAt, awardID, db.Time(at))
	if err != nil {
		return fmt.Errorf("demo: recognition: nomination: %w", err)
	}
	return nil
}

// award writes one award and its badge.awarded event.
func (rd *recognitionDemo) award(ctx context.Context, v demoValue, ticket, agent, by, nominator int64,
	source string, review *int64, at time.Time) (int64, error) {
	rd.given[[3]int64{v.id, ticket, agent}] = true
	var nominatedBy *int64
	if nominator != 0 {
		nominatedBy = &nominator
	}
	var id int64
	err := rd.tx.QueryRowContext(ctx, `INSERT INTO badge_awards (value_id, value_name, value_code, value_colour,
		ticket_id, agent_id, awarded_by, nominated_by, source, review_id, citation, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
		v.id, v.name, v.code, v.colour, ticket, agent, by, nominatedBy, source, review,
		citationFor(rd.g.rnd, v.name), db.Time(at)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("demo: recognition: award: %w", err)
	}
	data, _ := json.Marshal(map[string]any{"award_id": id, "value_id": v.id, "value": v.name,
		"agent_id": agent, "source": source})
	_, err = rd.tx.ExecContext(ctx, `INSERT INTO events (ticket_id, type, actor_type, actor_id, at, data)
		VALUES ($1, $2, 'agent', $3, $4, $5)`, ticket, recognition.EventBadgeAwarded, by, db.Time(at), string(data))
	if err != nil {
		return 0, fmt.Errorf("demo: recognition: award event: %w", err)
	}
	rd.awards = append(rd.awards, demoAward{id: id, ticket: ticket, at: at})
	return id, nil
}

// social has colleagues react to most awards and comment on some.
func (rd *recognitionDemo) social(ctx context.Context) error {
	for _, a := range rd.awards {
		for range rd.g.rnd.IntN(min(8, len(rd.users)) + 1) {
			who := pick(rd.g.rnd, rd.users)
			kind := pick(rd.g.rnd, recognition.ReactionKinds).Key
			at := minTime(a.at.Add(time.Duration(5+rd.g.rnd.IntN(600))*time.Minute), rd.now)
			_, err := rd.tx.ExecContext(ctx, `INSERT INTO award_reactions (award_id, user_id, reaction, created_at)
				VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, a.id, who, kind, db.Time(at))
			if err != nil {
				return fmt.Errorf("demo: recognition: reaction: %w", err)
			}
		}
		if rd.g.rnd.IntN(100) >= 35 {
			continue
		}
		for range 1 + rd.g.rnd.IntN(2) {
			at := minTime(a.at.Add(time.Duration(10+rd.g.rnd.IntN(900))*time.Minute), rd.now)
			_, err := rd.tx.ExecContext(ctx, `INSERT INTO award_comments (award_id, author_id, body, created_at)
				VALUES ($1, $2, $3, $4)`, a.id, pick(rd.g.rnd, rd.users), pick(rd.g.rnd, demoComments), db.Time(at))
			if err != nil {
				return fmt.Errorf("demo: recognition: comment: %w", err)
			}
		}
	}
	return nil
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
