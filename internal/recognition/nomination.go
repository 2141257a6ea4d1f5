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
	"github.com/centerdesk/centerdesk/internal/events"
	"github.com/centerdesk/centerdesk/internal/user"
)

// Nomination is one agent's proposal that a peer earned a value's badge
// for a ticket; a lead approves it (which awards the badge) or declines it.
type Nomination struct {
	ID            int64      `json:"id"`
	ValueID       int64      `json:"value_id"`
	ValueName     string     `json:"value_name"`
	ValueCode     string     `json:"value_code"`
	ValueColour   string     `json:"value_colour"`
	TicketID      int64      `json:"ticket_id"`
	TicketNumber  int64      `json:"ticket_number"`
	TicketSubject string     `json:"ticket_subject"`
	AgentID       int64      `json:"agent_id"`
	AgentName     string     `json:"agent_name"`
	NominatedBy   int64      `json:"nominated_by"`
	NominatorName string     `json:"nominated_by_name"`
	Citation      string     `json:"citation"`
	Status        string     `json:"status"` // open, approved or declined
	Note          string     `json:"note"`
	DecidedBy     *int64     `json:"decided_by"`
	DecidedAt     *time.Time `json:"decided_at"`
	AwardID       *int64     `json:"award_id"`
	CreatedAt     time.Time  `json:"created_at"`
}

// Badge returns the nominated badge's picture.
func (n *Nomination) Badge() Badge {
	return Badge{Name: n.ValueName, Code: n.ValueCode, Colour: n.ValueColour}
}

// Nomination statuses.
const (
	NominationOpen     = "open"
	NominationApproved = "approved"
	NominationDeclined = "declined"
)

// Decision is a lead's answer to a nomination: a note to the nominator,
// and for an approval an optional citation in place of the nominator's.
type Decision struct {
	Note     string `json:"note"`
	Citation string `json:"citation"`
}

// Nominate records who's nomination of a peer; any signed-in user may
// nominate anyone but themselves.
func (s *Service) Nominate(ctx context.Context, who *user.User, in NewAward) (*Nomination, error) {
	if err := requireUser(who); err != nil {
		return nil, err
	}
	var id int64
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		a, err := s.checkAward(ctx, tx, who, in)
		if err != nil {
			return err
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO badge_nominations (value_id, ticket_id, agent_id,
			nominated_by, citation, status, created_at) VALUES ($1, $2, $3, $4, $5, 'open', $6) RETURNING id`,
			a.ValueID, a.TicketID, a.AgentID, who.ID, a.Citation, db.Time(s.now())).Scan(&id)
		if db.IsUniqueViolation(err) {
			return apperr.Conflict("value_id", "%s's badge is already nominated for this agent and ticket", a.ValueName)
		}
		if err != nil {
			return fmt.Errorf("recognition: insert nomination: %w", err)
		}
		return events.Append(ctx, tx, &events.Event{TicketID: a.TicketID, Type: EventBadgeNominated,
			Data: map[string]any{"nomination_id": id, "value_id": a.ValueID, "agent_id": a.AgentID}})
	})
	if err != nil {
		return nil, err
	}
	return getNomination(ctx, s.db.Reader(ctx), id)
}

// Nominations returns nominations, newest first: every one for a lead,
// and for others those they made or that name them.
func (s *Service) Nominations(ctx context.Context, who *user.User, status string) ([]*Nomination, error) {
	if err := requireUser(who); err != nil {
		return nil, err
	}
	switch status {
	case "", NominationOpen, NominationApproved, NominationDeclined:
	default:
		return nil, apperr.Invalid("status", "must be open, approved or declined")
	}
	rows, err := s.db.Reader(ctx).QueryContext(ctx, `SELECT `+nominationColumns+nominationFrom+`
		WHERE (n.status = $1 OR $1 = '') AND ($2 OR n.nominated_by = $3 OR n.agent_id = $3)
		ORDER BY n.id DESC LIMIT 200`, status, who.IsLead(), who.ID)
	if err != nil {
		return nil, fmt.Errorf("recognition: list nominations: %w", err)
	}
	defer rows.Close()
	out := []*Nomination{}
	for rows.Next() {
		n, err := scanNomination(rows)
		if err != nil {
			return nil, fmt.Errorf("recognition: scan nomination: %w", err)
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

const nominationColumns = `n.id, n.value_id, v.name, v.code, v.colour, n.ticket_id, t.number, t.subject,
	n.agent_id, COALESCE(ag.name, ''), n.nominated_by, COALESCE(nb.name, ''), n.citation, n.status, n.note,
	n.decided_by, n.decided_at, n.award_id, n.created_at`

const nominationFrom = ` FROM badge_nominations n JOIN team_values v ON v.id = n.value_id
	JOIN tickets t ON t.id = n.ticket_id
	LEFT JOIN users ag ON ag.id = n.agent_id LEFT JOIN users nb ON nb.id = n.nominated_by`

func scanNomination(row scanner) (*Nomination, error) {
	n := &Nomination{}
	err := row.Scan(&n.ID, &n.ValueID, &n.ValueName, &n.ValueCode, &n.ValueColour, &n.TicketID, &n.TicketNumber,
		&n.TicketSubject, &n.AgentID, &n.AgentName, &n.NominatedBy, &n.NominatorName, &n.Citation, &n.Status,
		&n.Note, &n.DecidedBy, db.ScanNullTime(&n.DecidedAt), &n.AwardID, db.ScanTime(&n.CreatedAt))
	return n, err
}

func getNomination(ctx context.Context, q db.Queryer, id int64) (*Nomination, error) {
	n, err := scanNomination(q.QueryRowContext(ctx, `SELECT `+nominationColumns+nominationFrom+` WHERE n.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("nomination")
	}
	if err != nil {
		return nil, fmt.Errorf("recognition: nomination %d: %w", id, err)
	}
	return n, nil
}

