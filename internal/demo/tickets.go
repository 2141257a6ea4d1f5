package demo

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// ticketBatch writes n tickets with their conversations and history, each
// table's rows in a few multi-row INSERTs: a round trip per row made
// PostgreSQL six times slower than it need be.
func (g *generator) ticketBatch(ctx context.Context, tx *sql.Tx, n int) error {
	numbers, err := g.tickets.ReserveNumbers(ctx, tx, n)
	if err != nil {
		return err
	}
	drafts := make([]*draft, len(numbers))
	messages := 0
	for i, number := range numbers {
		drafts[i] = g.newTicket(number)
		messages += len(drafts[i].messages)
	}
	ticketIDs, err := g.reserveIDs(ctx, tx, "tickets", len(drafts))
	if err != nil {
		return err
	}
	messageIDs, err := g.reserveIDs(ctx, tx, "messages", messages)
	if err != nil {
		return err
	}
	var rows batchRows
	for i, t := range drafts {
		if err := rows.add(t, ticketIDs[i], messageIDs[:len(t.messages)]); err != nil {
			return err
		}
		messageIDs = messageIDs[len(t.messages):]
		g.res.Tickets++
		g.res.Messages += len(t.messages)
	}
	return rows.insert(ctx, tx, g.d.Dialect())
}

