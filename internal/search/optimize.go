package search

import (
	"context"
	"fmt"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
)

// OptimizeInterval is how often a server merges its full-text index.
const OptimizeInterval = 24 * time.Hour

// Optimize merges SQLite's full-text indexes into one segment each (about
// 2 s on 100,000 tickets). Steady use leaves many small segments that every
// search reads and every write merges a little (migration 00019 tunes how
// much); a bulk load leaves one large segment at the lowest level, where
// FTS5 then merges every small segment later tickets write: creating
// tickets after a bulk load ran at half speed until the index was merged.
// Running it once a day, and after a bulk load, keeps the index in the
// shape that serves both best. PostgreSQL's GIN indexes need nothing.
func Optimize(ctx context.Context, d *db.DB) error {
	if d.Dialect() != db.SQLite {
		return nil
	}
	for _, stmt := range []string{
		`INSERT INTO tickets_fts (tickets_fts) VALUES ('optimize')`,
		`INSERT INTO messages_fts (messages_fts) VALUES ('optimize')`,
	} {
		if _, err := d.Writer(ctx).ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("search: optimize the index: %w", err)
		}
	}
	return nil
}

// Optimize merges the index of the service's database; see the function.
func (s *Service) Optimize(ctx context.Context) error { return Optimize(ctx, s.db) }
