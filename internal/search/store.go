package search

import (
	"context"
	"fmt"

	"github.com/centerdesk/centerdesk/internal/db"
)

// ids runs a query of one id column.
func ids(ctx context.Context, r db.Queryer, query string, args ...any) ([]int64, error) {
	rows, err := r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return out, nil
}

// scanMatches runs a query of (ticket id, message id, ticket updated_at).
func scanMatches(ctx context.Context, r db.Queryer, query string, args ...any) ([]match, error) {
	rows, err := r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("search: match: %w", err)
	}
	defer rows.Close()
	var out []match
	for rows.Next() {
		var m match
		if err := rows.Scan(&m.ticketID, &m.messageID, db.ScanTime(&m.updatedAt)); err != nil {
			return nil, fmt.Errorf("search: match: %w", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search: match: %w", err)
	}
	return out, nil
}

// scanTexts runs a query of (id, text) into dst.
func scanTexts(ctx context.Context, r db.Queryer, dst map[int64]string, query string, args ...any) error {
	rows, err := r.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("search: highlight: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id   int64
			text string
		)
		if err := rows.Scan(&id, &text); err != nil {
			return fmt.Errorf("search: highlight: %w", err)
		}
		dst[id] = text
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("search: highlight: %w", err)
	}
	return nil
}
