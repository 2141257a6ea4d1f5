package outbound_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/outbound"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/jhillyerd/enmime/v2"
)

func TestNoticeLeavesFromTheMailbox(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d)
		if ok, err := e.out.CanSendNotices(ctx); !ok || err != nil {
			t.Fatalf("can send: %v %v", ok, err)
		}
		err := e.out.SendNotice(ctx, outbound.Notice{To: "ann@example.com", Subject: "Your sign-in link",
			Text: "Open https://desk.example.com/portal/signin/abc"})
		if err != nil {
			t.Fatal(err)
		}
		got := e.relay.received()
		if len(got) != 1 || got[0].From != "help@desk.test" || strings.Join(got[0].To, ",") != "ann@example.com" ||
			got[0].User != "desk" {
			t.Fatalf("sent %+v", got)
		}
		for _, want := range []string{"Subject: Your sign-in link", "Auto-Submitted: auto-replied", "@desk.test>"} {
			if !bytes.Contains(got[0].Raw, []byte(want)) {
				t.Errorf("the mail lacks %q:\n%s", want, got[0].Raw)
			}
		}

		mail, err := enmime.ReadEnvelope(bytes.NewReader(got[0].Raw))
		if err != nil {
			t.Fatal(err)
		}
		link := `<a href="https://desk.example.com/portal/signin/abc">https://desk.example.com/portal/signin/abc</a>`
		if !strings.Contains(mail.HTML, link) {
			t.Errorf("the HTML part has no link to click:\n%s", mail.HTML)
		}
		if !strings.Contains(mail.Text, "Open https://desk.example.com/portal/signin/abc") || strings.Contains(mail.Text, "<a") {
			t.Errorf("the text part lost the bare address:\n%s", mail.Text)
		}

		if err := e.mailboxes.Delete(ctx, e.box.ID); err != nil {
			t.Fatal(err)
		}
		if ok, err := e.out.CanSendNotices(ctx); ok || err != nil {
			t.Fatalf("can send without a mailbox: %v %v", ok, err)
		}
		if err := e.out.SendNotice(ctx, outbound.Notice{To: "ann@example.com", Subject: "x", Text: "y"}); !jobs.IsPermanent(err) {
			t.Fatalf("send without a mailbox: %v", err)
		}
	})
}
