package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

// TestNeedsRecoveryPage: a low score waits on /recovery until an agent
// marks it followed up there.
func TestNeedsRecoveryPage(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		agent := h.createUser("ana@example.com", "agent")
		resp, tk := h.api("POST", "/api/v1/tickets", h.token(agent), `{"subject": "Late parcel", "channel": "email",
			"requester": {"email": "cu@example.com", "name": "Cu Stomer"}, "body": "Where is it?"}`)
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("create: %d %v", resp.StatusCode, tk)
		}
		id := int64(tk["id"].(float64))
		// An answered survey with a low score, as the survey page leaves it.
		if _, err := d.Write().Exec(`INSERT INTO feedback_surveys (ticket_id, solve_event_id, customer_id, channel,
				status, token_hash, token_nonce, solved_at, sent_at, answered_at, changed_at, csat, ces, comment,
				recovery, created_at, updated_at)
			SELECT id, -1, requester_id, channel, 'answered', 'h', 'n', $2, $2, $2, $2, 1, 2, 'Never again.', 'needed', $2, $2
			FROM tickets WHERE id = $1`, id, db.Time(db.Now())); err != nil {
			t.Fatal(err)
		}
		c := h.browser()
		if resp := h.get(c, "/recovery"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("signed out: %d", resp.StatusCode)
		}
		h.signIn(c, "ana@example.com")
		page := body(t, h.get(c, "/recovery"))
		if !strings.Contains(page, "Late parcel") || !strings.Contains(page, "Never again.") || !strings.Contains(page, "CSAT 1/5") {
			t.Fatalf("the list lacks the low score:\n%s", page)
		}
		resp = h.postForm(c, fmt.Sprintf("/recovery/%d/followed-up", id), url.Values{}, "Origin", h.url)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/recovery" {
			t.Fatalf("mark followed up: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		if page := body(t, h.get(c, "/recovery")); !strings.Contains(page, "recovery-empty") {
			t.Fatalf("still listed after the follow-up:\n%s", page)
		}
		var by int64
		if err := d.Read().QueryRow(`SELECT followed_up_by FROM feedback_surveys WHERE ticket_id = $1`, id).Scan(&by); err != nil || by != agent.ID {
			t.Fatalf("followed up by %d (%v), want %d", by, err, agent.ID)
		}
		// Nothing waits now: a second mark is refused and changes nothing.
		if resp := h.postForm(c, fmt.Sprintf("/recovery/%d/followed-up", id), url.Values{}, "Origin", h.url); resp.StatusCode != http.StatusConflict {
			t.Fatalf("second mark: %d", resp.StatusCode)
		}
	})
}
