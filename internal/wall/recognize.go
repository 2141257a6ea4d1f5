package wall

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/recognition"
	"github.com/centerdesk/centerdesk/internal/user"
)

// NewRecognition is a lead's recognition of a comment: the value it shows,
// a message, and the agent (by default the assignee at the solve, else
// the one agent the answer counts for).
type NewRecognition struct {
	ValueID int64  `json:"value_id"`
	Message string `json:"message"`
	AgentID int64  `json:"agent_id,omitempty"`
}

// MaxMessage bounds a lead's message; the post's citation also quotes the
// customer, within recognition.MaxCitation.
const MaxMessage = 500

// Recognize turns the comment of survey into a recognition post: a badge
// award (package recognition) of the value for the agent, on the ticket,
// whose citation is the lead's message and the customer's words. Leads
// only; the answer must be positive and have a comment; one post per
// comment. All in one transaction.
func (s *Service) Recognize(ctx context.Context, who *user.User, survey int64, in NewRecognition) (*recognition.Award, error) {
	if who == nil {
		return nil, apperr.Unauthorized("sign in first")
	}
	if !who.IsLead() {
		return nil, apperr.Forbidden("only leads turn a comment into a recognition post")
	}
	msg, err := apperr.CheckText("message", in.Message, MaxMessage, true)
	if err != nil {
		return nil, err
	}
	if in.ValueID <= 0 {
		return nil, apperr.Invalid("value_id", "is required")
	}
	var award *recognition.Award
	err = s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		c, err := commentOf(ctx, tx, survey)
		if err != nil {
			return err
		}
		agent, err := c.agentFor(ctx, tx, in.AgentID)
		if err != nil {
			return err
		}
		award, err = s.recognition.CreateAward(ctx, who, recognition.NewAward{ValueID: in.ValueID,
			TicketID: c.ticketID, AgentID: agent, Citation: citation(msg, c.comment)})
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO wall_recognitions (survey_id, award_id, recognized_by, created_at)
			VALUES ($1, $2, $3, $4)`, survey, award.ID, who.ID, db.Time(s.now()))
		if err != nil {
			return fmt.Errorf("wall: record recognition of survey %d: %w", survey, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return award, nil
}

// citation is the post's text: the lead's message, then the customer's
// words, shortened to fit the citation's limit.
func citation(msg, comment string) string {
	const lead = "\n\nThe customer wrote: “"
	room := recognition.MaxCitation - utf8.RuneCountInString(msg) - utf8.RuneCountInString(lead) - 2
	if r := []rune(comment); len(r) > room {
		comment = string(r[:max(0, room-1)]) + "…"
	}
	return msg + lead + comment + "”"
}

// comment is what a recognition needs of a survey.
type comment struct {
	id, ticketID int64
	assignee     *int64
	comment      string
}

func commentOf(ctx context.Context, tx *sql.Tx, survey int64) (*comment, error) {
	c := &comment{id: survey}
	var (
		status    string
		csat, ces *int
		done      bool
	)
	err := tx.QueryRowContext(ctx, `SELECT s.ticket_id, s.assignee_id, s.comment, s.status, s.csat, s.ces,
			EXISTS (SELECT 1 FROM wall_recognitions r WHERE r.survey_id = s.id)
		FROM feedback_surveys s WHERE s.id = $1`, survey).
		Scan(&c.ticketID, &c.assignee, &c.comment, &status, &csat, &ces, &done)
	if errors.Is(err, sql.ErrNoRows) || err == nil && status != "answered" {
		return nil, apperr.NotFound(fmt.Sprintf("answer %d", survey))
	}
	if err != nil {
		return nil, fmt.Errorf("wall: survey %d: %w", survey, err)
	}
	switch {
	case c.comment == "":
		return nil, apperr.Unprocessable("survey_id", "this answer has no comment to recognise")
	case BandOf(csat, ces) != BandPositive:
		return nil, apperr.Unprocessable("survey_id", "only a positive answer becomes a recognition post")
	case done:
		return nil, apperr.Conflict("survey_id", "this comment is already a recognition post")
	}
	return c, nil
}

// agentFor picks the agent to recognise: the one asked for, who must be
// one the answer counts for; else the assignee at the solve; else the only
// agent it counts for.
func (c *comment) agentFor(ctx context.Context, tx *sql.Tx, asked int64) (int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT user_id FROM feedback_survey_agents WHERE survey_id = $1`, c.id)
	if err != nil {
		return 0, fmt.Errorf("wall: agents of survey %d: %w", c.id, err)
	}
	defer rows.Close()
	var agents []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return 0, fmt.Errorf("wall: scan agent: %w", err)
		}
		agents = append(agents, id)
	}
	if err := rows.Err(); err != nil {
		return 0, err
	}
	has := func(id int64) bool {
		for _, a := range agents {
			if a == id {
				return true
			}
		}
		return false
	}
	switch {
	case asked != 0 && has(asked):
		return asked, nil
	case asked != 0:
		return 0, apperr.Unprocessable("agent_id", "the answer does not count for agent %d", asked)
	case c.assignee != nil && has(*c.assignee):
		return *c.assignee, nil
	case len(agents) == 1:
		return agents[0], nil
	}
	return 0, apperr.Invalid("agent_id", "is required: the answer counts for several agents")
}
