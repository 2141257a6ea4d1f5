package kb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
)

const categoryColumns = `id, parent_id, name, description, position, created_at, updated_at`

func scanCategory(row interface{ Scan(...any) error }) (*Category, error) {
	var c Category
	err := row.Scan(&c.ID, &c.ParentID, &c.Name, &c.Description, &c.Position, db.ScanTime(&c.CreatedAt), db.ScanTime(&c.UpdatedAt))
	return &c, err
}

func getCategory(ctx context.Context, q db.Queryer, id int64) (*Category, error) {
	c, err := scanCategory(q.QueryRowContext(ctx, `SELECT `+categoryColumns+` FROM kb_categories WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("category")
	}
	if err != nil {
		return nil, fmt.Errorf("kb: get category %d: %w", id, err)
	}
	return c, nil
}

func listCategories(ctx context.Context, q db.Queryer) ([]*Category, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+categoryColumns+` FROM kb_categories ORDER BY position, name, id`)
	if err != nil {
		return nil, fmt.Errorf("kb: list categories: %w", err)
	}
	defer rows.Close()
	out := []*Category{}
	for rows.Next() {
		c, err := scanCategory(rows)
		if err != nil {
			return nil, fmt.Errorf("kb: scan category: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func insertCategory(ctx context.Context, q db.Queryer, c *Category) error {
	err := q.QueryRowContext(ctx, `INSERT INTO kb_categories (parent_id, name, description, position, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`, c.ParentID, c.Name, c.Description, c.Position,
		db.Time(c.CreatedAt)).Scan(&c.ID)
	if err != nil {
		return fmt.Errorf("kb: insert category: %w", err)
	}
	return nil
}

// articleColumns are read with the a alias, so list queries can join.
const articleColumns = `a.id, a.slug, a.title, a.body_markdown, a.body_html, a.body_text, a.category_id, a.status,
	a.visibility, a.labels, a.owner_id, a.author_id, a.revision, a.views, a.helpful_yes, a.helpful_no,
	a.source_ticket_id, a.submitted_at, a.review_note, a.confirmed_at, a.published_at, a.created_at, a.updated_at,
	a.reopened_at, a.reopened_ticket_id`

// summaryColumns leave the bodies out, for lists.
const summaryColumns = `a.id, a.slug, a.title, '', '', '', a.category_id, a.status,
	a.visibility, a.labels, a.owner_id, a.author_id, a.revision, a.views, a.helpful_yes, a.helpful_no,
	a.source_ticket_id, a.submitted_at, a.review_note, a.confirmed_at, a.published_at, a.created_at, a.updated_at,
	a.reopened_at, a.reopened_ticket_id`

func scanArticle(row interface{ Scan(...any) error }) (*Article, error) {
	var (
		a      Article
		labels string
	)
	err := row.Scan(&a.ID, &a.Slug, &a.Title, &a.BodyMarkdown, &a.BodyHTML, &a.BodyText, &a.CategoryID, &a.Status,
		&a.Visibility, &labels, &a.OwnerID, &a.AuthorID, &a.Revision, &a.Views, &a.HelpfulYes, &a.HelpfulNo,
		&a.SourceTicket, db.ScanNullTime(&a.SubmittedAt), &a.ReviewNote, db.ScanTime(&a.ConfirmedAt),
		db.ScanNullTime(&a.PublishedAt), db.ScanTime(&a.CreatedAt), db.ScanTime(&a.UpdatedAt),
		db.ScanNullTime(&a.ReopenedAt), &a.ReopenedTicket)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(labels), &a.Labels); err != nil {
		return nil, fmt.Errorf("kb: decode labels of %d: %w", a.ID, err)
	}
	a.RelatedIDs = []int64{}
	return &a, nil
}

func getArticleWhere(ctx context.Context, q db.Queryer, cond string, arg any) (*Article, error) {
	a, err := scanArticle(q.QueryRowContext(ctx, `SELECT `+articleColumns+` FROM kb_articles a WHERE `+cond, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("article")
	}
	if err != nil {
		return nil, fmt.Errorf("kb: get article: %w", err)
	}
	if a.RelatedIDs, err = relatedIDs(ctx, q, a.ID); err != nil {
		return nil, err
	}
	return a, nil
}

func getArticle(ctx context.Context, q db.Queryer, id int64) (*Article, error) {
	return getArticleWhere(ctx, q, `a.id = $1`, id)
}

func scanArticles(rows *sql.Rows, err error) ([]*Article, error) {
	if err != nil {
		return nil, fmt.Errorf("kb: list articles: %w", err)
	}
	defer rows.Close()
	out := []*Article{}
	for rows.Next() {
		a, err := scanArticle(rows)
		if err != nil {
			return nil, fmt.Errorf("kb: scan article: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

func relatedIDs(ctx context.Context, q db.Queryer, id int64) ([]int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT related_id FROM kb_related WHERE article_id = $1 ORDER BY related_id`, id)
	if err != nil {
		return nil, fmt.Errorf("kb: related of %d: %w", id, err)
	}
	defer rows.Close()
	out := []int64{}
	for rows.Next() {
		var r int64
		if err := rows.Scan(&r); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func encodeLabels(l []string) string {
	if l == nil {
		l = []string{}
	}
	b, _ := json.Marshal(l) // strings always encode
	return string(b)
}

func insertArticle(ctx context.Context, q db.Queryer, a *Article) error {
	err := q.QueryRowContext(ctx, `INSERT INTO kb_articles (slug, title, body_markdown, body_html, body_text,
		category_id, status, visibility, labels, owner_id, author_id, revision, source_ticket_id, submitted_at,
		confirmed_at, published_at, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17) RETURNING id`,
		a.Slug, a.Title, a.BodyMarkdown, a.BodyHTML, a.BodyText, a.CategoryID, a.Status, a.Visibility,
		encodeLabels(a.Labels), a.OwnerID, a.AuthorID, a.Revision, a.SourceTicket, db.NullTime(a.SubmittedAt),
		db.Time(a.ConfirmedAt), db.NullTime(a.PublishedAt), db.Time(a.CreatedAt)).Scan(&a.ID)
	if err != nil {
		return slugTaken(err, "insert")
	}
	return nil
}

func saveArticle(ctx context.Context, q db.Queryer, a *Article) error {
	_, err := q.ExecContext(ctx, `UPDATE kb_articles SET slug = $1, title = $2, body_markdown = $3, body_html = $4,
		body_text = $5, category_id = $6, status = $7, visibility = $8, labels = $9, owner_id = $10, revision = $11,
		submitted_at = $12, review_note = $13, confirmed_at = $14, published_at = $15, updated_at = $16
		WHERE id = $17`,
		a.Slug, a.Title, a.BodyMarkdown, a.BodyHTML, a.BodyText, a.CategoryID, a.Status, a.Visibility,
		encodeLabels(a.Labels), a.OwnerID, a.Revision, db.NullTime(a.SubmittedAt), a.ReviewNote,
		db.Time(a.ConfirmedAt), db.NullTime(a.PublishedAt), db.Time(a.UpdatedAt), a.ID)
	if err != nil {
		return slugTaken(err, "save")
	}
	return nil
}

// slugTaken turns the slug's unique violation into the field's error.
func slugTaken(err error, what string) error {
	if db.IsUniqueViolation(err) {
		return apperr.Invalid("slug", "is already used by another article")
	}
	return fmt.Errorf("kb: %s article: %w", what, err)
}

func slugUsed(ctx context.Context, q db.Queryer, slug string, except int64) (bool, error) {
	var one int
	err := q.QueryRowContext(ctx, `SELECT 1 FROM kb_articles WHERE slug = $1 AND id <> $2`, slug, except).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("kb: check slug: %w", err)
	}
	return true, nil
}

func setRelated(ctx context.Context, q db.Queryer, id int64, related []int64) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM kb_related WHERE article_id = $1`, id); err != nil {
		return fmt.Errorf("kb: clear related of %d: %w", id, err)
	}
	for _, r := range related {
		var one int
		err := q.QueryRowContext(ctx, `SELECT 1 FROM kb_articles WHERE id = $1`, r).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.Invalid("related_ids", "no article has id %d", r)
		}
		if err != nil {
			return fmt.Errorf("kb: check related %d: %w", r, err)
		}
		if _, err := q.ExecContext(ctx, `INSERT INTO kb_related (article_id, related_id) VALUES ($1, $2)`, id, r); err != nil {
			return fmt.Errorf("kb: add related of %d: %w", id, err)
		}
	}
	return nil
}

func insertRevision(ctx context.Context, q db.Queryer, rv *Revision) error {
	err := q.QueryRowContext(ctx, `INSERT INTO kb_article_revisions (article_id, number, title, body_markdown,
		author_id, note, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		rv.ArticleID, rv.Number, rv.Title, rv.BodyMarkdown, rv.AuthorID, rv.Note, db.Time(rv.CreatedAt)).Scan(&rv.ID)
	if err != nil {
		return fmt.Errorf("kb: insert revision: %w", err)
	}
	return nil
}

const revisionQuery = `SELECT r.id, r.article_id, r.number, r.title, r.body_markdown, r.author_id,
	COALESCE(u.name, ''), r.note, r.created_at
	FROM kb_article_revisions r LEFT JOIN users u ON u.id = r.author_id`

func scanRevision(row interface{ Scan(...any) error }) (*Revision, error) {
	var rv Revision
	err := row.Scan(&rv.ID, &rv.ArticleID, &rv.Number, &rv.Title, &rv.BodyMarkdown, &rv.AuthorID, &rv.AuthorName,
		&rv.Note, db.ScanTime(&rv.CreatedAt))
	return &rv, err
}

func listRevisions(ctx context.Context, q db.Queryer, articleID int64) ([]*Revision, error) {
	rows, err := q.QueryContext(ctx, revisionQuery+` WHERE r.article_id = $1 ORDER BY r.number DESC`, articleID)
	if err != nil {
		return nil, fmt.Errorf("kb: list revisions: %w", err)
	}
	defer rows.Close()
	out := []*Revision{}
	for rows.Next() {
		rv, err := scanRevision(rows)
		if err != nil {
			return nil, fmt.Errorf("kb: scan revision: %w", err)
		}
		out = append(out, rv)
	}
	return out, rows.Err()
}

func getRevision(ctx context.Context, q db.Queryer, articleID int64, number int) (*Revision, error) {
	rv, err := scanRevision(q.QueryRowContext(ctx, revisionQuery+` WHERE r.article_id = $1 AND r.number = $2`,
		articleID, number))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("revision")
	}
	if err != nil {
		return nil, fmt.Errorf("kb: get revision: %w", err)
	}
	return rv, nil
}

// addTerms records the words of an article's text for typo correction.
// Terms are only added: a word no article holds any more just finds
// nothing.
func addTerms(ctx context.Context, q db.Queryer, terms []string) error {
	const batch = 200
	for len(terms) > 0 {
		n := min(batch, len(terms))
		var sb strings.Builder
		args := make([]any, n)
		for i, t := range terms[:n] {
			if i > 0 {
				sb.WriteString(", ")
			}
			fmt.Fprintf(&sb, "($%d)", i+1)
			args[i] = t
		}
		_, err := q.ExecContext(ctx, `INSERT INTO kb_terms (term) VALUES `+sb.String()+` ON CONFLICT (term) DO NOTHING`, args...)
		if err != nil {
			return fmt.Errorf("kb: add terms: %w", err)
		}
		terms = terms[n:]
	}
	return nil
}
