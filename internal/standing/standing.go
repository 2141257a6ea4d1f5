package standing

import (
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/user"
)

// Service works out standings and gathers agents' pages.
type Service struct {
	db         *db.DB
	now        func() time.Time
	components []Component
}

// NewService returns a Service over d with the components of the balanced
// score (see doc.go).
func NewService(d *db.DB) *Service {
	return &Service{db: d, now: db.Now,
		components: []Component{qualityComponent{}, customerComponent{}, badgeComponent{}, outcomeComponent{}}}
}

func requireUser(u *user.User) error {
	if u == nil {
		return apperr.Unauthorized("sign in first")
	}
	return nil
}

func requireLead(u *user.User) error {
	if err := requireUser(u); err != nil {
		return err
	}
	if !u.IsLead() {
		return apperr.Forbidden("only leads and admins may do this")
	}
	return nil
}

// mayView reports whether who may see agentID's standing and page.
func mayView(who *user.User, agentID int64, c Config) bool {
	return who != nil && (who.ID == agentID || who.IsLead() || c.VisibleTo == VisibleToEveryone)
}
