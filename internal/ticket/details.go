package ticket

import (
	"context"

	"github.com/centerdesk/centerdesk/internal/db"
)

// loadDetails fills what a page of scanned tickets keeps outside the
// tickets row and ticketColumns did not bring: custom field values and custom
// status labels, one query each for the whole page, none when no ticket of
// the page has any.
func loadDetails(ctx context.Context, q db.Queryer, page []scanned) error {
	var withFields, all []*Ticket
	for _, t := range page {
		all = append(all, t.Ticket)
		if t.hasFields {
			withFields = append(withFields, t.Ticket)
		}
	}
	if err := loadFieldValues(ctx, q, withFields); err != nil {
		return err
	}
	return loadStatusRefs(ctx, q, all)
}
