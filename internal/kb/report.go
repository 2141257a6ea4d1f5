package kb

import (
	"context"
	"fmt"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
)

// Report is how the knowledge base answered customers over a period.
type Report struct {
	Since     time.Time `json:"since"`
	Searches  int       `json:"searches"`
	NoResults int       `json:"no_results"`
	// Gaps are the words of searches that found nothing, most asked first:
	// the articles to write next.
	Gaps []Gap `json:"gaps"`
	// Deflected journeys opened an article and filed no request within
	// DeflectionWindow; Filed ones saw articles and filed one anyway.
	Deflected int `json:"deflected"`
	Filed     int `json:"filed"`
	// Rate is Deflected over Deflected and Filed, 0 to 1; nil when neither.
	Rate *float64 `json:"rate"`
	// OpenedBeforeTickets are the articles customers opened and then wrote
	// in anyway: the ones that do not yet answer.
	OpenedBeforeTickets []ArticleCount `json:"opened_before_tickets"`
	// Votes are the articles' helpful votes, least helpful first.
	Votes []ArticleVotes `json:"votes"`
}

// Gap is a search that found nothing and how often it was made.
type Gap struct {
	Query string `json:"query"`
	Count int    `json:"count"`
}

// ArticleCount is an article and a count.
type ArticleCount struct {
	ID    int64  `json:"id"`
	Title string `json:"title"`
	Count int    `json:"count"`
}

// ArticleVotes is an article's helpful votes.
type ArticleVotes struct {
	ID    int64  `json:"id"`
	Title string `json:"title"`
	Yes   int    `json:"yes"`
	No    int    `json:"no"`
}

const reportRows = 20

// Report reads the funnel since the given time.
func (s *Service) Report(ctx context.Context, since time.Time) (*Report, error) {
	r := s.db.Reader(ctx)
	rep := &Report{Since: since, Gaps: []Gap{}, OpenedBeforeTickets: []ArticleCount{}, Votes: []ArticleVotes{}}
	from := db.Time(since)
	err := r.QueryRowContext(ctx, `SELECT count(*), COALESCE(sum(CASE WHEN results = 0 THEN 1 ELSE 0 END), 0)
		FROM kb_searches WHERE created_at >= $1`, from).Scan(&rep.Searches, &rep.NoResults)
	if err != nil {
		return nil, fmt.Errorf("kb: report searches: %w", err)
	}
	rows, err := r.QueryContext(ctx, `SELECT lower(query), count(*) FROM kb_searches
		WHERE results = 0 AND created_at >= $1 GROUP BY lower(query) ORDER BY count(*) DESC, lower(query) LIMIT $2`,
		from, reportRows)
	if err != nil {
		return nil, fmt.Errorf("kb: report gaps: %w", err)
	}
	for rows.Next() {
		var g Gap
		if err := rows.Scan(&g.Query, &g.Count); err != nil {
			rows.Close()
			return nil, err
		}
		rep.Gaps = append(rep.Gaps, g)
	}
	rows.Close()
	if err := s.reportJourneys(ctx, r, rep); err != nil {
		return nil, err
	}
	if err := s.reportArticles(ctx, r, rep); err != nil {
		return nil, err
	}
	return rep, nil
}

func (s *Service) reportJourneys(ctx context.Context, r db.Queryer, rep *Report) error {
	quiet := db.Time(s.now().Add(-DeflectionWindow))
	err := r.QueryRowContext(ctx, `SELECT
		COALESCE(sum(CASE WHEN j.filed_at IS NULL AND j.last_at < $2 AND EXISTS (SELECT 1 FROM kb_journey_articles ja
			WHERE ja.journey_id = j.id AND ja.opened) THEN 1 ELSE 0 END), 0),
		COALESCE(sum(CASE WHEN j.filed_at IS NOT NULL AND EXISTS (SELECT 1 FROM kb_journey_articles ja
			WHERE ja.journey_id = j.id) THEN 1 ELSE 0 END), 0)
		FROM kb_journeys j WHERE j.started_at >= $1`, db.Time(rep.Since), quiet).Scan(&rep.Deflected, &rep.Filed)
	if err != nil {
		return fmt.Errorf("kb: report journeys: %w", err)
	}
	if n := rep.Deflected + rep.Filed; n > 0 {
		rate := float64(rep.Deflected) / float64(n)
		rep.Rate = &rate
	}
	return nil
}

func (s *Service) reportArticles(ctx context.Context, r db.Queryer, rep *Report) error {
	rows, err := r.QueryContext(ctx, `SELECT a.id, a.title, count(*) FROM kb_ticket_articles ta
		JOIN kb_articles a ON a.id = ta.article_id JOIN tickets t ON t.id = ta.ticket_id
		WHERE ta.opened AND t.created_at >= $1 GROUP BY a.id, a.title ORDER BY count(*) DESC, a.title LIMIT $2`,
		db.Time(rep.Since), reportRows)
	if err != nil {
		return fmt.Errorf("kb: report articles before tickets: %w", err)
	}
	for rows.Next() {
		var c ArticleCount
		if err := rows.Scan(&c.ID, &c.Title, &c.Count); err != nil {
			rows.Close()
			return err
		}
		rep.OpenedBeforeTickets = append(rep.OpenedBeforeTickets, c)
	}
	rows.Close()
	rows, err = r.QueryContext(ctx, `SELECT a.id, a.title, a.helpful_yes, a.helpful_no FROM kb_articles a
		WHERE a.helpful_yes + a.helpful_no > 0 ORDER BY a.helpful_no DESC, a.helpful_yes, a.title LIMIT $1`, 50)
	if err != nil {
		return fmt.Errorf("kb: report votes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var v ArticleVotes
		if err := rows.Scan(&v.ID, &v.Title, &v.Yes, &v.No); err != nil {
			return err
		}
		rep.Votes = append(rep.Votes, v)
	}
	return rows.Err()
}
