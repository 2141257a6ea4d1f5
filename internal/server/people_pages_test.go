package server_test

import (
	"context"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/coaching"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/quality"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/user"
)

// peopleDesk is a desk with a lead, an agent and a bystander, each signed
// in in a browser.
type peopleDesk struct {
	*harness
	lead, agent, other    *user.User
	leadB, agentB, otherB *http.Client
}

func newPeopleDesk(t *testing.T, d *db.DB) *peopleDesk {
	t.Helper()
	h := newHarness(t, d)
	k := &peopleDesk{harness: h}
	k.lead = h.createUser("lead@example.com", "admin")
	k.agent = h.createUser("agent@example.com", "agent")
	k.other = h.createUser("other@example.com", "agent")
	k.leadB, k.agentB, k.otherB = h.browser(), h.browser(), h.browser()
	h.signIn(k.leadB, "lead@example.com")
	h.signIn(k.agentB, "agent@example.com")
	h.signIn(k.otherB, "other@example.com")
	return k
}

// post sends a same-origin form, as a browser on Centerdesk's own page does.
func (k *peopleDesk) post(c *http.Client, path string, form url.Values) *http.Response {
	k.t.Helper()
	return k.postForm(c, path, form, "Sec-Fetch-Site", "same-origin")
}

func wantStatus(t *testing.T, what string, resp *http.Response, status int) string {
	t.Helper()
	b := body(t, resp)
	if resp.StatusCode != status {
		t.Fatalf("%s: %d, want %d\n%s", what, resp.StatusCode, status, b)
	}
	return b
}

