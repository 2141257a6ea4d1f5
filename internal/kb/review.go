package kb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/notify"
)

// Agents write the knowledge: a draft is submitted for review, and an
// editor approves it (publishing it, with any edits), or sends it back
// with a comment. A published submission made from a ticket credits its
// author through the hook set with OnPublished (the recognition feed).

// Settings say when an article needs review and which value's badge a
// published submission earns.
type Settings struct {
	ReviewDays       int    `json:"review_days"`       // unconfirmed for this long: review it
	UnhelpfulPercent int    `json:"unhelpful_percent"` // more "no" votes than this share: review it
	MinVotes         int    `json:"min_votes"`         // votes needed before the share counts
	CreditValueID    *int64 `json:"credit_value_id"`   // the value whose badge credits an author; nil for none
}

// DefaultSettings apply until an editor saves others.
var DefaultSettings = Settings{ReviewDays: 180, UnhelpfulPercent: 50, MinVotes: 5}

// Settings returns the knowledge base's settings.
func (s *Service) Settings(ctx context.Context) (Settings, error) {
	st := DefaultSettings
	err := s.db.Reader(ctx).QueryRowContext(ctx, `SELECT review_days, unhelpful_percent, min_votes, credit_value_id
		FROM kb_settings WHERE id = 1`).Scan(&st.ReviewDays, &st.UnhelpfulPercent, &st.MinVotes, &st.CreditValueID)
	if errors.Is(err, sql.ErrNoRows) {
		return DefaultSettings, nil
	}
	if err != nil {
		return st, fmt.Errorf("kb: read settings: %w", err)
	}
	return st, nil
}