// openNomination locks and returns an open nomination for a lead to
// decide.
func openNomination(ctx context.Context, tx *sql.Tx, who *user.User, id int64) (*Nomination, error) {
	if !who.IsLead() {
		return nil, apperr.Forbidden("only leads approve or decline nominations")
	}
	if err := lockRow(ctx, tx, "badge_nominations", id); err != nil {
		return nil, err
	}
	n, err := getNomination(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if n.Status != NominationOpen {
		return nil, apperr.Conflict("status", "the nomination was already %s", n.Status)
	}
	return n, nil
}

// ApproveNomination awards the nominated badge; leads only. The award
// carries the nominator's citation unless the lead gives another, and
// names the nominator.
func (s *Service) ApproveNomination(ctx context.Context, who *user.User, id int64, d Decision) (*Award, error) {
	if err := requireUser(who); err != nil {
		return nil, err
	}
	note, err := apperr.CheckText("note", d.Note, MaxNote, false)
	if err != nil {
		return nil, err
	}
	var out *Award
	err = s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		n, err := openNomination(ctx, tx, who, id)
		if err != nil {
			return err
		}
		citation := n.Citation
		if d.Citation != "" {
			citation = d.Citation
		}
		if n.AgentID == who.ID {
			return apperr.Forbidden("another lead must approve a nomination of you")
		}
		a, err := s.checkAward(ctx, tx, who, NewAward{ValueID: n.ValueID, TicketID: n.TicketID,
			AgentID: n.AgentID, Citation: citation})
		if err != nil {
			return err
		}
		a.AwardedBy, a.NominatedBy, a.Source = &who.ID, &n.NominatedBy, SourceNomination
		if err := s.insertAward(ctx, tx, a); err != nil {
			return err
		}
		out = a
		return s.closeNomination(ctx, tx, who, n, NominationApproved, note, &a.ID)
	})
	return out, err
}

// DeclineNomination closes a nomination without an award; leads only.
func (s *Service) DeclineNomination(ctx context.Context, who *user.User, id int64, d Decision) (*Nomination, error) {
	if err := requireUser(who); err != nil {
		return nil, err
	}
	note, err := apperr.CheckText("note", d.Note, MaxNote, false)
	if err != nil {
		return nil, err
	}
	err = s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		n, err := openNomination(ctx, tx, who, id)
		if err != nil {
			return err
		}
		return s.closeNomination(ctx, tx, who, n, NominationDeclined, note, nil)
	})
	if err != nil {
		return nil, err
	}
	return getNomination(ctx, s.db.Reader(ctx), id)
}

func (s *Service) closeNomination(ctx context.Context, tx *sql.Tx, who *user.User, n *Nomination, status, note string, awardID *int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE badge_nominations SET status = $2, note = $3, decided_by = $4,
		decided_at = $5, award_id = $6 WHERE id = $1`, n.ID, status, note, who.ID, db.Time(s.now()), awardID)
	if err != nil {
		return fmt.Errorf("recognition: close nomination %d: %w", n.ID, err)
	}
	return audit.Record(ctx, tx, "nomination."+status, "nomination", n.ID,
		map[string]any{"value_id": n.ValueID, "ticket_id": n.TicketID, "agent_id": n.AgentID, "award_id": awardID})
}
