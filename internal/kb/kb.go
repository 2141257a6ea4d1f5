// Package kb is the knowledge base: categories and their sections, articles
// written in Markdown, every save kept as a revision that can be compared
// and restored, and the help center's reads (published public articles
// only), its search and readers' votes.
//
// Who may do what: any agent writes drafts and edits articles; publishing,
// archiving and managing categories take an editor (a lead or an admin).
// Customers and anyone not signed in see only articles that are published
// and public, whichever door they come in by (see PublicOnly).
package kb

import (
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/user"
)

// The statuses of an article.
const (
	Draft     = "draft"
	Published = "published"
	Archived  = "archived"
)

// The visibilities of an article.
const (
	Public   = "public"   // the help center shows it once published
	Internal = "internal" // agents only
)

// Statuses and Visibilities list the allowed values, for messages.
var (
	Statuses     = []string{Draft, Published, Archived}
	Visibilities = []string{Public, Internal}
)

// Limits on what an article holds.
const (
	MaxTitle       = 200
	MaxBody        = 200_000 // bytes of Markdown
	MaxSlug        = 100
	MaxLabels      = 20
	MaxLabel       = 50
	MaxRelated     = 10
	MaxCategory    = 100
	MaxDescription = 1000
)

// Category is a category of the help center, or a section within one
// (ParentID set).
type Category struct {
	ID          int64     `json:"id"`
	ParentID    *int64    `json:"parent_id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Position    int       `json:"position"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// NewCategory is what it takes to make a category or a section.
type NewCategory struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	ParentID    *int64 `json:"parent_id"` // a section of this category
	Position    int    `json:"position"`
}

// Article is one knowledge-base article.
type Article struct {
	ID           int64      `json:"id"`
	Slug         string     `json:"slug"`
	Title        string     `json:"title"`
	BodyMarkdown string     `json:"body_markdown"`
	BodyHTML     string     `json:"body_html"` // rendered and sanitised
	BodyText     string     `json:"-"`
	CategoryID   int64      `json:"category_id"`
	Status       string     `json:"status"`
	Visibility   string     `json:"visibility"`
	Labels       []string   `json:"labels"`
	OwnerID      *int64     `json:"owner_id"`
	AuthorID     *int64     `json:"author_id"` // who wrote it first, credited when published
	Revision     int        `json:"revision"`
	RelatedIDs   []int64    `json:"related_ids"`
	Views        int        `json:"views"`
	HelpfulYes   int        `json:"helpful_yes"`
	HelpfulNo    int        `json:"helpful_no"`
	SourceTicket *int64     `json:"source_ticket_id"`
	SubmittedAt  *time.Time `json:"submitted_at"` // sent for an editor's review
	ReviewNote   string     `json:"review_note"`  // an editor's comment when sending it back
	ConfirmedAt  time.Time  `json:"confirmed_at"` // its owner last said it is right
	// ReopenedAt is when a ticket that was sent it was last reopened, and
	// ReopenedTicket that ticket: it needs review while after ConfirmedAt.
	ReopenedAt     *time.Time `json:"reopened_at"`
	ReopenedTicket *int64     `json:"reopened_ticket_id"`
	PublishedAt    *time.Time `json:"published_at"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`

	images []int64 // the uploads its body shows, once set
}

// Shown reports whether the article may be shown outside (the help center,
// suggestions): published and public.
func (a *Article) Shown() bool { return a.Status == Published && a.Visibility == Public }

// NewArticle is what it takes to write an article. Status defaults to
// draft, visibility to public; the slug comes from the title when empty.
type NewArticle struct {
	Title        string   `json:"title"`
	BodyMarkdown string   `json:"body_markdown"`
	CategoryID   int64    `json:"category_id"`
	Status       string   `json:"status"`
	Visibility   string   `json:"visibility"`
	Labels       []string `json:"labels"`
	Slug         string   `json:"slug"`
	OwnerID      *int64   `json:"owner_id"`
	RelatedIDs   []int64  `json:"related_ids"`
	// SourceTicket is the ticket the article was made from, if any.
	SourceTicket *int64 `json:"source_ticket_id"`
	// Submit sends a draft for an editor's review as soon as it is saved;
	// an article published or archived at once is not waiting for review.
	Submit bool `json:"submit"`
}

