package knowledge_test

import (
	"bytes"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/attachment"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/kb"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/web/knowledge"
	"github.com/centerdesk/centerdesk/internal/web/webtest"
)

func post(e *webtest.Env, path string, form url.Values, c *http.Cookie) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.AddCookie(c)
	rec := httptest.NewRecorder()
	e.Mux.ServeHTTP(rec, r)
	return rec
}

// TestAgentsWriteAndEditorsPublishThroughThePages walks the pages: routes
// refuse whom they should, an agent saves a draft, a bad form names its
// field, an editor publishes, and the revisions page shows the diff.
func TestAgentsWriteAndEditorsPublishThroughThePages(t *testing.T) {
	e := webtest.New(t)
	svc := kb.NewService(e.DB)
	table, err := knowledge.New(e.Kit, knowledge.Deps{Log: testutil.Logger(t), KB: svc})
	if err != nil {
		t.Fatal(err)
	}
	e.Register(table)
	e.CheckRefusals(table)

	lead, agent := e.SignIn("lead"), e.SignIn("agent")
	if rec := post(e, "/kb/categories", url.Values{"name": {"Billing"}}, lead); rec.Code != http.StatusSeeOther {
		t.Fatalf("category: %d %s", rec.Code, rec.Body)
	}
	cats, _ := svc.Categories(t.Context())
	cat := cats[0].ID
	form := url.Values{"title": {"Refund policy"}, "body_markdown": {"Refunds take five days."},
		"category_id": {itoa(cat)}, "status": {"draft"}, "visibility": {"public"}, "labels": {"refunds, billing"}}
	rec := post(e, "/kb/articles", form, agent)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("create: %d %s", rec.Code, rec.Body)
	}
	path := rec.Header().Get("Location")

	bad := url.Values{"title": {""}, "body_markdown": {"x"}, "category_id": {itoa(cat)}}
	rec = post(e, "/kb/articles", bad, agent)
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `id="title" name="title" required maxlength="200" value="" aria-invalid="true"`) {
		t.Fatalf("bad form: %d %s", rec.Code, rec.Body)
	}

	form.Set("status", "published")
	if rec = post(e, path, form, agent); rec.Code != http.StatusForbidden {
		t.Errorf("agent published: %d", rec.Code)
	}
	form.Set("body_markdown", "Refunds take **three** days.")
	form.Set("note", "faster now")
	if rec = post(e, path, form, lead); rec.Code != http.StatusSeeOther {
		t.Fatalf("publish: %d %s", rec.Code, rec.Body)
	}
	rec = e.Do(http.MethodGet, path, agent)
	if !strings.Contains(rec.Body.String(), "<strong>three</strong>") || !strings.Contains(rec.Body.String(), "/help/articles/refund-policy") {
		t.Errorf("editor page lacks the preview or the help center link:\n%s", rec.Body)
	}
	rec = e.Do(http.MethodGet, path+"/revisions", agent)
	if !strings.Contains(rec.Body.String(), "<del>five</del>") || !strings.Contains(rec.Body.String(), "faster now") {
		t.Errorf("revisions page lacks the diff:\n%s", rec.Body)
	}
	rec = e.Do(http.MethodGet, "/kb?q=refunds", agent)
	if !strings.Contains(rec.Body.String(), "Refund policy") {
		t.Errorf("search page lacks the article:\n%s", rec.Body)
	}
	rec = e.Do(http.MethodGet, "/kb/lookup?q=refund", agent)
	if !strings.Contains(rec.Body.String(), `data-kb-insert="[Refund policy](http://example.com/help/articles/refund-policy)"`) {
		t.Errorf("composer lookup lacks the link:\n%s", rec.Body)
	}
}

// TestReportAndTicketBox: leads read the report; the ticket page's box
// lists what the customer saw, and is empty for a ticket without any.
func TestReportAndTicketBox(t *testing.T) {
	e := webtest.New(t)
	svc := kb.NewService(e.DB)
	table, err := knowledge.New(e.Kit, knowledge.Deps{Log: testutil.Logger(t), KB: svc})
	if err != nil {
		t.Fatal(err)
	}
	e.Register(table)
	lead := e.SignIn("lead")
	if err := svc.RecordSearch(t.Context(), "", kb.SourceHelp, "zebra crossing", 0); err != nil {
		t.Fatal(err)
	}
	rec := e.Do(http.MethodGet, "/kb/report?days=7", lead)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "zebra crossing") {
		t.Errorf("report: %d\n%s", rec.Code, rec.Body)
	}
	rec = e.Do(http.MethodGet, "/kb/tickets/424242/seen", lead)
	if rec.Code != 200 || strings.TrimSpace(rec.Body.String()) != "" {
		t.Errorf("box for a ticket without articles: %d %q", rec.Code, rec.Body)
	}
}

