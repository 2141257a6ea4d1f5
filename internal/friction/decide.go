package friction

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/user"
)

// Accept makes a proposal a friction point (leads only), tags the ticket
// it was proposed from, and recognises the proposer as a friction hunter
// in the feed, all in one transaction. Nobody accepts their own proposal.
func (s *Service) Accept(ctx context.Context, who *user.User, id int64) (*Point, error) {
	if err := requireLead(who, "accept friction points"); err != nil {
		return nil, err
	}
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		p, err := openProposal(ctx, tx, id)
		if err != nil {
			return err
		}
		if p.ProposedBy != nil && *p.ProposedBy == who.ID {
			return apperr.Forbidden("nobody accepts their own proposal: another lead decides it")
		}
		now := s.now()
		_, err = tx.ExecContext(ctx, `UPDATE friction_points SET state = 'accepted', decided_by = $1,
			decided_at = $2, updated_at = $2 WHERE id = $3`, who.ID, db.Time(now), id)
		if err != nil {
			return fmt.Errorf("friction: accept %d: %w", id, err)
		}
		if p.ProposedTicketID != nil {
			if err := tag(ctx, tx, *p.ProposedTicketID, p.ID, p.ProposedBy, now); err != nil {
				return err
			}
			if err := s.recogniseHunter(ctx, tx, who, p); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, "friction.accepted", "friction_point", id, map[string]any{"name": p.Name})
	})
	if err != nil {
		return nil, err
	}
	return s.Point(ctx, id)
}

// recogniseHunter posts the accepted proposal in the recognition feed,
// crediting its proposer, and remembers the post.
func (s *Service) recogniseHunter(ctx context.Context, tx *sql.Tx, lead *user.User, p *Point) error {
	if s.recognise == nil || p.ProposedBy == nil {
		return nil // nobody to credit: the proposer's account is gone
	}
	award, err := s.recognise.RecogniseHunter(ctx, tx, Hunt{TicketID: *p.ProposedTicketID, AgentID: *p.ProposedBy,
		LeadID: lead.ID, Point: p.Name, Department: p.DepartmentName})
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE friction_points SET award_id = $1 WHERE id = $2`, award, p.ID); err != nil {
		return fmt.Errorf("friction: remember award of %d: %w", p.ID, err)
	}
	return nil
}

// DeclineProposal turns a proposal down with a reason the proposer reads
// (leads only).
func (s *Service) DeclineProposal(ctx context.Context, who *user.User, id int64, in Decline) (*Point, error) {
	if err := requireLead(who, "decline friction points"); err != nil {
		return nil, err
	}
	reason, err := apperr.CheckText("reason", in.Reason, MaxReason, true)
	if err != nil {
		return nil, err
	}
	err = s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		p, err := openProposal(ctx, tx, id)
		if err != nil {
			return err
		}
		now := s.now()
		_, err = tx.ExecContext(ctx, `UPDATE friction_points SET state = 'declined', decided_by = $1,
			decided_at = $2, decline_reason = $3, updated_at = $2 WHERE id = $4`, who.ID, db.Time(now), reason, id)
		if err != nil {
			return fmt.Errorf("friction: decline %d: %w", id, err)
		}
		return audit.Record(ctx, tx, "friction.declined", "friction_point", id,
			map[string]any{"name": p.Name, "reason": reason})
	})
	if err != nil {
		return nil, err
	}
	return s.Point(ctx, id)
}

// openProposal locks and returns a point still waiting for a decision.
func openProposal(ctx context.Context, tx *sql.Tx, id int64) (*Point, error) {
	if err := lockRow(ctx, tx, "friction_points", id); err != nil {
		return nil, err
	}
	p, err := getPoint(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if p.State != Proposed {
		return nil, apperr.Conflict("state", "%q was already %s", p.Name, p.State)
	}
	return p, nil
}

// SetStatus records the owning department's answer: raised, fix planned,
// or fixed on a day (its ambassadors and leads only).
func (s *Service) SetStatus(ctx context.Context, who *user.User, id int64, in StatusChange) (*Point, error) {
	if err := requireUser(who); err != nil {
		return nil, err
	}
	status, fixedOn, err := s.checkStatus(in)
	if err != nil {
		return nil, err
	}
	err = s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		p, err := getPoint(ctx, tx, id)
		if err != nil {
			return err
		}
		if p.State != Accepted {
			return apperr.Conflict("state", "%q is %s: only an accepted friction point has a status", p.Name, p.State)
		}
		if !who.IsLead() {
			ok, err := isAmbassador(ctx, tx, p.DepartmentID, who.ID)
			if err != nil {
				return err
			}
			if !ok {
				return apperr.Forbidden("only %s's ambassadors and leads may set this status", p.DepartmentName)
			}
		}
		now := s.now()
		_, err = tx.ExecContext(ctx, `UPDATE friction_points SET status = $1, fixed_on = $2,
			status_changed_at = $3, updated_at = $3 WHERE id = $4`, string(status), db.NullTime(fixedOn), db.Time(now), id)
		if err != nil {
			return fmt.Errorf("friction: status of %d: %w", id, err)
		}
		return audit.Record(ctx, tx, "friction.status_changed", "friction_point", id,
			map[string]any{"status": []string{string(p.Status), string(status)}, "fixed_on": in.FixedOn})
	})
	if err != nil {
		return nil, err
	}
	return s.Point(ctx, id)
}

// checkStatus reads a status change: a fix day goes with fixed, and only
// with it, and is not after tomorrow (a day ahead allows for zones ahead
// of UTC).
func (s *Service) checkStatus(in StatusChange) (Status, *time.Time, error) {
	status, err := parseStatus(in.Status)
	if err != nil {
		return "", nil, err
	}
	if status != StatusFixed {
		if in.FixedOn != "" {
			return "", nil, apperr.Invalid("fixed_on", "goes only with status fixed")
		}
		return status, nil, nil
	}
	if in.FixedOn == "" {
		return "", nil, apperr.Invalid("fixed_on", "is required with status fixed")
	}
	day, err := parseDay("fixed_on", in.FixedOn)
	if err != nil {
		return "", nil, err
	}
	if day.After(s.now().Add(24 * time.Hour)) {
		return "", nil, apperr.Invalid("fixed_on", "is in the future: mark it fix planned until the fix is live")
	}
	return status, &day, nil
}
