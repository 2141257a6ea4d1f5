package knowledge

import (
	"fmt"
	"github.com/centerdesk/centerdesk/internal/apperr"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/attachment"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/kb"
)

// seenBefore is the ticket page's box of the help center articles its
// customer opened or was suggested before writing: every agent may open
// every ticket, and the articles are public ones.
func (wb *Pages) seenBefore(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	seen, err := wb.KB.SeenBefore(r.Context(), id)
	if err != nil {
		return err
	}
	wb.Fragment(w, r, http.StatusOK, "kb_list", "kb-seen", seen)
	return nil
}

type reportData struct {
	Page
	Days   int
	Report *kb.Report
	Rate   int // percent, when Report.Rate is set
}

// reportDays are the periods the report offers.
var reportDays = map[string]int{"7": 7, "30": 30, "90": 90}

func (wb *Pages) reportPage(w http.ResponseWriter, r *http.Request) error {
	days, ok := reportDays[r.URL.Query().Get("days")]
	if !ok {
		days = 30
	}
	rep, err := wb.KB.Report(r.Context(), time.Now().AddDate(0, 0, -days))
	if err != nil {
		return err
	}
	d := &reportData{Page: wb.BasePage(r, "Knowledge base report"), Days: days, Report: rep}
	if rep.Rate != nil {
		d.Rate = int(*rep.Rate*100 + 0.5)
	}
	wb.Render(w, r, http.StatusOK, "kb_report", d)
	return nil
}

// lookupHit is an article found from the composer, with the Markdown link
// a reply inserts.
type lookupHit struct {
	ID          int64
	Title, Link string
	Snippet     kb.Snippet
	Internal    bool // agents only: its content is not offered
}

// lookup searches published articles for the ticket page's composer; an
// internal article's link leads agents only, so it is marked.
func (wb *Pages) lookup(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query().Get("q")
	res, err := wb.KB.Search(r.Context(), kb.SearchOptions{Query: q, Limit: 8})
	if err != nil {
		return err
	}
	var hits []lookupHit
	for _, h := range res.Hits {
		if h.Article.Status != kb.Published {
			continue
		}
		hits = append(hits, lookupHit{ID: h.Article.ID, Title: h.Article.Title, Snippet: h.Snippet, Internal: h.Article.Visibility == kb.Internal,
			Link: "[" + h.Article.Title + "](" + wb.origin(r) + "/help/articles/" + h.Article.Slug + ")"})
	}
	wb.Fragment(w, r, http.StatusOK, "kb_list", "kb-lookup", struct {
		Query string
		Hits  []lookupHit
	}{q, hits})
	return nil
}

// content answers an article's content for the composer to insert into a
// reply, as text: its Markdown and a link to it (kb.ReplyContent decides
// which articles may be sent).
func (wb *Pages) content(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	text, err := wb.KB.ReplyContent(r.Context(), id, wb.origin(r))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, err = io.WriteString(w, text)
	return err
}

// origin is where customers reach the help center, for links in replies.
func (wb *Pages) origin(r *http.Request) string {
	if wb.PublicURL != "" {
		return strings.TrimRight(wb.PublicURL, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// image serves any article's image to agents (the help center serves only
// public articles' images).
func (wb *Pages) image(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	a, f, err := wb.KB.AgentImage(r.Context(), id)
	if err != nil {
		return err
	}
	defer f.Close()
	attachment.Serve(w, r, a, f)
	return nil
}

// uploadImage stores the form's file through the attachment store and
// adds it to the article as an image (kb.AddImage decides what may be),
// then shows the Markdown to paste.
func (wb *Pages) uploadImage(w http.ResponseWriter, r *http.Request) error {
	a, err := wb.article(r)
	if err != nil {
		return err
	}
	atts := wb.KB.Attachments()
	if atts == nil {
		return apperr.Unprocessable("file", "images cannot be stored here")
	}
	limit, err := atts.MaxBytes(r.Context())
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit+1<<20)
	f, hdr, err := r.FormFile("file")
	if err != nil {
		return apperr.Invalid("file", "is required: choose an image (is it larger than the limit?)")
	}
	defer f.Close()
	up, err := atts.Upload(r.Context(), attachment.Upload{Filename: hdr.Filename,
		ContentType: hdr.Header.Get("Content-Type"), Body: f, Size: hdr.Size})
	if err != nil {
		return err
	}
	img, err := wb.KB.AddImage(r.Context(), viewer(r), a.ID, kb.NewImage{AttachmentID: up.ID})
	if err != nil {
		return err
	}
	wb.Flash(r, "Image added. Paste this into the body: "+img.Markdown)
	http.Redirect(w, r, fmt.Sprintf("/kb/articles/%d", a.ID), http.StatusSeeOther)
	return nil
}
