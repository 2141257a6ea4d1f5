package mailbox_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/mailbox"
	"github.com/centerdesk/centerdesk/internal/secret"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

func newService(t *testing.T, d *db.DB) *mailbox.Service {
	t.Helper()
	box, err := secret.NewBox(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	return mailbox.NewService(d, box)
}

func ptr[T any](v T) *T { return &v }

func TestCreateSealsPasswordsAndNeverShowsThem(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newService(t, d)
		m, err := s.Create(ctx, mailbox.NewMailbox{Address: " Support@Example.COM ", Name: "Acme Support",
			IMAPHost: "imap.example.com", IMAPUser: "support", IMAPPassword: "imap-secret",
			SMTPHost: "smtp.example.com", SMTPSecurity: "tls", SMTPUser: "support", SMTPPassword: "smtp-secret"})
		if err != nil {
			t.Fatalf("create: %v", err)
		}
		if m.Address != "support@example.com" || !m.InboundSMTP || !m.AckEnabled || m.IMAPFolder != "INBOX" {
			t.Errorf("defaults: %+v", m)
		}
		if m.IMAPPort != 993 || m.IMAPSecurity != "tls" || m.SMTPPort != 465 {
			t.Errorf("ports: imap %d/%s smtp %d", m.IMAPPort, m.IMAPSecurity, m.SMTPPort)
		}
		got, err := s.ByAddress(ctx, "SUPPORT@example.com")
		if err != nil {
			t.Fatalf("by address: %v", err)
		}
		b, _ := json.Marshal(got)
		if strings.Contains(string(b), "secret") || !strings.Contains(string(b), `"has_imap_password":true`) ||
			!strings.Contains(string(b), `"has_smtp_password":true`) {
			t.Errorf("json: %s", b)
		}
		var stored string
		if err := d.Read().QueryRow(`SELECT imap_password || smtp_password FROM mailboxes WHERE id = $1`, m.ID).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(stored, "secret") || !strings.HasPrefix(stored, "v1:") {
			t.Errorf("stored in the clear: %q", stored)
		}
		if p, err := s.IMAPPassword(got); err != nil || p != "imap-secret" {
			t.Errorf("imap password = %q, %v", p, err)
		}
		if p, err := s.SMTPPassword(got); err != nil || p != "smtp-secret" {
			t.Errorf("smtp password = %q, %v", p, err)
		}
		if _, err := s.ByAddress(ctx, "other@example.com"); !apperr.Is(err, apperr.KindNotFound) {
			t.Errorf("unknown address: %v", err)
		}
	})
}

func TestCreateRefusesBadInput(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newService(t, d)
		if _, err := s.Create(ctx, mailbox.NewMailbox{Address: "taken@example.com"}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name  string
			n     mailbox.NewMailbox
			field string
			kind  apperr.Kind
		}{
			{"no address", mailbox.NewMailbox{}, "address", apperr.KindInvalid},
			{"bad address", mailbox.NewMailbox{Address: "nope"}, "address", apperr.KindInvalid},
			{"taken", mailbox.NewMailbox{Address: "TAKEN@example.com"}, "address", apperr.KindConflict},
			{"no team", mailbox.NewMailbox{Address: "a@example.com", TeamID: ptr(int64(999))}, "team_id", apperr.KindInvalid},
			{"security", mailbox.NewMailbox{Address: "a@example.com", SMTPSecurity: "ssl"}, "smtp_security", apperr.KindInvalid},
			{"port", mailbox.NewMailbox{Address: "a@example.com", IMAPPort: 70000}, "imap_port", apperr.KindInvalid},
			{"host", mailbox.NewMailbox{Address: "a@example.com", SMTPHost: "smtp example"}, "smtp_host", apperr.KindInvalid},
			{"imap without user", mailbox.NewMailbox{Address: "a@example.com", IMAPHost: "imap.example.com"}, "imap_user", apperr.KindInvalid},
			{"password without user", mailbox.NewMailbox{Address: "a@example.com", SMTPHost: "h", SMTPPassword: "x"}, "smtp_user", apperr.KindInvalid},
			{"name header injection", mailbox.NewMailbox{Address: "a@example.com", Name: "A\r\nBcc: x@y"}, "name", apperr.KindInvalid},
			{"template", mailbox.NewMailbox{Address: "a@example.com", AckBody: "{{.Nope}}"}, "ack_body", apperr.KindInvalid},
			{"template syntax", mailbox.NewMailbox{Address: "a@example.com", AckSubject: "{{"}, "ack_subject", apperr.KindInvalid},
		} {
			_, err := s.Create(ctx, c.n)
			e, ok := apperr.As(err)
			if !ok || e.Field != c.field || e.Kind != c.kind {
				t.Errorf("%s: got %v, want kind %d on %s", c.name, err, c.kind, c.field)
			}
		}
		if n := testutil.Count(t, d, "mailboxes"); n != 1 {
			t.Errorf("%d mailboxes stored, want 1", n)
		}
	})
}

