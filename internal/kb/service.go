package kb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/attachment"
	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/db"
)

// Service keeps the knowledge base.
type Service struct {
	db        *db.DB
	now       func() time.Time
	published PublishedHook // credits the author of a published submission
	// attachments hold articles' images; nil refuses adding them.
	attachments *attachment.Service
	home        homeCache // the help center home page's reads
}

// NewService returns a Service over d.
func NewService(d *db.DB) *Service { return &Service{db: d, now: db.Now} }

// Categories lists every category and section, by position and name.
func (s *Service) Categories(ctx context.Context) ([]*Category, error) {
	return listCategories(ctx, s.db.Reader(ctx))
}

// CreateCategory makes a category, or a section of one; editors only.
func (s *Service) CreateCategory(ctx context.Context, who Viewer, n NewCategory) (*Category, error) {
	if !who.Editor {
		return nil, apperr.Forbidden("only editors (leads and admins) may manage categories")
	}
	name, err := apperr.CheckText("name", n.Name, MaxCategory, true)
	if err != nil {
		return nil, err
	}
	desc, err := apperr.CheckText("description", n.Description, MaxDescription, false)
	if err != nil {
		return nil, err
	}
	c := &Category{ParentID: n.ParentID, Name: name, Description: desc, Position: n.Position, CreatedAt: s.now()}
	c.UpdatedAt = c.CreatedAt
	err = s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if c.ParentID != nil {
			parent, err := getCategory(ctx, tx, *c.ParentID)
			if apperr.Is(err, apperr.KindNotFound) {
				return apperr.Invalid("parent_id", "no category has id %d", *c.ParentID)
			}
			if err != nil {
				return err
			}
			if parent.ParentID != nil {
				return apperr.Invalid("parent_id", "a section cannot hold sections of its own")
			}
		}
		if err := insertCategory(ctx, tx, c); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "kb.category_created", "kb_category", c.ID, map[string]any{"name": c.Name})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Get returns an article for an agent: every article, whatever its state.
func (s *Service) Get(ctx context.Context, id int64) (*Article, error) {
	return getArticle(ctx, s.db.Reader(ctx), id)
}

// Create writes an article and its first revision. Publishing takes an
// editor; a draft is anyone's.
func (s *Service) Create(ctx context.Context, who Viewer, n NewArticle) (*Article, error) {
	now := s.now()
	a := &Article{Status: n.Status, Visibility: n.Visibility, CategoryID: n.CategoryID, OwnerID: n.OwnerID,
		SourceTicket: n.SourceTicket, Revision: 1, ConfirmedAt: now, CreatedAt: now, UpdatedAt: now}
	if a.Status == "" {
		a.Status = Draft
	}
	if a.Visibility == "" {
		a.Visibility = Public
	}
	if a.OwnerID == nil {
		a.OwnerID = &who.ID
	}
	author := who.ID
	a.AuthorID = &author
	var err error
	if a.Title, err = checkTitle(n.Title); err != nil {
		return nil, err
	}
	if err := s.setBody(a, n.BodyMarkdown); err != nil {
		return nil, err
	}
	if err := checkStatus(a.Status); err != nil {
		return nil, err
	}
	if err := checkVisibility(a.Visibility); err != nil {
		return nil, err
	}
	if err := mayPublish(who, Draft, a.Status); err != nil {
		return nil, err
	}
	if a.Labels, err = normalizeLabels(n.Labels); err != nil {
		return nil, err
	}
	related, err := normalizeRelated(0, n.RelatedIDs)
	if err != nil {
		return nil, err
	}
	if a.Status == Published {
		a.PublishedAt = &now
	}
	err = s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := checkCategory(ctx, tx, a.CategoryID); err != nil {
			return err
		}
		if err := checkRef(ctx, tx, "source_ticket_id", "ticket", `SELECT 1 FROM tickets WHERE id = $1`, a.SourceTicket); err != nil {
			return err
		}
		if err := checkRef(ctx, tx, "owner_id", "agent", `SELECT 1 FROM users WHERE id = $1`, n.OwnerID); err != nil {
			return err
		}
		if err := s.pickSlug(ctx, tx, a, n.Slug); err != nil {
			return err
		}
		if err := insertArticle(ctx, tx, a); err != nil {
			return err
		}
		if err := checkImages(ctx, tx, a.ID, a.images, db.Time(now)); err != nil {
			return err
		}
		if err := setRelated(ctx, tx, a.ID, related); err != nil {
			return err
		}
		a.RelatedIDs = related
		if err := s.saved(ctx, tx, who, a, "Created"); err != nil {
			return err
		}
		if n.Submit && a.Status == Draft {
			if err := s.submit(ctx, tx, who, a); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, "kb.article_created", "kb_article", a.ID, map[string]any{"title": a.Title, "status": a.Status})
	})
	if err != nil {
		return nil, err
	}
	s.home.forget()
	return a, nil
}

