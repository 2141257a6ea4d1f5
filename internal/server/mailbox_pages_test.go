package server_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/mailbox"
	"github.com/centerdesk/centerdesk/internal/team"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

// mailboxForm is the add form as a browser would send it.
func mailboxForm(extra ...string) url.Values {
	f := url.Values{"address": {"help@example.com"}, "name": {"Help"}, "team_id": {""},
		"inbound_smtp": {"on"}, "imap_host": {"imap.example.com"}, "imap_port": {""}, "imap_security": {"tls"},
		"imap_user": {"help"}, "imap_password": {"imap-hunter2"}, "imap_folder": {"INBOX"}, "imap_move_to": {""},
		"smtp_host": {"smtp.example.com"}, "smtp_port": {"587"}, "smtp_security": {"starttls"},
		"smtp_user": {"help"}, "smtp_password": {"relay-hunter2"}, "ack_enabled": {"on"},
		"ack_subject": {""}, "ack_body": {""}}
	for i := 0; i+1 < len(extra); i += 2 {
		if extra[i+1] == "-" {
			f.Del(extra[i])
		} else {
			f.Set(extra[i], extra[i+1])
		}
	}
	return f
}

// everyControlLabelled fails when an input, select or textarea of page has
// no label naming its id.
func everyControlLabelled(t *testing.T, page string) {
	t.Helper()
	controls := regexp.MustCompile(`<(input|select|textarea)\b[^>]*\bid="([^"]+)"`).FindAllStringSubmatch(page, -1)
	if len(controls) == 0 {
		t.Fatal("no form controls on the page")
	}
	for _, c := range controls {
		if !strings.Contains(page, `for="`+c[2]+`"`) {
			t.Errorf("%s #%s has no label", c[1], c[2])
		}
	}
}

func TestMailboxAdminPages(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		admin := h.createUser("admin@example.com", "admin")
		h.createUser("agent@example.com", "agent")
		tm, err := team.NewService(d).Create(testutil.As(admin.ID), team.NewTeam{Name: "Billing"})
		if err != nil {
			t.Fatal(err)
		}
		b := h.browser()
		h.signIn(b, "admin@example.com")

		page := body(t, h.get(b, "/admin/mailboxes"))
		if !strings.Contains(page, "No mailbox yet") || !strings.Contains(page, ">Billing</option>") {
			t.Fatalf("empty mailboxes page:\n%s", page)
		}
		everyControlLabelled(t, page)

		resp := h.postForm(b, "/admin/mailboxes", mailboxForm("smtp_port", "lots", "name", "Kept name"))
		page = body(t, resp)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "smtp_port: must be a number") ||
			!strings.Contains(page, `value="Kept name"`) {
			t.Fatalf("bad port: %d\n%s", resp.StatusCode, page)
		}
		if strings.Contains(page, "hunter2") {
			t.Fatal("a refused form shows a password back")
		}
		resp = h.postForm(b, "/admin/mailboxes", mailboxForm("smtp_security", "ssl"))
		if page = body(t, resp); resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "smtp_security: must be tls, starttls or none") {
			t.Fatalf("bad security: %d\n%s", resp.StatusCode, page)
		}

		resp = h.postForm(b, "/admin/mailboxes", mailboxForm("team_id", itoa(tm.ID)))
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("add mailbox: %d\n%s", resp.StatusCode, body(t, resp))
		}
		page = body(t, h.get(b, "/admin/mailboxes"))
		if !strings.Contains(page, "help@example.com") || !strings.Contains(page, "Mailbox help@example.com added") ||
			!strings.Contains(page, `<td data-label="Team">Billing</td>`) || !strings.Contains(page, "smtp.example.com:587") {
			t.Fatalf("list after add:\n%s", page)
		}
		if strings.Contains(page, "hunter2") {
			t.Fatal("the list shows a password")
		}

		boxes := mailbox.NewService(d, newBox(t))
		m, err := boxes.ByAddress(context.Background(), "help@example.com")
		if err != nil {
			t.Fatal(err)
		}
		page = body(t, h.get(b, "/admin/mailboxes/"+itoa(m.ID)))
		if !strings.Contains(page, `value="imap.example.com"`) || !strings.Contains(page, "one is set; leave empty to keep it") ||
			strings.Contains(page, "hunter2") {
			t.Fatalf("edit page:\n%s", page)
		}
		everyControlLabelled(t, page)

		// Saved with the password fields empty: the passwords stay; the
		// IMAP one is removed only when asked, with the IMAP settings.
		resp = h.postForm(b, "/admin/mailboxes/"+itoa(m.ID), mailboxForm("name", "Help desk", "imap_password", "",
			"smtp_password", "", "team_id", "", "ack_enabled", "-"))
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("save mailbox: %d\n%s", resp.StatusCode, body(t, resp))
		}
		m, err = boxes.Get(context.Background(), m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if pw, _ := boxes.SMTPPassword(m); pw != "relay-hunter2" || m.Name != "Help desk" || m.TeamID != nil || m.AckEnabled {
			t.Fatalf("after save: %+v (relay password %q)", m, pw)
		}
		resp = h.postForm(b, "/admin/mailboxes/"+itoa(m.ID), mailboxForm("imap_host", "", "imap_user", "",
			"imap_password", "", "clear_imap_password", "on", "smtp_password", ""))
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("clear imap: %d\n%s", resp.StatusCode, body(t, resp))
		}
		if m, _ = boxes.Get(context.Background(), m.ID); m.HasIMAPPassword || m.PollsIMAP() || !m.HasSMTPPassword {
			t.Fatalf("after clearing IMAP: %+v", m)
		}

		agent := h.browser()
		h.signIn(agent, "agent@example.com")
		if resp := h.get(agent, "/admin/mailboxes"); resp.StatusCode != http.StatusForbidden {
			t.Errorf("agent on the mailboxes page: %d", resp.StatusCode)
		}
		if resp := h.postForm(agent, "/admin/mailboxes/"+itoa(m.ID)+"/delete", nil); resp.StatusCode != http.StatusForbidden {
			t.Errorf("agent deleting a mailbox: %d", resp.StatusCode)
		}
		resp = h.postForm(b, "/admin/mailboxes/"+itoa(m.ID)+"/delete", nil, "Origin", "https://evil.example")
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("cross-origin delete: %d", resp.StatusCode)
		}
		if resp := h.postForm(b, "/admin/mailboxes/"+itoa(m.ID)+"/delete", nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("delete: %d", resp.StatusCode)
		}
		if n := count(t, d, "mailboxes"); n != 0 {
			t.Fatalf("%d mailboxes after delete", n)
		}
		if resp := h.get(b, "/admin/mailboxes/"+itoa(m.ID)); resp.StatusCode != http.StatusNotFound {
			t.Errorf("deleted mailbox's page: %d", resp.StatusCode)
		}
	})
}
