package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/quality"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/user"
)

func (c *client) myID() int64 {
	c.t.Helper()
	var u user.User
	c.want(c.do("GET", "/api/v1/me", "", ""), http.StatusOK, &u)
	return u.ID
}

// solved opens a ticket assigned to agent and solves it.
func (c *client) solved(agent int64) int64 {
	c.t.Helper()
	var tk ticket.Ticket
	c.want(c.do("POST", "/api/v1/tickets", newTicketJSON, ""), http.StatusCreated, &tk)
	c.want(c.do("PATCH", "/api/v1/tickets/"+itoa(tk.ID), `{"assignee_id": `+itoa(agent)+`, "status": "solved"}`, ""),
		http.StatusOK, nil)
	return tk.ID
}

func TestPhilosophyOverHTTP(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		c := newClient(t, d)
		var p quality.Philosophy
		c.want(c.do("PUT", "/api/v1/philosophy", `{"vision": "Help that feels easy.", "values": [
			{"name": "Creative", "code": "C", "colour": "#ff8800", "meaning": "We look for a better way."},
			{"name": "Empathetic", "code": "E", "colour": "#0088ff"}]}`, ""), http.StatusOK, &p)
		if len(p.Values) != 2 || p.Warning != "" {
			t.Fatalf("put %+v", p)
		}
		for i, code := range []string{"N", "T", "R"} {
			var v quality.ValueResult
			c.want(c.do("POST", "/api/v1/values", `{"name": "V`+code+`", "code": "`+code+`", "colour": "#00000`+itoa(int64(i))+`"}`, ""),
				http.StatusCreated, &v)
			if v.Warning != "" {
				t.Fatalf("warning at %d values", i+3)
			}
		}
		var sixth quality.ValueResult
		c.want(c.do("POST", "/api/v1/values", `{"name": "Extra", "code": "X", "colour": "#123456"}`, ""), http.StatusCreated, &sixth)
		if !strings.Contains(sixth.Warning, "5 are suggested") || sixth.ID == 0 || sixth.Name != "Extra" {
			t.Fatalf("sixth %+v", sixth)
		}
		c.want(c.do("PATCH", "/api/v1/values/"+itoa(sixth.ID), `{"colour": "blue"}`, ""), http.StatusBadRequest, nil)
		c.want(c.do("DELETE", "/api/v1/values/"+itoa(sixth.ID), "", ""), http.StatusNoContent, nil)

		var versions struct{ Items []quality.VersionInfo }
		c.want(c.do("GET", "/api/v1/philosophy/versions", "", ""), http.StatusOK, &versions)
		if len(versions.Items) != 6 {
			t.Fatalf("%d versions", len(versions.Items))
		}
		var first quality.Version
		c.want(c.do("GET", "/api/v1/philosophy/versions/"+itoa(versions.Items[5].ID), "", ""), http.StatusOK, &first)
		if len(first.Philosophy.Values) != 2 || first.Philosophy.Values[0].Meaning != "We look for a better way." {
			t.Fatalf("first version %+v", first)
		}
		for _, path := range []string{"/api/v1/philosophy.md", "/api/v1/philosophy?format=markdown"} {
			rec := c.do("GET", path, "", "")
			if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/markdown") ||
				!strings.Contains(rec.Body.String(), "### C — Creative") {
				t.Fatalf("%s: %d %s\n%s", path, rec.Code, rec.Header(), rec.Body)
			}
		}
		c.want(c.do("GET", "/api/v1/philosophy?format=pdf", "", ""), http.StatusBadRequest, nil)

		agent := c.as("agent")
		agent.want(agent.do("GET", "/api/v1/philosophy", "", ""), http.StatusOK, nil)
		agent.want(agent.do("PUT", "/api/v1/philosophy", `{"vision": "mine"}`, ""), http.StatusForbidden, nil)
		agent.want(agent.do("POST", "/api/v1/values", `{"name": "M", "code": "M", "colour": "#000000"}`, ""), http.StatusForbidden, nil)
	})
}

func TestSurveyOverHTTP(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		c := newClient(t, d)
		var sv quality.Survey
		c.want(c.do("POST", "/api/v1/surveys", `{}`, ""), http.StatusCreated, &sv)
		path := "/api/v1/surveys/" + itoa(sv.ID)
		agent := c.as("agent")
		agent.want(agent.do("POST", path+"/answers", `{"answer": "Quick, kind and clear."}`, ""), http.StatusNoContent, nil)
		agent.want(agent.do("POST", path+"/answers", `{"answer": "again"}`, ""), http.StatusConflict, nil)
		c.want(c.do("POST", path+"/answers", `{"answer": "Kind people who listen"}`, ""), http.StatusNoContent, nil)
		var res quality.SurveyResults
		agent.want(agent.do("GET", path+"/results?top=1", "", ""), http.StatusOK, &res)
		if len(res.Words) != 1 || res.Words[0] != (quality.WordCount{Word: "kind", Count: 2}) {
			t.Fatalf("results %+v", res)
		}
		agent.want(agent.do("POST", "/api/v1/surveys", `{}`, ""), http.StatusForbidden, nil)
	})
}

