package ticket_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/ticket/ticketlink"
)

// withMessages creates a ticket from email with n messages in all.
func withMessages(t *testing.T, s *ticket.Service, ctx context.Context, i int, email string, n int) *ticket.Ticket {
	t.Helper()
	tk := mustCreate(t, s, newTicket(i, email))
	for j := 1; j < n; j++ {
		if _, err := s.AddMessage(ctx, tk.ID, fmt.Sprintf("message %d", j), ticket.KindReply); err != nil {
			t.Fatal(err)
		}
	}
	return tk
}

func messageIDs(t *testing.T, s *ticket.Service, id int64) []int64 {
	t.Helper()
	msgs, err := s.Messages(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	ids := []int64{}
	for _, m := range msgs {
		ids = append(ids, m.ID)
	}
	return ids
}

func TestMergeKeepsEveryMessage(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := ticket.NewService(d)
		ctx, _ := agentCtx(t, d)
		source := withMessages(t, s, ctx, 1, "ada@example.com", 3)
		target := withMessages(t, s, ctx, 2, "bob@example.com", 2)
		sourceMsgs, targetMsgs := messageIDs(t, s, source.ID), messageIDs(t, s, target.ID)
		total := count(t, d, "messages")

		m, err := s.Merge(ctx, source.ID, target.ID)
		if err != nil {
			t.Fatal(err)
		}
		if count(t, d, "messages") != total {
			t.Fatalf("%d messages, was %d", count(t, d, "messages"), total)
		}
		after := messageIDs(t, s, target.ID)
		if len(after) != len(sourceMsgs)+len(targetMsgs) || len(messageIDs(t, s, source.ID)) != 0 {
			t.Fatalf("target has %v; source had %v, target had %v", after, sourceMsgs, targetMsgs)
		}
		if fmt.Sprint(m.MessageIDs) != fmt.Sprint(sourceMsgs) {
			t.Fatalf("moved %v, want %v", m.MessageIDs, sourceMsgs)
		}
		src, _ := s.Get(ctx, source.ID)
		if src.Status != "closed" || src.ClosedAt == nil || src.SolvedAt != nil || m.Source.Status != "closed" {
			t.Fatalf("source %+v", src)
		}
		// Both record the merge and both requesters; the source's history
		// still names the messages it received.
		into := eventsOf(t, s, source.ID, ticket.EventMerged)
		from := eventsOf(t, s, target.ID, ticket.EventMerged)
		if len(into) != 1 || len(from) != 1 || into[0].Data["into"] != float64(target.ID) ||
			from[0].Data["from"] != float64(source.ID) ||
			from[0].Data["from_requester_id"] != float64(source.RequesterID) ||
			from[0].Data["requester_id"] != float64(target.RequesterID) {
			t.Fatalf("merge events %v / %v", into, from)
		}
		if added := eventsOf(t, s, source.ID, ticket.EventMessageAdded); len(added) != len(sourceMsgs) {
			t.Fatalf("source kept %d message.added events, want %d", len(added), len(sourceMsgs))
		}
		links, err := ticketlink.New(d, s).List(ctx, source.ID)
		if err != nil || len(links) != 1 || links[0].Type != ticketlink.MergedInto || links[0].TicketID != target.ID {
			t.Fatalf("source links %+v, %v", links, err)
		}
		if links, _ := ticketlink.New(d, s).List(ctx, target.ID); len(links) != 1 || links[0].Type != ticketlink.MergedFrom {
			t.Fatalf("target links %+v", links)
		}
		if err := ticketlink.New(d, s).Remove(ctx, target.ID, links[0].ID); !apperr.Is(err, apperr.KindUnprocessable) {
			t.Fatalf("removing a merge link: %v", err)
		}
	})
}