// Update applies p to an article, and keeps the result as a new revision.
func (s *Service) Update(ctx context.Context, who Viewer, id int64, p Patch) (*Article, error) {
	var (
		a         *Article
		submitted bool // a submission waiting for review, until this save
	)
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		if a, err = getArticle(ctx, tx, id); err != nil {
			return err
		}
		submitted = a.Status == Draft && a.SubmittedAt != nil
		if err := s.apply(ctx, tx, who, a, p); err != nil {
			return err
		}
		a.Revision++
		a.UpdatedAt = s.now()
		if err := checkImages(ctx, tx, a.ID, a.images, db.Time(a.UpdatedAt)); err != nil {
			return err
		}
		if err := saveArticle(ctx, tx, a); err != nil {
			return err
		}
		if err := s.saved(ctx, tx, who, a, p.Note); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "kb.article_updated", "kb_article", a.ID, map[string]any{"title": a.Title, "status": a.Status})
	})
	if err != nil {
		return nil, err
	}
	s.home.forget()
	if submitted && a.Status == Published {
		if err := s.credit(ctx, a, who.ID); err != nil {
			return a, fmt.Errorf("kb: published %d, but crediting its author failed: %w", a.ID, err)
		}
	}
	return a, nil
}

func (s *Service) apply(ctx context.Context, tx *sql.Tx, who Viewer, a *Article, p Patch) error {
	if a.Status != Draft && !who.Editor {
		return apperr.Forbidden("only editors (leads and admins) may change a published or archived article")
	}
	var err error
	if p.Title != nil {
		if a.Title, err = checkTitle(*p.Title); err != nil {
			return err
		}
	}
	if p.BodyMarkdown != nil {
		if err := s.setBody(a, *p.BodyMarkdown); err != nil {
			return err
		}
	}
	if p.Status != nil {
		if err := checkStatus(*p.Status); err != nil {
			return err
		}
		if err := mayPublish(who, a.Status, *p.Status); err != nil {
			return err
		}
		s.moveTo(a, *p.Status)
	}
	if p.Visibility != nil {
		if err := checkVisibility(*p.Visibility); err != nil {
			return err
		}
		a.Visibility = *p.Visibility
	}
	if p.Labels != nil {
		if a.Labels, err = normalizeLabels(*p.Labels); err != nil {
			return err
		}
	}
	if p.OwnerID != nil {
		if err := checkRef(ctx, tx, "owner_id", "agent", `SELECT 1 FROM users WHERE id = $1`, p.OwnerID); err != nil {
			return err
		}
		a.OwnerID = p.OwnerID
	}
	if p.CategoryID != nil {
		if err := checkCategory(ctx, tx, *p.CategoryID); err != nil {
			return err
		}
		a.CategoryID = *p.CategoryID
	}
	if p.Slug != nil {
		if err := s.pickSlug(ctx, tx, a, *p.Slug); err != nil {
			return err
		}
	}
	if p.RelatedIDs != nil {
		related, err := normalizeRelated(a.ID, *p.RelatedIDs)
		if err != nil {
			return err
		}
		if err := setRelated(ctx, tx, a.ID, related); err != nil {
			return err
		}
		a.RelatedIDs = related
	}
	if _, err := apperr.CheckText("note", p.Note, 500, false); err != nil {
		return err
	}
	return nil
}

// moveTo changes an article's status, stamping its first publication; a
// published article is no longer waiting for review.
func (s *Service) moveTo(a *Article, status string) {
	if status == Published && a.Status != Published {
		now := s.now()
		if a.PublishedAt == nil {
			a.PublishedAt = &now
		}
		a.ConfirmedAt = now
		a.SubmittedAt = nil
		a.ReviewNote = ""
	}
	a.Status = status
}

