// Package kbapi is the knowledge base's part of the JSON API: categories,
// articles and their revisions for agents, and the help center's public
// suggestions (GET /api/v1/help/suggest), which show only published public
// articles.
package kbapi

import (
	"net/http"
	"strconv"

	"github.com/centerdesk/centerdesk/internal/api/apikit"
	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/kb"
	"github.com/centerdesk/centerdesk/internal/user"
)

// Section serves the knowledge base's routes.
type Section struct {
	kb *kb.Service
}

// New returns the section over the knowledge base.
func New(k *kb.Service) *Section { return &Section{kb: k} }

// Routes is the section's route table.
func (s *Section) Routes() []apikit.Route {
	return []apikit.Route{
		{Pattern: "GET /api/v1/kb/categories", Who: apikit.Agent, Handler: s.listCategories,
			Doc: apikit.Op{Summary: "List the knowledge base's categories and their sections", Out: apikit.List[kb.Category]{}}},
		{Pattern: "POST /api/v1/kb/categories", Who: apikit.Lead, Handler: s.createCategory, Key: apikit.Once,
			Doc: apikit.Op{Summary: "Create a category, or a section of one (parent_id)", In: kb.NewCategory{},
				Out: kb.Category{}, Status: http.StatusCreated}},
		{Pattern: "GET /api/v1/kb/articles", Who: apikit.Agent, Handler: s.listArticles,
			Doc: apikit.Op{Summary: "List or search articles of every status (bodies left out)",
				Query: []string{"q: words to search for; typos are corrected", "status: draft, published or archived",
					"category_id: articles of this category", "limit: at most this many (default 100, at most 200)"},
				Out: apikit.List[kb.Article]{}}},
		{Pattern: "POST /api/v1/kb/articles", Who: apikit.Agent, Handler: s.createArticle, Key: apikit.Once,
			Doc: apikit.Op{Summary: "Write an article; publishing takes an editor (a lead or an admin)",
				In: kb.NewArticle{}, Out: kb.Article{}, Status: http.StatusCreated}},
		{Pattern: "GET /api/v1/kb/articles/{id}", Who: apikit.Agent, Handler: s.getArticle,
			Doc: apikit.Op{Summary: "Get an article with its Markdown and rendered HTML", Out: kb.Article{}}},
		{Pattern: "PATCH /api/v1/kb/articles/{id}", Who: apikit.Agent, Handler: s.updateArticle,
			Doc: apikit.Op{Summary: "Change an article; every save is kept as a revision", In: kb.Patch{}, Out: kb.Article{}}},
		{Pattern: "GET /api/v1/kb/articles/{id}/revisions", Who: apikit.Agent, Handler: s.listRevisions,
			Doc: apikit.Op{Summary: "List an article's revisions, newest first, with their authors",
				Out: apikit.List[kb.Revision]{}}},
		{Pattern: "POST /api/v1/kb/articles/{id}/revisions/{number}/restore", Who: apikit.Agent, Handler: s.restore,
			Doc: apikit.Op{Summary: "Save an earlier revision's title and body as the newest revision", Out: kb.Article{}}},
		{Pattern: "POST /api/v1/kb/articles/{id}/images", Who: apikit.Agent, Handler: s.addImage,
			Doc: apikit.Op{Summary: "Add an upload of yours (POST /api/v1/attachments; PNG, JPEG, GIF or WebP) to an article as an image; " +
				"its body shows it with the answer's markdown, and the help center serves it while the article is published and public",
				In: kb.NewImage{}, Out: kb.Image{}, Status: http.StatusCreated}},
		{Pattern: "POST /api/v1/kb/articles/{id}/submit", Who: apikit.Agent, Handler: s.submit,
			Doc: apikit.Op{Summary: "Send a draft for an editor's review: its author's, its owner's or an editor's",
				Out: kb.Article{}}},
		{Pattern: "POST /api/v1/kb/articles/{id}/approve", Who: apikit.Lead, Handler: s.approve,
			Doc: apikit.Op{Summary: "Publish a submission, with an editor's edits if a body is sent (saved as a revision)",
				In: kb.Patch{}, Out: kb.Article{}}},
		{Pattern: "POST /api/v1/kb/articles/{id}/send-back", Who: apikit.Lead, Handler: s.sendBack,
			Doc: apikit.Op{Summary: "Return a submission to its author with a comment; the author is notified",
				In: kb.SendBackNote{}, Out: kb.Article{}}},
		{Pattern: "POST /api/v1/kb/articles/{id}/confirm", Who: apikit.Agent, Handler: s.confirm,
			Doc: apikit.Op{Summary: "Confirm an article is still right (its owner or an editor)", Out: kb.Article{}}},
		{Pattern: "GET /api/v1/kb/review", Who: apikit.Agent, Handler: s.review,
			Doc: apikit.Op{Summary: "List the submissions waiting for an editor and the published articles that need review",
				Out: Review{}}},
		{Pattern: "GET /api/v1/kb/settings", Who: apikit.Agent, Handler: s.settings,
			Doc: apikit.Op{Summary: "Get when an article needs review and the value whose badge credits authors",
				Out: kb.Settings{}}},
		{Pattern: "PUT /api/v1/kb/settings", Who: apikit.Lead, Handler: s.saveSettings,
			Doc: apikit.Op{Summary: "Replace the knowledge base's review settings", In: kb.Settings{}, Out: kb.Settings{}}},
		{Pattern: "GET /api/v1/help/suggest", Who: apikit.Public, Handler: s.suggest,
			Doc: apikit.Op{Summary: "Suggest published public articles for what a customer is typing",
				Query: []string{"q: the customer's words; the last may be unfinished"}, Out: []Suggestion{}}},
	}
}

