package feedback

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
)

// Table and column names other packages may read (reads are free; writes
// go through this package).
const (
	TableSurveys = "feedback_surveys"
	TableAgents  = "feedback_survey_agents"
	TableOptOuts = "feedback_opt_outs"
)

const surveyColumns = `s.id, s.ticket_id, s.solve_event_id, s.customer_id, s.channel, s.assignee_id, s.team_id,
	s.status, s.not_eligible_reason, s.token_nonce, s.solved_at, s.send_at, s.sent_at, s.answered_at,
	s.changed_at, s.closed_at, s.csat, s.ces, s.comment, s.reason, s.recovery, s.followed_up_by,
	s.followed_up_at, s.created_at, s.updated_at`

func scanSurvey(row interface{ Scan(...any) error }, extra ...any) (*Survey, error) {
	var (
		s         Survey
		csat, ces sql.NullInt64
	)
	dst := []any{&s.ID, &s.TicketID, &s.SolveEventID, &s.CustomerID, &s.Channel, &s.AssigneeID, &s.TeamID,
		&s.Status, &s.NotEligibleReason, &s.tokenNonce, db.ScanTime(&s.SolvedAt), db.ScanNullTime(&s.SendAt),
		db.ScanNullTime(&s.SentAt), db.ScanNullTime(&s.AnsweredAt), db.ScanNullTime(&s.ChangedAt),
		db.ScanNullTime(&s.ClosedAt), &csat, &ces, &s.Comment, &s.Reason, &s.Recovery, &s.FollowedUpBy,
		db.ScanNullTime(&s.FollowedUpAt), db.ScanTime(&s.CreatedAt), db.ScanTime(&s.UpdatedAt)}
	if err := row.Scan(append(dst, extra...)...); err != nil {
		return nil, err
	}
	s.CSAT, s.CES = intPtr(csat), intPtr(ces)
	return &s, nil
}

func intPtr(n sql.NullInt64) *int {
	if !n.Valid {
		return nil
	}
	v := int(n.Int64)
	return &v
}

