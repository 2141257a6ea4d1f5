package api_test

import (
	"net/http"
	"testing"

	"github.com/centerdesk/centerdesk/internal/customer"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/privacy"
	"github.com/centerdesk/centerdesk/internal/search"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

func TestCustomerIdentitiesOverHTTP(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		admin := newClient(t, d)
		c := admin.as("agent") // agents look after customers
		var ada customer.Customer
		rec := c.do("POST", "/api/v1/customers", `{"email": "Ada@Example.com", "name": "Ada",
			"identities": [{"kind": "phone", "value": "+44 20 7946 0958"}]}`, "")
		c.want(rec, http.StatusCreated, &ada)
		if rec.Header().Get("Location") != "/api/v1/customers/"+itoa(ada.ID) || len(ada.Identities) != 2 {
			t.Fatalf("created %+v", ada)
		}
		path := "/api/v1/customers/" + itoa(ada.ID)
		c.want(c.do("POST", path+"/identities", `{"kind": "external", "value": "shopify:84213"}`, ""), http.StatusCreated, &ada)
		if len(ada.Identities) != 3 || ada.Identities[2].Value != "shopify:84213" {
			t.Fatalf("identities %+v", ada.Identities)
		}
		var bob customer.Customer
		c.want(c.do("POST", "/api/v1/customers", `{"email": "bob@example.com"}`, ""), http.StatusCreated, &bob)
		var e httpx.ErrorBody
		c.want(c.do("POST", "/api/v1/customers/"+itoa(bob.ID)+"/identities", `{"kind": "email", "value": "ADA@example.com"}`, ""),
			http.StatusConflict, &e)
		if e.Error.Field != "value" {
			t.Fatalf("conflict %+v", e.Error)
		}
		c.want(c.do("PATCH", path, `{"name": "Ada Lovelace", "notes": "Prefers phone"}`, ""), http.StatusOK, &ada)
		if ada.Name != "Ada Lovelace" || ada.Notes != "Prefers phone" {
			t.Fatalf("patched %+v", ada)
		}
		c.want(c.do("DELETE", path+"/identities/"+itoa(ada.Identities[1].ID), "", ""), http.StatusOK, &ada)
		c.want(c.do("GET", path, "", ""), http.StatusOK, &ada)
		if len(ada.Identities) != 2 || ada.Identities[1].Kind != "external" {
			t.Fatalf("after removal %+v", ada.Identities)
		}
		c.want(c.do("DELETE", path+"/identities/"+itoa(ada.Identities[1].ID), "", ""), http.StatusOK, nil)
		c.want(c.do("DELETE", path+"/identities/"+itoa(ada.Identities[1].ID), "", ""), http.StatusNotFound, nil)
		// Agents read organizations; only admins make and change them, and erase.
		c.want(c.do("GET", "/api/v1/organizations", "", ""), http.StatusOK, nil)
		c.want(c.do("POST", "/api/v1/organizations", `{"name": "Acme"}`, ""), http.StatusForbidden, nil)
		c.want(c.do("POST", path+"/erase", "", ""), http.StatusForbidden, nil)
		if n := c.count("organizations"); n != 0 {
			t.Fatalf("%d organizations", n)
		}
	})
}

func TestOrganizationsOverHTTP(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		c := newClient(t, d)
		var acme customer.Organization
		rec := c.do("POST", "/api/v1/organizations", `{"name": "Acme", "domains": ["acme.example"], "notes": "Key account"}`, "")
		c.want(rec, http.StatusCreated, &acme)
		if !acme.AutoJoin || len(acme.Domains) != 1 || rec.Header().Get("Location") == "" {
			t.Fatalf("created %+v", acme)
		}
		// A customer who writes in from the domain joins.
		var tk ticket.Ticket
		c.want(c.do("POST", "/api/v1/tickets", `{"subject": "Hi", "body": "Hello",
			"requester": {"email": "wile@ACME.example"}}`, ""), http.StatusCreated, &tk)
		var wile customer.Customer
		c.want(c.do("GET", "/api/v1/customers/"+itoa(tk.RequesterID), "", ""), http.StatusOK, &wile)
		if wile.Organization == nil || wile.Organization.ID != acme.ID || wile.Organization.Name != "Acme" {
			t.Fatalf("customer's organization %+v", wile.Organization)
		}
		path := "/api/v1/organizations/" + itoa(acme.ID)
		var page struct{ Items []customer.Customer }
		c.want(c.do("GET", path+"/customers", "", ""), http.StatusOK, &page)
		if len(page.Items) != 1 || page.Items[0].ID != wile.ID {
			t.Fatalf("organization's customers %+v", page)
		}
		c.want(c.do("GET", "/api/v1/customers?organization="+itoa(acme.ID), "", ""), http.StatusOK, &page)
		if len(page.Items) != 1 {
			t.Fatalf("filtered %+v", page)
		}
		c.want(c.do("PATCH", path, `{"name": "Acme Corp", "auto_join": false}`, ""), http.StatusOK, &acme)
		if acme.Name != "Acme Corp" || acme.AutoJoin {
			t.Fatalf("patched %+v", acme)
		}
		c.want(c.do("GET", path, "", ""), http.StatusOK, &acme)
		if acme.Notes != "Key account" {
			t.Fatalf("got %+v", acme)
		}
		// Leaving the organization.
		c.want(c.do("PATCH", "/api/v1/customers/"+itoa(wile.ID), `{"organization_id": null}`, ""), http.StatusOK, &wile)
		if wile.Organization != nil {
			t.Fatalf("still in %+v", wile.Organization)
		}
		agent := c.as("agent")
		agent.want(agent.do("GET", path, "", ""), http.StatusOK, nil)
		agent.want(agent.do("GET", path+"/customers", "", ""), http.StatusOK, nil)
		agent.want(agent.do("PATCH", path, `{"name": "Mine"}`, ""), http.StatusForbidden, nil)
		c.want(c.do("GET", "/api/v1/organizations/999999", "", ""), http.StatusNotFound, nil)
		c.want(c.do("GET", "/api/v1/organizations/999999/customers", "", ""), http.StatusNotFound, nil)
	})
}

