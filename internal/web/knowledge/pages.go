package knowledge

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/kb"
	"github.com/centerdesk/centerdesk/internal/quality"
	"github.com/centerdesk/centerdesk/internal/user"
)

// problem is a refusal a form shows above itself, naming the field.
type problem struct {
	Message string
	Field   string
}

// asProblem turns a refusal into a problem for the form; ok is false for
// failures the form cannot help with.
func asProblem(r *http.Request, err error) (*problem, int, bool) {
	status, detail := httpx.Describe(r.Context(), err)
	if status >= 500 || status == http.StatusNotFound {
		return nil, status, false
	}
	return &problem{Message: detail.Message, Field: detail.Field}, status, true
}

type listData struct {
	Page
	Editor     bool
	Articles   []*kb.Article
	Categories []*kb.Category
	Names      map[int64]string
	Q, Status  string
	Statuses   []string
	Problem    *problem
}

func (wb *Pages) listPage(w http.ResponseWriter, r *http.Request) error {
	return wb.renderList(w, r, http.StatusOK, nil)
}

func (wb *Pages) renderList(w http.ResponseWriter, r *http.Request, status int, pr *problem) error {
	ctx := r.Context()
	q := r.URL.Query()
	d := &listData{Page: wb.BasePage(r, "Knowledge base"), Editor: user.FromContext(ctx).IsLead(),
		Q: q.Get("q"), Status: q.Get("status"), Statuses: kb.Statuses, Problem: pr}
	d.Query = d.Q
	var err error
	if d.Articles, err = wb.KB.List(ctx, kb.ListOptions{Query: d.Q, Status: d.Status}); err != nil {
		return err
	}
	if d.Categories, err = wb.KB.Categories(ctx); err != nil {
		return err
	}
	d.Names = categoryNames(d.Categories)
	wb.Render(w, r, status, "kb_list", d)
	return nil
}

// categoryNames names each category; a section reads "Category › Section".
func categoryNames(cs []*kb.Category) map[int64]string {
	names := map[int64]string{}
	for _, c := range cs {
		names[c.ID] = c.Name
	}
	for _, c := range cs {
		if c.ParentID != nil {
			names[c.ID] = names[*c.ParentID] + " › " + c.Name
		}
	}
	return names
}

func (wb *Pages) createCategory(w http.ResponseWriter, r *http.Request) error {
	in := kb.NewCategory{Name: r.PostFormValue("name"), Description: r.PostFormValue("description")}
	if v := r.PostFormValue("parent_id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return apperr.Invalid("parent_id", "%q is not an id", v)
		}
		in.ParentID = &id
	}
	if _, err := wb.KB.CreateCategory(r.Context(), kb.ViewerOf(user.FromContext(r.Context())), in); err != nil {
		pr, status, ok := asProblem(r, err)
		if !ok {
			return err
		}
		return wb.renderList(w, r, status, pr)
	}
	wb.Flash(r, "Category added.")
	http.Redirect(w, r, "/kb", http.StatusSeeOther)
	return nil
}

// editData is the article editor, for a new article (Article.ID 0) or an
// existing one.
type editData struct {
	Page
	Editor     bool
	Article    *kb.Article
	Form       articleForm
	Categories []*kb.Category
	Names      map[int64]string
	Statuses   []string
	Preview    template.HTML // the sanitised HTML the help center shows
	Problem    *problem
}

// articleForm is what the editor's fields hold.
type articleForm struct {
	Title, Slug, Body, Status, Visibility, Labels, Related, Note string
	CategoryID                                                   int64
	// SourceTicket is the ticket a new article is made from; Submit sends
	// it for review once saved.
	SourceTicket int64
	Submit       bool
}

func formOf(a *kb.Article) articleForm {
	f := articleForm{Title: a.Title, Slug: a.Slug, Body: a.BodyMarkdown, Status: a.Status, Visibility: a.Visibility,
		Labels: strings.Join(a.Labels, ", "), CategoryID: a.CategoryID}
	ids := make([]string, len(a.RelatedIDs))
	for i, id := range a.RelatedIDs {
		ids[i] = strconv.FormatInt(id, 10)
	}
	f.Related = strings.Join(ids, ", ")
	return f
}

func readForm(r *http.Request) articleForm {
	f := articleForm{Title: r.PostFormValue("title"), Slug: r.PostFormValue("slug"), Body: r.PostFormValue("body_markdown"),
		Status: r.PostFormValue("status"), Visibility: r.PostFormValue("visibility"), Labels: r.PostFormValue("labels"),
		Related: r.PostFormValue("related_ids"), Note: r.PostFormValue("note")}
	f.CategoryID, _ = strconv.ParseInt(r.PostFormValue("category_id"), 10, 64)
	f.SourceTicket, _ = strconv.ParseInt(r.PostFormValue("source_ticket_id"), 10, 64)
	f.Submit = r.PostFormValue("submit") == "yes"
	return f
}

func (f articleForm) labels() []string { return strings.Split(f.Labels, ",") }

func (f articleForm) related() ([]int64, error) {
	var out []int64
	for _, s := range strings.FieldsFunc(f.Related, func(c rune) bool { return c == ',' || c == ' ' }) {
		id, err := strconv.ParseInt(strings.TrimPrefix(s, "#"), 10, 64)
		if err != nil || id <= 0 {
			return nil, apperr.Invalid("related_ids", "%q is not an article id", s)
		}
		out = append(out, id)
	}
	return out, nil
}