// getSurvey reads one survey by a condition on s ("s.id = $1").
func getSurvey(ctx context.Context, q db.Queryer, where string, args ...any) (*Survey, error) {
	s, err := scanSurvey(q.QueryRowContext(ctx, `SELECT `+surveyColumns+` FROM feedback_surveys s WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("survey")
	}
	if err != nil {
		return nil, fmt.Errorf("feedback: get survey: %w", err)
	}
	return s, nil
}

// CurrentForTicket returns the survey of the ticket's latest resolution.
func CurrentForTicket(ctx context.Context, q db.Queryer, ticketID int64) (*Survey, error) {
	return getSurvey(ctx, q, `s.ticket_id = $1 ORDER BY s.id DESC LIMIT 1`, ticketID)
}

// AgentsOf returns the agents a survey counts for, frozen at its solve.
func AgentsOf(ctx context.Context, q db.Queryer, surveyID int64) ([]Agent, error) {
	rows, err := q.QueryContext(ctx, `SELECT survey_id, user_id, is_assignee, replied
		FROM feedback_survey_agents WHERE survey_id = $1 ORDER BY user_id`, surveyID)
	if err != nil {
		return nil, fmt.Errorf("feedback: agents of survey %d: %w", surveyID, err)
	}
	defer rows.Close()
	out := []Agent{}
	for rows.Next() {
		var a Agent
		if err := rows.Scan(&a.SurveyID, &a.UserID, &a.IsAssignee, &a.Replied); err != nil {
			return nil, fmt.Errorf("feedback: scan agent: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Answer is an answered survey with its ticket, for lists.
type Answer struct {
	Survey
	TicketNumber  int64  `json:"ticket_number"`
	TicketSubject string `json:"ticket_subject"`
}

// Filter narrows a list of answers; zero fields do not filter.
type Filter struct {
	AgentID    int64 // surveys that count for this agent (assignee or public replier at solve)
	TeamID     int64
	CustomerID int64
	TicketID   int64
	Channel    string
	CSAT       int        // exact CSAT score
	CES        int        // exact CES score
	From, To   *time.Time // first answer in [From, To)
	HasComment *bool
	Cursor     string // next_cursor of the previous page
	Limit      int    // MaxList when zero or more
}

// MaxList bounds one page of answers.
const MaxList = 100

// ListAnswers returns answered surveys matching f, newest first answer
// first, and the cursor of the next page ("" at the end).
func ListAnswers(ctx context.Context, q db.Queryer, f Filter) ([]*Answer, string, error) {
	where, args, err := f.where()
	if err != nil {
		return nil, "", err
	}
	limit := f.Limit
	if limit <= 0 || limit > MaxList {
		limit = MaxList
	}
	args = append(args, limit+1)
	rows, err := q.QueryContext(ctx, `SELECT `+surveyColumns+`, t.number, t.subject
		FROM feedback_surveys s JOIN tickets t ON t.id = s.ticket_id
		WHERE `+where+` ORDER BY s.answered_at DESC, s.id DESC LIMIT $`+strconv.Itoa(len(args)), args...)
	if err != nil {
		return nil, "", fmt.Errorf("feedback: list answers: %w", err)
	}
	defer rows.Close()
	out := []*Answer{}
	for rows.Next() {
		var a Answer
		s, err := scanSurvey(rows, &a.TicketNumber, &a.TicketSubject)
		if err != nil {
			return nil, "", fmt.Errorf("feedback: scan answer: %w", err)
		}
		a.Survey = *s
		out = append(out, &a)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("feedback: list answers: %w", err)
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		last := out[limit-1]
		next = encodeCursor(*last.AnsweredAt, last.ID)
	}
	return out, next, nil
}

// where builds the list's condition; every value is a parameter.
func (f Filter) where() (string, []any, error) {
	conds := []string{"s.answered_at IS NOT NULL"}
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		conds = append(conds, strings.ReplaceAll(cond, "$?", "$"+strconv.Itoa(len(args))))
	}
	if f.AgentID != 0 {
		add(`EXISTS (SELECT 1 FROM feedback_survey_agents a WHERE a.survey_id = s.id AND a.user_id = $?)`, f.AgentID)
	}
	if f.TeamID != 0 {
		add(`s.team_id = $?`, f.TeamID)
	}
	if f.CustomerID != 0 {
		add(`s.customer_id = $?`, f.CustomerID)
	}
	if f.TicketID != 0 {
		add(`s.ticket_id = $?`, f.TicketID)
	}
	if f.Channel != "" {
		add(`s.channel = $?`, f.Channel)
	}
	if f.CSAT != 0 {
		add(`s.csat = $?`, f.CSAT)
	}
	if f.CES != 0 {
		add(`s.ces = $?`, f.CES)
	}
	if f.From != nil {
		add(`s.answered_at >= $?`, db.Time(*f.From))
	}
	if f.To != nil {
		add(`s.answered_at < $?`, db.Time(*f.To))
	}
	if f.HasComment != nil && *f.HasComment {
		conds = append(conds, `s.comment <> ''`)
	} else if f.HasComment != nil {
		conds = append(conds, `s.comment = ''`)
	}
	if f.Cursor != "" {
		at, id, err := decodeCursor(f.Cursor)
		if err != nil {
			return "", nil, err
		}
		args = append(args, db.Time(at), id)
		n := len(args)
		conds = append(conds, fmt.Sprintf(`(s.answered_at < $%d OR (s.answered_at = $%d AND s.id < $%d))`, n-1, n-1, n))
	}
	return strings.Join(conds, " AND "), args, nil
}

func encodeCursor(at time.Time, id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(at.UnixNano(), 10) + ":" + strconv.FormatInt(id, 10)))
}

func decodeCursor(s string) (time.Time, int64, error) {
	bad := apperr.Invalid("cursor", "is not a cursor this list gave")
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return time.Time{}, 0, bad
	}
	a, b, ok := strings.Cut(string(raw), ":")
	ns, err1 := strconv.ParseInt(a, 10, 64)
	id, err2 := strconv.ParseInt(b, 10, 64)
	if !ok || err1 != nil || err2 != nil || id <= 0 {
		return time.Time{}, 0, bad
	}
	return time.Unix(0, ns).UTC(), id, nil
}

// TicketSurvey is the current survey of a ticket as the API shows it.
type TicketSurvey struct {
	Status     string     `json:"status"`
	URL        string     `json:"url"`
	SentAt     *time.Time `json:"sent_at"`
	AnsweredAt *time.Time `json:"answered_at"`
	CSAT       *int       `json:"csat"`
	CES        *int       `json:"ces"`
	Comment    string     `json:"comment"`
	Reason     string     `json:"reason"`
	// Recovery says whether a low score waits for a follow-up.
	Recovery string `json:"recovery"`
}

// ForTicket answers the ticket's current survey; a ticket never solved
// since surveys began answers not_eligible with no link.
func (s *Service) ForTicket(ctx context.Context, ticketID int64) (*TicketSurvey, error) {
	q := s.db.Reader(ctx)
	var one int
	if err := q.QueryRowContext(ctx, `SELECT 1 FROM tickets WHERE id = $1`, ticketID).Scan(&one); errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("ticket")
	} else if err != nil {
		return nil, fmt.Errorf("feedback: read ticket %d: %w", ticketID, err)
	}
	sv, err := CurrentForTicket(ctx, q, ticketID)
	if apperr.Is(err, apperr.KindNotFound) {
		return &TicketSurvey{Status: StatusNotEligible, Recovery: RecoveryNone}, nil
	}
	if err != nil {
		return nil, err
	}
	return &TicketSurvey{Status: sv.Status, URL: s.URL(sv), SentAt: sv.SentAt, AnsweredAt: sv.AnsweredAt,
		CSAT: sv.CSAT, CES: sv.CES, Comment: sv.Comment, Reason: sv.Reason, Recovery: sv.Recovery}, nil
}

// List is ListAnswers over the service's database.
func (s *Service) List(ctx context.Context, f Filter) ([]*Answer, string, error) {
	return ListAnswers(ctx, s.db.Reader(ctx), f)
}

// OptOut records that the customer never wants a survey again.
func (s *Service) OptOut(ctx context.Context, customerID int64) error {
	_, err := s.db.Writer(ctx).ExecContext(ctx, `INSERT INTO feedback_opt_outs (customer_id, created_at)
		VALUES ($1, $2) ON CONFLICT (customer_id) DO NOTHING`, customerID, db.Time(s.now()))
	if err != nil {
		return fmt.Errorf("feedback: opt out %d: %w", customerID, err)
	}
	return nil
}