// SaveSettings replaces the settings; editors only.
func (s *Service) SaveSettings(ctx context.Context, who Viewer, st Settings) error {
	if !who.Editor {
		return apperr.Forbidden("only editors (leads and admins) may change the knowledge base's settings")
	}
	switch {
	case st.ReviewDays < 1 || st.ReviewDays > 3650:
		return apperr.Invalid("review_days", "must be between 1 and 3650")
	case st.UnhelpfulPercent < 1 || st.UnhelpfulPercent > 100:
		return apperr.Invalid("unhelpful_percent", "must be between 1 and 100")
	case st.MinVotes < 1 || st.MinVotes > 10000:
		return apperr.Invalid("min_votes", "must be between 1 and 10000")
	}
	return s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if st.CreditValueID != nil {
			var one int
			err := tx.QueryRowContext(ctx, `SELECT 1 FROM team_values WHERE id = $1`, *st.CreditValueID).Scan(&one)
			if errors.Is(err, sql.ErrNoRows) {
				return apperr.Invalid("credit_value_id", "no value has id %d", *st.CreditValueID)
			}
			if err != nil {
				return fmt.Errorf("kb: check value: %w", err)
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO kb_settings (id, review_days, unhelpful_percent, min_votes,
			credit_value_id, updated_at) VALUES (1, $1, $2, $3, $4, $5)
			ON CONFLICT (id) DO UPDATE SET review_days = excluded.review_days,
			unhelpful_percent = excluded.unhelpful_percent, min_votes = excluded.min_votes,
			credit_value_id = excluded.credit_value_id, updated_at = excluded.updated_at`,
			st.ReviewDays, st.UnhelpfulPercent, st.MinVotes, st.CreditValueID, db.Time(s.now()))
		if err != nil {
			return fmt.Errorf("kb: save settings: %w", err)
		}
		return audit.Record(ctx, tx, "kb.settings_changed", "kb_settings", 1, map[string]any{"review_days": st.ReviewDays,
			"unhelpful_percent": st.UnhelpfulPercent, "min_votes": st.MinVotes, "credit_value_id": st.CreditValueID})
	})
}

// PublishedHook is told, after commit, that an editor published a
// submission made from a ticket, with the value whose badge credits it.
// The article stays published whatever the hook does: it reports its own
// failures.
type PublishedHook func(ctx context.Context, a *Article, editorID, valueID int64)

// OnPublished sets the hook that credits authors (the recognition feed).
func (s *Service) OnPublished(h PublishedHook) { s.published = h }

// Submit sends a draft for an editor's review: its author's, its owner's
// or an editor's.
func (s *Service) Submit(ctx context.Context, who Viewer, id int64) (*Article, error) {
	var a *Article
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		if a, err = getArticle(ctx, tx, id); err != nil {
			return err
		}
		return s.submit(ctx, tx, who, a)
	})
	return a, err
}

// submit marks a, read in tx, as waiting for review.
func (s *Service) submit(ctx context.Context, tx *sql.Tx, who Viewer, a *Article) error {
	if !who.Editor && !isUser(a.AuthorID, who.ID) && !isUser(a.OwnerID, who.ID) {
		return apperr.Forbidden("only the article's author, its owner or an editor submits it for review")
	}
	if a.Status != Draft {
		return apperr.Conflict("status", "only a draft is submitted for review; this one is %s", a.Status)
	}
	now := s.now()
	a.SubmittedAt, a.ReviewNote = &now, ""
	if err := setReview(ctx, tx, a); err != nil {
		return err
	}
	return audit.Record(ctx, tx, "kb.article_submitted", "kb_article", a.ID, map[string]any{"title": a.Title})
}

func isUser(id *int64, userID int64) bool { return id != nil && *id == userID }

// SendBack returns a submission to its author with an editor's comment.
func (s *Service) SendBack(ctx context.Context, who Viewer, id int64, comment string) (*Article, error) {
	if !who.Editor {
		return nil, apperr.Forbidden("only editors (leads and admins) review submissions")
	}
	comment, err := apperr.CheckText("comment", comment, MaxComment, true)
	if err != nil {
		return nil, err
	}
	var a *Article
	err = s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if a, err = getArticle(ctx, tx, id); err != nil {
			return err
		}
		if a.SubmittedAt == nil {
			return apperr.Conflict("status", "the article is not waiting for review")
		}
		a.SubmittedAt, a.ReviewNote = nil, comment
		if err := setReview(ctx, tx, a); err != nil {
			return err
		}
		if a.AuthorID != nil {
			_, err := notify.Remind(ctx, tx, notify.Reminder{RecipientID: *a.AuthorID, ActorID: &who.ID,
				Source: fmt.Sprintf("kb:%d:sent-back:%d", a.ID, a.Revision), Link: fmt.Sprintf("/kb/articles/%d", a.ID),
				Note: "An editor sent your article “" + a.Title + "” back: " + comment})
			if err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, "kb.article_sent_back", "kb_article", a.ID, map[string]any{"comment": comment})
	})
	return a, err
}

// Approve publishes a submission, with p's edits; an editor's.
func (s *Service) Approve(ctx context.Context, who Viewer, id int64, p Patch) (*Article, error) {
	if !who.Editor {
		return nil, apperr.Forbidden("only editors (leads and admins) review submissions")
	}
	a, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if a.SubmittedAt == nil {
		return nil, apperr.Conflict("status", "the article is not waiting for review")
	}
	published := Published
	p.Status = &published
	if p.Note == "" {
		p.Note = "Approved"
	}
	return s.Update(ctx, who, id, p)
}

// credit tells the hook that a submission made from a ticket was
// published, when the team chose a value to credit it with.
func (s *Service) credit(ctx context.Context, a *Article, editorID int64) error {
	if s.published == nil || a.SourceTicket == nil || a.AuthorID == nil {
		return nil
	}
	st, err := s.Settings(ctx)
	if err != nil || st.CreditValueID == nil {
		return err
	}
	s.published(ctx, a, editorID, *st.CreditValueID)
	return nil
}

func setReview(ctx context.Context, tx *sql.Tx, a *Article) error {
	_, err := tx.ExecContext(ctx, `UPDATE kb_articles SET submitted_at = $1, review_note = $2 WHERE id = $3`,
		db.NullTime(a.SubmittedAt), a.ReviewNote, a.ID)
	if err != nil {
		return fmt.Errorf("kb: set review of %d: %w", a.ID, err)
	}
	return nil
}

// InReview lists the submissions waiting for an editor, oldest first.
func (s *Service) InReview(ctx context.Context) ([]*Article, error) {
	return scanArticles(s.db.Reader(ctx).QueryContext(ctx, `SELECT `+summaryColumns+` FROM kb_articles a
		WHERE a.submitted_at IS NOT NULL AND a.status = 'draft' ORDER BY a.submitted_at, a.id LIMIT 200`))
}

// Stale is a published article that needs review, and why.
type Stale struct {
	Article *Article
	Reason  string
}

// NeedsReview lists published articles unconfirmed for the settings' days,
// voted unhelpful past their share, or sent to a ticket that was reopened
// since they were confirmed, longest unconfirmed first.
func (s *Service) NeedsReview(ctx context.Context) ([]Stale, error) {
	st, err := s.Settings(ctx)
	if err != nil {
		return nil, err
	}
	before := s.now().AddDate(0, 0, -st.ReviewDays)
	as, err := scanArticles(s.db.Reader(ctx).QueryContext(ctx, `SELECT `+summaryColumns+` FROM kb_articles a
		WHERE a.status = 'published' AND (a.confirmed_at < $1 OR (a.helpful_yes + a.helpful_no >= $2
			AND a.helpful_no * 100 > $3 * (a.helpful_yes + a.helpful_no)) OR a.reopened_at > a.confirmed_at)
		ORDER BY a.confirmed_at, a.id LIMIT 500`, db.Time(before), st.MinVotes, st.UnhelpfulPercent))
	if err != nil {
		return nil, err
	}
	out := make([]Stale, len(as))
	for i, a := range as {
		out[i] = Stale{Article: a, Reason: staleReason(a, st, before)}
	}
	return out, nil
}

// staleReason says why a, found by NeedsReview, needs review.
func staleReason(a *Article, st Settings, before time.Time) string {
	switch {
	case a.ConfirmedAt.Before(before):
		return fmt.Sprintf("not confirmed for %d days", st.ReviewDays)
	case a.reopened():
		return fmt.Sprintf("ticket %d, which was sent it, was reopened", *a.ReopenedTicket)
	default:
		return fmt.Sprintf("%d of %d readers said it did not help", a.HelpfulNo, a.HelpfulYes+a.HelpfulNo)
	}
}

// reopened reports whether a ticket that was sent a was reopened since a
// was last confirmed.
func (a *Article) reopened() bool {
	return a.ReopenedAt != nil && a.ReopenedTicket != nil && a.ReopenedAt.After(a.ConfirmedAt)
}

// Confirm records that an article is still right: its owner or an editor.
func (s *Service) Confirm(ctx context.Context, who Viewer, id int64) error {
	return s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		a, err := getArticle(ctx, tx, id)
		if err != nil {
			return err
		}
		if !who.Editor && !isUser(a.OwnerID, who.ID) {
			return apperr.Forbidden("only the article's owner or an editor confirms it")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE kb_articles SET confirmed_at = $1 WHERE id = $2`, db.Time(s.now()), id); err != nil {
			return fmt.Errorf("kb: confirm %d: %w", id, err)
		}
		return audit.Record(ctx, tx, "kb.article_confirmed", "kb_article", id, nil)
	})
}

