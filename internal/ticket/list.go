package ticket

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/field"
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
	DueBefore    time.Time // an unmet SLA clock (internal/sla) is due at or before it
	Cursor       string    // from the previous page's NextCursor
	Limit        int
	// Fields filters on custom field values: field key to the value as
	// text, parsed by the field's type.
	Fields map[string]string

	// Statuses, Priorities and Channels keep tickets whose built-in status
	// category, priority or channel is any one listed (see sort.go).
	Statuses   []string
	Priorities []string
	Channels   []string
	// Sort orders the listing: SortUpdated (the default), SortCreated,
	// SortPriority, SortNumber or SortWaiting; newest, highest, largest or
	// longest waiting first unless Ascending.
	Sort      string
	Ascending bool
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
	// Set for orders other than most recently updated first (sort.go).
	Sort      string    `json:"s,omitempty"`
	Ascending bool      `json:"a,omitempty"`
	CreatedAt time.Time `json:"c,omitzero"`  // or the wait key (sort.go)
	N         int64     `json:"n,omitempty"` // number, or priority rank
}

func (c cursor) encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor reads a page cursor; the empty cursor (the first page)
// gives (nil, nil).
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

// where builds the conditions of f; those that name a custom status or
// field look it up in q.
func (f Filter) where(ctx context.Context, q db.Queryer) (*where, error) {
	w := &where{}
	if f.Status != "" {
		if err := statusWhere(ctx, q, w, f.Status); err != nil {
			return nil, err
		}
	}
	if err := fieldsWhere(ctx, q, w, f.Fields); err != nil {
		return nil, err
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
	if !f.DueBefore.IsZero() {
		w.add("EXISTS (SELECT 1 FROM sla_clocks c WHERE c.ticket_id = t.id AND c.fulfilled_at IS NULL AND c.due_at <= %[1]s)", db.Time(f.DueBefore))
	}
	if err := f.setsWhere(w); err != nil {
		return nil, err
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
	w, err := f.where(ctx, s.db.Reader(ctx))
	if err != nil {
		return nil, err
	}
	o, err := f.order()
	if err != nil {
		return nil, err
	}
	after, err := decodeCursor(f.Cursor)
	if err != nil {
		return nil, err
	}
	if after != nil {
		if err := o.after(w, after); err != nil {
			return nil, err
		}
	}
	return s.page(ctx, w, f.Limit, o)
}

// page runs the listing and reads one more row than asked, to know whether
// another page follows.
func (s *Service) page(ctx context.Context, w *where, limit int, o order) (*Page, error) {
	q := s.db.Reader(ctx)
	args := append(w.args, limit+1)
	// The page's ids are found first and its rows read after: the ids'
	// query can often be answered from an index alone, so a sort of many
	// matches (by priority, say) sorts keys rather than whole rows.
	rows, err := q.QueryContext(ctx, `SELECT `+ticketColumns+` FROM tickets t WHERE t.id IN (
		SELECT t.id FROM tickets t `+w.sql()+fmt.Sprintf(` ORDER BY %s LIMIT $%d)`, o.sql(), len(args))+
		` ORDER BY `+o.sql(), args...)
	if err != nil {
		return nil, fmt.Errorf("ticket: list: %w", err)
	}
	defer rows.Close()
	page := make([]scanned, 0, limit+1)
	for rows.Next() {
		t, err := scanTicket(rows)
		if err != nil {
			return nil, fmt.Errorf("ticket: scan: %w", err)
		}
		page = append(page, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ticket: list: %w", err)
	}
	out := &Page{Tickets: make([]*Ticket, 0, len(page))}
	if len(page) > limit {
		page = page[:limit]
		c := o.cursorAt(page[limit-1].Ticket)
		if o.sort == SortDeadline { // the key is not on the ticket
			if err := q.QueryRowContext(ctx, `SELECT `+deadlineKey+` FROM tickets t WHERE t.id = $1`, c.ID).Scan(db.ScanTime(&c.CreatedAt)); err != nil {
				return nil, fmt.Errorf("ticket: deadline of %d: %w", c.ID, err)
			}
		}
		out.NextCursor = c.encode()
	}
	for _, t := range page {
		out.Tickets = append(out.Tickets, t.Ticket)
	}
	return out, loadDetails(ctx, q, page)
}

// statusWhere filters on a built-in status, or on a custom status by key.
func statusWhere(ctx context.Context, q db.Queryer, w *where, status string) error {
	category, custom, err := resolveStatus(ctx, q, status)
	if err != nil {
		return err
	}
	if custom != nil {
		w.add("t.custom_status_id = %[1]s", custom.ID)
	} else {
		w.add("t.status = %[1]s", category)
	}
	return nil
}

// MaxFieldFilters bounds the custom field filters of one listing, since
// each is a subquery.
const MaxFieldFilters = 5

// fieldsWhere adds one condition per custom field filter. The value is
// parsed by the field's type, so a number matches 42 and 42.0 alike; a
// checkbox filtered on false matches tickets where it is not ticked.
func fieldsWhere(ctx context.Context, q db.Queryer, w *where, filters map[string]string) error {
	if len(filters) == 0 {
		return nil
	}
	if len(filters) > MaxFieldFilters {
		return apperr.Invalid("field", "a listing takes at most %d custom field filters", MaxFieldFilters)
	}
	keys := slices.Sorted(maps.Keys(filters))
	defs, err := field.ByKeys(ctx, q, keys)
	if err != nil {
		return err
	}
	for _, key := range keys {
		f, ok := defs[key]
		if !ok {
			return apperr.Invalid("field."+key, "no custom field has this key")
		}
		if err := fieldWhere(w, f, filters[key]); err != nil {
			return err
		}
	}
	return nil
}

const fieldValueExists = `EXISTS (SELECT 1 FROM ticket_field_values v
	WHERE v.ticket_id = t.id AND v.field_id = %[1]s AND `

func fieldWhere(w *where, f *field.Field, raw string) error {
	name := "field." + f.Key
	switch f.Type {
	case field.TypeText, field.TypeDropdown:
		if raw == "" {
			return apperr.Invalid(name, "needs a value")
		}
		w.add(fieldValueExists+`v.value_text = %[2]s)`, f.ID, raw)
	case field.TypeNumber:
		n, err := strconv.ParseFloat(raw, 64)
		if err != nil || math.IsNaN(n) || math.IsInf(n, 0) {
			return apperr.Invalid(name, "must be a number, not %q", raw)
		}
		w.add(fieldValueExists+`v.value_number = %[2]s)`, f.ID, n)
	case field.TypeDate:
		if _, err := time.Parse(field.DateLayout, raw); err != nil {
			return apperr.Invalid(name, "must be a date as YYYY-MM-DD, not %q", raw)
		}
		w.add(fieldValueExists+`v.value_date = %[2]s)`, f.ID, raw)
	case field.TypeCheckbox:
		ticked, err := strconv.ParseBool(raw)
		if err != nil {
			return apperr.Invalid(name, "must be true or false, not %q", raw)
		}
		cond := fieldValueExists + `v.value_bool)`
		if !ticked {
			cond = "NOT " + cond
		}
		w.add(cond, f.ID)
	}
	return nil
}
