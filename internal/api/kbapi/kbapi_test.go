package kbapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/config"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/kb"
	"github.com/centerdesk/centerdesk/internal/secret"
	"github.com/centerdesk/centerdesk/internal/server"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/user"
)

type client struct {
	t     *testing.T
	h     http.Handler
	token string
}

// newClients returns the whole server and a lead's and an agent's clients.
func newClients(t *testing.T, d *db.DB) (lead, agent *client) {
	t.Helper()
	box, err := secret.NewBox(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	params := user.PasswordParams{Memory: 1024, Time: 1, Threads: 1}
	cfg := config.Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), SessionLifetime: time.Hour,
		SessionIdle: time.Hour, ShutdownTimeout: 10 * time.Second, PublicRateLimit: 1000, APIRateLimit: 1000}
	srv, err := server.New(cfg, testutil.Logger(t), d, box, server.Options{PasswordParams: params})
	if err != nil {
		t.Fatal(err)
	}
	users := user.NewService(d, box, params)
	token := func(role string) string {
		_, tok, err := users.CreateToken(context.Background(), testutil.NewUser(t, d, role), "tests")
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	return &client{t, srv.Handler(), token("lead")}, &client{t, srv.Handler(), token("agent")}
}

func (c *client) call(method, path, body string, status int, out any) {
	c.t.Helper()
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	if c.token != "" {
		r.Header.Set("Authorization", "Bearer "+c.token)
	}
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	c.h.ServeHTTP(rec, r)
	if rec.Code != status {
		c.t.Fatalf("%s %s: status %d, want %d: %s", method, path, rec.Code, status, rec.Body)
	}
	if out != nil {
		if err := json.Unmarshal(rec.Body.Bytes(), out); err != nil {
			c.t.Fatalf("decode %s: %v", rec.Body, err)
		}
	}
}

func TestKnowledgeBaseOverHTTP(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		lead, agent := newClients(t, d)
		var cat kb.Category
		lead.call("POST", "/api/v1/kb/categories", `{"name": "Billing", "description": "Money matters"}`, http.StatusCreated, &cat)
		agent.call("POST", "/api/v1/kb/categories", `{"name": "Mine"}`, http.StatusForbidden, nil)
		catID := strconv.FormatInt(cat.ID, 10)

		var a kb.Article
		lead.call("POST", "/api/v1/kb/articles", `{"title": "Refund policy", "body_markdown": "Refunds take **five** days.",
			"category_id": `+catID+`, "status": "published", "visibility": "public", "labels": ["Refunds", "billing"]}`,
			http.StatusCreated, &a)
		if a.Slug != "refund-policy" || a.Labels[0] != "billing" || !strings.Contains(a.BodyHTML, "<strong>five</strong>") {
			t.Fatalf("created %+v", a)
		}
		path := "/api/v1/kb/articles/" + strconv.FormatInt(a.ID, 10)

		// Bad input answers 400 naming the field.
		for body, field := range map[string]string{
			`{"title": "", "body_markdown": "x", "category_id": ` + catID + `}`:                                          "title",
			`{"title": "T", "body_markdown": "x", "category_id": 424242}`:                                                "category_id",
			`{"title": "T", "body_markdown": "x", "category_id": ` + catID + `, "slug": "refund-policy"}`:                "slug",
			`{"title": "T", "body_markdown": "` + strings.Repeat("a", kb.MaxBody+1) + `", "category_id": ` + catID + `}`: "body_markdown",
			`{"title": "T", "body_markdown": "x", "category_id": ` + catID + `, "source_ticket_id": 424242}`:             "source_ticket_id",
			`{"title": "T", "body_markdown": "x", "category_id": ` + catID + `, "owner_id": 424242}`:                     "owner_id",
		} {
			var problem struct{ Error struct{ Field string } }
			lead.call("POST", "/api/v1/kb/articles", body, http.StatusBadRequest, &problem)
			if problem.Error.Field != field {
				t.Errorf("field %q, want %q", problem.Error.Field, field)
			}
		}

		lead.call("PATCH", path, `{"body_markdown": "Refunds take three days.", "note": "faster"}`, http.StatusOK, &a)
		agent.call("PATCH", path, `{"title": "Mine"}`, http.StatusForbidden, nil)
		var revs struct{ Items []kb.Revision }
		agent.call("GET", path+"/revisions", "", http.StatusOK, &revs)
		if len(revs.Items) != 2 || revs.Items[0].Note != "faster" {
			t.Fatalf("revisions %+v", revs.Items)
		}
		lead.call("POST", path+"/revisions/1/restore", "", http.StatusOK, &a)
		if a.BodyMarkdown != "Refunds take **five** days." {
			t.Errorf("restored %q", a.BodyMarkdown)
		}

		var list struct{ Items []kb.Article }
		agent.call("GET", "/api/v1/kb/articles?q=refunds", "", http.StatusOK, &list)
		if len(list.Items) != 1 {
			t.Errorf("search found %d", len(list.Items))
		}
		agent.call("GET", "/api/v1/kb/articles?status=live", "", http.StatusBadRequest, nil)

		// Suggestions are public, and show only published public articles.
		agent.call("POST", "/api/v1/kb/articles", `{"title": "Refund secrets", "body_markdown": "Refunds internal.",
			"category_id": `+catID+`}`, http.StatusCreated, nil)
		anon := &client{t: t, h: lead.h}
		var sugg []struct{ Title, URL, Snippet string }
		anon.call("GET", "/api/v1/help/suggest?q=refun", "", http.StatusOK, &sugg)
		if len(sugg) != 1 || sugg[0].URL != "/help/articles/refund-policy" || sugg[0].Snippet == "" {
			t.Errorf("suggestions %+v", sugg)
		}
	})
}

