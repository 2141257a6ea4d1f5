package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

// A review that rates a value at the top of its range proposes its badge
// on the review's page; the reviewer confirms it with a citation, and it
// reaches the feed and the ticket's earned badges.
func TestReviewProposesBadges(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		k := newReviewDesk(t, d)
		k.openPeriod()
		loc := k.redirected(k.reviewerB, "/reviews", url.Values{"ticket_id": {itoa(k.ticketID)}})
		// Empathetic 5 (top), Responsive 4, Trustful pass.
		if got := k.redirected(k.reviewerB, loc, k.rate("submit", "5", "4", "1")); got != loc {
			t.Fatalf("submitted, sent to %q", got)
		}
		page := k.pageAs(k.reviewerB, loc, http.StatusOK)
		if !strings.Contains(page, "Award the Empathetic badge") || strings.Contains(page, "Award the Responsive badge") {
			t.Fatalf("the review page does not propose just Empathetic:\n%s", page)
		}
		everyControlLabelled(t, page)
		// The reviewed agent sees no proposal to decide.
		if agentPage := k.pageAs(k.agentB, loc, http.StatusOK); strings.Contains(agentPage, "Award the Empathetic badge") {
			t.Fatal("the agent may confirm their own badge")
		}
		var proposal int64
		d.Read().QueryRow(`SELECT id FROM badge_proposals WHERE status = 'open'`).Scan(&proposal)
		confirm := "/recognition/proposals/" + itoa(proposal) + "/confirm"
		// Another agent cannot confirm it, and a cross-site form is refused.
		if resp := k.postForm(k.otherB, confirm, url.Values{"citation": {"x"}}); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("a bystander confirmed: %d", resp.StatusCode)
		}
		resp := k.postForm(k.reviewerB, confirm, url.Values{"citation": {"x"}, "back": {loc}}, "Origin", "https://evil.example")
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("cross-origin confirm: %d", resp.StatusCode)
		}
		// Without a citation the page says so and nothing is awarded.
		if got := k.redirected(k.reviewerB, confirm, url.Values{"citation": {""}, "back": {loc}}); got != loc+"#review-badges" {
			t.Fatalf("sent to %q", got)
		}
		if !strings.Contains(k.pageAs(k.reviewerB, loc, http.StatusOK), "Citation is required") || count(t, d, "badge_awards") != 0 {
			t.Fatal("a confirmation without a citation")
		}
		k.redirected(k.reviewerB, confirm, url.Values{"citation": {"Put the customer at ease at once."}, "back": {loc}})
		if count(t, d, "badge_awards") != 1 {
			t.Fatal("no award after confirming")
		}
		page = k.pageAs(k.reviewerB, loc, http.StatusOK)
		if strings.Contains(page, "Award the Empathetic badge") || !strings.Contains(page, "Put the customer at ease at once.") {
			t.Fatalf("after confirming, the review page:\n%s", page)
		}
		if feed := k.pageAs(k.otherB, "/recognition", http.StatusOK); !strings.Contains(feed, "Put the customer at ease at once.") {
			t.Fatal("the award is not in the feed")
		}
		// The reviewer may award another value's badge for the ticket.
		k.redirected(k.reviewerB, "/recognition/awards", url.Values{"mode": {"award"}, "back": {loc},
			"ticket_id": {itoa(k.ticketID)}, "agent_id": {itoa(k.agent.ID)}, "value_id": {itoa(*k.sc.Categories[1].ValueID)},
			"citation": {"Answered before the customer finished her coffee."}})
		if count(t, d, "badge_awards") != 2 {
			t.Fatal("the reviewer's own award was refused")
		}
	})
}