// TestAnArticleFromATicketIsReviewedThroughThePages: the new article form
// is prefilled from the agent's ticket, saved and submitted; an editor
// sends it back, then approves it.
func TestAnArticleFromATicketIsReviewedThroughThePages(t *testing.T) {
	e := webtest.New(t)
	svc := kb.NewService(e.DB)
	table, err := knowledge.New(e.Kit, knowledge.Deps{Log: testutil.Logger(t), KB: svc})
	if err != nil {
		t.Fatal(err)
	}
	e.Register(table)
	lead, agent := e.SignIn("lead"), e.SignIn("agent")
	post(e, "/kb/categories", url.Values{"name": {"Billing"}}, lead)
	cats, _ := svc.Categories(t.Context())
	tk, err := ticket.NewService(e.DB).Create(t.Context(), ticket.NewTicket{Subject: "Refund late", Body: "Where is it?",
		Requester: ticket.Requester{Email: "ada@example.com"}, Channel: "email"})
	if err != nil {
		t.Fatal(err)
	}
	rec := e.Do(http.MethodGet, "/kb/new?ticket="+itoa(tk.ID), agent)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `value="Refund late"`) ||
		!strings.Contains(rec.Body.String(), `name="source_ticket_id" value="`+itoa(tk.ID)+`"`) {
		t.Fatalf("prefilled form: %d\n%s", rec.Code, rec.Body)
	}
	rec = post(e, "/kb/articles", url.Values{"title": {"Late refunds"}, "body_markdown": {"Banks take a week."},
		"category_id": {itoa(cats[0].ID)}, "status": {"draft"}, "visibility": {"public"},
		"source_ticket_id": {itoa(tk.ID)}, "submit": {"yes"}}, agent)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("create: %d %s", rec.Code, rec.Body)
	}
	path := rec.Header().Get("Location")
	if rec = e.Do(http.MethodGet, "/kb/review", agent); !strings.Contains(rec.Body.String(), "Late refunds") {
		t.Errorf("review page lacks the submission:\n%s", rec.Body)
	}
	if rec = post(e, path+"/approve", url.Values{}, agent); rec.Code != http.StatusForbidden {
		t.Errorf("agent approved: %d", rec.Code)
	}
	if rec = post(e, path+"/send-back", url.Values{"comment": {"Name the banks."}}, lead); rec.Code != http.StatusSeeOther {
		t.Fatalf("send back: %d %s", rec.Code, rec.Body)
	}
	if rec = e.Do(http.MethodGet, path, agent); !strings.Contains(rec.Body.String(), "Name the banks.") {
		t.Errorf("the comment is not shown to the author")
	}
	post(e, path+"/submit", url.Values{}, agent)
	if rec = post(e, path+"/approve", url.Values{}, lead); rec.Code != http.StatusSeeOther {
		t.Fatalf("approve: %d %s", rec.Code, rec.Body)
	}
	a, err := svc.PublicArticle(t.Context(), "late-refunds")
	if err != nil || a.SourceTicket == nil || *a.SourceTicket != tk.ID {
		t.Errorf("published: %+v %v", a, err)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestComposerInsertsAnArticlesContent: the composer's lookup offers a
// public article's text (and only a link for an internal one), and the
// text is the article's Markdown with its link; an internal article's is
// refused.
func TestComposerInsertsAnArticlesContent(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := webtest.NewOn(t, d)
		svc := kb.NewService(d)
		table, err := knowledge.New(e.Kit, knowledge.Deps{Log: testutil.Logger(t), KB: svc, PublicURL: "https://help.example.com/"})
		if err != nil {
			t.Fatal(err)
		}
		e.Register(table)
		editor := kb.Viewer{ID: testutil.NewUser(t, d, "lead"), Editor: true}
		cat, err := svc.CreateCategory(t.Context(), editor, kb.NewCategory{Name: "Billing"})
		if err != nil {
			t.Fatal(err)
		}
		pub, err := svc.Create(t.Context(), editor, kb.NewArticle{Title: "Refund policy", BodyMarkdown: "Refunds take **five** days.",
			CategoryID: cat.ID, Status: kb.Published})
		if err != nil {
			t.Fatal(err)
		}
		internal, err := svc.Create(t.Context(), editor, kb.NewArticle{Title: "Refund overrides", BodyMarkdown: "Secret refund steps.",
			CategoryID: cat.ID, Status: kb.Published, Visibility: kb.Internal})
		if err != nil {
			t.Fatal(err)
		}
		agent := e.SignIn("agent")
		rec := e.Do(http.MethodGet, "/kb/lookup?q=refund", agent)
		body := rec.Body.String()
		if !strings.Contains(body, `data-kb-insert-from="/kb/articles/`+itoa(pub.ID)+`/content"`) ||
			strings.Contains(body, `/kb/articles/`+itoa(internal.ID)+`/content`) {
			t.Fatalf("lookup offers the wrong texts:\n%s", body)
		}
		rec = e.Do(http.MethodGet, "/kb/articles/"+itoa(pub.ID)+"/content", agent)
		want := "Refunds take **five** days.\n\n[Refund policy](https://help.example.com/help/articles/refund-policy)"
		if rec.Code != http.StatusOK || rec.Body.String() != want {
			t.Errorf("content: %d %q", rec.Code, rec.Body)
		}
		if rec = e.Do(http.MethodGet, "/kb/articles/"+itoa(internal.ID)+"/content", agent); rec.Code != http.StatusUnprocessableEntity {
			t.Errorf("internal article's content: %d", rec.Code)
		}
	})
}

