package people_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/coaching"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/kb"
	"github.com/centerdesk/centerdesk/internal/quality"
	"github.com/centerdesk/centerdesk/internal/standing"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/web/people"
	"github.com/centerdesk/centerdesk/internal/web/webtest"
)

// TestAgentPageCountsKnowledgeContributions: an agent's page counts the
// published articles credited to the agent, with links; a draft does not
// count.
func TestAgentPageCountsKnowledgeContributions(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := webtest.NewOn(t, d)
		k := kb.NewService(d)
		table, err := people.New(e.Kit, people.Deps{Users: e.Users, Quality: quality.NewService(d),
			Coaching: coaching.NewService(d), Standing: standing.NewService(d), KB: k})
		if err != nil {
			t.Fatal(err)
		}
		e.Register(table)
		c := e.SignIn("agent")
		agent := kb.Viewer{ID: agentID(t, e, c)}
		editor := kb.Viewer{ID: testutil.NewUser(t, d, "lead"), Editor: true}
		cat, err := k.CreateCategory(t.Context(), editor, kb.NewCategory{Name: "Billing"})
		if err != nil {
			t.Fatal(err)
		}
		for _, title := range []string{"Refund policy", "Card declined"} {
			a, err := k.Create(t.Context(), agent, kb.NewArticle{Title: title, BodyMarkdown: "x", CategoryID: cat.ID, Submit: true})
			if err != nil {
				t.Fatal(err)
			}
			if title == "Refund policy" {
				if _, err := k.Approve(t.Context(), editor, a.ID, kb.Patch{}); err != nil {
					t.Fatal(err)
				}
			}
		}
		rec := e.Do(http.MethodGet, "/agents/"+strconv.FormatInt(agent.ID, 10), c)
		body := rec.Body.String()
		if rec.Code != http.StatusOK || !strings.Contains(body, "Knowledge contributions") ||
			!strings.Contains(body, "<strong>1</strong> published article written") ||
			!strings.Contains(body, ">Refund policy</a>") || strings.Contains(body, "Card declined") {
			t.Fatalf("agent page: %d\n%s", rec.Code, body)
		}
	})
}

// agentID is the id of the user signed in with c (GET /me redirects to
// their page).
func agentID(t *testing.T, e *webtest.Env, c *http.Cookie) int64 {
	t.Helper()
	rec := e.Do(http.MethodGet, "/me", c)
	id, err := strconv.ParseInt(strings.TrimPrefix(rec.Header().Get("Location"), "/agents/"), 10, 64)
	if err != nil {
		t.Fatalf("GET /me: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	return id
}
