package ticket_test

import (
	"context"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

func setStatus(t *testing.T, s *ticket.Service, id int64, status string) (*ticket.Ticket, error) {
	t.Helper()
	return s.Update(context.Background(), id, ticket.Patch{Status: &status})
}

func TestCustomStatusMapsToCategory(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := ticket.NewService(d)
		ctx := context.Background()
		eng, err := s.CreateStatus(ctx, ticket.NewStatus{Key: "waiting_on_eng", Label: "Waiting on engineering", Category: "pending"})
		if err != nil {
			t.Fatal(err)
		}
		tk := mustCreate(t, s, newTicket(1, "ada@example.com"))
		got, err := setStatus(t, s, tk.ID, "waiting_on_eng")
		if err != nil || got.Status != "pending" || got.CustomStatus == nil || got.CustomStatus.Key != "waiting_on_eng" ||
			got.CustomStatus.Label != "Waiting on engineering" || got.CustomStatus.ID != eng.ID {
			t.Fatalf("set custom: %+v, %v", got, err)
		}
		if read, _ := s.Get(ctx, tk.ID); read.CustomStatus == nil || read.CustomStatus.Label != eng.Label || read.Status != "pending" {
			t.Fatalf("read back %+v", read)
		}
		st := eventsOf(t, s, tk.ID, "ticket.status_changed")
		cs := eventsOf(t, s, tk.ID, ticket.EventCustomStatusChanged)
		if len(st) != 1 || st[0].Data["after"] != "pending" || len(cs) != 1 ||
			cs[0].Data["before"] != nil || cs[0].Data["after"] != "waiting_on_eng" {
			t.Fatalf("events %v %v", st, cs)
		}
		// Back to the plain category: only the custom status changes.
		got, err = setStatus(t, s, tk.ID, "pending")
		if err != nil || got.CustomStatus != nil || got.Status != "pending" {
			t.Fatalf("set built-in: %+v, %v", got, err)
		}
		if n := len(eventsOf(t, s, tk.ID, "ticket.status_changed")); n != 1 {
			t.Fatalf("%d status events, want 1", n)
		}
		if cs := eventsOf(t, s, tk.ID, ticket.EventCustomStatusChanged); len(cs) != 2 || cs[1].Data["after"] != nil {
			t.Fatalf("custom events %v", cs)
		}
		// Listing by a custom status finds only tickets in it.
		setStatus(t, s, tk.ID, "waiting_on_eng")
		other := mustCreate(t, s, newTicket(2, "bob@example.com"))
		setStatus(t, s, other.ID, "pending")
		page, err := s.List(ctx, ticket.Filter{Status: "waiting_on_eng"})
		if err != nil || len(page.Tickets) != 1 || page.Tickets[0].ID != tk.ID || page.Tickets[0].CustomStatus.Key != "waiting_on_eng" {
			t.Fatalf("list by custom status: %+v, %v", page, err)
		}
		if page, _ := s.List(ctx, ticket.Filter{Status: "pending"}); len(page.Tickets) != 2 {
			t.Fatalf("list by category: %d tickets", len(page.Tickets))
		}
		if _, err := s.List(ctx, ticket.Filter{Status: "nope"}); !apperr.Is(err, apperr.KindInvalid) {
			t.Fatalf("list by unknown status: %v", err)
		}
	})
}

