package ticket

import (
	"context"
	"strings"

	"github.com/centerdesk/centerdesk/internal/db"
)

// Condition returns the SQL condition f puts on tickets (aliased t) and its
// arguments, numbered from $1, so that another domain (search) filters
// tickets exactly as listings do. It is "" when f filters nothing; f's
// Cursor and Limit play no part.
func (f Filter) Condition(ctx context.Context, q db.Queryer) (string, []any, error) {
	w, err := f.where(ctx, q)
	if err != nil {
		return "", nil, err
	}
	return strings.Join(w.conds, " AND "), w.args, nil
}