// TestReviewFlowOverHTTP: an agent submits a draft, an editor sends it
// back with a comment, the agent edits and submits again, and the editor
// approves it with an edit; bad input names its field.
func TestReviewFlowOverHTTP(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		lead, agent := newClients(t, d)
		var cat kb.Category
		lead.call("POST", "/api/v1/kb/categories", `{"name": "Billing"}`, http.StatusCreated, &cat)
		var a kb.Article
		agent.call("POST", "/api/v1/kb/articles", `{"title": "Card declined", "body_markdown": "Ask the bank.",
			"category_id": `+strconv.FormatInt(cat.ID, 10)+`, "submit": true}`, http.StatusCreated, &a)
		if a.Status != kb.Draft || a.SubmittedAt == nil {
			t.Fatalf("created and submitted: %+v", a)
		}
		path := "/api/v1/kb/articles/" + strconv.FormatInt(a.ID, 10)

		var review struct {
			InReview []kb.Article `json:"in_review"`
		}
		agent.call("GET", "/api/v1/kb/review", "", http.StatusOK, &review)
		if len(review.InReview) != 1 || review.InReview[0].ID != a.ID {
			t.Fatalf("in review %+v", review.InReview)
		}
		agent.call("POST", path+"/approve", "", http.StatusForbidden, nil)
		agent.call("POST", path+"/send-back", `{"comment": "mine"}`, http.StatusForbidden, nil)
		for body, field := range map[string]string{`{"comment": " "}`: "comment", `{"note": "x"}`: "note"} {
			var problem struct{ Error struct{ Field string } }
			lead.call("POST", path+"/send-back", body, http.StatusBadRequest, &problem)
			if problem.Error.Field != field {
				t.Errorf("send-back %s: field %q, want %q", body, problem.Error.Field, field)
			}
		}
		lead.call("POST", path+"/send-back", `{"comment": "Say which banks."}`, http.StatusOK, &a)
		if a.SubmittedAt != nil || a.ReviewNote != "Say which banks." {
			t.Fatalf("sent back: %+v", a)
		}
		lead.call("POST", path+"/approve", "", http.StatusConflict, nil)

		agent.call("PATCH", path, `{"body_markdown": "Ask your bank, then retry."}`, http.StatusOK, nil)
		agent.call("POST", path+"/submit", "", http.StatusOK, &a)
		if a.SubmittedAt == nil || a.ReviewNote != "" {
			t.Fatalf("resubmitted: %+v", a)
		}
		var problem struct{ Error struct{ Field string } }
		lead.call("POST", path+"/approve", `{"title": ""}`, http.StatusBadRequest, &problem)
		if problem.Error.Field != "title" {
			t.Errorf("approve with empty title: field %q", problem.Error.Field)
		}
		lead.call("POST", path+"/approve", `{"title": "When a card is declined"}`, http.StatusOK, &a)
		if a.Status != kb.Published || a.Title != "When a card is declined" || a.SubmittedAt != nil {
			t.Fatalf("approved: %+v", a)
		}
		agent.call("POST", path+"/submit", "", http.StatusConflict, nil)
		agent.call("POST", path+"/confirm", "", http.StatusOK, &a) // its owner

		// Another agent's draft is not this agent's to submit.
		var other kb.Article
		lead.call("POST", "/api/v1/kb/articles", `{"title": "Lead's draft", "body_markdown": "x",
			"category_id": `+strconv.FormatInt(cat.ID, 10)+`}`, http.StatusCreated, &other)
		agent.call("POST", "/api/v1/kb/articles/"+strconv.FormatInt(other.ID, 10)+"/submit", "", http.StatusForbidden, nil)
		agent.call("POST", "/api/v1/kb/articles/"+strconv.FormatInt(other.ID, 10)+"/confirm", "", http.StatusForbidden, nil)

		var st kb.Settings
		agent.call("GET", "/api/v1/kb/settings", "", http.StatusOK, &st)
		if st.ReviewDays != 180 {
			t.Errorf("default settings %+v", st)
		}
		agent.call("PUT", "/api/v1/kb/settings", `{"review_days": 90, "unhelpful_percent": 50, "min_votes": 5}`, http.StatusForbidden, nil)
		lead.call("PUT", "/api/v1/kb/settings", `{"review_days": 0, "unhelpful_percent": 50, "min_votes": 5}`, http.StatusBadRequest, &problem)
		if problem.Error.Field != "review_days" {
			t.Errorf("bad settings: field %q", problem.Error.Field)
		}
		lead.call("PUT", "/api/v1/kb/settings", `{"review_days": 90, "unhelpful_percent": 40, "min_votes": 3}`, http.StatusOK, &st)
		if st.ReviewDays != 90 || st.MinVotes != 3 {
			t.Errorf("saved settings %+v", st)
		}
	})
}

