package kb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/attachment"
	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/htmlsafe"
)

// Images in articles are uploads of the attachment store (raster images
// only) that an article holds. Markdown names them by their help-center
// address, ![alt](/help/images/{id}); no other image source is accepted,
// so an article never loads anything from elsewhere. The help center
// serves an image only while an article holding it is published and
// public; agents see every article's images at /kb/images/{id}.

// ImagePath is the prefix of an article image's public address.
const ImagePath = "/help/images/"

// AgentImagePath is where agents see any article's images (previews of
// drafts).
const AgentImagePath = "/kb/images/"

var imagePathRE = regexp.MustCompile(`^` + regexp.QuoteMeta(ImagePath) + `([1-9][0-9]{0,17})$`)

// Image is an upload an article holds, with the Markdown that shows it.
type Image struct {
	AttachmentID int64  `json:"attachment_id"`
	ArticleID    int64  `json:"article_id"`
	Filename     string `json:"filename"`
	ContentType  string `json:"content_type"`
	URL          string `json:"url"`
	Markdown     string `json:"markdown"`
}

// NewImage names an upload (POST /api/v1/attachments) to add to an article.
type NewImage struct {
	AttachmentID int64 `json:"attachment_id"`
}

// UseAttachments gives the service the attachment store its images live in.
func (s *Service) UseAttachments(a *attachment.Service) { s.attachments = a }

// Attachments is the attachment store images live in (nil until set).
func (s *Service) Attachments() *attachment.Service { return s.attachments }

// AddImage makes an upload of the agent in ctx an image of article id: a
// PNG, JPEG, GIF or WebP file, on an article the agent may change.
func (s *Service) AddImage(ctx context.Context, who Viewer, id int64, in NewImage) (*Image, error) {
	if s.attachments == nil {
		return nil, errors.New("kb: no attachment store for images")
	}
	if in.AttachmentID <= 0 {
		return nil, apperr.Invalid("attachment_id", "is required")
	}
	att, err := s.attachments.Get(ctx, in.AttachmentID) // unattached: only its uploader's
	if apperr.Is(err, apperr.KindNotFound) {
		return nil, apperr.Invalid("attachment_id", "no upload of yours has id %d", in.AttachmentID)
	}
	if err != nil {
		return nil, err
	}
	if att.MessageID != nil {
		return nil, apperr.Invalid("attachment_id", "upload %d belongs to a message", in.AttachmentID)
	}
	if !attachment.Inline(att.ContentType) {
		return nil, apperr.Invalid("attachment_id", "an article image must be a PNG, JPEG, GIF or WebP image, not %s", att.ContentType)
	}
	err = s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		a, err := getArticle(ctx, tx, id)
		if err != nil {
			return err
		}
		if a.Status != Draft && !who.Editor {
			return apperr.Forbidden("only editors (leads and admins) may change a published or archived article")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO kb_article_images (article_id, attachment_id, created_at)
			VALUES ($1, $2, $3) ON CONFLICT (article_id, attachment_id) DO NOTHING`, id, att.ID, db.Time(s.now())); err != nil {
			return fmt.Errorf("kb: add image to %d: %w", id, err)
		}
		return audit.Record(ctx, tx, "kb.image_added", "kb_article", id, map[string]any{"attachment_id": att.ID})
	})
	if err != nil {
		return nil, err
	}
	url := ImagePath + strconv.FormatInt(att.ID, 10)
	alt := strings.NewReplacer("[", "", "]", "").Replace(att.Filename)
	return &Image{AttachmentID: att.ID, ArticleID: id, Filename: att.Filename, ContentType: att.ContentType,
		URL: url, Markdown: "![" + alt + "](" + url + ")"}, nil
}

// PublicImage opens image id (an attachment id) if an article that the
// help center shows holds it; otherwise it is "not found". The caller
// closes the file.
func (s *Service) PublicImage(ctx context.Context, id int64) (*attachment.Attachment, *os.File, error) {
	return s.openImage(ctx, id, `SELECT 1 FROM kb_article_images i JOIN kb_articles a ON a.id = i.article_id
		WHERE i.attachment_id = $1 AND `+shownCond+` LIMIT 1`)
}

// AgentImage opens image id if any article holds it, for agents.
func (s *Service) AgentImage(ctx context.Context, id int64) (*attachment.Attachment, *os.File, error) {
	return s.openImage(ctx, id, `SELECT 1 FROM kb_article_images i WHERE i.attachment_id = $1 LIMIT 1`)
}

func (s *Service) openImage(ctx context.Context, id int64, held string) (*attachment.Attachment, *os.File, error) {
	var one int
	err := s.db.Reader(ctx).QueryRowContext(ctx, held, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) || s.attachments == nil {
		return nil, nil, apperr.NotFound("image")
	}
	if err != nil {
		return nil, nil, fmt.Errorf("kb: find image %d: %w", id, err)
	}
	return s.attachments.OpenChecked(ctx, id)
}

// imageIDs lists the images a body's Markdown shows, refusing any image
// source but an article image's address.
func imageIDs(md string) ([]int64, error) {
	if !strings.Contains(md, "![") && !strings.Contains(md, "<img") {
		return nil, nil
	}
	if strings.Contains(strings.ToLower(md), "<img") {
		return nil, apperr.Invalid("body_markdown", "images are written ![alt](%s{id}), not as HTML", ImagePath)
	}
	src := []byte(md)
	doc := markdown.Parser().Parse(text.NewReader(src))
	var (
		ids []int64
		bad string
	)
	err := ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		img, ok := n.(*ast.Image)
		if !entering || !ok {
			return ast.WalkContinue, nil
		}
		m := imagePathRE.FindStringSubmatch(string(img.Destination))
		if m == nil {
			bad = string(img.Destination)
			return ast.WalkStop, nil
		}
		id, _ := strconv.ParseInt(m[1], 10, 64)
		ids = append(ids, id)
		return ast.WalkContinue, nil
	})
	if err != nil {
		return nil, fmt.Errorf("kb: read images: %w", err)
	}
	if bad != "" {
		return nil, apperr.Invalid("body_markdown", "image %q is not an uploaded article image: upload it and write ![alt](%s{id})",
			truncate(bad, 100), ImagePath)
	}
	return ids, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// checkImages refuses a body showing an image no article holds, and lets
// article id hold those another article does (copied Markdown), in tx.
func checkImages(ctx context.Context, tx *sql.Tx, id int64, ids []int64, now any) error {
	for _, img := range ids {
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM kb_article_images WHERE attachment_id = $1 LIMIT 1`, img).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.Invalid("body_markdown", "image %d was not added to an article: add the upload first", img)
		}
		if err != nil {
			return fmt.Errorf("kb: check image %d: %w", img, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO kb_article_images (article_id, attachment_id, created_at)
			VALUES ($1, $2, $3) ON CONFLICT (article_id, attachment_id) DO NOTHING`, id, img, now); err != nil {
			return fmt.Errorf("kb: hold image %d: %w", img, err)
		}
	}
	return nil
}

// sanitizeImages is the sanitiser with article images: their addresses go
// through it as attachment addresses (the only local images it keeps) and
// come back as help-center addresses.
func sanitizeImages(html string) string {
	html = strings.ReplaceAll(html, `src="`+ImagePath, `src="`+htmlsafe.AttachmentPath)
	html = htmlsafe.Sanitize(html)
	return strings.ReplaceAll(html, `src="`+htmlsafe.AttachmentPath, `src="`+ImagePath)
}