func (wb *Pages) renderEdit(w http.ResponseWriter, r *http.Request, status int, a *kb.Article, f articleForm, pr *problem) error {
	title := "New article"
	if a.ID != 0 {
		title = a.Title
	}
	cats, err := wb.KB.Categories(r.Context())
	if err != nil {
		return err
	}
	wb.Render(w, r, status, "kb_edit", &editData{Page: wb.BasePage(r, title), Editor: user.FromContext(r.Context()).IsLead(),
		Article: a, Form: f, Categories: cats, Names: categoryNames(cats), Statuses: kb.Statuses,
		Preview: agentImages(a.BodyHTML), Problem: pr})
	return nil
}

// agentImages is an article's sanitised HTML (sanitised when saved) with
// its images loaded from the agents' address, which shows drafts' images.
func agentImages(html string) template.HTML {
	return template.HTML(strings.ReplaceAll(html, `src="`+kb.ImagePath, `src="`+kb.AgentImagePath))
}

func (wb *Pages) newPage(w http.ResponseWriter, r *http.Request) error {
	f := articleForm{Status: kb.Draft, Visibility: kb.Public}
	q := r.URL.Query()
	f.CategoryID, _ = strconv.ParseInt(q.Get("category_id"), 10, 64)
	if v := q.Get("ticket"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return apperr.NotFound("ticket")
		}
		subject, reply, err := wb.KB.TicketReply(r.Context(), id, user.FromContext(r.Context()).ID)
		if err != nil {
			return err
		}
		f.Title, f.Body, f.SourceTicket, f.Submit = subject, reply, id, true
	}
	return wb.renderEdit(w, r, http.StatusOK, &kb.Article{}, f, nil)
}

func (wb *Pages) create(w http.ResponseWriter, r *http.Request) error {
	f := readForm(r)
	related, err := f.related()
	if err == nil {
		var a *kb.Article
		who := kb.ViewerOf(user.FromContext(r.Context()))
		in := kb.NewArticle{Title: f.Title, BodyMarkdown: f.Body, CategoryID: f.CategoryID, Status: f.Status,
			Visibility: f.Visibility, Labels: f.labels(), Slug: f.Slug, RelatedIDs: related, Submit: f.Submit}
		if f.SourceTicket > 0 {
			in.SourceTicket = &f.SourceTicket
		}
		a, err = wb.KB.Create(r.Context(), who, in)
		if err == nil {
			wb.Flash(r, "Article saved.")
			if a.SubmittedAt != nil {
				wb.Flash(r, "Article saved and submitted for review.")
			}
			http.Redirect(w, r, fmt.Sprintf("/kb/articles/%d", a.ID), http.StatusSeeOther)
			return nil
		}
	}
	pr, status, ok := asProblem(r, err)
	if !ok {
		return err
	}
	return wb.renderEdit(w, r, status, &kb.Article{}, f, pr)
}

func (wb *Pages) editPage(w http.ResponseWriter, r *http.Request) error {
	a, err := wb.article(r)
	if err != nil {
		return err
	}
	return wb.renderEdit(w, r, http.StatusOK, a, formOf(a), nil)
}

func (wb *Pages) article(r *http.Request) (*kb.Article, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	return wb.KB.Get(r.Context(), id)
}

func (wb *Pages) save(w http.ResponseWriter, r *http.Request) error {
	a, err := wb.article(r)
	if err != nil {
		return err
	}
	f := readForm(r)
	related, err := f.related()
	if err == nil {
		labels := f.labels()
		p := kb.Patch{Title: &f.Title, BodyMarkdown: &f.Body, CategoryID: &f.CategoryID, Status: &f.Status,
			Visibility: &f.Visibility, Labels: &labels, Slug: &f.Slug, RelatedIDs: &related, Note: f.Note}
		if _, err = wb.KB.Update(r.Context(), kb.ViewerOf(user.FromContext(r.Context())), a.ID, p); err == nil {
			wb.Flash(r, "Article saved.")
			http.Redirect(w, r, fmt.Sprintf("/kb/articles/%d", a.ID), http.StatusSeeOther)
			return nil
		}
	}
	pr, status, ok := asProblem(r, err)
	if !ok {
		return err
	}
	return wb.renderEdit(w, r, status, a, f, pr)
}

// revisionView is a revision with how it changed the one before it.
type revisionView struct {
	*kb.Revision
	Diff    []quality.DiffPart
	Current bool
}

type revisionsData struct {
	Page
	Article   *kb.Article
	Revisions []revisionView
}

func (wb *Pages) revisionsPage(w http.ResponseWriter, r *http.Request) error {
	a, err := wb.article(r)
	if err != nil {
		return err
	}
	revs, err := wb.KB.Revisions(r.Context(), a.ID)
	if err != nil {
		return err
	}
	d := &revisionsData{Page: wb.BasePage(r, "Revisions of "+a.Title), Article: a}
	for i, rv := range revs {
		v := revisionView{Revision: rv, Current: i == 0}
		if i+1 < len(revs) {
			v.Diff = kb.Diff(revs[i+1], rv)
		}
		d.Revisions = append(d.Revisions, v)
	}
	wb.Render(w, r, http.StatusOK, "kb_revisions", d)
	return nil
}

func (wb *Pages) restore(w http.ResponseWriter, r *http.Request) error {
	a, err := wb.article(r)
	if err != nil {
		return err
	}
	number, err := httpx.PathID(r, "number")
	if err != nil {
		return err
	}
	if _, err := wb.KB.Restore(r.Context(), kb.ViewerOf(user.FromContext(r.Context())), a.ID, int(number)); err != nil {
		return err
	}
	wb.Flash(r, fmt.Sprintf("Revision %d restored as the newest revision.", number))
	http.Redirect(w, r, fmt.Sprintf("/kb/articles/%d", a.ID), http.StatusSeeOther)
	return nil
}