// upload stores body through POST /api/v1/attachments and returns its id.
func (c *client) upload(name, contentType string, body []byte) int64 {
	c.t.Helper()
	r := httptest.NewRequest("POST", "/api/v1/attachments?filename="+name, bytes.NewReader(body))
	r.Header.Set("Authorization", "Bearer "+c.token)
	r.Header.Set("Content-Type", contentType)
	rec := httptest.NewRecorder()
	c.h.ServeHTTP(rec, r)
	var att struct{ ID int64 }
	if rec.Code != http.StatusCreated || json.Unmarshal(rec.Body.Bytes(), &att) != nil {
		c.t.Fatalf("upload: %d %s", rec.Code, rec.Body)
	}
	return att.ID
}

func pngBytes(t *testing.T) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 2, 2))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestArticleImagesOverHTTP: an image uploaded as an attachment is added
// to an article and shown by its Markdown; the help center serves it only
// once the article is published and public. Other image sources, unknown
// images and files that are not images answer 400 naming the field.
func TestArticleImagesOverHTTP(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		lead, agent := newClients(t, d)
		anon := &client{t: t, h: lead.h}
		var cat kb.Category
		lead.call("POST", "/api/v1/kb/categories", `{"name": "Billing"}`, http.StatusCreated, &cat)
		catID := strconv.FormatInt(cat.ID, 10)
		var a kb.Article
		lead.call("POST", "/api/v1/kb/articles", `{"title": "Where to find the invoice", "body_markdown": "Look.",
			"category_id": `+catID+`}`, http.StatusCreated, &a)
		path := "/api/v1/kb/articles/" + strconv.FormatInt(a.ID, 10)

		imgID := lead.upload("invoice.png", "image/png", pngBytes(t))
		textID := lead.upload("notes.txt", "text/plain", []byte("just words"))
		theirs := agent.upload("theirs.png", "image/png", pngBytes(t))
		for body, field := range map[string]string{
			`{"attachment_id": ` + strconv.FormatInt(textID, 10) + `}`: "attachment_id",
			`{"attachment_id": ` + strconv.FormatInt(theirs, 10) + `}`: "attachment_id",
			`{"attachment_id": 0}`: "attachment_id",
		} {
			var problem struct{ Error struct{ Field string } }
			lead.call("POST", path+"/images", body, http.StatusBadRequest, &problem)
			if problem.Error.Field != field {
				t.Errorf("image %s: field %q, want %q", body, problem.Error.Field, field)
			}
		}
		var img kb.Image
		lead.call("POST", path+"/images", `{"attachment_id": `+strconv.FormatInt(imgID, 10)+`}`, http.StatusCreated, &img)
		if img.Markdown != "![invoice.png](/help/images/"+strconv.FormatInt(imgID, 10)+")" {
			t.Fatalf("image %+v", img)
		}
		for _, md := range []string{"![x](https://tracker.example.com/p.png)", "![x](/help/images/999999)", `<img src="/help/images/1">`} {
			var problem struct{ Error struct{ Field string } }
			lead.call("PATCH", path, `{"body_markdown": `+strconv.Quote(md)+`}`, http.StatusBadRequest, &problem)
			if problem.Error.Field != "body_markdown" {
				t.Errorf("body %s: field %q", md, problem.Error.Field)
			}
		}
		lead.call("PATCH", path, `{"body_markdown": `+strconv.Quote("See:\n\n"+img.Markdown)+`}`, http.StatusOK, &a)
		if !strings.Contains(a.BodyHTML, `<img src="`+img.URL+`" alt="invoice.png"/>`) {
			t.Fatalf("rendered %s", a.BodyHTML)
		}
		anon.call("GET", img.URL, "", http.StatusNotFound, nil) // a draft's image
		lead.call("PATCH", path, `{"status": "published"}`, http.StatusOK, nil)
		r := httptest.NewRequest("GET", img.URL, nil)
		rec := httptest.NewRecorder()
		anon.h.ServeHTTP(rec, r)
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "image/png" || !bytes.Equal(rec.Body.Bytes(), pngBytes(t)) {
			t.Errorf("public image: %d %q", rec.Code, rec.Header().Get("Content-Type"))
		}
		lead.call("PATCH", path, `{"visibility": "internal"}`, http.StatusOK, nil)
		anon.call("GET", img.URL, "", http.StatusNotFound, nil)
		anon.call("GET", "/help/images/"+strconv.FormatInt(theirs, 10), "", http.StatusNotFound, nil) // no article holds it
	})
}
