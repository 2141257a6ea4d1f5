package demo

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
)

// stmts are the prepared inserts of one batch.
type stmts struct {
	ticket, tag, message, event *sql.Stmt
}

func prepare(ctx context.Context, tx *sql.Tx) (*stmts, error) {
	var s stmts
	var err error
	for _, p := range []struct {
		dst **sql.Stmt
		sql string
	}{
		{&s.ticket, `INSERT INTO tickets (number, subject, status, priority, channel, requester_id, assignee_id,
			team_id, created_at, updated_at, first_reply_at, solved_at, closed_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`},
		{&s.tag, `INSERT INTO ticket_tags (ticket_id, tag) VALUES ($1, $2)`},
		{&s.message, `INSERT INTO messages (ticket_id, kind, author_type, author_id, body_text, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`},
		{&s.event, `INSERT INTO events (ticket_id, type, actor_type, actor_id, at, data)
			VALUES ($1, $2, $3, $4, $5, $6)`},
	} {
		if *p.dst, err = tx.PrepareContext(ctx, p.sql); err != nil {
			s.close()
			return nil, fmt.Errorf("demo: prepare: %w", err)
		}
	}
	return &s, nil
}

func (s *stmts) close() {
	for _, st := range []*sql.Stmt{s.ticket, s.tag, s.message, s.event} {
		if st != nil {
			st.Close()
		}
	}
}

// ticketBatch writes n tickets with their conversations and history.
func (g *generator) ticketBatch(ctx context.Context, tx *sql.Tx, n int) error {
	numbers, err := g.tickets.ReserveNumbers(ctx, tx, n)
	if err != nil {
		return err
	}
	st, err := prepare(ctx, tx)
	if err != nil {
		return err
	}
	defer st.close()
	for _, number := range numbers {
		if err := g.writeTicket(ctx, st, g.newTicket(number)); err != nil {
			return err
		}
	}
	return nil
}

// draft is a ticket before it is written.
type draft struct {
	number                     int64
	subject, status, priority  string
	channel                    string
	requester                  int64
	assignee, team             *int64
	created, updated           time.Time
	firstReply, solved, closed *time.Time
	tags                       []string
	messages                   []draftMessage
}

type draftMessage struct {
	kind, authorType string
	authorID         int64
	body             string
	at               time.Time
}

func (g *generator) newTicket(number int64) *draft {
	r := g.rnd
	created := g.businessTime()
	t := &draft{number: number, created: created, channel: weighted(r, channels),
		priority: weighted(r, priorities), requester: g.requester(),
		subject: fmt.Sprintf("My %s %s", pick(r, products), pick(r, problems))}
	for range r.IntN(3) {
		t.tags = append(t.tags, pick(r, tags))
	}
	slices.Sort(t.tags)
	t.tags = slices.Compact(t.tags)
	t.status = g.statusFor(created)
	if t.status != "new" {
		i := r.IntN(len(g.agents))
		t.assignee, t.team = &g.agents[i], &g.teams[i/3]
	}
	g.converse(t)
	return t
}

// converse writes the conversation: the customer's question, then agent
// replies, customer answers and the odd internal note, each some minutes
// to hours after the one before.
func (g *generator) converse(t *draft) {
	r := g.rnd
	at := t.created
	body := fmt.Sprintf("%s\n\n%s %s\n\n%s", pick(r, openers), t.subject+".", pick(r, details), pick(r, details))
	t.messages = append(t.messages, draftMessage{"reply", "customer", t.requester, body, at})
	count := r.IntN(9) // 0 to 8 more: about 5 messages a ticket
	if t.status == "new" {
		count = r.IntN(2)
	}
	for i := range count {
		at = at.Add(time.Duration(5+r.IntN(240)) * time.Minute)
		if at.After(g.o.Now) {
			break
		}
		switch {
		case t.assignee == nil:
			t.messages = append(t.messages, draftMessage{"reply", "customer", t.requester, pick(r, customerReplies), at})
		case r.IntN(6) == 0:
			t.messages = append(t.messages, draftMessage{"note", "agent", *t.assignee, pick(r, notes), at})
		case i%2 == 0:
			t.messages = append(t.messages, draftMessage{"reply", "agent", *t.assignee, pick(r, agentReplies), at})
			if t.firstReply == nil {
				first := at
				t.firstReply = &first
			}
		default:
			t.messages = append(t.messages, draftMessage{"reply", "customer", t.requester, pick(r, customerReplies), at})
		}
	}
	t.updated = at
	if t.status == "solved" || t.status == "closed" {
		solved := at.Add(time.Duration(1+r.IntN(60)) * time.Minute)
		t.solved, t.updated = &solved, solved
	}
	if t.status == "closed" {
		closed := t.solved.Add(96 * time.Hour)
		if closed.After(g.o.Now) {
			closed = g.o.Now
		}
		t.closed, t.updated = &closed, closed
	}
}

// statusFor makes old tickets mostly finished and recent ones mostly open.
func (g *generator) statusFor(created time.Time) string {
	age := g.o.Now.Sub(created)
	u := g.rnd.Float64()
	switch {
	case age > 14*24*time.Hour:
		return pickBelow(u, []float64{0.55, 0.92, 0.96, 0.98}, []string{"closed", "solved", "pending", "on_hold", "open"})
	case age > 4*24*time.Hour:
		return pickBelow(u, []float64{0.45, 0.65, 0.75, 0.80}, []string{"solved", "pending", "open", "on_hold", "closed"})
	default:
		return pickBelow(u, []float64{0.35, 0.70, 0.85}, []string{"new", "open", "pending", "solved"})
	}
}

