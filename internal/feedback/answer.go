package feedback

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/events"
	"github.com/centerdesk/centerdesk/internal/settings"
)

// Input is an answer as the survey form sends it.
type Input struct {
	CSAT    *int
	CES     *int
	Comment string
	Reason  string
}

// ParseInput checks the form's fields (csat, ces, comment, reason) as
// text; an empty score is no score. At least one score is needed.
func ParseInput(csat, ces, comment, reason string) (Input, error) {
	var in Input
	var err error
	if in.CSAT, err = parseScore("csat", csat, MinCSAT, MaxCSAT); err != nil {
		return in, err
	}
	if in.CES, err = parseScore("ces", ces, MinCES, MaxCES); err != nil {
		return in, err
	}
	if in.CSAT == nil && in.CES == nil {
		return in, apperr.Invalid("csat", "choose a score")
	}
	if in.Comment, err = apperr.CheckText("comment", comment, MaxComment, false); err != nil {
		return in, err
	}
	if in.Reason, err = apperr.CheckText("reason", reason, MaxReason, false); err != nil {
		return in, err
	}
	return in, nil
}

func parseScore(field, s string, lo, hi int) (*int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return nil, apperr.Invalid(field, "must be a whole number from %d to %d", lo, hi)
	}
	return &n, nil
}

// Form is what a survey page shows.
type Form struct {
	Survey        *Survey
	Token         string
	TicketNumber  int64
	TicketSubject string
	Company       string
	Reasons       []string
	// Reopened: the ticket was reopened after this survey's solve; the
	// page says so and takes no answer.
	Reopened bool
	// Locked: answered more than ChangeWindow ago.
	Locked bool
}

// CESQuestion is the effort statement with the company's name.
func (f *Form) CESQuestion() string { return fmt.Sprintf(CESStatement, f.Company) }

// FormByToken reads the survey a link's token opens, and changes nothing:
// mail scanners open every link, so opening one must record nothing.
func (s *Service) FormByToken(ctx context.Context, token string) (*Form, error) {
	if !wellFormed(token) {
		return nil, apperr.NotFound("survey")
	}
	q := s.db.Reader(ctx)
	sv, err := getSurvey(ctx, q, `s.token_hash = $1`, hashToken(token))
	if err != nil {
		return nil, err
	}
	return s.form(ctx, q, sv)
}

// FormForCustomer reads the current survey of a ticket the customer
// requested, for the portal; not found when there is none to show.
func (s *Service) FormForCustomer(ctx context.Context, ticketID, customerID int64) (*Form, error) {
	q := s.db.Reader(ctx)
	sv, err := CurrentForTicket(ctx, q, ticketID)
	if err != nil {
		return nil, err
	}
	if sv.CustomerID != customerID || sv.tokenNonce == "" || sv.Status == StatusScheduled {
		return nil, apperr.NotFound("survey")
	}
	return s.form(ctx, q, sv)
}

func (s *Service) form(ctx context.Context, q db.Queryer, sv *Survey) (*Form, error) {
	f := &Form{Survey: sv, Token: s.token(sv.tokenNonce)}
	err := q.QueryRowContext(ctx, `SELECT number, subject FROM tickets WHERE id = $1`, sv.TicketID).
		Scan(&f.TicketNumber, &f.TicketSubject)
	if err != nil {
		return nil, fmt.Errorf("feedback: read ticket %d: %w", sv.TicketID, err)
	}
	if f.Company, err = settings.Value(ctx, q, "company_name"); err != nil {
		return nil, err
	}
	if f.Company == "" {
		f.Company = settings.DefaultCompanyName
	}
	st, err := LoadSettings(ctx, q)
	if err != nil {
		return nil, err
	}
	f.Reasons = st.Reasons
	if sv.Reason != "" && !slices.Contains(f.Reasons, sv.Reason) {
		f.Reasons = append(slices.Clone(f.Reasons), sv.Reason)
	}
	if f.Reopened = sv.ClosedAt != nil || sv.Status == StatusVoid; !f.Reopened {
		if f.Reopened, err = reopenedSince(ctx, q, sv); err != nil {
			return nil, err
		}
	}
	f.Locked = !f.Reopened && sv.AnsweredAt != nil && !s.now().Before(sv.AnsweredAt.Add(ChangeWindow))
	return f, nil
}