// SendBackNote is an editor's comment returning a submission to its author.
type SendBackNote struct {
	Comment string `json:"comment"`
}

// Patch changes an article; absent members stay as they are.
type Patch struct {
	Title        *string   `json:"title"`
	BodyMarkdown *string   `json:"body_markdown"`
	CategoryID   *int64    `json:"category_id"`
	Status       *string   `json:"status"`
	Visibility   *string   `json:"visibility"`
	Labels       *[]string `json:"labels"`
	Slug         *string   `json:"slug"`
	OwnerID      *int64    `json:"owner_id"`
	RelatedIDs   *[]int64  `json:"related_ids"`
	// Note says what the save changed, kept with its revision.
	Note string `json:"note"`
}

// Revision is one saved version of an article.
type Revision struct {
	ID           int64     `json:"id"`
	ArticleID    int64     `json:"article_id"`
	Number       int       `json:"number"`
	Title        string    `json:"title"`
	BodyMarkdown string    `json:"body_markdown"`
	AuthorID     *int64    `json:"author_id"`
	AuthorName   string    `json:"author_name"`
	Note         string    `json:"note"`
	CreatedAt    time.Time `json:"created_at"`
}

// Viewer is the agent who asks.
type Viewer struct {
	ID     int64
	Editor bool // may publish, archive, review and manage categories
}

// ViewerOf is the Viewer a signed-in user is: leads and admins edit.
func ViewerOf(u *user.User) Viewer { return Viewer{ID: u.ID, Editor: u.IsLead()} }

var slugRE = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

// Slugify makes a slug from a title: lower-case letters and digits joined
// by hyphens.
func Slugify(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(title) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		default:
			dash = true
		}
		if b.Len() >= MaxSlug-10 {
			break
		}
	}
	if b.Len() == 0 {
		return "article"
	}
	return b.String()
}

func checkSlug(s string) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "", apperr.Invalid("slug", "is required")
	case len(s) > MaxSlug:
		return "", apperr.Invalid("slug", "is longer than %d characters", MaxSlug)
	case !slugRE.MatchString(s):
		return "", apperr.Invalid("slug", "may hold only lower-case letters, digits and single hyphens between them")
	}
	return s, nil
}

func checkTitle(s string) (string, error) { return apperr.CheckText("title", s, MaxTitle, true) }

func checkBody(s string) error { return apperr.CheckBody("body_markdown", s, MaxBody) }

func checkStatus(s string) error {
	if !slices.Contains(Statuses, s) {
		return apperr.Invalid("status", "must be one of %s, not %q", strings.Join(Statuses, ", "), s)
	}
	return nil
}

func checkVisibility(s string) error {
	if !slices.Contains(Visibilities, s) {
		return apperr.Invalid("visibility", "must be one of %s, not %q", strings.Join(Visibilities, ", "), s)
	}
	return nil
}

// normalizeLabels lower-cases, trims and de-duplicates labels.
func normalizeLabels(in []string) ([]string, error) {
	out := make([]string, 0, len(in))
	for _, l := range in {
		l = strings.ToLower(strings.TrimSpace(l))
		switch {
		case l == "":
			continue
		case utf8.RuneCountInString(l) > MaxLabel:
			return nil, apperr.Invalid("labels", "label %q is longer than %d characters", l, MaxLabel)
		}
		if err := apperr.CheckStorable("labels", l); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	slices.Sort(out)
	out = slices.Compact(out)
	if len(out) > MaxLabels {
		return nil, apperr.Invalid("labels", "an article has at most %d labels", MaxLabels)
	}
	return out, nil
}

func normalizeRelated(self int64, in []int64) ([]int64, error) {
	out := slices.Clone(in)
	slices.Sort(out)
	out = slices.Compact(out)
	out = slices.DeleteFunc(out, func(id int64) bool { return id == self && self != 0 })
	if len(out) > MaxRelated {
		return nil, apperr.Invalid("related_ids", "an article has at most %d related articles", MaxRelated)
	}
	return out, nil
}
