package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/mailbox"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

func TestMailboxesOverHTTP(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		c := newClient(t, d)
		var created mailbox.Mailbox
		resp := c.do("POST", "/api/v1/mailboxes", `{"address": "Help@Desk.test", "name": "Help",
			"smtp_host": "smtp.desk.test", "smtp_user": "help", "smtp_password": "s3cret-relay"}`, "")
		body := resp.Body.String()
		c.want(resp, http.StatusCreated, &created)
		if created.Address != "help@desk.test" || !created.HasSMTPPassword || strings.Contains(body, "s3cret") {
			t.Fatalf("created %s", body)
		}
		path := "/api/v1/mailboxes/" + itoa(created.ID)
		var got mailbox.Mailbox
		c.want(c.do("PATCH", path, `{"ack_enabled": false, "smtp_password": ""}`, ""), http.StatusOK, &got)
		if got.AckEnabled || got.HasSMTPPassword {
			t.Fatalf("patched %+v", got)
		}
		var all struct {
			Items []mailbox.Mailbox `json:"items"`
		}
		c.want(c.do("GET", "/api/v1/mailboxes", "", ""), http.StatusOK, &all)
		if len(all.Items) != 1 {
			t.Fatalf("list %+v", all)
		}

		agent := c.as("agent")
		agent.want(agent.do("GET", "/api/v1/mailboxes", "", ""), http.StatusForbidden, nil)
		agent.want(agent.do("GET", path, "", ""), http.StatusForbidden, nil)
		agent.want(agent.do("POST", "/api/v1/mailboxes", `{"address": "x@desk.test"}`, ""), http.StatusForbidden, nil)

		c.want(c.do("POST", "/api/v1/mailboxes", `{"address": "help@desk.test"}`, ""), http.StatusConflict, nil)
		c.want(c.do("POST", "/api/v1/mailboxes", `{"address": "x@desk.test", "smtp_security": "ssl"}`, ""),
			http.StatusBadRequest, nil)
		c.want(c.do("DELETE", path, "", ""), http.StatusNoContent, nil)
		c.want(c.do("GET", path, "", ""), http.StatusNotFound, nil)
	})
}
