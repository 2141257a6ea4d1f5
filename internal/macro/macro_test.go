package macro_test

import (
	"context"
	"slices"
	"strconv"
	"testing"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/customer"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/macro"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/user"
)

func TestRenderIsAPlainReplacer(t *testing.T) {
	t.Parallel()
	v := macro.Values{"customer.first_name": "{{ticket.subject}}", "ticket.subject": "Refund", "ticket.number": "7"}
	got := macro.Render("Hi {{ customer.first_name }}, about #{{ticket.number}} {{ticket.subject}}: {{.Evil}} {{unknown}} {{", v)
	want := "Hi {{ticket.subject}}, about #7 Refund: {{.Evil}} {{unknown}} {{"
	if got != want {
		t.Fatalf("Render = %q, want %q", got, want)
	}
}

func TestMacrosAccessAndPreview(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		tickets := ticket.NewService(d)
		svc := macro.NewService(d, tickets, customer.NewService(d))
		adminID, agentID, otherID := testutil.NewUser(t, d, "admin"), testutil.NewUser(t, d, "agent"), testutil.NewUser(t, d, "agent")
		admin, agent, other := macro.Viewer{ID: adminID, Admin: true}, macro.Viewer{ID: agentID}, macro.Viewer{ID: otherID}

		if _, err := svc.Create(ctx, agent, macro.NewMacro{Name: "x", Body: "hi", Shared: true}); !apperr.Is(err, apperr.KindForbidden) {
			t.Fatalf("agent shares a macro: %v, want forbidden", err)
		}
		if _, err := svc.Create(ctx, agent, macro.NewMacro{Name: "x", Body: "hi {{customer.age}}"}); !apperr.Is(err, apperr.KindInvalid) {
			t.Fatalf("unknown placeholder: %v, want invalid", err)
		}
		if _, err := svc.Create(ctx, agent, macro.NewMacro{Name: "x", Body: "hi", Actions: macro.Actions{Status: "nope"}}); !apperr.Is(err, apperr.KindInvalid) {
			t.Fatalf("unknown status: %v, want invalid", err)
		}
		shared, err := svc.Create(testutil.As(adminID), admin, macro.NewMacro{Name: "Thanks", Shared: true,
			Body:    "Hi {{customer.first_name}}, ticket #{{ticket.number}} ({{ticket.subject}}) is done. {{agent.first_name}}",
			Actions: macro.Actions{Status: "solved", AddTags: []string{" Refund ", "refund"}, AssignToMe: true, Priority: "high"}})
		if err != nil {
			t.Fatal(err)
		}
		mine, err := svc.Create(ctx, agent, macro.NewMacro{Name: "Mine", Body: "personal"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Get(ctx, other, mine.ID); !apperr.Is(err, apperr.KindNotFound) {
			t.Fatalf("another agent's personal macro: %v, want not found", err)
		}
		if _, err := svc.Get(ctx, admin, mine.ID); !apperr.Is(err, apperr.KindNotFound) {
			t.Fatalf("admin sees an agent's personal macro: %v, want not found", err)
		}
		if err := svc.Delete(ctx, other, mine.ID); !apperr.Is(err, apperr.KindNotFound) {
			t.Fatalf("another agent deletes a personal macro: %v, want not found", err)
		}
		name := "Renamed"
		if _, err := svc.Update(ctx, agent, shared.ID, macro.Patch{Name: &name}); !apperr.Is(err, apperr.KindForbidden) {
			t.Fatalf("agent edits a shared macro: %v, want forbidden", err)
		}
		list, err := svc.List(ctx, other)
		if err != nil || len(list) != 1 || list[0].ID != shared.ID {
			t.Fatalf("other agent's list %v, %v: want only the shared macro", list, err)
		}
		if !slices.Equal(shared.Actions.AddTags, []string{"refund"}) {
			t.Fatalf("tags %v", shared.Actions.AddTags)
		}

		tk, err := tickets.Create(ctx, ticket.NewTicket{Subject: "Broken <b>kettle</b>", Body: "help",
			Requester: ticket.Requester{Email: "ann@example.com", Name: "Ann {{agent.name}} Lee"}, Channel: "email"})
		if err != nil {
			t.Fatal(err)
		}
		p, err := svc.Preview(ctx, &user.User{ID: otherID, Name: "Bob Smith", Role: user.RoleAgent}, tk.ID, shared.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := "Hi Ann, ticket #" + strconv.FormatInt(tk.Number, 10) + " (Broken <b>kettle</b>) is done. Bob"
		if p.Body != want {
			t.Fatalf("preview %q, want %q", p.Body, want)
		}
		patch := p.Actions.Patch(otherID)
		if patch.Status == nil || *patch.Status != "solved" || *patch.Priority != "high" ||
			!patch.AssigneeID.Set || *patch.AssigneeID.ID != otherID || !slices.Contains(patch.AddTags, "refund") {
			t.Fatalf("patch %+v", patch)
		}
		if err := svc.Delete(ctx, agent, mine.ID); err != nil {
			t.Fatal(err)
		}
	})
}