// TestDraftImagesShowToAgents: a draft's images load from the agents'
// address in its preview, which serves them to agents only.
func TestDraftImagesShowToAgents(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := webtest.NewOn(t, d)
		svc := kb.NewService(d)
		atts := attachment.NewService(d, t.TempDir(), e.Settings)
		svc.UseAttachments(atts)
		table, err := knowledge.New(e.Kit, knowledge.Deps{Log: testutil.Logger(t), KB: svc})
		if err != nil {
			t.Fatal(err)
		}
		e.Register(table)
		editor := kb.Viewer{ID: testutil.NewUser(t, d, "lead"), Editor: true}
		ctx := testutil.As(editor.ID)
		cat, err := svc.CreateCategory(ctx, editor, kb.NewCategory{Name: "Billing"})
		if err != nil {
			t.Fatal(err)
		}
		a, err := svc.Create(ctx, editor, kb.NewArticle{Title: "Invoices", BodyMarkdown: "Look.", CategoryID: cat.ID})
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 1, 1))); err != nil {
			t.Fatal(err)
		}
		up, err := svc.Attachments().Upload(ctx, attachment.Upload{Filename: "a.png", Body: &buf, Size: -1})
		if err != nil {
			t.Fatal(err)
		}
		img, err := svc.AddImage(ctx, editor, a.ID, kb.NewImage{AttachmentID: up.ID})
		if err != nil {
			t.Fatal(err)
		}
		md := img.Markdown
		if _, err := svc.Update(ctx, editor, a.ID, kb.Patch{BodyMarkdown: &md}); err != nil {
			t.Fatal(err)
		}
		// An upload an article holds is in use: the collector keeps it.
		old := db.Time(time.Now().Add(-2 * attachment.OrphanAge))
		if _, err := d.Write().Exec(`UPDATE attachments SET created_at = $1 WHERE id = $2`, old, up.ID); err != nil {
			t.Fatal(err)
		}
		if c, err := atts.CollectOrphans(ctx); err != nil || c.Attachments != 0 {
			t.Fatalf("collected %+v: %v", c, err)
		}
		agent := e.SignIn("agent")
		rec := e.Do(http.MethodGet, "/kb/articles/"+itoa(a.ID), agent)
		if !strings.Contains(rec.Body.String(), `src="/kb/images/`+itoa(up.ID)+`"`) {
			t.Fatalf("preview lacks the agents' image address:\n%s", rec.Body)
		}
		if rec = e.Do(http.MethodGet, "/kb/images/"+itoa(up.ID), agent); rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "image/png" {
			t.Errorf("agent image: %d %q", rec.Code, rec.Header().Get("Content-Type"))
		}
		if rec = e.Do(http.MethodGet, "/kb/images/999999", agent); rec.Code != http.StatusNotFound {
			t.Errorf("unknown image: %d", rec.Code)
		}

		// The editor's page uploads an image to the article; a file
		// that is not an image is refused.
		lead := e.SignIn("lead")
		var pngFile bytes.Buffer
		if err := png.Encode(&pngFile, image.NewGray(image.Rect(0, 0, 3, 3))); err != nil {
			t.Fatal(err)
		}
		for name, want := range map[string]int{"b.png": http.StatusSeeOther, "b.txt": http.StatusBadRequest} {
			var body bytes.Buffer
			mw := multipart.NewWriter(&body)
			fw, _ := mw.CreateFormFile("file", name)
			if name == "b.png" {
				fw.Write(pngFile.Bytes())
			} else {
				fw.Write([]byte("plain words"))
			}
			mw.Close()
			r := httptest.NewRequest(http.MethodPost, "/kb/articles/"+itoa(a.ID)+"/images", &body)
			r.Header.Set("Content-Type", mw.FormDataContentType())
			r.AddCookie(lead)
			rec := httptest.NewRecorder()
			e.Mux.ServeHTTP(rec, r)
			if rec.Code != want {
				t.Errorf("upload %s: %d, want %d: %s", name, rec.Code, want, rec.Body)
			}
		}
		if n := testutil.Count(t, d, "kb_article_images"); n != 2 {
			t.Errorf("the article holds %d images, want 2", n)
		}
	})
}
