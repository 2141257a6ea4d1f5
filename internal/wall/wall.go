// Package wall is the company-wide feedback wall: what customers said in
// their survey answers (package feedback's tables, read here read-only),
// positive and negative, newest first, for everyone signed in; and a
// lead's turning of a glowing comment into a recognition post for the
// agent (a badge award of package recognition, linked to the value it
// shows and to the ticket). It owns the table wall_recognitions.
//
// Privacy: the wall is read by the whole company, not only by the agents
// who served the customer, so a customer is named by their first name
// only (the first word of their name, or "A customer"); never their
// address or surname. The ticket's number and subject are shown, as agents
// can open any ticket anyway. Comments are customer-supplied plain text:
// they are never marked safe, so templates escape them and the JSON
// carries them as data.
package wall

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/recognition"
	"github.com/centerdesk/centerdesk/internal/user"
)

// Service reads the wall and recognises comments.
type Service struct {
	db          *db.DB
	recognition *recognition.Service
	now         func() time.Time
}

// NewService returns the wall over d; rec makes the recognition posts.
func NewService(d *db.DB, rec *recognition.Service) *Service {
	return &Service{db: d, recognition: rec, now: db.Now}
}

// Score bands. An answer's band follows its CSAT (4-5 positive, 3
// neutral, 1-2 negative); an answer without a CSAT follows its CES (5-7
// positive, 4 neutral, 1-3 negative).
const (
	BandPositive = "positive"
	BandNeutral  = "neutral"
	BandNegative = "negative"
)

var bandSQL = map[string]string{
	BandPositive: `(s.csat >= 4 OR (s.csat IS NULL AND s.ces >= 5))`,
	BandNeutral:  `(s.csat = 3 OR (s.csat IS NULL AND s.ces = 4))`,
	BandNegative: `(s.csat <= 2 OR (s.csat IS NULL AND s.ces <= 3))`,
}

// BandOf says which band an answer is in.
func BandOf(csat, ces *int) string {
	v, pos, neg := ces, 5, 3
	if csat != nil {
		v, pos, neg = csat, 4, 2
	}
	switch {
	case v == nil:
		return ""
	case *v >= pos:
		return BandPositive
	case *v <= neg:
		return BandNegative
	}
	return BandNeutral
}

// Filter narrows the wall; zero fields do not.
type Filter struct {
	Band       string     // BandPositive, BandNeutral or BandNegative
	TeamID     int64      // the team when the ticket was solved
	AgentID    int64      // an agent the answer counts for
	HasComment *bool      // only answers with (true) or without (false) a comment
	From, To   *time.Time // answered at or after From, before To
	Cursor     string     // where the previous page ended (Page.NextCursor)
	Limit      int        // DefaultLimit when 0, at most MaxLimit
}

// Limits of a page of the wall.
const (
	DefaultLimit = 50
	MaxLimit     = 100
)

// Item is one answer on the wall.
type Item struct {
	SurveyID      int64  `json:"survey_id"`
	TicketID      int64  `json:"ticket_id"`
	TicketNumber  int64  `json:"ticket_number"`
	TicketSubject string `json:"ticket_subject"`
	// Customer is the customer's first name only (see the package doc).
	Customer   string    `json:"customer"`
	CSAT       *int      `json:"csat"`
	CES        *int      `json:"ces"`
	Band       string    `json:"band"`
	Comment    string    `json:"comment"`
	Channel    string    `json:"channel"`
	AnsweredAt time.Time `json:"answered_at"`
	TeamID     *int64    `json:"team_id"`
	TeamName   string    `json:"team_name"`
	// Agents are the agents the answer counts for, the assignee at the
	// solve first.
	Agents []AgentRef `json:"agents"`
	// Recognition is the post a lead made of the comment, if any.
	Recognition *Recognition `json:"recognition"`
}

// AgentRef names an agent.
type AgentRef struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	IsAssignee bool   `json:"is_assignee"`
}

// Recognition is the recognition post a comment became.
type Recognition struct {
	AwardID   int64  `json:"award_id"`
	ValueName string `json:"value_name"`
	AgentID   int64  `json:"agent_id"`
}

