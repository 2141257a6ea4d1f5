package kb_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/kb"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

type fixture struct {
	svc    *kb.Service
	editor kb.Viewer
	agent  kb.Viewer
	cat    *kb.Category
	ctx    context.Context
}

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	f := &fixture{svc: kb.NewService(d)}
	f.editor = kb.Viewer{ID: testutil.NewUser(t, d, "lead"), Editor: true}
	f.agent = kb.Viewer{ID: testutil.NewUser(t, d, "agent")}
	f.ctx = testutil.As(f.editor.ID)
	var err error
	f.cat, err = f.svc.CreateCategory(f.ctx, f.editor, kb.NewCategory{Name: "Billing", Description: "Invoices and refunds"})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) publish(t *testing.T, title, body string) *kb.Article {
	t.Helper()
	a, err := f.svc.Create(f.ctx, f.editor, kb.NewArticle{Title: title, BodyMarkdown: body, CategoryID: f.cat.ID,
		Status: kb.Published, Visibility: kb.Public})
	if err != nil {
		t.Fatalf("publish %q: %v", title, err)
	}
	return a
}

func field(err error) string {
	if e, ok := apperr.As(err); ok && e.Kind == apperr.KindInvalid {
		return e.Field
	}
	return ""
}

func TestArticleInputIsChecked(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.publish(t, "Reset your password", "Open **Settings**.")
		cases := []struct {
			name  string
			in    kb.NewArticle
			field string
		}{
			{"empty title", kb.NewArticle{Title: "  ", BodyMarkdown: "x", CategoryID: f.cat.ID}, "title"},
			{"unknown category", kb.NewArticle{Title: "T", BodyMarkdown: "x", CategoryID: 99999}, "category_id"},
			{"no category", kb.NewArticle{Title: "T", BodyMarkdown: "x"}, "category_id"},
			{"duplicate slug", kb.NewArticle{Title: "T", BodyMarkdown: "x", CategoryID: f.cat.ID, Slug: "reset-your-password"}, "slug"},
			{"bad slug", kb.NewArticle{Title: "T", BodyMarkdown: "x", CategoryID: f.cat.ID, Slug: "Bad Slug"}, "slug"},
			{"body too big", kb.NewArticle{Title: "T", BodyMarkdown: strings.Repeat("a", kb.MaxBody+1), CategoryID: f.cat.ID}, "body_markdown"},
			{"empty body", kb.NewArticle{Title: "T", BodyMarkdown: "", CategoryID: f.cat.ID}, "body_markdown"},
			{"bad status", kb.NewArticle{Title: "T", BodyMarkdown: "x", CategoryID: f.cat.ID, Status: "live"}, "status"},
			{"bad visibility", kb.NewArticle{Title: "T", BodyMarkdown: "x", CategoryID: f.cat.ID, Visibility: "secret"}, "visibility"},
		}
		before := testutil.Count(t, d, "kb_articles")
		for _, c := range cases {
			_, err := f.svc.Create(f.ctx, f.editor, c.in)
			if got := field(err); got != c.field {
				t.Errorf("%s: got %v (field %q), want invalid %q", c.name, err, got, c.field)
			}
		}
		if n := testutil.Count(t, d, "kb_articles"); n != before {
			t.Errorf("refused articles were written: %d rows, want %d", n, before)
		}
		// A title that makes a slug already taken gets a numbered one.
		again := f.publish(t, "Reset your password", "Again.")
		if again.Slug != "reset-your-password-2" {
			t.Errorf("second slug = %q", again.Slug)
		}
	})
}

func TestMarkdownIsRenderedAndSanitised(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		a := f.publish(t, "Hostile", "# Hi\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1)) **bold**")
		if strings.Contains(a.BodyHTML, "<script") || strings.Contains(a.BodyHTML, "javascript:") {
			t.Errorf("unsafe HTML kept: %s", a.BodyHTML)
		}
		if !strings.Contains(a.BodyHTML, "<strong>bold</strong>") || !strings.Contains(a.BodyHTML, "<h1>Hi</h1>") {
			t.Errorf("markdown not rendered: %s", a.BodyHTML)
		}
	})
}