// reserveIDs returns n new ids for table's rows. On SQLite the write
// transaction holds the only write lock, so the ids after the highest are
// free; on PostgreSQL they come from the column's identity sequence, as a
// plain INSERT's would.
func (g *generator) reserveIDs(ctx context.Context, tx *sql.Tx, table string, n int) ([]int64, error) {
	out := make([]int64, 0, n)
	if n == 0 {
		return out, nil
	}
	if g.d.Dialect() == db.Postgres {
		rows, err := tx.QueryContext(ctx, `SELECT nextval(pg_get_serial_sequence($1, 'id')) FROM generate_series(1, $2)`, table, n)
		if err != nil {
			return nil, fmt.Errorf("demo: reserve %s ids: %w", table, err)
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return nil, fmt.Errorf("demo: reserve %s ids: %w", table, err)
			}
			out = append(out, id)
		}
		return out, rows.Err()
	}
	var highest int64
	// table is one of this package's constants, never input.
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM `+table).Scan(&highest); err != nil {
		return nil, fmt.Errorf("demo: reserve %s ids: %w", table, err)
	}
	for i := range int64(n) {
		out = append(out, highest+1+i)
	}
	return out, nil
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
	st := &stories[r.IntN(len(stories))]
	t := &draft{number: number, created: created, channel: weighted(r, channels),
		priority: weighted(r, priorities), requester: g.requester(), subject: st.subject, tags: []string{st.tag}}
	if r.IntN(5) == 0 {
		t.tags = append(t.tags, pick(r, tags))
	}
	slices.Sort(t.tags)
	t.tags = slices.Compact(t.tags)
	t.status = g.statusFor(created)
	if t.status != "new" {
		g.assign(t)
	}
	g.converse(t, st)
	return t
}

// assign gives the ticket an agent and the agent's team; the admin, who
// also answers customers, gets a share of the open work so their own inbox
// is not empty.
func (g *generator) assign(t *draft) {
	if g.admin != 0 && g.rnd.IntN(12) == 0 {
		t.assignee, t.team = &g.admin, &g.teams[0]
		return
	}
	i := g.rnd.IntN(len(g.agents))
	t.assignee, t.team = &g.agents[i], &g.teams[i/3]
}

// converse writes the ticket's story: the customer's question, the agent's
// answer, perhaps a follow-up and its answer, and the customer's thanks
// once it is solved; the odd internal note between. A ticket still open
// ends on the customer's follow-up, one pending on the agent's answer.
func (g *generator) converse(t *draft, st *story) {
	r := g.rnd
	at := t.created
	customer := g.customerFirst[t.requester]
	say := func(kind, authorType string, author int64, body string) bool {
		if at.After(g.o.Now) {
			return false
		}
		t.messages = append(t.messages, draftMessage{kind, authorType, author, body, at})
		at = at.Add(time.Duration(5+r.IntN(240)) * time.Minute)
		return true
	}
	fromCustomer := func(text string) bool {
		return say("reply", "customer", t.requester, pick(r, openers)+"\n\n"+text+"\n\n"+customer)
	}
	fromAgent := func(text string) bool {
		ok := say("reply", "agent", *t.assignee, "Hi "+customer+",\n\n"+text+"\n\nBest,\n"+g.agentFirst[*t.assignee])
		if ok && t.firstReply == nil {
			first := t.messages[len(t.messages)-1].at
			t.firstReply = &first
		}
		return ok
	}
	fromCustomer(st.opening)
	if t.assignee == nil {
		if r.IntN(3) == 0 {
			fromCustomer("Any news on this? " + st.opening)
		}
		g.finish(t)
		return
	}
	if r.IntN(5) == 0 {
		say("note", "agent", *t.assignee, pick(r, notes))
	}
	done := t.status == "solved" || t.status == "closed"
	if t.status == "open" && st.followUp == "" {
		g.finish(t) // waiting for the first answer
		return
	}
	fromAgent(st.reply)
	if st.followUp != "" && (t.status == "open" || r.IntN(3) > 0) {
		fromCustomer(st.followUp)
		if t.status == "open" {
			g.finish(t)
			return
		}
		fromAgent(st.answer)
	}
	if done {
		fromCustomer(st.closing)
	}
	g.finish(t)
}

// finish dates the ticket's last change and its solving and closing.
func (g *generator) finish(t *draft) {
	r := g.rnd
	t.updated = t.messages[len(t.messages)-1].at
	if t.status == "solved" || t.status == "closed" {
		solved := t.updated.Add(time.Duration(1+r.IntN(60)) * time.Minute)
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

// batchRows are the rows of a batch of tickets, table by table.
type batchRows struct {
	tickets, tags, messages, events [][]any
}

// add turns a draft into its rows: the ticket, its tags, its messages, and
// the events of its history, as the services would have written them.
func (b *batchRows) add(t *draft, id int64, messageIDs []int64) error {
	b.tickets = append(b.tickets, []any{id, t.number, t.subject, t.status, t.priority, t.channel, t.requester,
		t.assignee, t.team, db.Time(t.created), db.Time(t.updated), db.NullTime(t.firstReply),
		db.NullTime(t.solved), db.NullTime(t.closed)})
	for _, tag := range t.tags {
		b.tags = append(b.tags, []any{id, tag})
	}
	ev := func(typ, actorType string, actorID *int64, at time.Time, data map[string]any) error {
		js, err := json.Marshal(data)
		if err != nil {
			return fmt.Errorf("demo: event data: %w", err)
		}
		b.events = append(b.events, []any{id, typ, actorType, actorID, db.Time(at), string(js)})
		return nil
	}
	err := ev("ticket.created", "customer", &t.requester, t.created, map[string]any{"number": t.number,
		"subject": t.subject, "status": "new", "priority": t.priority, "channel": t.channel,
		"requester_id": t.requester, "tags": t.tags, "custom_fields": map[string]any{}})
	if err != nil {
		return err
	}
	for i, m := range t.messages {
		b.messages = append(b.messages, []any{messageIDs[i], id, m.kind, m.authorType, m.authorID, m.body, db.Time(m.at)})
		author := m.authorID
		if err := ev("message.added", m.authorType, &author, m.at,
			map[string]any{"message_id": messageIDs[i], "kind": m.kind, "attachments": 0}); err != nil {
			return err
		}
	}
	return historyEvents(t, ev)
}

// insert writes the batch's rows, parents before children.
func (b *batchRows) insert(ctx context.Context, tx *sql.Tx, dialect db.Dialect) error {
	for _, t := range []struct {
		table string
		cols  []string
		rows  [][]any
	}{
		{"tickets", []string{"id", "number", "subject", "status", "priority", "channel", "requester_id",
			"assignee_id", "team_id", "created_at", "updated_at", "first_reply_at", "solved_at", "closed_at"}, b.tickets},
		{"ticket_tags", []string{"ticket_id", "tag"}, b.tags},
		{"messages", []string{"id", "ticket_id", "kind", "author_type", "author_id", "body_text", "created_at"}, b.messages},
		{"events", []string{"ticket_id", "type", "actor_type", "actor_id", "at", "data"}, b.events},
	} {
		if err := insertRows(ctx, tx, dialect, t.table, t.cols, t.rows); err != nil {
			return err
		}
	}
	// The rows above skip the ticket package, which keeps the customers'
	// waits as messages arrive: work them out once for the batch.
	if len(b.tickets) == 0 {
		return nil
	}
	first, last := int64(math.MaxInt64), int64(0)
	for _, row := range b.tickets {
		first, last = min(first, row[0].(int64)), max(last, row[0].(int64))
	}
	// Each message came by its ticket's channel (the column's default is
	// email), before effort is worked out from them.
	if _, err := tx.ExecContext(ctx, `UPDATE messages SET channel = (SELECT t.channel FROM tickets t
		WHERE t.id = messages.ticket_id) WHERE ticket_id BETWEEN $1 AND $2`, first, last); err != nil {
		return fmt.Errorf("demo: message channels: %w", err)
	}
	return ticket.RecountWaiting(ctx, tx, first, last)
}

// maxParams keeps one statement under SQLite's limit on bound parameters
// (32,766), which is below PostgreSQL's (65,535).
const maxParams = 30000

// insertRows inserts rows into table in as few statements as the parameter
// limit allows. table and cols are this package's constants, never input.
// SQLite gets anonymous ? parameters: it looks each numbered one up in a
// list, which made a statement of thousands of them quadratic.
func insertRows(ctx context.Context, tx *sql.Tx, dialect db.Dialect, table string, cols []string, rows [][]any) error {
	per := maxParams / len(cols)
	for len(rows) > 0 {
		chunk := rows[:min(per, len(rows))]
		rows = rows[len(chunk):]
		var sb strings.Builder
		fmt.Fprintf(&sb, "INSERT INTO %s (%s) VALUES ", table, strings.Join(cols, ", "))
		args := make([]any, 0, len(chunk)*len(cols))
		for i, row := range chunk {
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteByte('(')
			for j, v := range row {
				if j > 0 {
					sb.WriteString(", ")
				}
				args = append(args, v)
				if dialect == db.SQLite {
					sb.WriteByte('?')
				} else {
					fmt.Fprintf(&sb, "$%d", len(args))
				}
			}
			sb.WriteByte(')')
		}
		if _, err := tx.ExecContext(ctx, sb.String(), args...); err != nil {
			return fmt.Errorf("demo: insert %s: %w", table, err)
		}
	}
	return nil
}

// historyEvents records the assignment and the status changes that took
// the ticket where it is.
func historyEvents(t *draft, ev func(string, string, *int64, time.Time, map[string]any) error) error {
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