func TestMergeRefusals(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := ticket.NewService(d)
		ctx := context.Background()
		a := mustCreate(t, s, newTicket(1, "ada@example.com"))
		b := mustCreate(t, s, newTicket(2, "ada@example.com"))
		c := mustCreate(t, s, newTicket(3, "ada@example.com"))
		closed := mustCreate(t, s, newTicket(4, "ada@example.com"))
		setStatus(t, s, closed.ID, "closed")
		if _, err := s.Merge(ctx, b.ID, c.ID); err != nil {
			t.Fatal(err)
		}
		tables := []string{"tickets", "messages", "events", "ticket_links"}
		before := map[string]int{}
		for _, tb := range tables {
			before[tb] = count(t, d, tb)
		}
		cases := []struct {
			name     string
			id, into int64
			kind     apperr.Kind
			field    string
			says     string
		}{
			{"itself", a.ID, a.ID, apperr.KindUnprocessable, "into", "itself"},
			{"no target", a.ID, 0, apperr.KindInvalid, "into", "required"},
			{"unknown target", a.ID, 9999, apperr.KindUnprocessable, "into", "no ticket"},
			{"unknown source", 9999, a.ID, apperr.KindNotFound, "", ""},
			{"closed target", a.ID, closed.ID, apperr.KindUnprocessable, "into", "closed"},
			{"merged target", a.ID, b.ID, apperr.KindUnprocessable, "into", fmt.Sprintf("merged into #%d", c.Number)},
			{"closed source", closed.ID, a.ID, apperr.KindUnprocessable, "id", "closed"},
			{"back into the source", c.ID, b.ID, apperr.KindUnprocessable, "into", "merged into"},
		}
		for _, tc := range cases {
			_, err := s.Merge(ctx, tc.id, tc.into)
			if e, ok := apperr.As(err); !ok || e.Kind != tc.kind || e.Field != tc.field || !strings.Contains(e.Message, tc.says) {
				t.Errorf("%s: %v", tc.name, err)
			}
		}
		for _, tb := range tables {
			if n := count(t, d, tb); n != before[tb] {
				t.Errorf("%s: %d rows, was %d", tb, n, before[tb])
			}
		}
	})
}

// TestCrossedMerges merges pairs both ways at once: each pair must end with
// exactly one merge, never a loop, and no deadlock (a deadlock would fail
// with an error after the retries, or hang the test).
func TestCrossedMerges(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := ticket.NewService(d)
		ctx := context.Background()
		const pairs = 8
		var wg sync.WaitGroup
		errs := make([][2]error, pairs)
		for i := range pairs {
			a := withMessages(t, s, ctx, i, "ada@example.com", 2)
			b := withMessages(t, s, ctx, i, "bob@example.com", 2)
			wg.Go(func() { _, errs[i][0] = s.Merge(ctx, a.ID, b.ID) })
			wg.Go(func() { _, errs[i][1] = s.Merge(ctx, b.ID, a.ID) })
		}
		wg.Wait()
		for i, e := range errs {
			failed := 0
			for _, err := range e {
				if err != nil {
					failed++
					if !apperr.Is(err, apperr.KindUnprocessable) {
						t.Errorf("pair %d: %v", i, err)
					}
				}
			}
			if failed != 1 {
				t.Errorf("pair %d: %d merges failed, want exactly 1: %v", i, failed, e)
			}
		}
		var loops, emptyOpen int
		d.Read().QueryRow(`SELECT COUNT(*) FROM ticket_links x JOIN ticket_links y
			ON x.ticket_id = y.other_id AND x.other_id = y.ticket_id
			WHERE x.kind = 'merged_into' AND y.kind = 'merged_into'`).Scan(&loops)
		d.Read().QueryRow(`SELECT COUNT(*) FROM tickets t WHERE t.status <> 'closed'
			AND (SELECT COUNT(*) FROM messages m WHERE m.ticket_id = t.id) <> 4`).Scan(&emptyOpen)
		if loops != 0 || emptyOpen != 0 || count(t, d, "messages") != pairs*4 ||
			count(t, d, "ticket_links") != pairs {
			t.Fatalf("%d loops, %d open tickets without 4 messages, %d links", loops, emptyOpen, count(t, d, "ticket_links"))
		}
	})
}

