package ticket_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/attachment"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/settings"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

func uploadAs(t *testing.T, files *attachment.Service, ctx context.Context, content string) int64 {
	t.Helper()
	a, err := files.Upload(ctx, attachment.Upload{Filename: "f.txt", Body: strings.NewReader(content), Size: -1})
	if err != nil {
		t.Fatal(err)
	}
	return a.ID
}

func TestHTMLMessages(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := ticket.NewService(d)
		ctx, _ := agentCtx(t, d)
		n := newTicket(1, "ada@example.com")
		n.Body = ""
		n.BodyHTML = `<p>The printer <b>is</b> on fire.</p><script>steal()</script>` +
			`<img src="https://tracker.example.com/open.gif">`
		tk := mustCreate(t, s, n)
		m, err := s.PostMessage(ctx, tk.ID, ticket.NewMessage{Kind: ticket.KindReply,
			Body: "Plain version.", BodyHTML: `<p onclick="x()">HTML <a href="javascript:x()">version</a>.</p>`})
		if err != nil {
			t.Fatal(err)
		}
		if m.Body != "Plain version." || m.BodyHTML != "<p>HTML version.</p>" || m.Attachments == nil {
			t.Fatalf("posted %+v", m)
		}
		plain, err := s.AddMessage(ctx, tk.ID, "Only text.", ticket.KindNote)
		if err != nil {
			t.Fatal(err)
		}
		msgs, err := s.Messages(ctx, tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		first := msgs[0]
		if first.Body != "The printer is on fire.\n\n[image]" {
			t.Errorf("derived text %q", first.Body)
		}
		if strings.Contains(first.BodyHTML, "script") || strings.Contains(first.BodyHTML, ` src="https:`) ||
			!strings.Contains(first.BodyHTML, `data-remote-src="https://tracker.example.com/open.gif"`) {
			t.Errorf("stored HTML %q", first.BodyHTML)
		}
		if msgs[1].BodyHTML != m.BodyHTML || msgs[2].ID != plain.ID || msgs[2].BodyHTML != "" {
			t.Errorf("listed %+v %+v", msgs[1], msgs[2])
		}

		before := count(t, d, "messages")
		bad := map[string]ticket.NewMessage{
			"body":      {Kind: ticket.KindReply},
			"body_html": {Kind: ticket.KindReply, BodyHTML: `<script>only()</script><style>p{}</style>`},
		}
		bad["body_html"+" too large"] = ticket.NewMessage{Kind: ticket.KindReply,
			BodyHTML: "<p>" + strings.Repeat("x", ticket.MaxBody) + "</p>"}
		for name, in := range bad {
			_, err := s.PostMessage(ctx, tk.ID, in)
			field, _, _ := strings.Cut(name, " ")
			if e, ok := apperr.As(err); !ok || e.Kind != apperr.KindInvalid || e.Field != field {
				t.Errorf("%s: %v", name, err)
			}
		}
		n.BodyHTML = "<p>   </p>"
		if _, err := s.Create(context.Background(), n); !apperr.Is(err, apperr.KindInvalid) {
			t.Errorf("a ticket without text: %v", err)
		}
		if got := count(t, d, "messages"); got != before {
			t.Fatalf("refused messages changed the count from %d to %d", before, got)
		}
	})
}

func TestMessagesCarryAttachments(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := ticket.NewService(d)
		files := attachment.NewService(d, filepath.Join(t.TempDir(), "attachments"), settings.NewStore(d))
		ctx, _ := agentCtx(t, d)
		other, _ := agentCtx(t, d)
		shot, log := uploadAs(t, files, ctx, "screenshot"), uploadAs(t, files, ctx, "log file")
		theirs := uploadAs(t, files, other, "someone else's")

		n := newTicket(1, "ada@example.com")
		n.Attachments = []int64{shot}
		tk, err := s.Create(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		m, err := s.PostMessage(ctx, tk.ID, ticket.NewMessage{Kind: ticket.KindNote, Body: "Log attached.",
			Attachments: []int64{log}})
		if err != nil || len(m.Attachments) != 1 || m.Attachments[0].ID != log {
			t.Fatalf("posted %+v, %v", m, err)
		}
		msgs, err := s.Messages(ctx, tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(msgs[0].Attachments) != 1 || msgs[0].Attachments[0].ID != shot || *msgs[0].Attachments[0].MessageID != msgs[0].ID ||
			len(msgs[1].Attachments) != 1 || msgs[1].Attachments[0].Filename != "f.txt" {
			t.Fatalf("listed %+v", msgs)
		}

		// A message that cannot take its attachments is not stored at all.
		tables := []string{"tickets", "messages", "events", "customers"}
		before := map[string]int{}
		for _, tb := range tables {
			before[tb] = count(t, d, tb)
		}
		for name, ids := range map[string][]int64{"theirs": {theirs}, "attached": {shot}, "unknown": {424242}} {
			if _, err := s.PostMessage(ctx, tk.ID, ticket.NewMessage{Kind: ticket.KindReply, Body: "x",
				Attachments: ids}); !fieldIs(err, "attachments") {
				t.Errorf("message with %s: %v", name, err)
			}
			n := newTicket(2, "grace@example.com")
			n.Attachments = ids
			if _, err := s.Create(ctx, n); !fieldIs(err, "attachments") {
				t.Errorf("ticket with %s: %v", name, err)
			}
		}
		for _, tb := range tables {
			if got := count(t, d, tb); got != before[tb] {
				t.Errorf("%s: %d rows, was %d", tb, got, before[tb])
			}
		}
		if a, err := files.Get(other, theirs); err != nil || a.MessageID != nil {
			t.Fatalf("refused attachment %+v, %v", a, err)
		}
	})
}

func fieldIs(err error, field string) bool {
	e, ok := apperr.As(err)
	return ok && e.Field == field
}

func TestNoReplyOnAClosedTicket(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := ticket.NewService(d)
		ctx, _ := agentCtx(t, d)
		tk := mustCreate(t, s, newTicket(1, "ada@example.com"))
		closed := "closed"
		if _, err := s.Update(ctx, tk.ID, ticket.Patch{Status: &closed}); err != nil {
			t.Fatal(err)
		}
		before := count(t, d, "messages")
		_, err := s.PostMessage(ctx, tk.ID, ticket.NewMessage{Body: "One more thing", Kind: ticket.KindReply})
		if !apperr.Is(err, apperr.KindUnprocessable) {
			t.Fatalf("reply on a closed ticket: %v", err)
		}
		if _, err := s.PostMessage(ctx, tk.ID, ticket.NewMessage{Body: "For the record", Kind: ticket.KindNote}); err != nil {
			t.Fatalf("note on a closed ticket: %v", err)
		}
		if n := count(t, d, "messages"); n != before+1 {
			t.Fatalf("%d messages, want %d", n, before+1)
		}
	})
}
