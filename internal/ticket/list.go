package ticket

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
)

// Listing limits.
const (
	DefaultLimit = 50
	MaxLimit     = 200
)

// Filter narrows a listing. Zero fields do not filter.
type Filter struct {
	Status       string
	AssigneeID   int64
	Unassigned   bool // only tickets nobody is assigned to
	TeamID       int64
	Tag          string
	RequesterID  int64
	UpdatedSince time.Time
	Cursor       string // from the previous page's NextCursor
	Limit        int
}

// Page is one page of a listing.
type Page struct {
	Tickets []*Ticket
	// NextCursor fetches the next page; "" on the last page.
	NextCursor string
}

// cursor is where a page ended. It is opaque to clients so the order can
// change without breaking them.
type cursor struct {
	UpdatedAt time.Time `json:"u"`
	ID        int64     `json:"i"`
}

func (c cursor) encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string) (*cursor, error) {
	if s == "" {
		return nil, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	var c cursor
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil || c.ID <= 0 {
		return nil, apperr.Invalid("cursor", "is not a cursor this API gave out")
	}
	return &c, nil
}

// where builds a WHERE clause from fixed conditions and numbered arguments;
// input only ever travels as an argument.
type where struct {
	conds []string
	args  []any
}

// add appends cond, in which %[1]s, %[2]s... stand for args in order.
func (w *where) add(cond string, args ...any) {
	marks := make([]any, len(args))
	for i, a := range args {
		w.args = append(w.args, a)
		marks[i] = fmt.Sprintf("$%d", len(w.args))
	}
	w.conds = append(w.conds, fmt.Sprintf(cond, marks...))
}

func (w *where) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return "WHERE " + strings.Join(w.conds, " AND ")
}

func (f Filter) where() (*where, error) {
	w := &where{}
	if f.Status != "" {
		if err := oneOf("status", f.Status, Statuses); err != nil {
			return nil, err
		}
		w.add("t.status = %[1]s", f.Status)
	}
	if f.Unassigned {
		w.conds = append(w.conds, "t.assignee_id IS NULL")
	} else if f.AssigneeID != 0 {
		w.add("t.assignee_id = %[1]s", f.AssigneeID)
	}
	if f.TeamID != 0 {
		w.add("t.team_id = %[1]s", f.TeamID)
	}
	if f.RequesterID != 0 {
		w.add("t.requester_id = %[1]s", f.RequesterID)
	}
	if f.Tag != "" {
		w.add("EXISTS (SELECT 1 FROM ticket_tags g WHERE g.ticket_id = t.id AND g.tag = %[1]s)",
			strings.ToLower(strings.TrimSpace(f.Tag)))
	}
	if !f.UpdatedSince.IsZero() {
		w.add("t.updated_at >= %[1]s", db.Time(f.UpdatedSince))
	}
	return w, nil
}

// List returns a page of tickets, most recently updated first. Pages are
// keyed on (updated_at, id), so a listing neither repeats nor skips a ticket
// that stays unchanged while it is paged through.
func (s *Service) List(ctx context.Context, f Filter) (*Page, error) {
	if f.Limit <= 0 {
		f.Limit = DefaultLimit
	}
	f.Limit = min(f.Limit, MaxLimit)
	w, err := f.where()
	if err != nil {
		return nil, err
	}
	after, err := decodeCursor(f.Cursor)
	if err != nil {
		return nil, err
	}
	if after != nil {
		w.add("(t.updated_at < %[1]s OR (t.updated_at = %[1]s AND t.id < %[2]s))",
			db.Time(after.UpdatedAt), after.ID)
	}
	return s.page(ctx, w, f.Limit)
}

// page runs the listing and reads one more row than asked, to know whether
// another page follows.
func (s *Service) page(ctx context.Context, w *where, limit int) (*Page, error) {
	q := s.db.Read()
	args := append(w.args, limit+1)
	rows, err := q.QueryContext(ctx, `SELECT `+ticketColumns+` FROM tickets t `+w.sql()+
		fmt.Sprintf(` ORDER BY t.updated_at DESC, t.id DESC LIMIT $%d`, len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("ticket: list: %w", err)
	}
	defer rows.Close()
	out := &Page{Tickets: []*Ticket{}}
	for rows.Next() {
		t, err := scanTicket(rows)
		if err != nil {
			return nil, fmt.Errorf("ticket: scan: %w", err)
		}
		out.Tickets = append(out.Tickets, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ticket: list: %w", err)
	}
	if len(out.Tickets) > limit {
		out.Tickets = out.Tickets[:limit]
		last := out.Tickets[limit-1]
		out.NextCursor = cursor{UpdatedAt: last.UpdatedAt, ID: last.ID}.encode()
	}
	return out, loadTags(ctx, q, out.Tickets)
}
