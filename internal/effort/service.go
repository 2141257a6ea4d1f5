package effort

import (
	"context"

	"github.com/centerdesk/centerdesk/internal/db"
)

// Service reads effort for pages that hold no transaction of their own.
type Service struct{ db *db.DB }

// NewService returns a Service over d.
func NewService(d *db.DB) *Service { return &Service{db: d} }

// ForCustomer sums the effort of every ticket customerID requested.
func (s *Service) ForCustomer(ctx context.Context, customerID int64) (Effort, error) {
	return ForCustomer(ctx, s.db.Reader(ctx), customerID)
}
