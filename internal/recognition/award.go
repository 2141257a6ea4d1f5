package recognition

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/events"
	"github.com/centerdesk/centerdesk/internal/notify"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/user"
)

// Source says how an award came about.
type Source string

// The sources: a reviewer's or lead's own award, a confirmed proposal of a
// review, and a peer's nomination a lead approved.
const (
	SourceDirect     Source = "direct"
	SourceReview     Source = "review"
	SourceNomination Source = "nomination"
)

// EventBadgeAwarded and EventBadgeNominated are appended to the ticket's
// events.
const (
	EventBadgeAwarded   = "badge.awarded"
	EventBadgeNominated = "badge.nominated"
)

// Award is one value's badge given to an agent for a ticket.
type Award struct {
	ID          int64     `json:"id"`
	ValueID     *int64    `json:"value_id"` // null once the value was removed
	ValueName   string    `json:"value_name"`
	ValueCode   string    `json:"value_code"`
	ValueColour string    `json:"value_colour"`
	TicketID    int64     `json:"ticket_id"`
	AgentID     int64     `json:"agent_id"`
	AwardedBy   *int64    `json:"awarded_by"`
	NominatedBy *int64    `json:"nominated_by"`
	Source      Source    `json:"source"`
	ReviewID    *int64    `json:"review_id"`
	Citation    string    `json:"citation"`
	CreatedAt   time.Time `json:"created_at"`

	// Filled for listings: names, the ticket's subject and number, and the
	// reactions and comments.
	AgentName     string     `json:"agent_name"`
	AwardedByName string     `json:"awarded_by_name"`
	NominatorName string     `json:"nominated_by_name,omitempty"`
	TicketNumber  int64      `json:"ticket_number"`
	TicketSubject string     `json:"ticket_subject"`
	Reactions     []Reaction `json:"reactions"`
	Comments      []Comment  `json:"comments"`
}

// Badge returns the award's badge picture.
func (a *Award) Badge() Badge {
	return Badge{Name: a.ValueName, Code: a.ValueCode, Colour: a.ValueColour}
}

// NewAward is what it takes to award a badge. AgentID defaults to the
// ticket's assignee.
type NewAward struct {
	ValueID  int64  `json:"value_id"`
	TicketID int64  `json:"ticket_id"`
	AgentID  int64  `json:"agent_id"`
	Citation string `json:"citation"`
}

// CreateAward awards a badge: leads for any ticket, other users for a
// ticket whose review of that agent they submitted.
func (s *Service) CreateAward(ctx context.Context, who *user.User, in NewAward) (*Award, error) {
	if err := requireUser(who); err != nil {
		return nil, err
	}
	var out *Award
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		a, err := s.checkAward(ctx, tx, who, in)
		if err != nil {
			return err
		}
		if !who.IsLead() {
			ok, err := reviewedBy(ctx, tx, a.TicketID, a.AgentID, who.ID)
			if err != nil {
				return err
			}
			if !ok {
				return apperr.Forbidden("only a lead, or the reviewer of this ticket, may award its badges; nominate a peer instead")
			}
		}
		a.AwardedBy, a.Source = &who.ID, SourceDirect
		out = a
		return s.insertAward(ctx, tx, a)
	})
	return out, err
}

// checkAward checks what every award needs, whoever gives it, and returns
// the award to store: the value exists, the ticket exists and has the
// agent (its assignee by default), nobody awards themselves, and a
// citation says what the agent did.
func (s *Service) checkAward(ctx context.Context, q db.Queryer, who *user.User, in NewAward) (*Award, error) {
	citation, err := apperr.CheckText("citation", in.Citation, MaxCitation, true)
	if err != nil {
		return nil, err
	}
	if in.ValueID == 0 {
		return nil, apperr.Invalid("value_id", "is required")
	}
	if in.TicketID == 0 {
		return nil, apperr.Invalid("ticket_id", "is required")
	}
	v, err := getValue(ctx, q, in.ValueID)
	if err != nil {
		return nil, err
	}
	assignee, err := ticket.AssigneeOf(ctx, q, in.TicketID)
	if err != nil {
		return nil, err
	}
	agent := in.AgentID
	if agent == 0 {
		agent = assignee
	}
	if agent == 0 {
		return nil, apperr.Invalid("agent_id", "is required: ticket %d is not assigned to anyone", in.TicketID)
	}
	if agent == who.ID {
		return nil, apperr.Unprocessable("agent_id", "nobody awards or nominates themselves")
	}
	if err := user.CheckActive(ctx, q, "agent_id", agent); err != nil {
		return nil, err
	}
	return &Award{ValueID: &v.ID, ValueName: v.Name, ValueCode: v.Code, ValueColour: v.Colour,
		TicketID: in.TicketID, AgentID: agent, Citation: citation}, nil
}