func TestAgentsWriteDraftsEditorsPublish(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := testutil.As(f.agent.ID)
		_, err := f.svc.Create(ctx, f.agent, kb.NewArticle{Title: "T", BodyMarkdown: "x", CategoryID: f.cat.ID, Status: kb.Published})
		if !apperr.Is(err, apperr.KindForbidden) {
			t.Fatalf("agent published: %v", err)
		}
		a, err := f.svc.Create(ctx, f.agent, kb.NewArticle{Title: "T", BodyMarkdown: "x", CategoryID: f.cat.ID})
		if err != nil || a.Status != kb.Draft {
			t.Fatalf("draft: %v %+v", err, a)
		}
		pub := kb.Published
		if _, err := f.svc.Update(ctx, f.agent, a.ID, kb.Patch{Status: &pub}); !apperr.Is(err, apperr.KindForbidden) {
			t.Errorf("agent published by patch: %v", err)
		}
		if _, err := f.svc.Update(f.ctx, f.editor, a.ID, kb.Patch{Status: &pub}); err != nil {
			t.Fatal(err)
		}
		title := "Changed"
		if _, err := f.svc.Update(ctx, f.agent, a.ID, kb.Patch{Title: &title}); !apperr.Is(err, apperr.KindForbidden) {
			t.Errorf("agent changed a published article: %v", err)
		}
		if _, err := f.svc.CreateCategory(ctx, f.agent, kb.NewCategory{Name: "X"}); !apperr.Is(err, apperr.KindForbidden) {
			t.Errorf("agent made a category: %v", err)
		}
	})
}

func TestRevisionsKeepEverySaveAndRestore(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		a := f.publish(t, "Refunds", "Refunds take five days.")
		body := "Refunds take three days."
		if _, err := f.svc.Update(f.ctx, f.editor, a.ID, kb.Patch{BodyMarkdown: &body, Note: "faster now"}); err != nil {
			t.Fatal(err)
		}
		revs, err := f.svc.Revisions(f.ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(revs) != 2 || revs[0].Number != 2 || revs[0].Note != "faster now" || revs[0].AuthorName == "" {
			t.Fatalf("revisions = %+v", revs)
		}
		diff := kb.Diff(revs[1], revs[0])
		var ins, del string
		for _, p := range diff {
			switch p.Op {
			case "ins":
				ins += p.Text
			case "del":
				del += p.Text
			}
		}
		if ins != "three" || del != "five" {
			t.Errorf("diff inserted %q deleted %q", ins, del)
		}
		restored, err := f.svc.Restore(f.ctx, f.editor, a.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		if restored.BodyMarkdown != "Refunds take five days." || restored.Revision != 3 {
			t.Errorf("restored = %q rev %d", restored.BodyMarkdown, restored.Revision)
		}
	})
}