// mayPublish refuses a non-editor any change of status but to a draft.
func mayPublish(who Viewer, from, to string) error {
	if from != to && to != Draft && !who.Editor {
		return apperr.Forbidden("only editors (leads and admins) may publish or archive articles")
	}
	return nil
}

func (s *Service) setBody(a *Article, md string) error {
	if err := checkBody(md); err != nil {
		return err
	}
	images, err := imageIDs(md)
	if err != nil {
		return err
	}
	a.images = images
	html, text, err := render(md)
	if err != nil {
		return err
	}
	a.BodyMarkdown, a.BodyHTML, a.BodyText = md, html, text
	return nil
}

// checkRef refuses, naming field, an id (when given) that query finds
// nothing for, rather than letting the foreign key fail the save.
func checkRef(ctx context.Context, q db.Queryer, field, what, query string, id *int64) error {
	if id == nil {
		return nil
	}
	var one int
	err := q.QueryRowContext(ctx, query, *id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.Invalid(field, "no %s has id %d", what, *id)
	}
	if err != nil {
		return fmt.Errorf("kb: check %s: %w", field, err)
	}
	return nil
}

func checkCategory(ctx context.Context, q db.Queryer, id int64) error {
	if id <= 0 {
		return apperr.Invalid("category_id", "is required")
	}
	if _, err := getCategory(ctx, q, id); err != nil {
		if apperr.Is(err, apperr.KindNotFound) {
			return apperr.Invalid("category_id", "no category has id %d", id)
		}
		return err
	}
	return nil
}

// pickSlug sets a's slug: the one asked for, which must be free, or one
// made from the title, numbered when another article has it.
func (s *Service) pickSlug(ctx context.Context, q db.Queryer, a *Article, asked string) error {
	if strings.TrimSpace(asked) != "" {
		slug, err := checkSlug(asked)
		if err != nil {
			return err
		}
		used, err := slugUsed(ctx, q, slug, a.ID)
		if err != nil {
			return err
		}
		if used {
			return apperr.Invalid("slug", "%q is already used by another article", slug)
		}
		a.Slug = slug
		return nil
	}
	if a.Slug != "" {
		return nil
	}
	base := Slugify(a.Title)
	for i := 1; ; i++ {
		slug := base
		if i > 1 {
			slug = fmt.Sprintf("%s-%d", base, i)
		}
		used, err := slugUsed(ctx, q, slug, a.ID)
		if err != nil {
			return err
		}
		if !used {
			a.Slug = slug
			return nil
		}
	}
}

// saved keeps the article as it now is as a revision, and its words for
// the search's typo correction when the help center may show it.
func (s *Service) saved(ctx context.Context, tx *sql.Tx, who Viewer, a *Article, note string) error {
	author := who.ID
	rv := &Revision{ArticleID: a.ID, Number: a.Revision, Title: a.Title, BodyMarkdown: a.BodyMarkdown,
		AuthorID: &author, Note: strings.TrimSpace(note), CreatedAt: a.UpdatedAt}
	if err := insertRevision(ctx, tx, rv); err != nil {
		return err
	}
	return addTerms(ctx, tx, termsOf(a.Title+"\n"+a.BodyText))
}

// Revisions lists an article's revisions, newest first.
func (s *Service) Revisions(ctx context.Context, id int64) ([]*Revision, error) {
	r := s.db.Reader(ctx)
	if _, err := getArticle(ctx, r, id); err != nil {
		return nil, err
	}
	return listRevisions(ctx, r, id)
}

// Restore saves revision number's title and body as the article's newest
// revision; what came between stays in the history.
func (s *Service) Restore(ctx context.Context, who Viewer, id int64, number int) (*Article, error) {
	rv, err := getRevision(ctx, s.db.Reader(ctx), id, number)
	if err != nil {
		return nil, err
	}
	return s.Update(ctx, who, id, Patch{Title: &rv.Title, BodyMarkdown: &rv.BodyMarkdown,
		Note: fmt.Sprintf("Restored revision %d", number)})
}
