package recognition

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/events"
	"github.com/centerdesk/centerdesk/internal/user"
)

// EventBadgeWithdrawn is appended to an award's ticket when a lead takes
// the award back.
const EventBadgeWithdrawn = "badge.withdrawn"

// MaxWithdrawReason bounds why a lead withdrew an award.
const MaxWithdrawReason = 1000

// WithdrawAward takes back an award given by mistake (the wrong agent, the
// wrong value): it leaves the feed, the agent's page and the philosophy's
// examples, with its reactions and comments. Only leads may, and they must
// say why; the ticket's history and the audit log keep what it was.
func (s *Service) WithdrawAward(ctx context.Context, who *user.User, id int64, reason string) error {
	if err := requireUser(who); err != nil {
		return err
	}
	if !who.IsLead() {
		return apperr.Forbidden("only leads and admins may withdraw an award")
	}
	reason, err := apperr.CheckText("reason", reason, MaxWithdrawReason, true)
	if err != nil {
		return err
	}
	return s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		a, err := getAward(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM badge_awards WHERE id = $1`, id); err != nil {
			return fmt.Errorf("recognition: withdraw award %d: %w", id, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM notifications WHERE source = $1`, fmt.Sprintf("award:%d", id)); err != nil {
			return fmt.Errorf("recognition: withdraw award %d: %w", id, err)
		}
		what := map[string]any{"award_id": a.ID, "value": a.ValueName, "agent_id": a.AgentID,
			"citation": a.Citation, "reason": reason}
		if err := events.Append(ctx, tx, &events.Event{TicketID: a.TicketID, Type: EventBadgeWithdrawn, Data: what}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "award.withdrawn", "award", a.ID, what)
	})
}