func TestCoachingPages(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		k := newPeopleDesk(t, d)
		page := wantStatus(t, "new session form", k.get(k.leadB, "/coaching/new?agent_id="+itoa(k.agent.ID)), 200)
		if !strings.Contains(page, `<label for="notes">`) || !strings.Contains(page, `name="agent_id" value="`+itoa(k.agent.ID)+`"`) {
			t.Fatalf("form:\n%s", page)
		}
		form := url.Values{"agent_id": {itoa(k.agent.ID)}, "notes": {"Be <kind> to refunds."},
			"actions": {"Reread the refund policy\n\nAsk before promising"}, "follow_up": {"2020-01-02"}}

		// A cross-origin POST changes nothing.
		resp := k.postForm(k.leadB, "/coaching", form, "Sec-Fetch-Site", "cross-site")
		wantStatus(t, "cross-origin create", resp, http.StatusForbidden)
		if n := count(t, d, "coaching_sessions"); n != 0 {
			t.Fatalf("cross-origin POST stored %d sessions", n)
		}
		// Bad input is refused, naming the field, and changes nothing.
		bad := url.Values{"agent_id": {itoa(k.agent.ID)}, "follow_up": {"tomorrow"}}
		if page := wantStatus(t, "bad date", k.post(k.leadB, "/coaching", bad), http.StatusBadRequest); !strings.Contains(page, "follow_up") {
			t.Fatalf("bad date page:\n%s", page)
		}
		// Agents do not open sessions.
		wantStatus(t, "agent creates", k.post(k.agentB, "/coaching", form), http.StatusForbidden)
		if n := count(t, d, "coaching_sessions"); n != 0 {
			t.Fatalf("refused POSTs stored %d sessions", n)
		}

		resp = k.post(k.leadB, "/coaching", form)
		wantStatus(t, "create", resp, http.StatusSeeOther)
		loc := resp.Header.Get("Location")
		if !strings.HasPrefix(loc, "/coaching/") {
			t.Fatalf("created to %q", loc)
		}
		page = wantStatus(t, "agent reads", k.get(k.agentB, loc), 200)
		if !strings.Contains(page, "Be &lt;kind&gt; to refunds.") || !strings.Contains(page, "Ask before promising") {
			t.Fatalf("session page:\n%s", page)
		}
		wantStatus(t, "other reads", k.get(k.otherB, loc), http.StatusNotFound)

		var actionID int64
		if err := d.Read().QueryRow(`SELECT MIN(id) FROM coaching_actions`).Scan(&actionID); err != nil {
			t.Fatal(err)
		}
		tick := loc + "/actions/" + itoa(actionID)
		wantStatus(t, "other ticks", k.post(k.otherB, tick, url.Values{"done": {"true"}}), http.StatusNotFound)
		wantStatus(t, "agent ticks", k.post(k.agentB, tick, url.Values{"done": {"true"}}), http.StatusSeeOther)
		var done bool
		if err := d.Read().QueryRow(`SELECT done FROM coaching_actions WHERE id = $1`, actionID).Scan(&done); err != nil || !done {
			t.Fatalf("action done %v %v", done, err)
		}
		// The follow-up (in the past) reminds both, once: the server's
		// reminder loop runs this every minute.
		for range 2 {
			if _, err := coaching.NewService(d).RemindDue(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		for _, b := range []*http.Client{k.leadB, k.agentB} {
			page := wantStatus(t, "notifications", k.get(b, "/notifications"), 200)
			if strings.Count(page, "is due</button>") != 1 {
				t.Fatalf("notifications:\n%s", page)
			}
		}
		var noteID int64
		if err := d.Read().QueryRow(`SELECT id FROM notifications WHERE recipient_id = $1`, k.agent.ID).Scan(&noteID); err != nil {
			t.Fatal(err)
		}
		resp = k.post(k.agentB, "/notifications/"+itoa(noteID)+"/read", url.Values{"open": {"1"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != loc {
			t.Fatalf("open the reminder: %d to %q, want %s", resp.StatusCode, resp.Header.Get("Location"), loc)
		}
		if list := wantStatus(t, "agent's list", k.get(k.agentB, "/coaching"), 200); !strings.Contains(list, loc) {
			t.Fatalf("agent's list lacks the session:\n%s", list)
		}
		if list := wantStatus(t, "other's list", k.get(k.otherB, "/coaching"), 200); strings.Contains(list, loc) {
			t.Fatalf("other's list shows the session:\n%s", list)
		}
	})
}

func TestConcernPages(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		k := newPeopleDesk(t, d)
		wantStatus(t, "cross-origin raise", k.postForm(k.agentB, "/concerns", url.Values{"body": {"x"}},
			"Origin", "https://evil.example"), http.StatusForbidden)
		if page := wantStatus(t, "empty concern", k.post(k.agentB, "/concerns", url.Values{"body": {" "}}), http.StatusBadRequest); !strings.Contains(page, "body") {
			t.Fatalf("empty concern page:\n%s", page)
		}
		resp := k.post(k.agentB, "/concerns", url.Values{"body": {"We closed a ticket without asking."}})
		wantStatus(t, "raise", resp, http.StatusSeeOther)
		loc := resp.Header.Get("Location")

		if page := wantStatus(t, "lead's list", k.get(k.leadB, "/concerns"), 200); !strings.Contains(page, "Name of agent@example.com") {
			t.Fatalf("lead does not see the author:\n%s", page)
		}
		wantStatus(t, "other reads", k.get(k.otherB, loc), http.StatusNotFound)
		if page := wantStatus(t, "other's list", k.get(k.otherB, "/concerns"), 200); strings.Contains(page, "without asking") {
			t.Fatalf("other lists the concern:\n%s", page)
		}
		if page := wantStatus(t, "raiser reads", k.get(k.agentB, loc), 200); strings.Contains(page, "Raised by") {
			t.Fatalf("raiser's page names the author to a non-lead:\n%s", page)
		}
		wantStatus(t, "agent moves", k.post(k.agentB, loc, url.Values{"status": {"dismissed"}, "outcome": {"no"}}), http.StatusForbidden)
		if page := wantStatus(t, "resolve without outcome", k.post(k.leadB, loc, url.Values{"status": {"resolved"}}), http.StatusBadRequest); !strings.Contains(page, "outcome") {
			t.Fatalf("no outcome page:\n%s", page)
		}
		wantStatus(t, "resolve", k.post(k.leadB, loc, url.Values{"status": {"resolved"}, "outcome": {"We apologised and fixed the macro."}}), http.StatusSeeOther)
		if page := wantStatus(t, "raiser reads the outcome", k.get(k.agentB, loc), 200); !strings.Contains(page, "We apologised and fixed the macro.") {
			t.Fatalf("raiser's page lacks the outcome:\n%s", page)
		}
	})
}

func TestLeaderboardAndAgentPages(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		k := newPeopleDesk(t, d)
		k.reviewedWork(d)
		agentPath := "/agents/" + itoa(k.agent.ID)

		page := wantStatus(t, "agent's board", k.get(k.agentB, "/leaderboard"), 200)
		// One review is fewer than the default minimum of 3: no score yet.
		if !strings.Contains(page, "Name of agent@example.com") || strings.Contains(page, "Name of other@example.com</a>") ||
			!strings.Contains(page, `href="/leaderboard"`) || strings.Contains(page, "weakest part") ||
			!strings.Contains(page, "Not enough reviews yet: 1 of the 3 a score needs") {
			t.Fatalf("agent's leaderboard:\n%s", page)
		}
		// The API says the same: no score, and why.
		_, board := k.api("GET", "/api/v1/leaderboard", k.token(k.agent), "")
		rows, _ := board["rows"].([]any)
		if len(rows) != 1 || rows[0].(map[string]any)["score"] != nil ||
			rows[0].(map[string]any)["reason"] != "not enough reviews yet" || board["min_reviews"] != float64(3) {
			t.Fatalf("API leaderboard: %v", board)
		}
		resp := k.get(k.agentB, "/me")
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != agentPath {
			t.Fatalf("/me: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		page = wantStatus(t, "own page", k.get(k.agentB, agentPath), 200)
		for _, want := range []string{"<h1>My page</h1>", `<svg class="trend"`, "Empathetic", "Strengths", "tier tier-"} {
			if !strings.Contains(page, want) {
				t.Fatalf("own page lacks %q:\n%s", want, page)
			}
		}
		for _, placeholder := range []string{"Coming", "later:", "TODO", "lorem"} {
			if strings.Contains(page, placeholder) {
				t.Errorf("own page shows placeholder text %q", placeholder)
			}
		}
		wantStatus(t, "other's view", k.get(k.otherB, agentPath), http.StatusNotFound)
		wantStatus(t, "agent's settings", k.get(k.agentB, "/leaderboard/settings"), http.StatusForbidden)

		settings := url.Values{"green_from": {"101"}, "orange_from": {"60"}, "weight_quality": {"60"},
			"weight_customer": {"0"}, "weight_badges": {"20"}, "weight_outcomes": {"20"}, "badge_target": {"3"}, "min_reviews": {"1"}, "min_answers": {"5"},
			"visible_to": {"everyone"}}
		if page := wantStatus(t, "bad cut-off", k.post(k.leadB, "/leaderboard/settings", settings), http.StatusBadRequest); !strings.Contains(page, "green_from") {
			t.Fatalf("bad cut-off page:\n%s", page)
		}
		wantStatus(t, "cross-origin settings", k.postForm(k.leadB, "/leaderboard/settings", settings,
			"Sec-Fetch-Site", "cross-site"), http.StatusForbidden)
		settings.Set("green_from", "80")
		wantStatus(t, "settings", k.post(k.leadB, "/leaderboard/settings", settings), http.StatusSeeOther)
		if page := wantStatus(t, "agent's board, minimum 1", k.get(k.agentB, "/leaderboard"), 200); !strings.Contains(page, "weakest part") ||
			strings.Contains(page, "Not enough reviews") {
			t.Fatalf("agent's leaderboard with a minimum of 1:\n%s", page)
		}
		if page := wantStatus(t, "other's view, open", k.get(k.otherB, agentPath), 200); strings.Contains(page, "weakest part") {
			t.Fatalf("another agent sees what would move it:\n%s", page)
		}
		if page := wantStatus(t, "lead's board", k.get(k.leadB, "/leaderboard"), 200); !strings.Contains(page, agentPath) {
			t.Fatalf("lead's board:\n%s", page)
		}

		// A lead coaches the agent on their review and a value, from the form.
		page = wantStatus(t, "new session form", k.get(k.leadB, "/coaching/new?agent_id="+itoa(k.agent.ID)), 200)
		if !strings.Contains(page, `name="review_ids"`) || !strings.Contains(page, `name="value_ids"`) {
			t.Fatalf("form lacks the agent's reviews and the values:\n%s", page)
		}
		var reviewID, valueID int64
		d.Read().QueryRow(`SELECT MIN(id) FROM reviews`).Scan(&reviewID)
		d.Read().QueryRow(`SELECT MIN(id) FROM team_values`).Scan(&valueID)
		resp = k.post(k.leadB, "/coaching", url.Values{"agent_id": {itoa(k.agent.ID)}, "review_ids": {itoa(reviewID)},
			"value_ids": {itoa(valueID)}, "notes": {"Well done."}})
		wantStatus(t, "coach from the form", resp, http.StatusSeeOther)
		page = wantStatus(t, "session", k.get(k.agentB, resp.Header.Get("Location")), 200)
		if !strings.Contains(page, `href="/reviews/`+itoa(reviewID)+`"`) || !strings.Contains(page, "Empathetic") {
			t.Fatalf("session lacks its links:\n%s", page)
		}
		if page := wantStatus(t, "own page with coaching", k.get(k.agentB, agentPath), 200); !strings.Contains(page, resp.Header.Get("Location")) {
			t.Fatalf("own page lacks the session:\n%s", page)
		}
	})
}

// reviewedWork gives the agent a solved ticket in an open period, reviewed
// by the lead at 4 of 5.
func (k *peopleDesk) reviewedWork(d *db.DB) {
	k.t.Helper()
	ctx := testutil.As(k.lead.ID)
	q, tickets := quality.NewService(d), ticket.NewService(d)
	p, err := q.PutPhilosophy(ctx, k.lead, quality.PhilosophyInput{Vision: "Heard.",
		Values: []quality.ValueInput{{Name: "Empathetic", Code: "E", Colour: "#aa0000"},
			{Name: "Responsive", Code: "R", Colour: "#00aa00"}}})
	if err != nil {
		k.t.Fatal(err)
	}
	sc, err := q.CreateScorecard(ctx, k.lead, quality.NewScorecard{Name: "Weekly", Categories: []quality.NewCategory{
		{ValueID: p.Values[0].ID}, {ValueID: p.Values[1].ID}}})
	if err != nil {
		k.t.Fatal(err)
	}
	tk, err := tickets.Create(ctx, ticket.NewTicket{Subject: "Refund", Body: "Please", Channel: "api",
		Requester: ticket.Requester{Email: "ada@example.com"}})
	if err != nil {
		k.t.Fatal(err)
	}
	solved := "solved"
	if _, err := tickets.Update(ctx, tk.ID, ticket.Patch{AssigneeID: ticket.SetID(&k.agent.ID), Status: &solved}); err != nil {
		k.t.Fatal(err)
	}
	from, to := db.Now().Add(-time.Hour), db.Now().Add(time.Hour)
	period, err := q.CreatePeriod(ctx, k.lead, quality.NewPeriod{StartsAt: &from, EndsAt: &to, PerAgent: 5})
	if err != nil {
		k.t.Fatal(err)
	}
	res, err := q.Draw(ctx, k.lead, period.ID, []int64{k.lead.ID}, rand.New(rand.NewPCG(1, 1)))
	if err != nil || len(res.Drawn) != 1 {
		k.t.Fatalf("draw %+v %v", res, err)
	}
	r, err := q.CreateReview(ctx, k.lead, quality.NewReview{AssignmentID: res.Drawn[0].ID})
	if err != nil {
		k.t.Fatal(err)
	}
	four, five := 4, 5
	if _, err := q.UpdateReview(ctx, k.lead, r.ID, quality.ReviewPatch{Ratings: []quality.Rating{
		{CategoryID: sc.Categories[0].ID, Rating: &five}, {CategoryID: sc.Categories[1].ID, Rating: &four}}}); err != nil {
		k.t.Fatal(err)
	}
	if _, err := q.SubmitReview(ctx, k.lead, r.ID); err != nil {
		k.t.Fatal(err)
	}
}