func TestMergeAndEraseCustomersOverHTTP(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		c := newClient(t, d)
		agent := c.as("agent")
		var t1, t2 ticket.Ticket
		agent.want(agent.do("POST", "/api/v1/tickets", `{"subject": "Quixotic refund", "body": "Flibbertigibbet order",
			"requester": {"email": "ada@example.com", "name": "Ada Lovelace"}}`, ""), http.StatusCreated, &t1)
		agent.want(agent.do("POST", "/api/v1/tickets", `{"subject": "Other", "body": "Marmalade",
			"requester": {"email": "ada@work.example"}}`, ""), http.StatusCreated, &t2)
		from := "/api/v1/customers/" + itoa(t2.RequesterID)
		body := `{"into": ` + itoa(t1.RequesterID) + `}`
		var m privacy.Merged
		agent.want(agent.do("POST", from+"/merge", body, "merge-1"), http.StatusOK, &m)
		if m.Customer.ID != t1.RequesterID || len(m.Customer.Identities) != 2 || m.Requested != 1 {
			t.Fatalf("merged %+v", m)
		}
		// A retry with the key gets the same answer and changes nothing.
		events := c.count("events")
		rec := agent.do("POST", from+"/merge", body, "merge-1")
		agent.want(rec, http.StatusOK, nil)
		if rec.Header().Get("Idempotent-Replayed") != "true" || c.count("events") != events {
			t.Fatalf("retry: %v, %d events", rec.Header(), c.count("events"))
		}
		agent.want(agent.do("POST", from+"/merge", body, ""), http.StatusNotFound, nil)
		into := "/api/v1/customers/" + itoa(t1.RequesterID)
		var e struct{ Error struct{ Field string } }
		agent.want(agent.do("POST", into+"/merge", `{"into": `+itoa(t1.RequesterID)+`}`, ""), http.StatusUnprocessableEntity, &e)
		if e.Error.Field != "into" {
			t.Fatalf("into itself: %+v", e)
		}

		agent.want(agent.do("POST", into+"/erase", "", ""), http.StatusForbidden, nil)
		var er privacy.Erasure
		c.want(c.do("POST", into+"/erase", "", ""), http.StatusOK, &er)
		var got customer.Customer
		agent.want(agent.do("GET", into, "", ""), http.StatusOK, &got)
		if got.Name != customer.ErasedName || got.Email != "" || len(got.Identities) != 0 || got.ErasedAt == nil {
			t.Fatalf("erased customer %+v", got)
		}
		for _, q := range []string{"quixotic", "flibbertigibbet", "marmalade", "lovelace"} {
			var res search.Results
			agent.want(agent.do("GET", "/api/v1/search?q="+q, "", ""), http.StatusOK, &res)
			if len(res.Items) != 0 {
				t.Errorf("search %q finds %+v", q, res.Items)
			}
		}
		var list struct{ Items []customer.Customer }
		agent.want(agent.do("GET", "/api/v1/customers?email=ada@example.com", "", ""), http.StatusOK, &list)
		if len(list.Items) != 0 {
			t.Fatalf("by email %+v", list.Items)
		}
		c.want(c.do("POST", "/api/v1/customers/999999/erase", "", ""), http.StatusNotFound, nil)
	})
}
