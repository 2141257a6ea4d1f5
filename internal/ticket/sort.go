package ticket

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
)

// The orders a listing can take.
const (
	SortUpdated  = "updated"
	SortCreated  = "created"
	SortPriority = "priority"
	SortNumber   = "number"
	// SortWaiting puts the customers who have waited longest first (see
	// waiting.go), then the tickets nobody waits on, least recently
	// updated first; Ascending turns it round.
	SortWaiting = "waiting"
	// SortDeadline puts the soonest SLA deadline first (deadlineKey).
	SortDeadline = "deadline"
)

// Sorts lists every order a listing can take.
var Sorts = []string{SortUpdated, SortCreated, SortPriority, SortNumber, SortWaiting, SortDeadline}

// waitRank puts waiting tickets (0) before the rest (1), and waitKey
// gives every ticket a time to sort on: when the wait began, or for the
// rest their last change. Neither is NULL, so a cursor can compare them.
const (
	waitRank = `(CASE WHEN t.waiting_since IS NULL THEN 1 ELSE 0 END)`
	waitKey  = `COALESCE(t.waiting_since, t.updated_at)`
	// deadlineKey: the soonest due_at of the ticket's unmet SLA clocks (internal/sla's table, read only); none sorts last.
	deadlineKey = `COALESCE((SELECT MIN(c.due_at) FROM sla_clocks c WHERE c.ticket_id = t.id AND c.fulfilled_at IS NULL), '9999-12-31T23:59:59.999Z')`
)

// MaxSetFilter bounds each of a filter's value sets (statuses, priorities,
// channels); each set is one IN list.
const MaxSetFilter = 10

// priorityRank orders priorities from low to urgent. It is spelt out in SQL
// so the database sorts by it; the Go side computes the same rank for the
// cursor.
const priorityRank = `(CASE t.priority WHEN 'low' THEN 0 WHEN 'normal' THEN 1 WHEN 'high' THEN 2 ELSE 3 END)`

// setsWhere adds the IN conditions of the value-set filters, each value
// checked against the schema's allow-list.
func (f Filter) setsWhere(w *where) error {
	sets := []struct {
		field, column string
		values, known []string
	}{
		{"statuses", "t.status", f.Statuses, Statuses},
		{"priorities", "t.priority", f.Priorities, Priorities},
		{"channels", "t.channel", f.Channels, Channels},
	}
	for _, s := range sets {
		if len(s.values) == 0 {
			continue
		}
		if len(s.values) > MaxSetFilter {
			return apperr.Invalid(s.field, "takes at most %d values", MaxSetFilter)
		}
		args := make([]any, len(s.values))
		marks := make([]string, len(s.values))
		for i, v := range s.values {
			if err := oneOf(s.field, v, s.known); err != nil {
				return err
			}
			args[i] = v
			marks[i] = fmt.Sprintf("%%[%d]s", i+1)
		}
		w.add(s.column+" IN ("+strings.Join(marks, ", ")+")", args...)
	}
	return nil
}

// order is the ORDER BY of a listing and the keyset its cursors walk: the
// key columns, last of which is always the unique id.
type order struct {
	sort string
	asc  bool
}

func (f Filter) order() (order, error) {
	o := order{sort: f.Sort, asc: f.Ascending}
	if o.sort == "" {
		o.sort = SortUpdated
	}
	if !slices.Contains(Sorts, o.sort) {
		return o, apperr.Invalid("sort", "must be one of %s, not %q", strings.Join(Sorts, ", "), f.Sort)
	}
	return o, nil
}

// keys returns the key expressions of the order.
func (o order) keys() []string {
	switch o.sort {
	case SortCreated:
		return []string{"t.created_at", "t.id"}
	case SortPriority:
		return []string{priorityRank, "t.updated_at", "t.id"}
	case SortNumber:
		return []string{"t.number", "t.id"}
	case SortWaiting:
		return []string{waitRank, waitKey, "t.id"}
	case SortDeadline:
		return []string{deadlineKey, "t.id"}
	}
	return []string{"t.updated_at", "t.id"}
}

// ascendingKeys tells whether the keys run ascending in SQL: the first
// in the waiting order is the earliest wait, so that order runs the other
// way round from the rest.
func (o order) ascendingKeys() bool {
	return o.asc != (o.sort == SortWaiting || o.sort == SortDeadline)
}

func (o order) sql() string {
	dir := " DESC"
	if o.ascendingKeys() {
		dir = " ASC"
	}
	keys := o.keys()
	for i := range keys {
		keys[i] += dir
	}
	return strings.Join(keys, ", ")
}

// cursorAt is the cursor of a page that ended with t.
func (o order) cursorAt(t *Ticket) cursor {
	c := cursor{UpdatedAt: t.UpdatedAt, ID: t.ID}
	if o.sort == SortUpdated && !o.asc {
		return c // the cursor every client already holds
	}
	c.Sort, c.Ascending = o.sort, o.asc
	switch o.sort {
	case SortCreated:
		c.CreatedAt = t.CreatedAt
	case SortPriority:
		c.N = int64(slices.Index(Priorities, t.Priority))
	case SortNumber:
		c.N = t.Number
	case SortWaiting:
		c.N, c.CreatedAt = 1, t.UpdatedAt // CreatedAt holds the wait key
		if t.WaitingSince != nil {
			c.N, c.CreatedAt = 0, *t.WaitingSince
		}
	}
	return c
}

// after narrows w to the rows that follow c in this order: a row-value
// comparison spelt out as ORs, which both databases plan as a range scan.
func (o order) after(w *where, c *cursor) error {
	sort := c.Sort
	if sort == "" {
		sort = SortUpdated
	}
	if sort != o.sort || c.Ascending != o.asc {
		return apperr.Invalid("cursor", "belongs to a listing in another order")
	}
	var vals []any
	switch o.sort {
	case SortCreated:
		vals = []any{db.Time(c.CreatedAt), c.ID}
	case SortPriority:
		vals = []any{c.N, db.Time(c.UpdatedAt), c.ID}
	case SortNumber:
		vals = []any{c.N, c.ID}
	case SortWaiting:
		vals = []any{c.N, db.Time(c.CreatedAt), c.ID}
	case SortDeadline:
		vals = []any{db.Time(c.CreatedAt), c.ID}
	default:
		vals = []any{db.Time(c.UpdatedAt), c.ID}
	}
	op := "<"
	if o.ascendingKeys() {
		op = ">"
	}
	keys := o.keys()
	var ors []string
	for i := range keys {
		var ands []string
		for j := range i {
			ands = append(ands, fmt.Sprintf("%s = %%[%d]s", keys[j], j+1))
		}
		ands = append(ands, fmt.Sprintf("%s %s %%[%d]s", keys[i], op, i+1))
		ors = append(ors, "("+strings.Join(ands, " AND ")+")")
	}
	w.add("("+strings.Join(ors, " OR ")+")", vals...)
	return nil
}

// Count returns how many tickets match f; its cursor, limit and order are
// ignored. Each filter has an index, so a count is an index range scan.
func (s *Service) Count(ctx context.Context, f Filter) (int64, error) {
	w, err := f.where(ctx, s.db.Reader(ctx))
	if err != nil {
		return 0, err
	}
	var n int64
	if err := s.db.Reader(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM tickets t `+w.sql(), w.args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("ticket: count: %w", err)
	}
	return n, nil
}
