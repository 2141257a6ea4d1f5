package ticket

import (
	"context"

	"github.com/centerdesk/centerdesk/internal/db"
)

// loadDetails fills what a page of scanned tickets keeps outside the
// tickets row: tags, custom field values and custom status labels, one
// query each for the whole page.
func loadDetails(ctx context.Context, q db.Queryer, tickets []*Ticket) error {
	if err := loadTags(ctx, q, tickets); err != nil {
		return err
	}
	if err := loadFieldValues(ctx, q, tickets); err != nil {
		return err
	}
	return loadStatusRefs(ctx, q, tickets)
}
