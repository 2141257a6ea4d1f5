package feedback

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/mailtoken"
	"github.com/centerdesk/centerdesk/internal/outbound"
	"github.com/centerdesk/centerdesk/internal/settings"
)

// sendJob is the payload of a KindSend job.
type sendJob struct {
	SurveyID int64 `json:"survey_id"`
}

// Questions, as the survey asks them.
const (
	CSATQuestion = "How would you rate the support you received?"
	// CESStatement takes the company's name: "<Company> made it easy for
	// me to handle my issue" (CES 2.0, agree 1-7).
	CESStatement = "%s made it easy for me to handle my issue"
)

// CSATLabels name the CSAT scores 1-5.
var CSATLabels = []string{"", "Very poor", "Poor", "Okay", "Good", "Very good"}

// CESLabels name the ends and middle of the CES scale 1-7.
var CESLabels = []string{"", "Strongly disagree", "Disagree", "Somewhat disagree", "Neither agree nor disagree",
	"Somewhat agree", "Agree", "Strongly agree"}

// mailFacts are what the solve notification says.
type mailFacts struct {
	to, name, subject, company string
	number                     int64
}

// send is the KindSend job: the solve notification with the survey goes to
// the requester, and the survey turns sent in the commit that completes
// the job. A survey closed meanwhile (the ticket reopened) is not sent.
func (s *Service) send(ctx context.Context, j *jobs.Job) error {
	var p sendJob
	if err := j.Decode(&p); err != nil {
		return err
	}
	sv, err := getSurvey(ctx, s.db.Reader(ctx), `s.id = $1`, p.SurveyID)
	if apperr.Is(err, apperr.KindNotFound) {
		return nil // its ticket was deleted
	}
	if err != nil {
		return err
	}
	if sv.Status != StatusScheduled || sv.ClosedAt != nil {
		return nil
	}
	if gone, err := reopenedSince(ctx, s.db.Reader(ctx), sv); err != nil || gone {
		return err // the consumer voids it when it reads the reopen
	}
	f, err := s.mailFacts(ctx, sv)
	if err != nil {
		return err
	}
	if f.to != "" && s.opts.PublicURL != "" {
		err := s.sender.SendNotice(ctx, outbound.Notice{To: f.to, Subject: f.subject,
			Text: s.mailText(f, s.URL(sv)), Date: sv.SendAt.UTC()})
		if err != nil && !jobs.IsPermanent(err) {
			return err
		}
		if err != nil { // no mailbox can send: the portal still offers it
			s.log.Warn("feedback: survey not mailed", "survey", sv.ID, "err", err)
		}
	}
	return s.db.Tx(context.WithoutCancel(ctx), func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE feedback_surveys SET status = 'sent', sent_at = $2, updated_at = $2
			WHERE id = $1 AND status = 'scheduled'`, sv.ID, db.Time(s.now()))
		if err != nil {
			return fmt.Errorf("feedback: mark survey %d sent: %w", sv.ID, err)
		}
		return s.queue.Finish(ctx, tx, j)
	})
}

func (s *Service) mailFacts(ctx context.Context, sv *Survey) (mailFacts, error) {
	var f mailFacts
	q := s.db.Reader(ctx)
	var subject string
	err := q.QueryRowContext(ctx, `
		SELECT t.number, t.subject, c.name, COALESCE((SELECT value FROM customer_identities
			WHERE customer_id = c.id AND kind = 'email' ORDER BY created_at, value LIMIT 1), '')
		FROM tickets t JOIN customers c ON c.id = $2 WHERE t.id = $1`, sv.TicketID, sv.CustomerID).
		Scan(&f.number, &subject, &f.name, &f.to)
	if err != nil {
		return f, fmt.Errorf("feedback: read ticket %d for its survey: %w", sv.TicketID, err)
	}
	f.company, err = settings.Value(ctx, q, "company_name")
	if err != nil {
		return f, err
	}
	if f.company == "" {
		f.company = settings.DefaultCompanyName
	}
	// A reply to this mail joins the ticket (and reopens it), as a reply
	// to any of the ticket's mail does.
	f.subject = mailtoken.ReplySubject(subject, f.number, s.key)
	return f, nil
}

// mailText is the solve notification: the CSAT question with one link per
// score. A link only opens the survey page with the score chosen; the
// customer's own press of its button records it, so scanners that open
// every link record nothing.
func (s *Service) mailText(f mailFacts, link string) string {
	var b strings.Builder
	greeting := "Hello"
	if n := strings.TrimSpace(f.name); n != "" {
		greeting += " " + n
	}
	fmt.Fprintf(&b, "%s,\n\nYour request #%d is solved.\n\n%s\n\n", greeting, f.number, CSATQuestion)
	for score := MaxCSAT; score >= MinCSAT; score-- {
		fmt.Fprintf(&b, "  %d - %s: %s?csat=%s\n", score, CSATLabels[score], link, strconv.Itoa(score))
	}
	fmt.Fprintf(&b, "\nEach link opens a short page where you confirm your score, and can tell us "+
		"how easy we made it and anything else. You can change your answer for 7 days.\n\n"+
		"If your issue is not solved, reply to this mail and we will reopen your request.\n\n%s support\n", f.company)
	return b.String()
}