// Answer records the answer to the survey of token: the first answer, or
// a change within ChangeWindow of it (the same row, never a second one).
// It fails with ErrReopened when the ticket was reopened after the
// survey's solve, even before the consumer has closed the survey, and
// records nothing then.
func (s *Service) Answer(ctx context.Context, token string, in Input) (*Survey, error) {
	if !wellFormed(token) {
		return nil, apperr.NotFound("survey")
	}
	var out *Survey
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		sv, err := getSurvey(ctx, tx, `s.token_hash = $1`+lockClause(s.db), hashToken(token))
		if err != nil {
			return err
		}
		out, err = s.record(ctx, tx, sv, in)
		return err
	})
	return out, err
}

// lockClause locks the survey's row on PostgreSQL, so two answers at once
// are taken one after the other; SQLite's write transaction already is.
func lockClause(d *db.DB) string {
	if d.Dialect() == db.Postgres {
		return ` FOR UPDATE OF s`
	}
	return ``
}

func (s *Service) record(ctx context.Context, tx *sql.Tx, sv *Survey, in Input) (*Survey, error) {
	if sv.tokenNonce == "" || sv.Status == StatusNotEligible {
		return nil, apperr.NotFound("survey")
	}
	if sv.ClosedAt != nil || sv.Status == StatusVoid {
		return nil, ErrReopened
	}
	if gone, err := reopenedSince(ctx, tx, sv); err != nil || gone {
		if err == nil {
			err = ErrReopened
		}
		return nil, err
	}
	now := s.now()
	if sv.AnsweredAt != nil && !now.Before(sv.AnsweredAt.Add(ChangeWindow)) {
		return nil, ErrChangeWindowOver
	}
	st, err := LoadSettings(ctx, tx)
	if err != nil {
		return nil, err
	}
	first, oldReason := sv.AnsweredAt == nil, sv.Reason
	sv.CSAT, sv.CES, sv.Comment, sv.Reason = in.CSAT, in.CES, in.Comment, in.Reason
	if !sv.Low() {
		sv.Reason = "" // a reason explains a low score only
	} else if sv.Reason != "" && !slices.Contains(st.Reasons, sv.Reason) && sv.Reason != oldReason {
		return nil, apperr.Invalid("reason", "is not one of the desk's reasons")
	}
	if first {
		sv.AnsweredAt = &now
	}
	if sv.SentAt == nil {
		sv.SentAt = &now // answered from a link an agent gave before the mail went
	}
	sv.ChangedAt, sv.Status, sv.UpdatedAt = &now, StatusAnswered, now
	startRecovery := sv.Low() && sv.Recovery == RecoveryNone
	switch {
	case startRecovery:
		sv.Recovery = RecoveryNeeded
	case !sv.Low() && sv.Recovery == RecoveryNeeded:
		sv.Recovery = RecoveryNone // changed to a good score before anyone followed up
	}
	_, err = tx.ExecContext(ctx, `
		UPDATE feedback_surveys SET status = 'answered', answered_at = $2, changed_at = $3, sent_at = $4,
			csat = $5, ces = $6, comment = $7, reason = $8, recovery = $9, updated_at = $3
		WHERE id = $1`, sv.ID, db.NullTime(sv.AnsweredAt), db.Time(now), db.NullTime(sv.SentAt),
		sv.CSAT, sv.CES, sv.Comment, sv.Reason, sv.Recovery)
	if err != nil {
		return nil, fmt.Errorf("feedback: record answer to survey %d: %w", sv.ID, err)
	}
	if err := events.Append(ctx, tx, &events.Event{TicketID: sv.TicketID, Type: EventAnswered,
		ActorType: events.ActorCustomer, ActorID: &sv.CustomerID, At: now,
		Data: map[string]any{"survey_id": sv.ID, "csat": sv.CSAT, "ces": sv.CES,
			"has_comment": sv.Comment != "", "first": first}}); err != nil {
		return nil, err
	}
	if startRecovery {
		if err := notifyLowScore(ctx, tx, sv); err != nil {
			return nil, err
		}
	}
	return sv, nil
}

// OptOutByToken records that the customer of the survey of token never
// wants a survey again (the link at the foot of the survey page).
func (s *Service) OptOutByToken(ctx context.Context, token string) error {
	if !wellFormed(token) {
		return apperr.NotFound("survey")
	}
	sv, err := getSurvey(ctx, s.db.Reader(ctx), `s.token_hash = $1`, hashToken(token))
	if err != nil {
		return err
	}
	return s.OptOut(ctx, sv.CustomerID)
}

// OptedOut reports whether the customer asked never to get a survey.
func (s *Service) OptedOut(ctx context.Context, customerID int64) (bool, error) {
	var n int
	err := s.db.Reader(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM feedback_opt_outs WHERE customer_id = $1`,
		customerID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("feedback: read opt-out of %d: %w", customerID, err)
	}
	return n > 0, nil
}