func viewer(r *http.Request) kb.Viewer { return kb.ViewerOf(user.FromContext(r.Context())) }

func (s *Section) listCategories(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.kb.Categories(r.Context())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, apikit.ListOf(cs))
	return nil
}

func (s *Section) createCategory(w http.ResponseWriter, r *http.Request) error {
	var in kb.NewCategory
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	c, err := s.kb.CreateCategory(r.Context(), viewer(r), in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, c)
	return nil
}

func (s *Section) listArticles(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if err := httpx.CheckValues(q); err != nil {
		return err
	}
	limit, err := httpx.QueryLimit(q, 200)
	if err != nil {
		return err
	}
	o := kb.ListOptions{Query: q.Get("q"), Status: q.Get("status"), Limit: limit}
	if v := q.Get("category_id"); v != "" {
		if o.CategoryID, err = strconv.ParseInt(v, 10, 64); err != nil || o.CategoryID <= 0 {
			return apperr.Invalid("category_id", "%q is not an id", v)
		}
	}
	as, err := s.kb.List(r.Context(), o)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, apikit.ListOf(as))
	return nil
}

func (s *Section) createArticle(w http.ResponseWriter, r *http.Request) error {
	var in kb.NewArticle
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	a, err := s.kb.Create(r.Context(), viewer(r), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/kb/articles/"+strconv.FormatInt(a.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, a)
	return nil
}

func (s *Section) getArticle(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	a, err := s.kb.Get(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, a)
	return nil
}

func (s *Section) updateArticle(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var p kb.Patch
	if err := httpx.DecodeJSON(w, r, &p); err != nil {
		return err
	}
	a, err := s.kb.Update(r.Context(), viewer(r), id, p)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, a)
	return nil
}

func (s *Section) listRevisions(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	revs, err := s.kb.Revisions(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, apikit.ListOf(revs))
	return nil
}

func (s *Section) restore(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	number, err := httpx.PathID(r, "number")
	if err != nil {
		return err
	}
	a, err := s.kb.Restore(r.Context(), viewer(r), id, int(number))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, a)
	return nil
}

// Suggestion is an article suggested to a customer.
type Suggestion struct {
	Title   string `json:"title"`
	URL     string `json:"url"`
	Snippet string `json:"snippet"`
}

// maxSuggestions keeps the list short enough to read while typing.
const maxSuggestions = 5

func (s *Section) suggest(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if err := httpx.CheckValues(q); err != nil {
		return err
	}
	text := q.Get("q")
	if len(text) > 1000 {
		return apperr.Invalid("q", "is longer than 1000 characters")
	}
	res, err := s.kb.Search(r.Context(), kb.SearchOptions{Query: text, PublicOnly: true, Prefix: true, Limit: maxSuggestions})
	if err != nil {
		return err
	}
	out := []Suggestion{}
	for _, h := range res.Hits {
		out = append(out, Suggestion{Title: h.Article.Title, URL: "/help/articles/" + h.Article.Slug, Snippet: h.Snippet.String()})
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}