func TestHelpCenterShowsOnlyPublishedPublicArticles(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		shown := f.publish(t, "Shown refund policy", "Refund policy.")
		draft, _ := f.svc.Create(f.ctx, f.editor, kb.NewArticle{Title: "Draft refund", BodyMarkdown: "Refund secret.", CategoryID: f.cat.ID})
		internal, _ := f.svc.Create(f.ctx, f.editor, kb.NewArticle{Title: "Internal refund", BodyMarkdown: "Refund override.",
			CategoryID: f.cat.ID, Status: kb.Published, Visibility: kb.Internal})
		for _, a := range []*kb.Article{draft, internal} {
			if _, err := f.svc.PublicArticle(f.ctx, a.Slug); !apperr.Is(err, apperr.KindNotFound) {
				t.Errorf("%s shown: %v", a.Slug, err)
			}
		}
		if _, err := f.svc.PublicArticle(f.ctx, shown.Slug); err != nil {
			t.Error(err)
		}
		res, err := f.svc.Search(f.ctx, kb.SearchOptions{Query: "refund", PublicOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) != 1 || res.Hits[0].Article.ID != shown.ID {
			t.Errorf("public search found %d hits", len(res.Hits))
		}
		read, _ := f.svc.MostRead(f.ctx, 10)
		site, _ := f.svc.Sitemap(f.ctx)
		if len(read) != 1 || len(site) != 1 {
			t.Errorf("most read %d, sitemap %d", len(read), len(site))
		}
		all, _ := f.svc.Search(f.ctx, kb.SearchOptions{Query: "refund"})
		if len(all.Hits) != 3 {
			t.Errorf("agents' search found %d, want 3", len(all.Hits))
		}
	})
}

// searchCorpus and searchCases are shared by both databases: the same query
// must find the same articles on each.
var searchCorpus = []struct{ title, body string }{
	{"Reset your password", "If you forgot your password, open the sign-in page and choose Forgot password. We email a link."},
	{"Refund policy", "Refunds are paid within five days to the card you paid with. Refunding a gift card is not possible."},
	{"Change billing address", "Your billing address appears on invoices. Change it under Account, then Billing."},
	{"Cancel a subscription", "You can cancel your subscription at any time; cancelling stops the next renewal."},
	{"Shipping times", "Parcels ship from Rotterdam. Delivery takes two to four working days in Europe."},
	{"Two-factor authentication", "Turn on two-factor authentication with an authenticator app for a safer account."},
}

var searchCases = []struct {
	query string
	want  []string // titles, in any order
}{
	{"password", []string{"Reset your password"}},
	{"refunds", []string{"Refund policy"}},
	{"refunded", []string{"Refund policy"}},
	{"cancelled subscriptions", []string{"Cancel a subscription"}},
	{"pasword", []string{"Reset your password"}},           // a letter missing
	{"billing adress", []string{"Change billing address"}}, // a typo in the second word
	{"invoice", []string{"Change billing address"}},
	{"subscripton", []string{"Cancel a subscription"}},
	{"how do I reset my password", []string{"Reset your password"}}, // stopwords dropped
	{"account", []string{"Change billing address", "Two-factor authentication"}},
	{"delivery europe", []string{"Shipping times"}},
	{"authenticator", []string{"Two-factor authentication"}},
	{"zebra", nil},
	{"the", nil},
}

func TestSearchFindsTheSameArticlesOnBothDatabases(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		for _, c := range searchCorpus {
			f.publish(t, c.title, c.body)
		}
		for _, c := range searchCases {
			res, err := f.svc.Search(f.ctx, kb.SearchOptions{Query: c.query, PublicOnly: true})
			if err != nil {
				t.Fatalf("%q: %v", c.query, err)
			}
			var got []string
			for _, h := range res.Hits {
				got = append(got, h.Article.Title)
			}
			slices.Sort(got)
			want := slices.Clone(c.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("%q found %q, want %q (corrected %q)", c.query, got, want, res.Corrected)
			}
		}
	})
}

func TestSuggestionsMatchTheStartOfTheLastWord(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		for _, c := range searchCorpus {
			f.publish(t, c.title, c.body)
		}
		res, err := f.svc.Search(f.ctx, kb.SearchOptions{Query: "forgot passw", PublicOnly: true, Prefix: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) != 1 || res.Hits[0].Article.Title != "Reset your password" {
			t.Fatalf("hits = %d", len(res.Hits))
		}
		snippet := res.Hits[0].Snippet
		marked := 0
		for _, p := range snippet {
			if p.Mark {
				marked++
			}
		}
		if marked == 0 || !strings.Contains(snippet.String(), "forgot") {
			t.Errorf("snippet %+v", snippet)
		}
	})
}
