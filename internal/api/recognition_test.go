package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/quality"
	"github.com/centerdesk/centerdesk/internal/recognition"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

func TestRecognitionOverHTTP(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		lead := newClient(t, d)
		ann, bob := lead.as("agent"), lead.as("agent")
		var p quality.Philosophy
		lead.want(lead.do("PUT", "/api/v1/philosophy", `{"vision": "Easy help.", "values": [
			{"name": "Empathetic", "code": "E", "colour": "#b91c1c"},
			{"name": "Responsive", "code": "R", "colour": "#fde047"}]}`, ""), http.StatusOK, &p)
		var sc quality.Scorecard
		lead.want(lead.do("POST", "/api/v1/scorecards", `{"name": "Weekly"}`, ""), http.StatusCreated, &sc)
		annID := ann.myID()
		tk := lead.solved(annID)

		// A review rating Empathetic at the top of its range proposes its badge.
		var rv quality.Review
		lead.want(lead.do("POST", "/api/v1/reviews", `{"ticket_id": `+itoa(tk)+`}`, ""), http.StatusCreated, &rv)
		lead.want(lead.do("PATCH", "/api/v1/reviews/"+itoa(rv.ID), `{"ratings": [
			{"category_id": `+itoa(sc.Categories[0].ID)+`, "rating": 5},
			{"category_id": `+itoa(sc.Categories[1].ID)+`, "rating": 3}]}`, ""), http.StatusOK, nil)
		lead.want(lead.do("POST", "/api/v1/reviews/"+itoa(rv.ID)+"/submit", "", ""), http.StatusOK, nil)
		var props struct{ Items []recognition.Proposal }
		lead.want(lead.do("GET", "/api/v1/badge-proposals?review_id="+itoa(rv.ID), "", ""), http.StatusOK, &props)
		if len(props.Items) != 1 || props.Items[0].ValueID != p.Values[0].ID {
			t.Fatalf("proposals %+v", props.Items)
		}
		confirm := "/api/v1/badge-proposals/" + itoa(props.Items[0].ID) + "/confirm"
		rec := lead.do("POST", confirm, `{"citation": ""}`, "")
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `"field":"citation"`) {
			t.Fatalf("confirm without a citation: %d %s", rec.Code, rec.Body)
		}
		var aw recognition.Award
		lead.want(lead.do("POST", confirm, `{"citation": "Heard the worry behind the question."}`, "k1"), http.StatusCreated, &aw)
		var again recognition.Award
		lead.want(lead.do("POST", confirm, `{"citation": "Heard the worry behind the question."}`, "k1"), http.StatusCreated, &again)
		if again.ID != aw.ID || lead.count("badge_awards") != 1 {
			t.Fatalf("a replayed confirmation made another award")
		}

		// Everyone reads the feed, and reacts once per reaction.
		var feed struct {
			Items []recognition.Award
		}
		bob.want(bob.do("GET", "/api/v1/awards", "", ""), http.StatusOK, &feed)
		if len(feed.Items) != 1 || feed.Items[0].Citation != "Heard the worry behind the question." {
			t.Fatalf("feed %+v", feed.Items)
		}
		for range 2 {
			bob.want(bob.do("PUT", "/api/v1/awards/"+itoa(aw.ID)+"/reactions/heart", "", ""), http.StatusOK, nil)
		}
		if n := bob.count("award_reactions"); n != 1 {
			t.Fatalf("%d reactions", n)
		}
		bob.want(bob.do("PUT", "/api/v1/awards/"+itoa(aw.ID)+"/reactions/boo", "", ""), http.StatusBadRequest, nil)
		bob.want(bob.do("DELETE", "/api/v1/awards/"+itoa(aw.ID)+"/reactions/heart", "", ""), http.StatusOK, nil)
		bob.want(bob.do("POST", "/api/v1/awards/"+itoa(aw.ID)+"/comments", `{"body": "Well done!"}`, ""), http.StatusCreated, nil)
		var comments struct{ Items []recognition.Comment }
		ann.want(ann.do("GET", "/api/v1/awards/"+itoa(aw.ID)+"/comments", "", ""), http.StatusOK, &comments)
		if len(comments.Items) != 1 {
			t.Fatalf("comments %+v", comments.Items)
		}

		// Bob nominates ann; only a lead approves.
		bob.want(bob.do("POST", "/api/v1/awards", `{"value_id": `+itoa(p.Values[1].ID)+`, "ticket_id": `+itoa(tk)+`, "citation": "Fast."}`, ""),
			http.StatusForbidden, nil)
		var n recognition.Nomination
		bob.want(bob.do("POST", "/api/v1/nominations", `{"value_id": `+itoa(p.Values[1].ID)+`, "ticket_id": `+itoa(tk)+`, "citation": "Fast."}`, ""),
			http.StatusCreated, &n)
		ann.want(ann.do("POST", "/api/v1/nominations/"+itoa(n.ID)+"/approve", `{}`, ""), http.StatusForbidden, nil)
		lead.want(lead.do("POST", "/api/v1/nominations/"+itoa(n.ID)+"/approve", `{"note": "Yes"}`, ""), http.StatusCreated, nil)
		var examples struct{ Items []recognition.Example }
		ann.want(ann.do("GET", "/api/v1/values/"+itoa(p.Values[1].ID)+"/examples", "", ""), http.StatusOK, &examples)
		if len(examples.Items) != 1 || examples.Items[0].Citation != "Fast." {
			t.Fatalf("examples %+v", examples.Items)
		}

		// The webhook is the admins'.
		ann.want(ann.do("GET", "/api/v1/recognition/webhook", "", ""), http.StatusForbidden, nil)
		var hook recognition.Webhook
		lead.want(lead.do("PUT", "/api/v1/recognition/webhook", `{"url": "https://hooks.example.com/a"}`, ""), http.StatusOK, &hook)
		if hook.URL != "https://hooks.example.com/a" || len(hook.Secret) != 64 {
			t.Fatalf("webhook %+v", hook)
		}
	})
}