// Page is one page of the wall.
type Page struct {
	Items      []Item `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// Check reports the first field of f that is out of bounds.
func (f *Filter) Check() error {
	if f.Band != "" && bandSQL[f.Band] == "" {
		return apperr.Invalid("band", "must be positive, neutral or negative")
	}
	if f.Limit < 0 || f.Limit > MaxLimit {
		return apperr.Invalid("limit", "must be between 1 and %d", MaxLimit)
	}
	if f.From != nil && f.To != nil && f.From.After(*f.To) {
		return apperr.Invalid("to", "must not be before from")
	}
	if f.Cursor != "" {
		if _, _, err := parseCursor(f.Cursor); err != nil {
			return err
		}
	}
	return nil
}

// List returns a page of the wall, newest answer first; anyone signed in
// may read it.
func (s *Service) List(ctx context.Context, who *user.User, f Filter) (*Page, error) {
	if who == nil {
		return nil, apperr.Unauthorized("sign in first")
	}
	if err := f.Check(); err != nil {
		return nil, err
	}
	if f.Limit == 0 {
		f.Limit = DefaultLimit
	}
	where, args := f.where()
	q := s.db.Reader(ctx)
	rows, err := q.QueryContext(ctx, `SELECT s.id, s.ticket_id, t.number, t.subject, COALESCE(c.name, ''),
			s.csat, s.ces, s.comment, s.channel, s.answered_at, s.team_id, COALESCE(tm.name, ''),
			r.award_id, COALESCE(b.value_name, ''), COALESCE(b.agent_id, 0)
		FROM feedback_surveys s
			JOIN tickets t ON t.id = s.ticket_id
			LEFT JOIN customers c ON c.id = s.customer_id
			LEFT JOIN teams tm ON tm.id = s.team_id
			LEFT JOIN wall_recognitions r ON r.survey_id = s.id
			LEFT JOIN badge_awards b ON b.id = r.award_id
		WHERE `+where+` ORDER BY s.answered_at DESC, s.id DESC LIMIT `+strconv.Itoa(f.Limit+1), args...)
	if err != nil {
		return nil, fmt.Errorf("wall: list: %w", err)
	}
	defer rows.Close()
	p := &Page{Items: []Item{}}
	for rows.Next() {
		var (
			it        Item
			name      string
			award     *int64
			valueName string
			agent     int64
		)
		if err := rows.Scan(&it.SurveyID, &it.TicketID, &it.TicketNumber, &it.TicketSubject, &name, &it.CSAT,
			&it.CES, &it.Comment, &it.Channel, db.ScanTime(&it.AnsweredAt), &it.TeamID, &it.TeamName,
			&award, &valueName, &agent); err != nil {
			return nil, fmt.Errorf("wall: scan: %w", err)
		}
		it.Customer, it.Band, it.Agents = FirstName(name), BandOf(it.CSAT, it.CES), []AgentRef{}
		if award != nil {
			it.Recognition = &Recognition{AwardID: *award, ValueName: valueName, AgentID: agent}
		}
		p.Items = append(p.Items, it)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(p.Items) > f.Limit {
		p.Items = p.Items[:f.Limit]
		last := p.Items[len(p.Items)-1]
		p.NextCursor = makeCursor(last.AnsweredAt, last.SurveyID)
	}
	return p, fillAgents(ctx, q, p.Items)
}

// where builds the filter's conditions; every value is a parameter.
func (f *Filter) where() (string, []any) {
	conds := []string{`s.status = 'answered'`, `s.answered_at IS NOT NULL`}
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.Band != "" {
		conds = append(conds, bandSQL[f.Band])
	}
	if f.TeamID != 0 {
		conds = append(conds, `s.team_id = `+arg(f.TeamID))
	}
	if f.AgentID != 0 {
		conds = append(conds, `EXISTS (SELECT 1 FROM feedback_survey_agents a WHERE a.survey_id = s.id AND a.user_id = `+
			arg(f.AgentID)+`)`)
	}
	if f.HasComment != nil {
		if *f.HasComment {
			conds = append(conds, `s.comment <> ''`)
		} else {
			conds = append(conds, `s.comment = ''`)
		}
	}
	if f.From != nil {
		conds = append(conds, `s.answered_at >= `+arg(db.Time(*f.From)))
	}
	if f.To != nil {
		conds = append(conds, `s.answered_at < `+arg(db.Time(*f.To)))
	}
	if at, id, err := parseCursor(f.Cursor); err == nil && f.Cursor != "" {
		t := arg(db.Time(at))
		conds = append(conds, `(s.answered_at < `+t+` OR (s.answered_at = `+t+` AND s.id < `+arg(id)+`))`)
	}
	return strings.Join(conds, " AND "), args
}

func makeCursor(at time.Time, id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(at.UTC().Format(time.RFC3339Nano) + "|" + strconv.FormatInt(id, 10)))
}

func parseCursor(c string) (time.Time, int64, error) {
	bad := apperr.Invalid("cursor", "is not a cursor this list gave")
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return time.Time{}, 0, bad
	}
	ts, ids, ok := strings.Cut(string(raw), "|")
	at, err1 := time.Parse(time.RFC3339Nano, ts)
	id, err2 := strconv.ParseInt(ids, 10, 64)
	if !ok || err1 != nil || err2 != nil {
		return time.Time{}, 0, bad
	}
	return at, id, nil
}

// FirstName is how the wall names a customer: the first word of their
// name, or "A customer" when they gave none. An address is never shown.
func FirstName(name string) string {
	f := strings.Fields(name)
	if len(f) == 0 || strings.Contains(f[0], "@") {
		return "A customer"
	}
	return f[0]
}

func fillAgents(ctx context.Context, q db.Queryer, items []Item) error {
	if len(items) == 0 {
		return nil
	}
	byID := map[int64]*Item{}
	ph := make([]string, len(items))
	args := make([]any, len(items))
	for i := range items {
		byID[items[i].SurveyID] = &items[i]
		ph[i] = "$" + strconv.Itoa(i+1)
		args[i] = items[i].SurveyID
	}
	rows, err := q.QueryContext(ctx, `SELECT a.survey_id, a.user_id, u.name, a.is_assignee
		FROM feedback_survey_agents a JOIN users u ON u.id = a.user_id
		WHERE a.survey_id IN (`+strings.Join(ph, ", ")+`) ORDER BY a.survey_id, a.is_assignee DESC, u.name`, args...)
	if err != nil {
		return fmt.Errorf("wall: agents: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var sid int64
		var a AgentRef
		if err := rows.Scan(&sid, &a.ID, &a.Name, &a.IsAssignee); err != nil {
			return fmt.Errorf("wall: scan agent: %w", err)
		}
		byID[sid].Agents = append(byID[sid].Agents, a)
	}
	return rows.Err()
}
