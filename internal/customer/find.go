package customer

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/centerdesk/centerdesk/internal/apperr"
)

// Limits of Find.
const (
	MaxFindText  = 200 // characters of the text sought
	MaxFindLimit = 50
)

// Find returns up to limit customers whose name, or one of whose email
// addresses, phone numbers or external ids, contains text (ignoring case),
// newest first. Erased customers are left out: nothing of them is left to
// find. The text travels as a LIKE argument with its wildcards escaped.
func (s *Service) Find(ctx context.Context, text string, limit int) ([]*Customer, error) {
	text = strings.ToLower(strings.TrimSpace(text))
	if text == "" {
		return []*Customer{}, nil
	}
	if utf8.RuneCountInString(text) > MaxFindText {
		return nil, apperr.Invalid("q", "is longer than %d characters", MaxFindText)
	}
	if limit <= 0 || limit > MaxFindLimit {
		limit = MaxFindLimit
	}
	pattern := "%" + escapeLike(text) + "%"
	q := s.db.Reader(ctx)
	rows, err := q.QueryContext(ctx, `SELECT `+customerColumns+customerFrom+`
		WHERE c.erased_at IS NULL AND (lower(c.name) LIKE $1 ESCAPE '\'
		   OR EXISTS (SELECT 1 FROM customer_identities i
		              WHERE i.customer_id = c.id AND lower(i.value) LIKE $1 ESCAPE '\'))
		ORDER BY c.id DESC LIMIT $2`, pattern, limit)
	if err != nil {
		return nil, fmt.Errorf("customer: find: %w", err)
	}
	return scanCustomers(ctx, q, rows, "find")
}

// Names returns the display names of the customers ids names (their name,
// or their email address when the name is empty), for lists of tickets.
// Ids of no customer are left out.
func (s *Service) Names(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := make(map[int64]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	marks := make([]string, len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		marks[i] = fmt.Sprintf("$%d", i+1)
		args[i] = id
	}
	rows, err := s.db.Reader(ctx).QueryContext(ctx, `SELECT c.id, c.name,
		COALESCE((SELECT MIN(CASE WHEN i.kind = 'email' THEN i.value END) FROM customer_identities i
			WHERE i.customer_id = c.id), '')
		FROM customers c WHERE c.id IN (`+strings.Join(marks, ", ")+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("customer: names: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id          int64
			name, email string
		)
		if err := rows.Scan(&id, &name, &email); err != nil {
			return nil, fmt.Errorf("customer: names: %w", err)
		}
		if name == "" {
			name = email
		}
		out[id] = name
	}
	return out, rows.Err()
}

// escapeLike escapes LIKE's wildcards and its escape character.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