// RemindOwners notifies each article's owner once that it needs review
// (again after each confirmation), and returns how many were notified.
func (s *Service) RemindOwners(ctx context.Context) (int, error) {
	stale, err := s.NeedsReview(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	err = s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		for _, st := range stale {
			a := st.Article
			if a.OwnerID == nil {
				continue
			}
			source := fmt.Sprintf("kb:%d:review:%d", a.ID, a.ConfirmedAt.Unix())
			if a.reopened() { // a reopen after a reminder is news: once per confirmation
				source += ":reopened"
			}
			sent, err := notify.Remind(ctx, tx, notify.Reminder{RecipientID: *a.OwnerID,
				Source: source, Link: fmt.Sprintf("/kb/articles/%d", a.ID),
				Note: "Your article “" + a.Title + "” needs review: " + st.Reason})
			if err != nil {
				return err
			}
			if sent {
				n++
			}
		}
		return nil
	})
	return n, err
}

// ReviewInterval is how often the server reminds owners.
const ReviewInterval = time.Hour

// Contributions are the published articles an agent is credited with (as
// their author): how many, and the latest of them.
type Contributions struct {
	Count  int
	Latest []*Article // newest published first, at most the limit asked
}

// ContributionsOf returns the published articles credited to authorID,
// the latest limit of them listed.
func (s *Service) ContributionsOf(ctx context.Context, authorID int64, limit int) (Contributions, error) {
	var c Contributions
	r := s.db.Reader(ctx)
	err := r.QueryRowContext(ctx, `SELECT count(*) FROM kb_articles
		WHERE author_id = $1 AND status = 'published'`, authorID).Scan(&c.Count)
	if err != nil {
		return c, fmt.Errorf("kb: contributions of %d: %w", authorID, err)
	}
	if c.Count == 0 || limit <= 0 {
		return c, nil
	}
	c.Latest, err = scanArticles(r.QueryContext(ctx, `SELECT `+summaryColumns+` FROM kb_articles a
		WHERE a.author_id = $1 AND a.status = 'published' ORDER BY a.published_at DESC, a.id DESC LIMIT $2`,
		authorID, limit))
	return c, err
}

// TicketReply is the text of the agent's last reply on a ticket (else the
// ticket's last reply by anyone), and the ticket's subject, to start an
// article from.
func (s *Service) TicketReply(ctx context.Context, ticketID, agentID int64) (subject, body string, err error) {
	r := s.db.Reader(ctx)
	if err := r.QueryRowContext(ctx, `SELECT subject FROM tickets WHERE id = $1`, ticketID).Scan(&subject); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return "", "", apperr.NotFound("ticket")
		}
		return "", "", fmt.Errorf("kb: read ticket %d: %w", ticketID, err)
	}
	err = r.QueryRowContext(ctx, `SELECT body_text FROM messages WHERE ticket_id = $1 AND kind = 'reply'
		AND author_type = 'agent' ORDER BY CASE WHEN author_id = $2 THEN 0 ELSE 1 END, id DESC LIMIT 1`,
		ticketID, agentID).Scan(&body)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", "", fmt.Errorf("kb: read reply on ticket %d: %w", ticketID, err)
	}
	return subject, body, nil
}
