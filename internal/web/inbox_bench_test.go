package web

import (
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/view"
)

// BenchmarkInboxRows works out and renders a page of 50 inbox rows with
// eight columns: the part of an inbox page that grows with the page.
func BenchmarkInboxRows(b *testing.B) {
	st, err := newStaticFiles()
	if err != nil {
		b.Fatal(err)
	}
	v, err := parseViews(st)
	if err != nil {
		b.Fatal(err)
	}
	t := &inboxTable{View: &view.View{Name: "All open"},
		Columns: []string{"number", "subject", "requester", "status", "priority", "assignee", "tags", "updated"}}
	now := time.Now()
	for i := range 50 {
		tk := &ticket.Ticket{ID: int64(i + 1), Number: int64(1000 + i), Subject: fmt.Sprintf("Refund for order %d", i),
			Status: "open", Priority: "normal", Channel: "email", Tags: []string{"billing", "vip"}, UpdatedAt: now}
		t.Rows = append(t.Rows, inboxRow{Ticket: tk, Requester: "Cleo Customer", Assignee: "Ana Lima"})
	}
	page := v.pages["inbox"]
	b.ReportAllocs()
	for b.Loop() {
		for i := range t.Rows {
			t.Rows[i].fillCells(t.Columns)
		}
		if err := page.ExecuteTemplate(io.Discard, "inbox-rows", t); err != nil {
			b.Fatal(err)
		}
	}
}
