package kb

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
)

// The help center's reads. Every one of them keeps to articles that are
// published and public: the condition is written once, here.
const shownCond = `a.status = 'published' AND a.visibility = 'public'`

// PublicArticle returns the article at slug if the help center may show
// it; a draft or an internal article is "not found", as if it did not
// exist.
func (s *Service) PublicArticle(ctx context.Context, slug string) (*Article, error) {
	return getArticleWhere(ctx, s.db.Reader(ctx), shownCond+` AND a.slug = $1`, slug)
}

// mostRead reads the most read public articles, the newest first among
// equals: both orders descending, so the index kb_articles_most_read is
// read backwards and stops at limit rather than sorting every article.
func (s *Service) mostRead(ctx context.Context, limit int) ([]*Article, error) {
	return scanArticles(s.db.Reader(ctx).QueryContext(ctx, `SELECT `+summaryColumns+` FROM kb_articles a
		WHERE `+shownCond+` ORDER BY a.views DESC, a.id DESC LIMIT $1`, limit))
}

// PublicInCategory lists a category's public articles by title.
func (s *Service) PublicInCategory(ctx context.Context, categoryID int64) ([]*Article, error) {
	return scanArticles(s.db.Reader(ctx).QueryContext(ctx, `SELECT `+summaryColumns+` FROM kb_articles a
		WHERE a.category_id = $1 AND `+shownCond+` ORDER BY a.title, a.id LIMIT 500`, categoryID))
}

// PublicRelated lists the related articles of a the help center may show.
func (s *Service) PublicRelated(ctx context.Context, a *Article) ([]*Article, error) {
	return scanArticles(s.db.Reader(ctx).QueryContext(ctx, `SELECT `+summaryColumns+` FROM kb_related r
		JOIN kb_articles a ON a.id = r.related_id
		WHERE r.article_id = $1 AND `+shownCond+` ORDER BY a.title, a.id`, a.ID))
}

// publicCounts counts each category's public articles.
func (s *Service) publicCounts(ctx context.Context) (map[int64]int, error) {
	rows, err := s.db.Reader(ctx).QueryContext(ctx, `SELECT a.category_id, count(*) FROM kb_articles a
		WHERE `+shownCond+` GROUP BY a.category_id`)
	if err != nil {
		return nil, fmt.Errorf("kb: count public articles: %w", err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}

// SitemapEntry is one public article's address and when it last changed.
type SitemapEntry struct {
	Slug      string
	UpdatedAt time.Time
}

// Sitemap lists every public article for search engines (at most 50,000,
// a sitemap's limit).
func (s *Service) Sitemap(ctx context.Context) ([]SitemapEntry, error) {
	rows, err := s.db.Reader(ctx).QueryContext(ctx, `SELECT a.slug, a.updated_at FROM kb_articles a
		WHERE `+shownCond+` ORDER BY a.id LIMIT 50000`)
	if err != nil {
		return nil, fmt.Errorf("kb: sitemap: %w", err)
	}
	defer rows.Close()
	var out []SitemapEntry
	for rows.Next() {
		var e SitemapEntry
		if err := rows.Scan(&e.Slug, db.ScanTime(&e.UpdatedAt)); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// CountView counts one reading of a public article.
func (s *Service) CountView(ctx context.Context, id int64) error {
	return s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE kb_articles SET views = views + 1 WHERE id = $1`, id)
		if err != nil {
			return fmt.Errorf("kb: count view of %d: %w", id, err)
		}
		return nil
	})
}

// Vote is a reader's answer to "Was this helpful?".
type Vote struct {
	Helpful bool   `json:"helpful"`
	Reason  string `json:"reason"`  // for "no": one of VoteReasons
	Comment string `json:"comment"` // for "no": what was missing
}

// VoteReasons are the reasons a reader may give for "no".
var VoteReasons = []string{"unclear", "incomplete", "outdated", "not-what-i-needed"}

// MaxComment bounds a reader's comment.
const MaxComment = 2000

// RecordVote counts a reader's vote on a public article.
func (s *Service) RecordVote(ctx context.Context, slug string, v Vote) error {
	a, err := s.PublicArticle(ctx, slug)
	if err != nil {
		return err
	}
	if v.Helpful {
		v.Reason, v.Comment = "", ""
	}
	if v.Reason != "" && !contains(VoteReasons, v.Reason) {
		return apperr.Invalid("reason", "must be one of %v", VoteReasons)
	}
	if v.Comment, err = apperr.CheckText("comment", v.Comment, MaxComment, false); err != nil {
		return err
	}
	column := "helpful_no"
	if v.Helpful {
		column = "helpful_yes"
	}
	return s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO kb_votes (article_id, helpful, reason, comment, created_at)
			VALUES ($1, $2, $3, $4, $5)`, a.ID, v.Helpful, v.Reason, v.Comment, db.Time(s.now()))
		if err != nil {
			return fmt.Errorf("kb: record vote: %w", err)
		}
		// column is one of two constants above.
		if _, err := tx.ExecContext(ctx, `UPDATE kb_articles SET `+column+` = `+column+` + 1 WHERE id = $1`, a.ID); err != nil {
			return fmt.Errorf("kb: count vote: %w", err)
		}
		return nil
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// ListOptions filter the agents' list of articles.
type ListOptions struct {
	Query      string
	Status     string
	CategoryID int64
	Limit      int
}

// List returns articles for agents: found by a query, or newest changed
// first, filtered by status and category.
func (s *Service) List(ctx context.Context, o ListOptions) ([]*Article, error) {
	if o.Status != "" {
		if err := checkStatus(o.Status); err != nil {
			return nil, err
		}
	}
	limit := o.Limit
	if limit <= 0 || limit > 200 {
		limit = 100
	}
	if o.Query != "" {
		res, err := s.Search(ctx, SearchOptions{Query: o.Query, Limit: maxHits})
		if err != nil {
			return nil, err
		}
		out := []*Article{}
		for _, h := range res.Hits {
			if (o.Status == "" || h.Article.Status == o.Status) && (o.CategoryID == 0 || h.Article.CategoryID == o.CategoryID) {
				out = append(out, h.Article)
			}
		}
		return out, nil
	}
	cond, args := "1 = 1", []any{}
	if o.Status != "" {
		args = append(args, o.Status)
		cond += fmt.Sprintf(" AND a.status = $%d", len(args))
	}
	if o.CategoryID != 0 {
		args = append(args, o.CategoryID)
		cond += fmt.Sprintf(" AND a.category_id = $%d", len(args))
	}
	args = append(args, limit)
	return scanArticles(s.db.Reader(ctx).QueryContext(ctx, `SELECT `+summaryColumns+` FROM kb_articles a
		WHERE `+cond+fmt.Sprintf(` ORDER BY a.updated_at DESC, a.id DESC LIMIT $%d`, len(args)), args...))
}

// ReplyContent is an article's content to insert into a reply to a
// customer: its Markdown, then a link to it at origin (the help center's
// address). Only a published public article is sent to customers; an
// internal one is for agents only, and a draft may still be wrong.
func (s *Service) ReplyContent(ctx context.Context, id int64, origin string) (string, error) {
	a, err := s.Get(ctx, id)
	if err != nil {
		return "", err
	}
	if !a.Shown() {
		return "", apperr.Unprocessable("id", "only a published public article's content goes into a reply; this one is %s and %s",
			a.Status, a.Visibility)
	}
	return strings.TrimSpace(a.BodyMarkdown) + "\n\n[" + a.Title + "](" + origin + "/help/articles/" + a.Slug + ")", nil
}
