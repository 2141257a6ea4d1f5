package kb

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/events"
)

// Articles sent to customers: an agent's reply that links a help-center
// article (a link or inserted content, which ends with the link) records
// that the ticket was sent it; when such a ticket is reopened, the answer
// did not hold, and the article is flagged for review. kb follows the
// ticket event stream for this and reads messages, never writing the
// tickets' tables.

// ConsumerName keys the consumer's progress in event_consumers.
const ConsumerName = "kb"

// articleLinkRE finds help-center article links in a reply's text.
var articleLinkRE = regexp.MustCompile(`/help/articles/([a-z0-9]+(?:-[a-z0-9]+)*)`)

// maxSentPerReply bounds how many linked articles one reply records.
const maxSentPerReply = 20

// Consumer returns the durable event consumer that records articles sent
// in replies and flags them when their ticket is reopened. Its writes are
// keyed (ticket, article) and idempotent, so a redelivered batch changes
// nothing.
func (s *Service) Consumer() events.Consumer {
	return events.Consumer{Name: ConsumerName, Handle: s.handle}
}

func (s *Service) handle(ctx context.Context, tx *sql.Tx, batch []events.Event) error {
	for i := range batch {
		e := &batch[i]
		var err error
		switch e.Type {
		case "message.added":
			err = noteSent(ctx, tx, e)
		case "ticket.status_changed":
			before, _ := e.Data["before"].(string)
			after, _ := e.Data["after"].(string)
			if resolved(before) && !resolved(after) {
				err = flagReopened(ctx, tx, e)
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func resolved(status string) bool { return status == "solved" || status == "closed" }

// noteSent records the articles an agent's reply links.
func noteSent(ctx context.Context, tx *sql.Tx, e *events.Event) error {
	kind, _ := e.Data["kind"].(string)
	msgID, ok := e.Data["message_id"].(float64)
	if kind != "reply" || e.ActorType != events.ActorAgent || !ok {
		return nil
	}
	var body string
	err := tx.QueryRowContext(ctx, `SELECT body_text FROM messages WHERE id = $1`, int64(msgID)).Scan(&body)
	if err == sql.ErrNoRows {
		return nil // deleted since (an erased customer's ticket)
	}
	if err != nil {
		return fmt.Errorf("kb: read reply %d: %w", int64(msgID), err)
	}
	for _, slug := range linkedSlugs(body) {
		_, err := tx.ExecContext(ctx, `INSERT INTO kb_sent_articles (ticket_id, article_id, message_id, sent_at)
			SELECT $1, a.id, $2, $3 FROM kb_articles a WHERE a.slug = $4
			ON CONFLICT (ticket_id, article_id) DO NOTHING`, e.TicketID, int64(msgID), db.Time(e.At), slug)
		if err != nil {
			return fmt.Errorf("kb: record article sent to ticket %d: %w", e.TicketID, err)
		}
	}
	return nil
}

// linkedSlugs lists the distinct article slugs a text links, at most
// maxSentPerReply.
func linkedSlugs(text string) []string {
	if !strings.Contains(text, "/help/articles/") {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	for _, m := range articleLinkRE.FindAllStringSubmatch(text, -1) {
		if !seen[m[1]] && len(out) < maxSentPerReply {
			seen[m[1]] = true
			out = append(out, m[1])
		}
	}
	return out
}

// flagReopened flags the published articles the reopened ticket was sent.
func flagReopened(ctx context.Context, tx *sql.Tx, e *events.Event) error {
	_, err := tx.ExecContext(ctx, `UPDATE kb_articles SET reopened_at = $1, reopened_ticket_id = $2
		WHERE status = 'published' AND id IN (SELECT article_id FROM kb_sent_articles WHERE ticket_id = $2)`,
		db.Time(e.At), e.TicketID)
	if err != nil {
		return fmt.Errorf("kb: flag articles of reopened ticket %d: %w", e.TicketID, err)
	}
	return nil
}
