package demo

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/settings"
)

// Coaching, concerns and tiers for the demo: the admin (who leads) has
// coached a few agents, each session linked to one of their reviews, one
// of their tickets and a value, with agreed actions, some done; two
// follow-ups are due (the server reminds both at its next tick), one is
// still ahead and one was reminded of long ago. Agents raised concerns that
// are open, under investigation, resolved and dismissed. The tier cut-offs
// are set a little below the defaults.

// demoCutoffs are the demo's tier cut-offs.
var demoCutoffs = map[string]string{"standing_green_from": "75", "standing_orange_from": "55"}

type demoSession struct {
	notes    string
	actions  []string
	done     int // how many of the actions are done
	heldAgo  int // days
	followIn int // days from now; negative is past
	reminded bool
}

var demoSessions = []demoSession{
	{"Went through a refund the customer had to ask for three times. Agreed to own a ticket until it is solved.",
		[]string{"Reread the refund policy", "Set a reminder when promising a call back", "Pair with a senior on two refunds"}, 1, 12, -1, false},
	{"Tone in long threads: warm at the start, curt by the fifth message. Practised a few replies together.",
		[]string{"Read back the last reply before sending in threads over five messages", "Share one good reply in the team channel"}, 2, 20, -3, false},
	{"Great work on the outage week. Talked about taking on the knowledge base.",
		[]string{"Draft two articles from this month's tickets"}, 0, 3, 11, false},
	{"Missed a critical check on an account change. Walked through the verification steps.",
		[]string{"Run the verification checklist on every account change", "Review the checklist with the lead in two weeks"}, 2, 45, -30, true},
}

type demoConcern struct {
	body, status, outcome string
	daysAgo               int
}

var demoConcerns = []demoConcern{
	{"A customer was told to reinstall for the third time although the logs pointed at our side. That is not trustful.", "open", "", 2},
	{"We closed a ticket as solved while the customer was still waiting for the refund to arrive.", "investigating", "", 6},
	{"A macro promises a reply within the hour, which we cannot keep at night.", "resolved",
		"Thanks for raising it. The macro now promises a reply the next working morning, and night shifts see it in training.", 25},
	{"A colleague answered in a language the customer did not write in.", "dismissed",
		"We looked: the customer asked for English in an earlier ticket. No change needed, but thank you for watching out.", 40},
}

// coachingAndTiers writes the demo's coaching sessions, concerns and tier
// cut-offs; it needs the reviews and values of the earlier demos.
func (g *generator) coachingAndTiers(ctx context.Context) error {
	return g.d.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var lead int64
		if err := tx.QueryRowContext(ctx, `SELECT id FROM users WHERE email = $1`, g.res.AdminEmail).Scan(&lead); err != nil {
			return fmt.Errorf("demo: people: lead: %w", err)
		}
		now := g.o.Now
		for k, v := range demoCutoffs {
			if err := settings.PutTx(ctx, tx, k, v, now); err != nil {
				return fmt.Errorf("demo: people: %w", err)
			}
		}
		for i, s := range demoSessions {
			if err := g.coachingSession(ctx, tx, lead, g.agents[(i*3)%len(g.agents)], s); err != nil {
				return err
			}
		}
		for i, c := range demoConcerns {
			if err := g.concern(ctx, tx, lead, g.agents[(i*5+1)%len(g.agents)], c); err != nil {
				return err
			}
		}
		return nil
	})
}

func (g *generator) coachingSession(ctx context.Context, tx *sql.Tx, lead, agent int64, s demoSession) error {
	now := g.o.Now
	held := now.AddDate(0, 0, -s.heldAgo)
	follow := now.AddDate(0, 0, s.followIn)
	var reminded *time.Time
	if s.reminded {
		reminded = &follow
	}
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO coaching_sessions (agent_id, lead_id, notes, follow_up_at,
		reminded_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`,
		agent, lead, s.notes, db.Time(follow), db.NullTime(reminded), db.Time(held)).Scan(&id)
	if err != nil {
		return fmt.Errorf("demo: people: session: %w", err)
	}
	for i, a := range s.actions {
		var doneAt *time.Time
		if i < s.done {
			t := held.AddDate(0, 0, i+1)
			doneAt = &t
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO coaching_actions (session_id, body, done, done_at, position)
			VALUES ($1, $2, $3, $4, $5)`, id, a, doneAt != nil, db.NullTime(doneAt), i); err != nil {
			return fmt.Errorf("demo: people: action: %w", err)
		}
	}
	return g.coachingLinks(ctx, tx, id, agent)
}

// coachingLinks links a session to one of the agent's reviews, one of
// their tickets and a value, where the demo has them.
func (g *generator) coachingLinks(ctx context.Context, tx *sql.Tx, session, agent int64) error {
	for _, l := range []struct {
		column, query string
		args          []any
	}{
		{"review_id", `SELECT id FROM reviews WHERE agent_id = $1 AND status = 'submitted' ORDER BY score, id LIMIT 1`, []any{agent}},
		{"ticket_id", `SELECT id FROM tickets WHERE assignee_id = $1 ORDER BY id DESC LIMIT 1`, []any{agent}},
		{"value_id", `SELECT id FROM team_values ORDER BY position, id LIMIT 1`, nil},
	} {
		var ref int64
		err := tx.QueryRowContext(ctx, l.query, l.args...).Scan(&ref)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return fmt.Errorf("demo: people: %s: %w", l.column, err)
		}
		// column is one of the three literals above.
		if _, err := tx.ExecContext(ctx, `INSERT INTO coaching_links (session_id, `+l.column+`) VALUES ($1, $2)`,
			session, ref); err != nil {
			return fmt.Errorf("demo: people: link: %w", err)
		}
	}
	return nil
}

func (g *generator) concern(ctx context.Context, tx *sql.Tx, lead, raiser int64, c demoConcern) error {
	at := g.o.Now.AddDate(0, 0, -c.daysAgo)
	var handled any
	var closed *time.Time
	if c.status != "open" {
		handled = lead
	}
	if c.outcome != "" {
		t := at.AddDate(0, 0, 3)
		closed = &t
	}
	var ticketID sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT MAX(id) FROM tickets WHERE assignee_id <> $1`, raiser).Scan(&ticketID); err != nil {
		return fmt.Errorf("demo: people: concern ticket: %w", err)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO concerns (raised_by, ticket_id, body, status, outcome, handled_by,
		created_at, updated_at, closed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		raiser, ticketID, c.body, c.status, c.outcome, handled, db.Time(at), db.Time(at.AddDate(0, 0, 1)), db.NullTime(closed))
	if err != nil {
		return fmt.Errorf("demo: people: concern: %w", err)
	}
	return nil
}
