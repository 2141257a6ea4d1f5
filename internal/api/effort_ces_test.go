package api_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/effort"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// TestSolvedTicketShowsItsAnsweredCES: a solved ticket whose survey was
// answered carries the survey's CES in its effort, in the ticket and in
// the list; the customer's effort has the mean of their answered CES.
// Surveys not answered count for nothing.
func TestSolvedTicketShowsItsAnsweredCES(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		c := newClient(t, d).as("agent")
		var tk, other ticket.Ticket
		c.want(c.do("POST", "/api/v1/tickets", `{"subject": "Boiler", "body": "Cold water.",
			"requester": {"email": "rated@example.com"}, "channel": "api"}`, ""), http.StatusCreated, &tk)
		c.want(c.do("POST", "/api/v1/tickets", `{"subject": "Boiler again", "body": "Still cold.",
			"requester": {"email": "rated@example.com"}, "channel": "api"}`, ""), http.StatusCreated, &other)
		if tk.Effort.CES != nil {
			t.Fatalf("a new ticket has a CES: %v", *tk.Effort.CES)
		}
		path := "/api/v1/tickets/" + itoa(tk.ID)
		c.want(c.do("PATCH", path, `{"status": "solved"}`, ""), http.StatusOK, &tk)
		survey := func(ticketID, event int64, status string, ces any) {
			t.Helper()
			now := db.Time(db.Now())
			_, err := d.Write().ExecContext(context.Background(), `INSERT INTO feedback_surveys (ticket_id, solve_event_id,
				customer_id, channel, status, solved_at, answered_at, csat, ces, created_at, updated_at)
				VALUES ($1, $2, $3, 'api', $4, $5, $5, 4, $6, $5, $5)`, ticketID, event, tk.RequesterID, status, now, ces)
			if err != nil {
				t.Fatal(err)
			}
		}
		survey(tk.ID, 900001, "answered", 3) // an earlier resolution
		survey(tk.ID, 900002, "answered", 6) // the most recent one rated
		survey(other.ID, 900003, "answered", 2)
		survey(other.ID, 900004, "sent", nil)
		c.want(c.do("GET", path, "", ""), http.StatusOK, &tk)
		if tk.Effort.CES == nil || *tk.Effort.CES != 6 {
			t.Fatalf("solved ticket's effort %+v, want ces 6", tk.Effort)
		}
		var list struct {
			Items []ticket.Ticket `json:"items"`
		}
		c.want(c.do("GET", "/api/v1/tickets", "", ""), http.StatusOK, &list)
		seen := 0
		for _, it := range list.Items {
			want := map[int64]float64{tk.ID: 6, other.ID: 2}[it.ID]
			if want != 0 {
				seen++
				if it.Effort.CES == nil || *it.Effort.CES != want {
					t.Errorf("listed ticket %d: effort %+v, want ces %v", it.ID, it.Effort, want)
				}
			}
		}
		if seen != 2 {
			t.Fatalf("list held %d of the two tickets: %+v", seen, list)
		}
		var cust struct {
			Effort effort.Effort `json:"effort"`
		}
		c.want(c.do("GET", "/api/v1/customers/"+itoa(tk.RequesterID), "", ""), http.StatusOK, &cust)
		if cust.Effort.CES == nil || *cust.Effort.CES != 11.0/3 {
			t.Fatalf("customer's effort %+v, want the mean ces 11/3", cust.Effort)
		}
	})
}
