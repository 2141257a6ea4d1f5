package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// landedOn is the view /inbox opened on, by its title.
func landedOn(t *testing.T, page string) string {
	t.Helper()
	_, rest, ok := strings.Cut(page, `<h1 id="view-title">`)
	title, _, _ := strings.Cut(rest, "</h1>")
	if !ok {
		t.Fatalf("no view title in\n%s", page)
	}
	return title
}

// TestInboxLandsOnWork: the workspace opens on the first view of My open,
// Unassigned and All open that holds a ticket; All open holds new and
// open tickets, not pending ones.
func TestInboxLandsOnWork(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorkspace(t, d)
		ada, b := w.agent("ada@example.com", "agent")
		bob := w.createUser("bob@example.com", "agent")

		if got := landedOn(t, w.page(b, "/inbox", http.StatusOK)); got != "My open tickets" {
			t.Errorf("an empty desk opens on %q, want My open tickets", got)
		}
		theirs := w.ticket("Lost password", "normal", &bob.ID)
		if got := landedOn(t, w.page(b, "/inbox", http.StatusOK)); got != "All open" {
			t.Errorf("with only a colleague's ticket the inbox opens on %q, want All open", got)
		}
		nobodys := w.ticket("Refund please", "normal", nil)
		if got := landedOn(t, w.page(b, "/inbox", http.StatusOK)); got != "Unassigned" {
			t.Errorf("with an unassigned ticket the inbox opens on %q, want Unassigned", got)
		}
		mine := w.ticket("Printer jam", "normal", &ada.ID)
		page := w.page(b, "/inbox", http.StatusOK)
		if got := landedOn(t, page); got != "My open tickets" || !strings.Contains(page, row(mine.ID)) {
			t.Errorf("with a ticket of her own the inbox opens on %q, want My open tickets", got)
		}

		// Pending waits on the customer: not in All open.
		pending := "pending"
		for _, tk := range []*ticket.Ticket{mine, nobodys} {
			if _, err := w.tickets.Update(testutil.As(ada.ID), tk.ID, ticket.Patch{Status: &pending}); err != nil {
				t.Fatal(err)
			}
		}
		all := w.page(b, "/inbox?view=open", http.StatusOK)
		if !strings.Contains(all, row(theirs.ID)) || strings.Contains(all, row(nobodys.ID)) || strings.Contains(all, row(mine.ID)) {
			t.Errorf("All open lists pending tickets or misses an open one")
		}
		// / sends to the inbox, which does the choosing.
		if resp := w.get(b, "/"); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/inbox" {
			t.Errorf("GET /: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
}

// TestAPIListSortsByWaiting: GET /api/v1/tickets?sort=waiting puts the
// longest waiting customer first and an answered ticket last; a bad sort
// or ascending is a 400 naming the parameter.
func TestAPIListSortsByWaiting(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorkspace(t, d)
		ada := w.createUser("ada@example.com", "agent")
		token := w.token(ada)
		first := w.ticket("First in", "normal", nil)
		answered := w.ticket("Answered", "normal", nil)
		second := w.ticket("Second in", "normal", nil)
		if _, err := w.tickets.AddMessage(testutil.As(ada.ID), answered.ID, "Done.", ticket.KindReply); err != nil {
			t.Fatal(err)
		}
		resp, out := w.api("GET", "/api/v1/tickets?sort=waiting", token, "")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("sort=waiting: %d %v", resp.StatusCode, out)
		}
		var got []float64
		for _, it := range out["items"].([]any) {
			tk := it.(map[string]any)
			got = append(got, tk["id"].(float64))
			if (tk["waiting_since"] == nil) != (int64(tk["id"].(float64)) == answered.ID) {
				t.Errorf("ticket %v waiting_since %v", tk["id"], tk["waiting_since"])
			}
		}
		want := []float64{float64(first.ID), float64(second.ID), float64(answered.ID)}
		if len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
			t.Errorf("sort=waiting: %v, want %v", got, want)
		}
		for _, q := range []string{"sort=subject", "sort=waiting&ascending=maybe"} {
			resp, out := w.api("GET", "/api/v1/tickets?"+q, token, "")
			if resp.StatusCode != http.StatusBadRequest {
				t.Errorf("%s: %d %v, want 400", q, resp.StatusCode, out)
			}
		}
	})
}