func TestReviewsOverHTTP(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		c := newClient(t, d)
		c.want(c.do("PUT", "/api/v1/philosophy", `{"vision": "Easy.", "values": [
			{"name": "Empathetic", "code": "E", "colour": "#0088ff"},
			{"name": "Trustful", "code": "T", "colour": "#008800"}]}`, ""), http.StatusOK, nil)
		var sc quality.Scorecard
		c.want(c.do("POST", "/api/v1/scorecards", `{"name": "Weekly"}`, ""), http.StatusCreated, &sc)
		if len(sc.Categories) != 2 || sc.Categories[0].Max != 5 {
			t.Fatalf("scorecard %+v", sc)
		}
		alice, bob, reviewer := c.as("agent"), c.as("agent"), c.as("agent")
		aliceID, reviewerID := alice.myID(), reviewer.myID()
		c.solved(aliceID)
		c.solved(bob.myID())

		var period quality.Period
		c.want(c.do("POST", "/api/v1/review-periods", `{"per_agent": 1}`, ""), http.StatusCreated, &period)
		alice.want(alice.do("POST", "/api/v1/review-periods/"+itoa(period.ID)+"/draw", `{}`, ""), http.StatusForbidden, nil)
		var drawn struct {
			Drawn []quality.Assignment
			Seed  int64
		}
		c.want(c.do("POST", "/api/v1/review-periods/"+itoa(period.ID)+"/draw",
			`{"reviewer_ids": [`+itoa(reviewerID)+`], "seed": 7}`, ""), http.StatusOK, &drawn)
		if len(drawn.Drawn) != 2 || drawn.Seed != 7 {
			t.Fatalf("drawn %+v", drawn)
		}
		var queue struct{ Items []quality.Assignment }
		reviewer.want(reviewer.do("GET", "/api/v1/review-queue", "", ""), http.StatusOK, &queue)
		if len(queue.Items) != 2 {
			t.Fatalf("queue %+v", queue)
		}
		var ofAlice quality.Assignment
		for _, a := range queue.Items {
			if a.AgentID == aliceID {
				ofAlice = a
			}
		}
		var rv quality.Review
		reviewer.want(reviewer.do("POST", "/api/v1/reviews", `{"assignment_id": `+itoa(ofAlice.ID)+`}`, ""), http.StatusCreated, &rv)
		path := "/api/v1/reviews/" + itoa(rv.ID)
		reviewer.want(reviewer.do("PATCH", path, `{"comment": "Good", "ratings": [
			{"category_id": `+itoa(sc.Categories[0].ID)+`, "rating": 4},
			{"category_id": `+itoa(sc.Categories[1].ID)+`, "not_applicable": true}]}`, ""), http.StatusOK, nil)
		alice.want(alice.do("GET", path, "", ""), http.StatusNotFound, nil) // a draft
		reviewer.want(reviewer.do("POST", path+"/submit", "", ""), http.StatusOK, &rv)
		if rv.Score == nil || *rv.Score != 75 {
			t.Fatalf("submitted %+v", rv)
		}
		alice.want(alice.do("GET", path, "", ""), http.StatusOK, nil)
		bob.want(bob.do("GET", path, "", ""), http.StatusNotFound, nil)
		bob.want(bob.do("POST", path+"/dispute", `{"reason": "not mine"}`, ""), http.StatusNotFound, nil)
		var list struct{ Items []quality.Review }
		bob.want(bob.do("GET", "/api/v1/reviews", "", ""), http.StatusOK, &list)
		if len(list.Items) != 0 {
			t.Fatalf("bob lists %+v", list.Items)
		}

		var dispute quality.Dispute
		alice.want(alice.do("POST", path+"/dispute", `{"reason": "The customer was delighted"}`, ""), http.StatusCreated, &dispute)
		alice.want(alice.do("POST", "/api/v1/disputes/"+itoa(dispute.ID)+"/resolve", `{"outcome": "accepted"}`, ""), http.StatusForbidden, nil)
		c.want(c.do("POST", "/api/v1/disputes/"+itoa(dispute.ID)+"/resolve", `{"outcome": "maybe"}`, ""), http.StatusBadRequest, nil)
		c.want(c.do("POST", "/api/v1/disputes/"+itoa(dispute.ID)+"/resolve", `{"outcome": "accepted", "note": "Fair"}`, ""), http.StatusOK, &dispute)
		if dispute.Status != quality.DisputeAccepted {
			t.Fatalf("resolved %+v", dispute)
		}
		alice.want(alice.do("GET", path, "", ""), http.StatusOK, &rv)
		if rv.Status != quality.StatusVoided {
			t.Fatalf("after accepted dispute %+v", rv)
		}
		var scores struct{ Items []quality.AgentScore }
		c.want(c.do("GET", "/api/v1/review-periods/"+itoa(period.ID)+"/scores", "", ""), http.StatusOK, &scores)
		if len(scores.Items) != 1 || scores.Items[0].Score != nil {
			t.Fatalf("scores after voiding %+v", scores.Items)
		}
	})
}