func pickBelow(u float64, bounds []float64, values []string) string {
	for i, b := range bounds {
		if u < b {
			return values[i]
		}
	}
	return values[len(values)-1]
}

// requester favours some customers: a few write in often, most rarely.
func (g *generator) requester() int64 {
	u := g.rnd.Float64()
	return g.customers[int(float64(len(g.customers))*u*u)]
}

// businessTime picks a moment in the last Days, weighted to weekdays and
// office hours, as real tickets arrive.
func (g *generator) businessTime() time.Time {
	r := g.rnd
	for {
		day := g.o.Now.AddDate(0, 0, -r.IntN(g.o.Days)).Truncate(24 * time.Hour)
		if wd := day.Weekday(); (wd == time.Saturday || wd == time.Sunday) && r.IntN(4) != 0 {
			continue
		}
		hour := 13 + r.NormFloat64()*3
		hour = math.Max(0, math.Min(23.99, hour))
		at := day.Add(time.Duration(hour * float64(time.Hour)))
		if at.Before(g.o.Now) {
			return at
		}
	}
}

var (
	channels   = map[string]int{"email": 60, "portal": 20, "chat": 10, "api": 5, "phone": 5}
	priorities = map[string]int{"low": 20, "normal": 60, "high": 15, "urgent": 5}
)

// weighted picks a key with probability proportional to its weight, in a
// fixed order so a seed gives the same desk every time.
func weighted(r interface{ IntN(int) int }, w map[string]int) string {
	keys := make([]string, 0, len(w))
	total := 0
	for k, v := range w {
		keys = append(keys, k)
		total += v
	}
	slices.Sort(keys)
	n := r.IntN(total)
	for _, k := range keys {
		if n < w[k] {
			return k
		}
		n -= w[k]
	}
	return keys[len(keys)-1]
}

// writeTicket inserts the ticket, its tags and messages, and the events of
// its history.
func (g *generator) writeTicket(ctx context.Context, st *stmts, t *draft) error {
	var id int64
	err := st.ticket.QueryRowContext(ctx, t.number, t.subject, t.status, t.priority, t.channel, t.requester,
		t.assignee, t.team, db.Time(t.created), db.Time(t.updated), db.NullTime(t.firstReply),
		db.NullTime(t.solved), db.NullTime(t.closed)).Scan(&id)
	if err != nil {
		return fmt.Errorf("demo: insert ticket #%d: %w", t.number, err)
	}
	for _, tag := range t.tags {
		if _, err := st.tag.ExecContext(ctx, id, tag); err != nil {
			return fmt.Errorf("demo: insert tag: %w", err)
		}
	}
	ev := func(typ, actorType string, actorID *int64, at time.Time, data map[string]any) error {
		b, _ := json.Marshal(data)
		if _, err := st.event.ExecContext(ctx, id, typ, actorType, actorID, db.Time(at), string(b)); err != nil {
			return fmt.Errorf("demo: insert event: %w", err)
		}
		return nil
	}
	err = ev("ticket.created", "customer", &t.requester, t.created, map[string]any{"number": t.number,
		"subject": t.subject, "status": "new", "priority": t.priority, "channel": t.channel,
		"requester_id": t.requester, "tags": t.tags})
	if err != nil {
		return err
	}
	for _, m := range t.messages {
		var mid int64
		if err := st.message.QueryRowContext(ctx, id, m.kind, m.authorType, m.authorID, m.body,
			db.Time(m.at)).Scan(&mid); err != nil {
			return fmt.Errorf("demo: insert message: %w", err)
		}
		author := m.authorID
		if err := ev("message.added", m.authorType, &author, m.at, map[string]any{"message_id": mid, "kind": m.kind}); err != nil {
			return err
		}
	}
	g.res.Tickets++
	g.res.Messages += len(t.messages)
	return g.historyEvents(t, ev)
}

// historyEvents records the assignment and the status changes that took
// the ticket where it is.
func (g *generator) historyEvents(t *draft, ev func(string, string, *int64, time.Time, map[string]any) error) error {
	if t.assignee == nil {
		return nil
	}
	at := t.created.Add(2 * time.Minute)
	change := func(field string, before, after any) map[string]any {
		return map[string]any{"field": field, "before": before, "after": after}
	}
	if err := ev("ticket.assignee_changed", "agent", t.assignee, at, change("assignee_id", nil, *t.assignee)); err != nil {
		return err
	}
	if err := ev("ticket.team_changed", "agent", t.assignee, at, change("team_id", nil, *t.team)); err != nil {
		return err
	}
	if err := ev("ticket.status_changed", "agent", t.assignee, at, change("status", "new", "open")); err != nil {
		return err
	}
	if t.solved != nil {
		if err := ev("ticket.status_changed", "agent", t.assignee, *t.solved, change("status", "open", "solved")); err != nil {
			return err
		}
	}
	if t.closed != nil {
		return ev("ticket.status_changed", "system", nil, *t.closed, change("status", "solved", "closed"))
	}
	if t.status != "open" && t.status != "solved" {
		return ev("ticket.status_changed", "agent", t.assignee, t.updated, change("status", "open", t.status))
	}
	return nil
}
