package workspace

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/user"
	"github.com/centerdesk/centerdesk/internal/view"
	"github.com/centerdesk/centerdesk/internal/web/kit"
)

// BenchmarkInboxRows works out and renders a page of 50 inbox rows with
// eight columns: the part of an inbox page that grows with the page.
func BenchmarkInboxRows(b *testing.B) {
	k, err := kit.New(kit.Deps{Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	s, err := k.Surface(templates)
	if err != nil {
		b.Fatal(err)
	}
	wb := &Pages{Surface: s}
	// A viewer with a zone of their own: the desk's would need settings.
	r := httptest.NewRequest("GET", "/", nil)
	r = r.WithContext(user.WithUser(r.Context(), &user.User{TimeZone: "Europe/Oslo"}))
	t := &inboxTable{View: &view.View{Name: "All open"},
		Columns: []string{"number", "requester", "subject", "status", "priority", "assignee", "tags", "waiting", "updated"}}
	now := time.Now()
	waiting := now.Add(-3 * time.Hour)
	for i := range 50 {
		tk := &ticket.Ticket{ID: int64(i + 1), Number: int64(1000 + i), Subject: fmt.Sprintf("Refund for order %d", i),
			Status: "open", Priority: "normal", Channel: "email", Tags: []string{"billing", "vip"}, UpdatedAt: now,
			WaitingSince: &waiting}
		t.Rows = append(t.Rows, inboxRow{Ticket: tk, Requester: "Cleo Customer", Assignee: "Ana Lima",
			Snippet: "I was charged twice for the same order and would like one of the payments back, please."})
	}
	b.ReportAllocs()
	for b.Loop() {
		for i := range t.Rows {
			t.Rows[i].fillCells(t.Columns, now)
		}
		w := httptest.NewRecorder()
		wb.Fragment(w, r, http.StatusOK, "inbox", "inbox-rows", t)
		if w.Code != http.StatusOK {
			b.Fatalf("render: %d %s", w.Code, w.Body)
		}
	}
}
