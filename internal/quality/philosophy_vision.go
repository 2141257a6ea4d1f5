package quality

import (
	"context"
	"database/sql"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/user"
)

// SetVision changes the vision statement alone and saves a version. The
// values are left as they are, so a lead rewording the vision cannot undo a
// value another lead changed meanwhile (as replacing the whole philosophy
// from a stale copy would).
func (s *Service) SetVision(ctx context.Context, who *user.User, vision string) (*Philosophy, error) {
	if err := requireLead(who); err != nil {
		return nil, err
	}
	vision, err := apperr.CheckText("vision", vision, MaxVision, false)
	if err != nil {
		return nil, err
	}
	var p *Philosophy
	err = s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := setVision(ctx, tx, vision, who.ID, s.now()); err != nil {
			return err
		}
		p, err = s.saveVersion(ctx, tx, who, "vision.updated")
		return err
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}
