package api_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/team"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/user"
)

// as returns a client of the same server that acts as a new user with role.
func (c *client) as(role string) *client {
	c.t.Helper()
	id := testutil.NewUser(c.t, c.d, role)
	users := user.NewService(c.d, nil, user.PasswordParams{Memory: 1024, Time: 1, Threads: 1})
	_, token, err := users.CreateToken(context.Background(), id, "tests")
	if err != nil {
		c.t.Fatal(err)
	}
	other := *c
	other.token = token
	return &other
}

func TestTeamsOverHTTP(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		member := testutil.NewUser(t, d, "agent")
		c := newClient(t, d)
		var created team.Team
		c.want(c.do("POST", "/api/v1/teams", `{"name": "Billing", "member_ids": [`+itoa(member)+`]}`, ""),
			http.StatusCreated, &created)
		path := "/api/v1/teams/" + itoa(created.ID)
		var got team.Team
		c.want(c.do("PATCH", path, `{"description": "Refunds and invoices", "member_ids": []}`, ""), http.StatusOK, &got)
		if got.Description != "Refunds and invoices" || len(got.MemberIDs) != 0 {
			t.Fatalf("patched %+v", got)
		}
		c.want(c.do("GET", path, "", ""), http.StatusOK, &got)
		if got.Name != "Billing" || got.Description != "Refunds and invoices" {
			t.Fatalf("got %+v", got)
		}

		agent := c.as("agent")
		agent.want(agent.do("GET", path, "", ""), http.StatusOK, nil)
		agent.want(agent.do("PATCH", path, `{"name": "Mine"}`, ""), http.StatusForbidden, nil)
		agent.want(agent.do("DELETE", path, "", ""), http.StatusForbidden, nil)
		agent.want(agent.do("POST", "/api/v1/teams", `{"name": "Mine"}`, ""), http.StatusForbidden, nil)

		c.want(c.do("PATCH", path, `{"name": 7}`, ""), http.StatusBadRequest, nil)
		c.want(c.do("PATCH", path, `{"member_ids": [999999]}`, ""), http.StatusUnprocessableEntity, nil)
		c.want(c.do("GET", "/api/v1/teams/999999", "", ""), http.StatusNotFound, nil)
		c.want(c.do("DELETE", path, "", ""), http.StatusNoContent, nil)
		c.want(c.do("GET", path, "", ""), http.StatusNotFound, nil)
	})
}

func TestTagsOverHTTP(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		c := newClient(t, d)
		for _, tags := range []string{`["billing", "vip"]`, `["billing"]`, `["bills", "vip"]`} {
			c.want(c.do("POST", "/api/v1/tickets", `{"subject": "Refund", "body": "Please",
				"requester": {"email": "ada@example.com"}, "tags": `+tags+`}`, ""), http.StatusCreated, nil)
		}
		var tags struct{ Items []ticket.TagCount }
		c.want(c.do("GET", "/api/v1/tags?prefix=bil", "", ""), http.StatusOK, &tags)
		if len(tags.Items) != 2 || tags.Items[0] != (ticket.TagCount{Name: "billing", Tickets: 2}) {
			t.Fatalf("tags %+v", tags.Items)
		}
		// Renaming into an existing tag merges the two.
		var renamed struct {
			Name    string
			Tickets int
		}
		c.want(c.do("PATCH", "/api/v1/tags/billing", `{"name": "Bills"}`, ""), http.StatusOK, &renamed)
		if renamed.Tickets != 2 {
			t.Fatalf("renamed %+v", renamed)
		}
		c.want(c.do("GET", "/api/v1/tags", "", ""), http.StatusOK, &tags)
		want := []ticket.TagCount{{Name: "bills", Tickets: 3}, {Name: "vip", Tickets: 2}}
		if len(tags.Items) != 2 || tags.Items[0] != want[0] || tags.Items[1] != want[1] {
			t.Fatalf("after rename %+v", tags.Items)
		}
		before := c.count("events")
		c.want(c.do("DELETE", "/api/v1/tags/vip", "", ""), http.StatusOK, nil)
		if n := c.count("events") - before; n != 2 {
			t.Fatalf("%d events for deleting a tag on 2 tickets", n)
		}
		c.want(c.do("DELETE", "/api/v1/tags/vip", "", ""), http.StatusNotFound, nil)
		c.want(c.do("PATCH", "/api/v1/tags/bills", `{"name": "two words"}`, ""), http.StatusBadRequest, nil)
		agent := c.as("agent")
		agent.want(agent.do("GET", "/api/v1/tags", "", ""), http.StatusOK, nil)
		agent.want(agent.do("DELETE", "/api/v1/tags/bills", "", ""), http.StatusForbidden, nil)
	})
}
