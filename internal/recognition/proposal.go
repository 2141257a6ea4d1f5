package recognition

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/quality"
	"github.com/centerdesk/centerdesk/internal/user"
)

// Proposal is a badge a review proposed by rating the value's category at
// the top of its range, waiting for its reviewer to confirm or dismiss it.
type Proposal struct {
	ID          int64      `json:"id"`
	ReviewID    int64      `json:"review_id"`
	ValueID     int64      `json:"value_id"`
	ValueName   string     `json:"value_name"`
	ValueCode   string     `json:"value_code"`
	ValueColour string     `json:"value_colour"`
	TicketID    int64      `json:"ticket_id"`
	AgentID     int64      `json:"agent_id"`
	AgentName   string     `json:"agent_name"`
	ReviewerID  int64      `json:"reviewer_id"`
	Status      string     `json:"status"` // open, confirmed or dismissed
	AwardID     *int64     `json:"award_id"`
	CreatedAt   time.Time  `json:"created_at"`
	DecidedAt   *time.Time `json:"decided_at"`
}

// Badge returns the proposed badge's picture.
func (p *Proposal) Badge() Badge {
	return Badge{Name: p.ValueName, Code: p.ValueCode, Colour: p.ValueColour}
}

// Proposal statuses.
const (
	ProposalOpen      = "open"
	ProposalConfirmed = "confirmed"
	ProposalDismissed = "dismissed"
)

// OnReviewSubmitted proposes, in the transaction that submits review r,
// the badge of every value whose category r rates at the top of its range.
// The server hands it to quality.Service.OnSubmit.
func (s *Service) OnReviewSubmitted(ctx context.Context, tx *sql.Tx, r *quality.Review) error {
	if r.CalibrationID != nil || r.AgentID == 0 {
		return nil
	}
	top, err := topRatedValues(ctx, tx, r)
	if err != nil {
		return err
	}
	for _, valueID := range top {
		var awarded int
		err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM badge_awards WHERE value_id = $1 AND ticket_id = $2
			AND agent_id = $3`, valueID, r.TicketID, r.AgentID).Scan(&awarded)
		if err != nil {
			return fmt.Errorf("recognition: awards of ticket %d: %w", r.TicketID, err)
		}
		if awarded > 0 {
			continue // the badge is already the agent's for this ticket
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO badge_proposals (review_id, value_id, ticket_id, agent_id,
			reviewer_id, status, created_at) VALUES ($1, $2, $3, $4, $5, 'open', $6) ON CONFLICT DO NOTHING`,
			r.ID, valueID, r.TicketID, r.AgentID, r.ReviewerID, db.Time(s.now()))
		if err != nil {
			return fmt.Errorf("recognition: propose value %d for review %d: %w", valueID, r.ID, err)
		}
	}
	return nil
}

