package kb

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
)

// The deflection funnel. A visitor is a random id the help center keeps
// in a customer's session: searches, suggestions shown and articles
// opened join its journey; a request filed ends it, and the ticket keeps
// the articles seen. A journey that opened an article and filed nothing
// within DeflectionWindow of its last step was deflected.

// DeflectionWindow is how long after a journey's last step a request
// still counts as filed after it rather than as a new visit.
const DeflectionWindow = 30 * time.Minute

// Search sources.
const (
	SourceHelp    = "help"    // the help center's search page
	SourceSuggest = "suggest" // suggestions while a customer types
)

const maxRecordedQuery = 200

// RecordSearch counts a search and how many articles it found; visitor,
// when known, joins it to the journey.
func (s *Service) RecordSearch(ctx context.Context, visitor, source, query string, results int) error {
	query = strings.Join(strings.Fields(query), " ")
	if r := []rune(query); len(r) > maxRecordedQuery {
		query = string(r[:maxRecordedQuery])
	}
	if query == "" {
		return nil
	}
	return s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		now := s.now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO kb_searches (source, query, results, created_at)
			VALUES ($1, $2, $3, $4)`, source, query, results, db.Time(now)); err != nil {
			return fmt.Errorf("kb: record search: %w", err)
		}
		if visitor == "" {
			return nil
		}
		_, err := touchJourney(ctx, tx, visitor, now)
		return err
	})
}

// Opened records that visitor opened a public article.
func (s *Service) Opened(ctx context.Context, visitor string, articleID int64) error {
	return s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		now := s.now()
		id, err := touchJourney(ctx, tx, visitor, now)
		if err != nil {
			return err
		}
		return seen(ctx, tx, id, []int64{articleID}, true, now)
	})
}

// TicketFiled ends visitor's journey with the ticket it led to, and keeps
// on the ticket the articles the customer opened or was suggested
// (suggested names the public articles by slug, as the form sent them).
func (s *Service) TicketFiled(ctx context.Context, visitor string, ticketID int64, suggested []string) error {
	return s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		now := s.now()
		id, err := touchJourney(ctx, tx, visitor, now)
		if err != nil {
			return err
		}
		ids, err := publicIDs(ctx, tx, suggested)
		if err != nil {
			return err
		}
		if err := seen(ctx, tx, id, ids, false, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE kb_journeys SET ticket_id = $1, filed_at = $2 WHERE id = $3`,
			ticketID, db.Time(now), id); err != nil {
			return fmt.Errorf("kb: end journey: %w", err)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO kb_ticket_articles (ticket_id, article_id, opened)
			SELECT $1, article_id, opened FROM kb_journey_articles WHERE journey_id = $2
			ON CONFLICT (ticket_id, article_id) DO NOTHING`, ticketID, id)
		if err != nil {
			return fmt.Errorf("kb: keep articles seen on ticket %d: %w", ticketID, err)
		}
		return nil
	})
}

// touchJourney returns the id of visitor's journey, starting it if new.
func touchJourney(ctx context.Context, tx *sql.Tx, visitor string, now time.Time) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO kb_journeys (visitor, started_at, last_at) VALUES ($1, $2, $2)
		ON CONFLICT (visitor) DO UPDATE SET last_at = excluded.last_at RETURNING id`, visitor, db.Time(now)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("kb: journey: %w", err)
	}
	return id, nil
}

// seen joins articles to a journey; an article once opened stays opened.
func seen(ctx context.Context, tx *sql.Tx, journey int64, articles []int64, opened bool, now time.Time) error {
	for _, a := range articles {
		_, err := tx.ExecContext(ctx, `INSERT INTO kb_journey_articles (journey_id, article_id, opened, at)
			VALUES ($1, $2, $3, $4) ON CONFLICT (journey_id, article_id)
			DO UPDATE SET opened = (kb_journey_articles.opened OR excluded.opened), at = excluded.at`,
			journey, a, opened, db.Time(now))
		if err != nil {
			return fmt.Errorf("kb: journey article: %w", err)
		}
	}
	return nil
}

// publicIDs maps slugs to the ids of public articles; others are dropped.
func publicIDs(ctx context.Context, q db.Queryer, slugs []string) ([]int64, error) {
	if len(slugs) > MaxRelated {
		slugs = slugs[:MaxRelated]
	}
	var out []int64
	for _, slug := range slugs {
		var id int64
		err := q.QueryRowContext(ctx, `SELECT a.id FROM kb_articles a WHERE a.slug = $1 AND `+shownCond, slug).Scan(&id)
		if err == sql.ErrNoRows {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("kb: suggested article: %w", err)
		}
		out = append(out, id)
	}
	return out, nil
}

// SeenArticle is an article a customer saw before filing a ticket.
type SeenArticle struct {
	ID     int64  `json:"id"`
	Title  string `json:"title"`
	Slug   string `json:"slug"`
	Opened bool   `json:"opened"` // opened, not only suggested
}

// SeenBefore lists the articles a ticket's customer opened or was
// suggested before filing it, opened first.
func (s *Service) SeenBefore(ctx context.Context, ticketID int64) ([]SeenArticle, error) {
	rows, err := s.db.Reader(ctx).QueryContext(ctx, `SELECT a.id, a.title, a.slug, t.opened
		FROM kb_ticket_articles t JOIN kb_articles a ON a.id = t.article_id
		WHERE t.ticket_id = $1 ORDER BY t.opened DESC, a.title`, ticketID)
	if err != nil {
		return nil, fmt.Errorf("kb: articles seen before ticket %d: %w", ticketID, err)
	}
	defer rows.Close()
	var out []SeenArticle
	for rows.Next() {
		var a SeenArticle
		if err := rows.Scan(&a.ID, &a.Title, &a.Slug, &a.Opened); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