func TestSplit(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := ticket.NewService(d)
		ctx, _ := agentCtx(t, d)
		old := withMessages(t, s, ctx, 1, "ada@example.com", 3)
		high := "high"
		if _, err := s.Update(ctx, old.ID, ticket.Patch{Priority: &high}); err != nil {
			t.Fatal(err)
		}
		msgs := messageIDs(t, s, old.ID)
		total := count(t, d, "messages")

		nt, err := s.Split(ctx, old.ID, ticket.Split{MessageID: msgs[1], Subject: "Second problem"})
		if err != nil {
			t.Fatal(err)
		}
		if nt.Number != old.Number+1 || nt.Subject != "Second problem" || nt.RequesterID != old.RequesterID ||
			nt.Priority != "high" || nt.Channel != old.Channel || nt.Status != "new" || nt.FirstReplyAt == nil {
			t.Fatalf("new ticket %+v", nt)
		}
		if got := messageIDs(t, s, nt.ID); len(got) != 1 || got[0] != msgs[1] {
			t.Fatalf("new ticket messages %v", got)
		}
		if got := messageIDs(t, s, old.ID); len(got) != 2 || count(t, d, "messages") != total {
			t.Fatalf("old ticket messages %v", got)
		}
		if e := eventsOf(t, s, nt.ID, ticket.EventSplit); len(e) != 1 || e[0].Data["from"] != float64(old.ID) {
			t.Fatalf("new ticket split events %v", e)
		}
		if e := eventsOf(t, s, old.ID, ticket.EventSplit); len(e) != 1 || e[0].Data["into"] != float64(nt.ID) {
			t.Fatalf("old ticket split events %v", e)
		}
		if len(eventsOf(t, s, nt.ID, ticket.EventCreated)) != 1 {
			t.Fatal("the new ticket has no ticket.created")
		}
		links, _ := ticketlink.New(d, s).List(ctx, nt.ID)
		back, _ := ticketlink.New(d, s).List(ctx, old.ID)
		if len(links) != 1 || links[0].Type != ticketlink.SplitFrom || len(back) != 1 || back[0].Type != ticketlink.SplitInto {
			t.Fatalf("links %+v / %+v", links, back)
		}
		// Without a subject the new ticket keeps the old one's.
		plain, err := s.Split(ctx, old.ID, ticket.Split{MessageID: msgs[2]})
		if err != nil || plain.Subject != old.Subject {
			t.Fatalf("split without subject: %+v, %v", plain, err)
		}

		closed := withMessages(t, s, ctx, 2, "bob@example.com", 2)
		setStatus(t, s, closed.ID, "closed")
		two := withMessages(t, s, ctx, 3, "bob@example.com", 2)
		before := count(t, d, "tickets")
		cases := []struct {
			name  string
			id    int64
			sp    ticket.Split
			kind  apperr.Kind
			field string
		}{
			{"only message", old.ID, ticket.Split{MessageID: msgs[0]}, apperr.KindUnprocessable, "message_id"},
			{"message of another ticket", old.ID, ticket.Split{MessageID: msgs[1]}, apperr.KindUnprocessable, "message_id"},
			{"unknown message", old.ID, ticket.Split{MessageID: 99999}, apperr.KindUnprocessable, "message_id"},
			{"no message", old.ID, ticket.Split{}, apperr.KindInvalid, "message_id"},
			{"closed ticket", closed.ID, ticket.Split{MessageID: messageIDs(t, s, closed.ID)[1]}, apperr.KindUnprocessable, "id"},
			{"unknown ticket", 99999, ticket.Split{MessageID: msgs[0]}, apperr.KindNotFound, ""},
			{"over-long subject", two.ID, ticket.Split{MessageID: messageIDs(t, s, two.ID)[1], Subject: strings.Repeat("x", ticket.MaxSubject+1)}, apperr.KindInvalid, "subject"},
		}
		for _, tc := range cases {
			_, err := s.Split(ctx, tc.id, tc.sp)
			if e, ok := apperr.As(err); !ok || e.Kind != tc.kind || e.Field != tc.field {
				t.Errorf("%s: %v", tc.name, err)
			}
		}
		if count(t, d, "tickets") != before {
			t.Fatal("a refused split made a ticket")
		}
	})
}