func TestUpdateDeleteAndDefault(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newService(t, d)
		if _, err := s.Default(ctx); !apperr.Is(err, apperr.KindNotFound) {
			t.Errorf("default with none: %v", err)
		}
		a, err := s.Create(ctx, mailbox.NewMailbox{Address: "a@example.com", SMTPHost: "smtp.example.com",
			SMTPUser: "u", SMTPPassword: "p1", AckEnabled: ptr(false)})
		if err != nil {
			t.Fatal(err)
		}
		if def, err := s.Default(ctx); err != nil || def.ID != a.ID {
			t.Errorf("default with one: %v, %v", def, err)
		}
		a, err = s.Update(ctx, a.ID, mailbox.Patch{Name: ptr("Desk A"), SMTPPassword: ptr("p2")})
		if err != nil {
			t.Fatal(err)
		}
		if p, _ := s.SMTPPassword(a); p != "p2" || a.Name != "Desk A" || a.AckEnabled {
			t.Errorf("after update: %+v, password %q", a, p)
		}
		// Removing the user while a password stays is refused, and changes nothing.
		if _, err := s.Update(ctx, a.ID, mailbox.Patch{SMTPUser: ptr("")}); !apperr.Is(err, apperr.KindInvalid) {
			t.Errorf("user removed under a password: %v", err)
		}
		a, err = s.Update(ctx, a.ID, mailbox.Patch{SMTPUser: ptr(""), SMTPPassword: ptr("")})
		if err != nil || a.HasSMTPPassword {
			t.Fatalf("clear credentials: %+v, %v", a, err)
		}
		b, err := s.Create(ctx, mailbox.NewMailbox{Address: "b@example.com"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Default(ctx); !apperr.Is(err, apperr.KindNotFound) {
			t.Errorf("default with two: %v", err)
		}
		if _, err := s.Update(ctx, b.ID, mailbox.Patch{Address: ptr("a@example.com")}); !apperr.Is(err, apperr.KindConflict) {
			t.Errorf("rename onto another: %v", err)
		}
		if err := s.Delete(ctx, b.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.Delete(ctx, b.ID); !apperr.Is(err, apperr.KindNotFound) {
			t.Errorf("delete twice: %v", err)
		}
		all, err := s.List(ctx)
		if err != nil || len(all) != 1 || all[0].Address != "a@example.com" {
			t.Errorf("list: %v, %v", all, err)
		}
	})
}

func TestRenderAck(t *testing.T) {
	m := &mailbox.Mailbox{Address: "help@example.com", Name: "Acme Help",
		AckSubject: "Got it: {{.Subject}}\n", AckBody: "Hi {{.CustomerName}}, ticket {{.Number}} at {{.Address}}."}
	subj, body, err := mailbox.RenderAck(m, mailbox.AckData{Number: 42, Subject: "Printer", CustomerName: "Ann"})
	if err != nil {
		t.Fatal(err)
	}
	if subj != "Got it: Printer" || body != "Hi Ann, ticket 42 at help@example.com." {
		t.Errorf("rendered %q / %q", subj, body)
	}
	subj, body, err = mailbox.RenderAck(&mailbox.Mailbox{Address: "help@example.com"},
		mailbox.AckData{Number: 7, Subject: "Hello", CustomerName: "Bo"})
	if err != nil || subj != "We received your request: Hello" || !strings.Contains(body, "ticket #7") ||
		!strings.HasSuffix(body, "help@example.com\n") {
		t.Errorf("default: %q / %q, %v", subj, body, err)
	}
}
