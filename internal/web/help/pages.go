package help

import (
	"encoding/xml"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/attachment"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/kb"
)

// categoryView is a category of the home page with its sections, and how
// many public articles it holds.
type categoryView struct {
	*kb.Category
	Articles int
	Sections []*kb.Category
}

type homePage struct {
	base
	Categories []categoryView
	MostRead   []*kb.Article
}

const mostRead = 8

func (wb *Pages) home(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := &homePage{base: wb.base(r, "Help center", "/help")}
	p.Description = "Answers to common questions about " + p.Brand.Name + ", and how to reach us."
	cats, err := wb.KB.Categories(ctx)
	if err != nil {
		return err
	}
	counts, err := wb.KB.PublicCounts(ctx)
	if err != nil {
		return err
	}
	p.Categories = withArticles(cats, counts)
	if p.MostRead, err = wb.KB.MostRead(ctx, mostRead); err != nil {
		return err
	}
	wb.render(w, r, http.StatusOK, "help_home", p)
	return nil
}

// withArticles keeps the categories that hold public articles (in
// themselves or their sections), each with its sections that do.
func withArticles(cats []*kb.Category, counts map[int64]int) []categoryView {
	var out []categoryView
	for _, c := range cats {
		if c.ParentID != nil {
			continue
		}
		v := categoryView{Category: c, Articles: counts[c.ID]}
		for _, s := range cats {
			if s.ParentID != nil && *s.ParentID == c.ID && counts[s.ID] > 0 {
				v.Sections = append(v.Sections, s)
				v.Articles += counts[s.ID]
			}
		}
		if v.Articles > 0 {
			out = append(out, v)
		}
	}
	return out
}

type categoryPage struct {
	base
	Category *kb.Category
	Parent   *kb.Category
	Sections []sectionView
}

type sectionView struct {
	*kb.Category
	Articles []*kb.Article
}

func (wb *Pages) category(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return apperr.NotFound("category")
	}
	cats, err := wb.KB.Categories(ctx)
	if err != nil {
		return err
	}
	p := &categoryPage{}
	for _, c := range cats {
		if c.ID == id {
			p.Category = c
		}
	}
	if p.Category == nil {
		return apperr.NotFound("category")
	}
	for _, c := range cats {
		if p.Category.ParentID != nil && c.ID == *p.Category.ParentID {
			p.Parent = c
		}
	}
	// The category's own articles first, then each section's.
	shown := 0
	for _, c := range append([]*kb.Category{p.Category}, sectionsOf(cats, id)...) {
		as, err := wb.KB.PublicInCategory(ctx, c.ID)
		if err != nil {
			return err
		}
		if len(as) > 0 {
			p.Sections = append(p.Sections, sectionView{Category: c, Articles: as})
			shown += len(as)
		}
	}
	if shown == 0 {
		return apperr.NotFound("category")
	}
	p.base = wb.base(r, p.Category.Name, "/help/categories/"+strconv.FormatInt(id, 10))
	p.Description = p.Category.Description
	wb.render(w, r, http.StatusOK, "help_category", p)
	return nil
}

func sectionsOf(cats []*kb.Category, id int64) []*kb.Category {
	var out []*kb.Category
	for _, c := range cats {
		if c.ParentID != nil && *c.ParentID == id {
			out = append(out, c)
		}
	}
	return out
}

type articlePage struct {
	base
	Article  *kb.Article
	Body     template.HTML
	Category *kb.Category
	Related  []*kb.Article
	Reasons  []reason
	Voted    bool
}

type reason struct{ Value, Label string }

// reasons label kb.VoteReasons for readers.
var reasons = []reason{
	{"unclear", "It was hard to understand"},
	{"incomplete", "It did not answer all of my question"},
	{"outdated", "It is out of date or wrong"},
	{"not-what-i-needed", "It is about something else"},
}

