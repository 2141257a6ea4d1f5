package ticket

import (
	"context"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/effort"
)

// loadDetails fills what a page of scanned tickets keeps outside the
// tickets row and ticketColumns did not bring: effort figures, custom field
// values and custom status labels, one query each for the whole page, none
// for fields when no ticket of the page has any.
func loadDetails(ctx context.Context, q db.Queryer, page []scanned) error {
	var withFields, all []*Ticket
	ids := make([]int64, 0, len(page))
	for _, t := range page {
		all, ids = append(all, t.Ticket), append(ids, t.ID)
		if t.hasFields {
			withFields = append(withFields, t.Ticket)
		}
	}
	if err := loadFieldValues(ctx, q, withFields); err != nil {
		return err
	}
	figures, err := effort.ForTickets(ctx, q, ids)
	if err != nil {
		return err
	}
	for _, t := range all {
		t.Effort = figures[t.ID]
	}
	return loadStatusRefs(ctx, q, all)
}