// reviewedBy reports whether reviewer submitted a review of agent's work
// on ticket.
func reviewedBy(ctx context.Context, q db.Queryer, ticketID, agentID, reviewerID int64) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM reviews WHERE ticket_id = $1 AND agent_id = $2
		AND reviewer_id = $3 AND status = 'submitted'`, ticketID, agentID, reviewerID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("recognition: reviews of ticket %d: %w", ticketID, err)
	}
	return n > 0, nil
}

// insertAward stores a, appends badge.awarded to its ticket and queues the
// webhook, all in tx.
func (s *Service) insertAward(ctx context.Context, tx *sql.Tx, a *Award) error {
	a.CreatedAt = s.now()
	err := tx.QueryRowContext(ctx, `INSERT INTO badge_awards (value_id, value_name, value_code, value_colour,
		ticket_id, agent_id, awarded_by, nominated_by, source, review_id, citation, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
		a.ValueID, a.ValueName, a.ValueCode, a.ValueColour, a.TicketID, a.AgentID, a.AwardedBy,
		a.NominatedBy, string(a.Source), a.ReviewID, a.Citation, db.Time(a.CreatedAt)).Scan(&a.ID)
	if db.IsUniqueViolation(err) {
		return apperr.Conflict("value_id", "%s's badge was already awarded to this agent for ticket %d",
			a.ValueName, a.TicketID)
	}
	if err != nil {
		return fmt.Errorf("recognition: insert award: %w", err)
	}
	err = events.Append(ctx, tx, &events.Event{TicketID: a.TicketID, Type: EventBadgeAwarded,
		Data: map[string]any{"award_id": a.ID, "value_id": a.ValueID, "value": a.ValueName,
			"agent_id": a.AgentID, "source": a.Source}})
	if err != nil {
		return err
	}
	if err := tellTheAgent(ctx, tx, a); err != nil {
		return err
	}
	a.Reactions, a.Comments = []Reaction{}, []Comment{}
	return s.queueWebhook(ctx, tx, a)
}

// tellTheAgent puts the award in the agent's notifications, so the person
// it celebrates hears of it first, not from the feed.
func tellTheAgent(ctx context.Context, tx *sql.Tx, a *Award) error {
	citation := []rune(a.Citation)
	if len(citation) > 120 {
		citation = append(citation[:119], '…')
	}
	_, err := notify.Remind(ctx, tx, notify.Reminder{
		Kind:        notify.KindBadge,
		RecipientID: a.AgentID,
		ActorID:     a.AwardedBy,
		Source:      fmt.Sprintf("award:%d", a.ID),
		Link:        fmt.Sprintf("/recognition#award-%d", a.ID),
		Note:        fmt.Sprintf("You earned the %s badge: %s", a.ValueName, string(citation)),
	})
	return err
}

const awardColumns = `a.id, a.value_id, a.value_name, a.value_code, a.value_colour, a.ticket_id, a.agent_id,
	a.awarded_by, a.nominated_by, a.source, a.review_id, a.citation, a.created_at,
	COALESCE(ag.name, ''), COALESCE(aw.name, ''), COALESCE(nm.name, ''), t.number, t.subject`

const awardFrom = ` FROM badge_awards a
	JOIN tickets t ON t.id = a.ticket_id
	LEFT JOIN users ag ON ag.id = a.agent_id
	LEFT JOIN users aw ON aw.id = a.awarded_by
	LEFT JOIN users nm ON nm.id = a.nominated_by`

func scanAward(row scanner) (*Award, error) {
	a := &Award{}
	var source string
	err := row.Scan(&a.ID, &a.ValueID, &a.ValueName, &a.ValueCode, &a.ValueColour, &a.TicketID, &a.AgentID,
		&a.AwardedBy, &a.NominatedBy, &source, &a.ReviewID, &a.Citation, db.ScanTime(&a.CreatedAt),
		&a.AgentName, &a.AwardedByName, &a.NominatorName, &a.TicketNumber, &a.TicketSubject)
	a.Source = Source(source)
	return a, err
}

func getAward(ctx context.Context, q db.Queryer, id int64) (*Award, error) {
	a, err := scanAward(q.QueryRowContext(ctx, `SELECT `+awardColumns+awardFrom+` WHERE a.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("award")
	}
	if err != nil {
		return nil, fmt.Errorf("recognition: award %d: %w", id, err)
	}
	return a, nil
}