func (wb *Pages) article(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a, err := wb.KB.PublicArticle(ctx, r.PathValue("slug"))
	if err != nil {
		return err
	}
	p := &articlePage{base: wb.base(r, a.Title, "/help/articles/"+a.Slug), Article: a,
		Body: template.HTML(a.BodyHTML), Reasons: reasons} // BodyHTML was sanitised when saved
	p.Description = summary(a.BodyText, 160)
	p.Voted = p.Flash != ""
	if p.Related, err = wb.KB.PublicRelated(ctx, a); err != nil {
		return err
	}
	cats, err := wb.KB.Categories(ctx)
	if err != nil {
		return err
	}
	for _, c := range cats {
		if c.ID == a.CategoryID {
			p.Category = c
		}
	}
	if err := wb.KB.CountView(ctx, a.ID); err != nil {
		wb.Log.Warn("help: count a view", "article", a.ID, "err", err)
	}
	if err := wb.KB.Opened(ctx, wb.Journeys.visitor(r, true), a.ID); err != nil {
		wb.Log.Warn("help: record an opened article", "article", a.ID, "err", err)
	}
	wb.render(w, r, http.StatusOK, "help_article", p)
	return nil
}

// summary is the start of text, cut at a word, at most n characters.
func summary(text string, n int) string {
	text = strings.Join(strings.Fields(text), " ")
	if utf8.RuneCountInString(text) <= n {
		return text
	}
	cut := string([]rune(text)[:n])
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return cut + "…"
}

func (wb *Pages) vote(w http.ResponseWriter, r *http.Request) error {
	slug := r.PathValue("slug")
	v := kb.Vote{Helpful: r.PostFormValue("helpful") == "yes", Reason: r.PostFormValue("reason"),
		Comment: r.PostFormValue("comment")}
	if h := r.PostFormValue("helpful"); h != "yes" && h != "no" {
		return apperr.Invalid("helpful", "answer yes or no")
	}
	if err := wb.KB.RecordVote(r.Context(), slug, v); err != nil {
		return err
	}
	wb.Sessions.Put(r.Context(), keyFlash, "Thank you for your feedback.")
	http.Redirect(w, r, "/help/articles/"+slug+"#feedback", http.StatusSeeOther)
	return nil
}

type searchPage struct {
	base
	Results *kb.Results
}

// maxQuery bounds what the search box takes.
const maxQuery = 200

func (wb *Pages) search(w http.ResponseWriter, r *http.Request) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if utf8.RuneCountInString(q) > maxQuery {
		q = string([]rune(q)[:maxQuery])
	}
	p := &searchPage{base: wb.base(r, "Search", "")}
	p.Query, p.NoIndex = q, true
	if q != "" {
		p.Title = "Search: " + q
		res, err := wb.KB.Search(r.Context(), kb.SearchOptions{Query: q, PublicOnly: true, Limit: 20})
		if err != nil {
			return err
		}
		p.Results = res
		if err := wb.KB.RecordSearch(r.Context(), wb.Journeys.visitor(r, true), kb.SourceHelp, q, len(res.Hits)); err != nil {
			wb.Log.Warn("help: record a search", "err", err)
		}
	}
	wb.render(w, r, http.StatusOK, "help_search", p)
	return nil
}

// urlset is a sitemap (sitemaps.org).
type urlset struct {
	XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

func (wb *Pages) sitemap(w http.ResponseWriter, r *http.Request) error {
	entries, err := wb.KB.Sitemap(r.Context())
	if err != nil {
		return err
	}
	origin := wb.origin(r)
	set := urlset{URLs: []sitemapURL{{Loc: origin + "/help"}}}
	for _, e := range entries {
		set.URLs = append(set.URLs, sitemapURL{Loc: origin + "/help/articles/" + e.Slug,
			LastMod: e.UpdatedAt.UTC().Format("2006-01-02")})
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Write([]byte(xml.Header))
	return xml.NewEncoder(w).Encode(set)
}

// image serves an article's image while an article holding it is
// published and public; otherwise it does not exist.
func (wb *Pages) image(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	a, f, err := wb.KB.PublicImage(r.Context(), id)
	if err != nil {
		return err
	}
	defer f.Close()
	attachment.Serve(w, r, a, f)
	return nil
}
