package help_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/kb"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/web/help"
	"github.com/centerdesk/centerdesk/internal/web/webtest"
)

type bench struct {
	e                      *webtest.Env
	svc                    *kb.Service
	shown, draft, internal *kb.Article
}

func newBench(t *testing.T) *bench {
	t.Helper()
	e := webtest.New(t)
	svc := kb.NewService(e.DB)
	table, err := help.New(e.Kit, help.Deps{Log: testutil.Logger(t), Settings: e.Settings, Sessions: e.Sessions, KB: svc,
		Tickets: ticket.NewService(e.DB), Journeys: &help.Journeys{Sessions: e.Sessions, KB: svc},
		PublicURL: "https://help.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	e.Register(table)
	editor := kb.Viewer{ID: testutil.NewUser(t, e.DB, "lead"), Editor: true}
	ctx := testutil.As(editor.ID)
	cat, err := svc.CreateCategory(ctx, editor, kb.NewCategory{Name: "Billing", Description: "Invoices and refunds"})
	if err != nil {
		t.Fatal(err)
	}
	write := func(title, body, status, visibility string, related ...int64) *kb.Article {
		a, err := svc.Create(ctx, editor, kb.NewArticle{Title: title, BodyMarkdown: body, CategoryID: cat.ID,
			Status: status, Visibility: visibility, RelatedIDs: related})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	b := &bench{e: e, svc: svc}
	other := write("Change billing address", "Your billing address is on invoices.", kb.Published, kb.Public)
	b.draft = write("Draft refund plan", "Refunds secretly doubled.", kb.Draft, kb.Public)
	b.internal = write("Refund override", "Agents may refund twice.", kb.Published, kb.Internal)
	b.shown = write("Refund policy", "Refunds are paid within **five days** to your card.", kb.Published, kb.Public,
		other.ID, b.draft.ID, b.internal.ID)
	return b
}

func (b *bench) get(t *testing.T, path string) (int, string) {
	t.Helper()
	rec := b.e.Do(http.MethodGet, path, nil)
	return rec.Code, rec.Body.String()
}

func TestHelpCenterPages(t *testing.T) {
	b := newBench(t)
	code, body := b.get(t, "/help")
	if code != 200 || !strings.Contains(body, "Refund policy") || !strings.Contains(body, "Billing") ||
		!strings.Contains(body, `<link rel="canonical" href="https://help.example.com/help">`) {
		t.Fatalf("home: %d\n%s", code, body)
	}
	code, body = b.get(t, "/help/articles/refund-policy")
	for _, want := range []string{"<title>Refund policy · ", "<strong>five days</strong>",
		`<link rel="canonical" href="https://help.example.com/help/articles/refund-policy">`,
		`<meta name="description" content="Refunds are paid within five days to your card.">`,
		"Was this helpful?", "Change billing address"} {
		if !strings.Contains(body, want) {
			t.Errorf("article page lacks %q", want)
		}
	}
	if code != 200 || strings.Contains(body, "Draft refund plan") || strings.Contains(body, "Refund override") {
		t.Errorf("article page: %d, shows a draft or an internal related article", code)
	}
	code, body = b.get(t, "/help/search?q=refunds")
	if code != 200 || !strings.Contains(body, "<mark>Refunds</mark>") || !strings.Contains(body, `content="noindex"`) {
		t.Errorf("search: %d\n%s", code, body)
	}
	code, body = b.get(t, "/help/search?q=refnds")
	if !strings.Contains(body, "Showing results for") || !strings.Contains(body, "/help/articles/refund-policy") {
		t.Errorf("typo search: %d\n%s", code, body)
	}
	code, body = b.get(t, "/help/sitemap.xml")
	if code != 200 || !strings.Contains(body, "<loc>https://help.example.com/help/articles/refund-policy</loc>") {
		t.Errorf("sitemap: %d\n%s", code, body)
	}
}

// TestDraftsAndInternalArticlesAreNeverShownOutside tries every public
// door with a draft's and an internal article's address and words.
func TestDraftsAndInternalArticlesAreNeverShownOutside(t *testing.T) {
	b := newBench(t)
	for _, a := range []*kb.Article{b.draft, b.internal} {
		if code, _ := b.get(t, "/help/articles/"+a.Slug); code != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", a.Slug, code)
		}
		for _, path := range []string{"/help", "/help/search?q=refund", "/help/search?q=secretly", "/help/search?q=twice",
			"/help/sitemap.xml", "/help/categories/" + itoa(a.CategoryID), "/help/articles/refund-policy"} {
			_, body := b.get(t, path)
			if strings.Contains(body, a.Title) || strings.Contains(body, a.Slug) {
				t.Errorf("%s shows %q", path, a.Title)
			}
		}
		rec := b.post(t, "/help/articles/"+a.Slug+"/vote", url.Values{"helpful": {"yes"}})
		if rec.Code != http.StatusNotFound {
			t.Errorf("vote on %s: %d", a.Slug, rec.Code)
		}
	}
}

func (b *bench) post(t *testing.T, path string, form url.Values) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	b.e.Mux.ServeHTTP(rec, r)
	return rec
}

func TestVotesAreCounted(t *testing.T) {
	b := newBench(t)
	if rec := b.post(t, "/help/articles/refund-policy/vote", url.Values{"helpful": {"yes"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("yes: %d %s", rec.Code, rec.Body)
	}
	rec := b.post(t, "/help/articles/refund-policy/vote", url.Values{"helpful": {"no"}, "reason": {"outdated"}, "comment": {"Now it is three days"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("no: %d %s", rec.Code, rec.Body)
	}
	if rec := b.post(t, "/help/articles/refund-policy/vote", url.Values{"helpful": {"no"}, "reason": {"bored"}}); rec.Code != http.StatusBadRequest {
		t.Errorf("bad reason: %d", rec.Code)
	}
	a, err := b.svc.Get(context.Background(), b.shown.ID)
	if err != nil {
		t.Fatal(err)
	}
	if a.HelpfulYes != 1 || a.HelpfulNo != 1 || a.Views != 0 {
		t.Errorf("yes %d no %d views %d", a.HelpfulYes, a.HelpfulNo, a.Views)
	}
	b.get(t, "/help/articles/refund-policy")
	if a, _ = b.svc.Get(context.Background(), b.shown.ID); a.Views != 1 {
		t.Errorf("views %d", a.Views)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestContactFormKeepsTheArticlesTheCustomerSaw: a customer who is not
// signed in searches, opens an article and writes anyway; the ticket keeps
// the article opened and the one suggested, and a bad address names its
// field.
func TestContactFormKeepsTheArticlesTheCustomerSaw(t *testing.T) {
	b := newBench(t)
	var cookie *http.Cookie
	send := func(method, path string, form url.Values) *httptest.ResponseRecorder {
		var r *http.Request
		if form != nil {
			r = httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		} else {
			r = httptest.NewRequest(method, path, nil)
		}
		if cookie != nil {
			r.AddCookie(cookie)
		}
		rec := httptest.NewRecorder()
		b.e.Mux.ServeHTTP(rec, r)
		for _, c := range rec.Result().Cookies() {
			cookie = c
		}
		return rec
	}
	send(http.MethodGet, "/help/search?q=refund", nil)
	send(http.MethodGet, "/help/articles/refund-policy", nil)
	if rec := send(http.MethodGet, "/help/contact", nil); rec.Code != 200 || !strings.Contains(rec.Body.String(), "data-suggest") {
		t.Fatalf("contact form: %d", rec.Code)
	}
	rec := send(http.MethodPost, "/help/contact", url.Values{"email": {"not an address"}, "subject": {"Late refund"},
		"description": {"Where is it?"}})
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `aria-invalid="true"`) {
		t.Fatalf("bad address: %d\n%s", rec.Code, rec.Body)
	}
	rec = send(http.MethodPost, "/help/contact", url.Values{"name": {"Ada"}, "email": {"ada@example.com"},
		"subject": {"Late refund"}, "description": {"Where is it?"}, "suggested": {"change-billing-address", b.draft.Slug}})
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "Thank you") {
		t.Fatalf("contact: %d\n%s", rec.Code, rec.Body)
	}
	var ticketID int64
	if err := b.e.DB.Read().QueryRow(`SELECT id FROM tickets WHERE subject = 'Late refund'`).Scan(&ticketID); err != nil {
		t.Fatal(err)
	}
	seen, err := b.svc.SeenBefore(context.Background(), ticketID)
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != 2 || seen[0].Slug != "refund-policy" || !seen[0].Opened || seen[1].Slug != "change-billing-address" {
		t.Errorf("seen %+v", seen)
	}
}
