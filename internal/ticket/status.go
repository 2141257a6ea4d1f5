package ticket

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/field"
)

// CustomStatus is a status an admin added, such as "Waiting on
// engineering". Each maps onto one built-in category, which is what a
// ticket's status column holds, so SLAs and reports understand every ticket
// without knowing the custom statuses. The category never changes: tickets
// already in the status would silently move.
type CustomStatus struct {
	ID         int64      `json:"id"`
	Key        string     `json:"key"`
	Label      string     `json:"label"`
	Category   string     `json:"category"`
	Archived   bool       `json:"archived"`
	ArchivedAt *time.Time `json:"archived_at"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
}

// StatusRef names the custom status a ticket is in.
type StatusRef struct {
	ID    int64  `json:"id"`
	Key   string `json:"key"`
	Label string `json:"label"`
}

// id returns the status's id for a nullable column.
func (r *StatusRef) id() *int64 {
	if r == nil {
		return nil
	}
	return &r.ID
}

// key returns the status's key for events; nil for none.
func (r *StatusRef) key() any {
	if r == nil {
		return nil
	}
	return r.Key
}

func sameStatus(a, b *StatusRef) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.ID == b.ID
}

// NewStatus is what it takes to add a custom status.
type NewStatus struct {
	Key      string `json:"key"`
	Label    string `json:"label"`
	Category string `json:"category"`
}

// StatusPatch changes a custom status; absent members stay as they are. An
// archived status takes no new tickets; tickets already in it stay.
type StatusPatch struct {
	Label    *string `json:"label"`
	Archived *bool   `json:"archived"`
}

const statusColumns = `id, key, label, category, archived_at, created_at, updated_at`

func scanStatus(row interface{ Scan(...any) error }) (*CustomStatus, error) {
	var c CustomStatus
	err := row.Scan(&c.ID, &c.Key, &c.Label, &c.Category, db.ScanNullTime(&c.ArchivedAt),
		db.ScanTime(&c.CreatedAt), db.ScanTime(&c.UpdatedAt))
	if err != nil {
		return nil, err
	}
	c.Archived = c.ArchivedAt != nil
	return &c, nil
}

// CreateStatus adds a custom status. Its key cannot be a built-in status,
// so that a PATCH's "status" is never ambiguous.
func (s *Service) CreateStatus(ctx context.Context, n NewStatus) (*CustomStatus, error) {
	if err := field.CheckKey("key", n.Key); err != nil {
		return nil, err
	}
	if slices.Contains(Statuses, n.Key) {
		return nil, apperr.Invalid("key", "%q is a built-in status", n.Key)
	}
	label, err := field.CheckLabel(n.Label)
	if err != nil {
		return nil, err
	}
	if err := oneOf("category", n.Category, Statuses); err != nil {
		return nil, err
	}
	now := s.now()
	c := &CustomStatus{Key: n.Key, Label: label, Category: n.Category, CreatedAt: now, UpdatedAt: now}
	err = s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO custom_statuses (key, label, category, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $4) RETURNING id`, c.Key, c.Label, c.Category, db.Time(now)).Scan(&c.ID)
		if db.IsUniqueViolation(err) {
			return apperr.Conflict("key", "a custom status with key %q already exists", c.Key)
		}
		if err != nil {
			return fmt.Errorf("ticket: insert status: %w", err)
		}
		return audit.Record(ctx, tx, "custom_status.created", "custom_status", c.ID,
			map[string]any{"key": c.Key, "label": c.Label, "category": c.Category})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// UpdateStatus relabels or archives a custom status.
func (s *Service) UpdateStatus(ctx context.Context, id int64, p StatusPatch) (*CustomStatus, error) {
	var out *CustomStatus
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		c, err := getStatus(ctx, tx, id)
		if err != nil {
			return err
		}
		now := s.now()
		if p.Label != nil {
			if c.Label, err = field.CheckLabel(*p.Label); err != nil {
				return err
			}
		}
		if p.Archived != nil && *p.Archived != c.Archived {
			c.Archived, c.ArchivedAt = *p.Archived, nil
			if c.Archived {
				c.ArchivedAt = &now
			}
		}
		c.UpdatedAt = now
		_, err = tx.ExecContext(ctx, `UPDATE custom_statuses SET label = $1, archived_at = $2, updated_at = $3
			WHERE id = $4`, c.Label, db.NullTime(c.ArchivedAt), db.Time(now), c.ID)
		if err != nil {
			return fmt.Errorf("ticket: save status %d: %w", id, err)
		}
		out = c
		return audit.Record(ctx, tx, "custom_status.updated", "custom_status", c.ID,
			map[string]any{"key": c.Key, "label": c.Label, "archived": c.Archived})
	})
	return out, err
}