func TestCustomStatusRules(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := ticket.NewService(d)
		ctx := context.Background()
		old, err := s.CreateStatus(ctx, ticket.NewStatus{Key: "old_state", Label: "Old", Category: "open"})
		if err != nil {
			t.Fatal(err)
		}
		bad := map[string]ticket.NewStatus{
			"key":      {Key: "open", Label: "Open again", Category: "open"},
			"key ":     {Key: "Has Spaces", Label: "x", Category: "open"},
			"label":    {Key: "x", Label: "", Category: "open"},
			"category": {Key: "x", Label: "x", Category: "archived"},
		}
		for name, n := range bad {
			if _, err := s.CreateStatus(ctx, n); !apperr.Is(err, apperr.KindInvalid) || err.(*apperr.Error).Field != strings.TrimSpace(name) {
				t.Errorf("%s: %v", name, err)
			}
		}
		if _, err := s.CreateStatus(ctx, ticket.NewStatus{Key: "old_state", Label: "x", Category: "open"}); !apperr.Is(err, apperr.KindConflict) {
			t.Errorf("duplicate: %v", err)
		}
		label := "Older"
		got, err := s.UpdateStatus(ctx, old.ID, ticket.StatusPatch{Label: &label, Archived: new(true)})
		if err != nil || got.Label != label || !got.Archived || got.Category != "open" {
			t.Fatalf("update: %+v, %v", got, err)
		}
		tk := mustCreate(t, s, newTicket(1, "ada@example.com"))
		if _, err := setStatus(t, s, tk.ID, "old_state"); !apperr.Is(err, apperr.KindUnprocessable) {
			t.Fatalf("archived status: %v", err)
		}
		list, err := s.Statuses(ctx)
		if err != nil || len(list) != 1 || list[0].Key != "old_state" {
			t.Fatalf("statuses %+v, %v", list, err)
		}
		if _, err := s.GetStatus(ctx, 999); !apperr.Is(err, apperr.KindNotFound) {
			t.Fatalf("unknown: %v", err)
		}
	})
}

func TestClosedIsFinal(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := ticket.NewService(d)
		ctx := context.Background()
		if _, err := s.CreateStatus(ctx, ticket.NewStatus{Key: "reopened", Label: "Reopened", Category: "open"}); err != nil {
			t.Fatal(err)
		}
		tk := mustCreate(t, s, newTicket(1, "ada@example.com"))
		solved, err := setStatus(t, s, tk.ID, "solved")
		if err != nil || solved.SolvedAt == nil || solved.ClosedAt != nil {
			t.Fatalf("solve: %+v, %v", solved, err)
		}
		reopened, err := setStatus(t, s, tk.ID, "open")
		if err != nil || reopened.SolvedAt != nil || reopened.ClosedAt != nil {
			t.Fatalf("reopen a solved ticket: %+v, %v", reopened, err)
		}
		setStatus(t, s, tk.ID, "solved")
		closed, err := setStatus(t, s, tk.ID, "closed")
		if err != nil || closed.ClosedAt == nil || closed.SolvedAt == nil {
			t.Fatalf("close: %+v, %v", closed, err)
		}
		events := count(t, d, "events")
		for _, status := range []string{"open", "solved", "new", "reopened"} {
			_, err := setStatus(t, s, tk.ID, status)
			if e, ok := apperr.As(err); !ok || e.Kind != apperr.KindUnprocessable || e.Field != "status" ||
				!strings.Contains(e.Message, "new ticket") {
				t.Errorf("%s: %v", status, err)
			}
		}
		// Closing again is no change; other fields may still change.
		if _, err := setStatus(t, s, tk.ID, "closed"); err != nil {
			t.Fatal(err)
		}
		if count(t, d, "events") != events {
			t.Fatal("refused changes wrote events")
		}
		got, _ := s.Get(ctx, tk.ID)
		if got.Status != "closed" || !got.ClosedAt.Equal(*closed.ClosedAt) || !got.SolvedAt.Equal(*closed.SolvedAt) {
			t.Fatalf("closed ticket changed: %+v", got)
		}
		// A ticket closed straight from new is stamped solved too.
		direct := mustCreate(t, s, newTicket(2, "ada@example.com"))
		if got, err := setStatus(t, s, direct.ID, "closed"); err != nil || got.SolvedAt == nil || got.ClosedAt == nil {
			t.Fatalf("close from new: %+v, %v", got, err)
		}
	})
}