// topRatedValues returns the values whose range category r rates at its
// maximum.
func topRatedValues(ctx context.Context, q db.Queryer, r *quality.Review) ([]int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, value_id, scale_max FROM scorecard_categories
		WHERE scorecard_id = $1 AND scale = 'range' AND value_id IS NOT NULL`, r.ScorecardID)
	if err != nil {
		return nil, fmt.Errorf("recognition: categories of scorecard %d: %w", r.ScorecardID, err)
	}
	defer rows.Close()
	type cat struct{ value, max int64 }
	cats := map[int64]cat{}
	for rows.Next() {
		var id int64
		var c cat
		if err := rows.Scan(&id, &c.value, &c.max); err != nil {
			return nil, fmt.Errorf("recognition: scan category: %w", err)
		}
		cats[id] = c
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []int64
	for _, rt := range r.Ratings {
		c, ok := cats[rt.CategoryID]
		if ok && !rt.NotApplicable && rt.Rating != nil && int64(*rt.Rating) == c.max {
			out = append(out, c.value)
		}
	}
	return out, nil
}

// ProposalFilter narrows a listing of proposals.
type ProposalFilter struct {
	ReviewID int64
	Status   string // open by default; "all" for every status
}

// Proposals returns the proposals who may decide: their own, or every one
// for a lead.
func (s *Service) Proposals(ctx context.Context, who *user.User, f ProposalFilter) ([]*Proposal, error) {
	if err := requireUser(who); err != nil {
		return nil, err
	}
	query := `SELECT ` + proposalColumns + proposalFrom + ` WHERE (p.review_id = $1 OR $1 = 0)
		AND ($2 = 'all' OR p.status = $2) AND ($3 OR p.reviewer_id = $4)
		AND (p.status <> 'open' OR EXISTS (SELECT 1 FROM reviews r WHERE r.id = p.review_id AND r.status = 'submitted'))
		ORDER BY p.id DESC LIMIT 200`
	status := f.Status
	switch status {
	case "":
		status = ProposalOpen
	case "all", ProposalOpen, ProposalConfirmed, ProposalDismissed:
	default:
		return nil, apperr.Invalid("status", "must be open, confirmed, dismissed or all")
	}
	rows, err := s.db.Reader(ctx).QueryContext(ctx, query, f.ReviewID, status, who.IsLead(), who.ID)
	if err != nil {
		return nil, fmt.Errorf("recognition: list proposals: %w", err)
	}
	defer rows.Close()
	out := []*Proposal{}
	for rows.Next() {
		p, err := scanProposal(rows)
		if err != nil {
			return nil, fmt.Errorf("recognition: scan proposal: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

const proposalColumns = `p.id, p.review_id, p.value_id, v.name, v.code, v.colour, p.ticket_id, p.agent_id,
	COALESCE(u.name, ''), p.reviewer_id, p.status, p.award_id, p.created_at, p.decided_at`

const proposalFrom = ` FROM badge_proposals p JOIN team_values v ON v.id = p.value_id
	LEFT JOIN users u ON u.id = p.agent_id`

func scanProposal(row scanner) (*Proposal, error) {
	p := &Proposal{}
	err := row.Scan(&p.ID, &p.ReviewID, &p.ValueID, &p.ValueName, &p.ValueCode, &p.ValueColour, &p.TicketID,
		&p.AgentID, &p.AgentName, &p.ReviewerID, &p.Status, &p.AwardID, db.ScanTime(&p.CreatedAt),
		db.ScanNullTime(&p.DecidedAt))
	return p, err
}

// decidable returns an open proposal that who may decide: its reviewer's,
// or any for a lead.
func decidable(ctx context.Context, tx *sql.Tx, who *user.User, id int64) (*Proposal, error) {
	if err := lockRow(ctx, tx, "badge_proposals", id); err != nil {
		return nil, err
	}
	p, err := scanProposal(tx.QueryRowContext(ctx, `SELECT `+proposalColumns+proposalFrom+` WHERE p.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("proposal")
	}
	if err != nil {
		return nil, fmt.Errorf("recognition: proposal %d: %w", id, err)
	}
	if p.ReviewerID != who.ID && !who.IsLead() {
		return nil, apperr.NotFound("proposal")
	}
	if p.Status != ProposalOpen {
		return nil, apperr.Conflict("status", "the proposal was already %s", p.Status)
	}
	// A review voided by an accepted dispute proposes nothing any more.
	var review string
	if err := tx.QueryRowContext(ctx, `SELECT status FROM reviews WHERE id = $1`, p.ReviewID).Scan(&review); err != nil {
		return nil, fmt.Errorf("recognition: review %d: %w", p.ReviewID, err)
	}
	if review != string(quality.StatusSubmitted) {
		return nil, apperr.Conflict("review_id", "review %d was %s, so its proposals lapsed", p.ReviewID, review)
	}
	return p, nil
}

// ConfirmProposal awards the proposed badge with who's citation.
func (s *Service) ConfirmProposal(ctx context.Context, who *user.User, id int64, citation string) (*Award, error) {
	if err := requireUser(who); err != nil {
		return nil, err
	}
	var out *Award
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		p, err := decidable(ctx, tx, who, id)
		if err != nil {
			return err
		}
		a, err := s.checkAward(ctx, tx, who, NewAward{ValueID: p.ValueID, TicketID: p.TicketID,
			AgentID: p.AgentID, Citation: citation})
		if err != nil {
			return err
		}
		a.AwardedBy, a.Source, a.ReviewID = &who.ID, SourceReview, &p.ReviewID
		if err := s.insertAward(ctx, tx, a); err != nil {
			return err
		}
		out = a
		return decide(ctx, tx, p, ProposalConfirmed, &a.ID, s.now())
	})
	return out, err
}

// DismissProposal sets a proposal aside without an award.
func (s *Service) DismissProposal(ctx context.Context, who *user.User, id int64) error {
	if err := requireUser(who); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		p, err := decidable(ctx, tx, who, id)
		if err != nil {
			return err
		}
		return decide(ctx, tx, p, ProposalDismissed, nil, s.now())
	})
}

func decide(ctx context.Context, tx *sql.Tx, p *Proposal, status string, awardID *int64, now time.Time) error {
	_, err := tx.ExecContext(ctx, `UPDATE badge_proposals SET status = $2, award_id = $3, decided_at = $4
		WHERE id = $1`, p.ID, status, awardID, db.Time(now))
	if err != nil {
		return fmt.Errorf("recognition: decide proposal %d: %w", p.ID, err)
	}
	return audit.Record(ctx, tx, "badge_proposal."+status, "badge_proposal", p.ID,
		map[string]any{"review_id": p.ReviewID, "value_id": p.ValueID, "award_id": awardID})
}