// GetStatus returns a custom status by id.
func (s *Service) GetStatus(ctx context.Context, id int64) (*CustomStatus, error) {
	return getStatus(ctx, s.db.Reader(ctx), id)
}

// Statuses lists the custom statuses, archived ones included, by category
// in workflow order and then by creation.
func (s *Service) Statuses(ctx context.Context) ([]*CustomStatus, error) {
	rows, err := s.db.Reader(ctx).QueryContext(ctx, `SELECT `+statusColumns+` FROM custom_statuses ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("ticket: list statuses: %w", err)
	}
	defer rows.Close()
	out := []*CustomStatus{}
	for rows.Next() {
		c, err := scanStatus(rows)
		if err != nil {
			return nil, fmt.Errorf("ticket: scan status: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.SortStableFunc(out, func(a, b *CustomStatus) int {
		return slices.Index(Statuses, a.Category) - slices.Index(Statuses, b.Category)
	})
	return out, nil
}

func getStatus(ctx context.Context, q db.Queryer, id int64) (*CustomStatus, error) {
	c, err := scanStatus(q.QueryRowContext(ctx, `SELECT `+statusColumns+` FROM custom_statuses WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("custom status")
	}
	if err != nil {
		return nil, fmt.Errorf("ticket: get status %d: %w", id, err)
	}
	return c, nil
}

// statusByKey returns the custom status with this key, or an
// apperr.NotFound error.
func statusByKey(ctx context.Context, q db.Queryer, key string) (*CustomStatus, error) {
	c, err := scanStatus(q.QueryRowContext(ctx, `SELECT `+statusColumns+` FROM custom_statuses WHERE key = $1`, key))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("custom status")
	}
	if err != nil {
		return nil, fmt.Errorf("ticket: get status %q: %w", key, err)
	}
	return c, nil
}

// resolveStatus turns what a client sent as a status, a built-in status or
// a custom status's key, into a category and the custom status (nil for a
// built-in one).
func resolveStatus(ctx context.Context, q db.Queryer, name string) (string, *CustomStatus, error) {
	if slices.Contains(Statuses, name) {
		return name, nil, nil
	}
	c, err := statusByKey(ctx, q, name)
	if apperr.Is(err, apperr.KindNotFound) {
		return "", nil, apperr.Invalid("status", "must be one of %s or a custom status key, not %q",
			strings.Join(Statuses, ", "), name)
	}
	if err != nil {
		return "", nil, err
	}
	return c.Category, c, nil
}

// loadStatusRefs fills the key and label of the custom statuses of a page
// of tickets, whose ids scanTicket read.
func loadStatusRefs(ctx context.Context, q db.Queryer, tickets []*Ticket) error {
	seen := map[int64]bool{}
	var ids []any
	for _, t := range tickets {
		if t.CustomStatus != nil && !seen[t.CustomStatus.ID] {
			seen[t.CustomStatus.ID] = true
			ids = append(ids, t.CustomStatus.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	rows, err := q.QueryContext(ctx, `SELECT id, key, label FROM custom_statuses WHERE id IN (`+marks(len(ids))+`)`, ids...)
	if err != nil {
		return fmt.Errorf("ticket: load statuses: %w", err)
	}
	defer rows.Close()
	refs := map[int64]StatusRef{}
	for rows.Next() {
		var r StatusRef
		if err := rows.Scan(&r.ID, &r.Key, &r.Label); err != nil {
			return fmt.Errorf("ticket: scan status: %w", err)
		}
		refs[r.ID] = r
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("ticket: load statuses: %w", err)
	}
	for _, t := range tickets {
		if t.CustomStatus != nil {
			*t.CustomStatus = refs[t.CustomStatus.ID]
		}
	}
	return nil
}

// marks returns n numbered placeholders: "$1, $2, ...".
func marks(n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "$%d", i+1)
	}
	return b.String()
}
