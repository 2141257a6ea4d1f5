package view_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/team"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/user"
	"github.com/centerdesk/centerdesk/internal/view"
)

type fixture struct {
	d       *db.DB
	tickets *ticket.Service
	views   *view.Service
	teams   *team.Service
}

func newFixture(d *db.DB) *fixture {
	ts := ticket.NewService(d)
	return &fixture{d: d, tickets: ts, views: view.NewService(d, ts), teams: team.NewService(d)}
}

func agent(t *testing.T, d *db.DB) *user.User {
	t.Helper()
	return &user.User{ID: testutil.NewUser(t, d, "agent"), Role: user.RoleAgent}
}

func (f *fixture) ticket(t *testing.T, i int, status string, assignee *int64) *ticket.Ticket {
	t.Helper()
	tk, err := f.tickets.Create(context.Background(), ticket.NewTicket{
		Subject: fmt.Sprintf("Ticket %d", i), Body: "Help.", Channel: "email",
		Requester: ticket.Requester{Email: fmt.Sprintf("c%d@example.com", i)},
	})
	if err != nil {
		t.Fatal(err)
	}
	p := ticket.Patch{Status: &status}
	if assignee != nil {
		p.AssigneeID = ticket.SetID(assignee)
	}
	if tk, err = f.tickets.Update(testutil.As(1), tk.ID, p); err != nil {
		t.Fatal(err)
	}
	return tk
}

func ids(t *testing.T, f *fixture, u *user.User, id string) []int64 {
	t.Helper()
	v, err := f.views.Get(context.Background(), u, id)
	if err != nil {
		t.Fatal(err)
	}
	page, err := f.views.Tickets(context.Background(), u, v, "", 100)
	if err != nil {
		t.Fatal(err)
	}
	var out []int64
	for _, tk := range page.Tickets {
		out = append(out, tk.ID)
	}
	slices.Sort(out)
	return out
}

func TestReadyMadeViewsListTheirTickets(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(d)
		me, other := agent(t, d), agent(t, d)
		mineOpen := f.ticket(t, 1, "open", &me.ID)
		minePending := f.ticket(t, 2, "pending", &me.ID)
		mineSolved := f.ticket(t, 3, "solved", &me.ID)
		othersOpen := f.ticket(t, 4, "open", &other.ID)
		unassigned := f.ticket(t, 5, "new", nil)
		unassignedClosed := f.ticket(t, 6, "closed", nil)

		want := map[string][]int64{
			"mine":       {mineOpen.ID, minePending.ID},
			"unassigned": {unassigned.ID},
			// "All open" is the work that waits on us: new and open, not pending.
			"open":    {mineOpen.ID, othersOpen.ID, unassigned.ID},
			"pending": {minePending.ID},
			"solved":  {mineSolved.ID, unassignedClosed.ID},
		}
		views, err := f.views.List(context.Background(), me)
		if err != nil {
			t.Fatal(err)
		}
		counts, err := f.views.Counts(context.Background(), me, views)
		if err != nil {
			t.Fatal(err)
		}
		for id, w := range want {
			slices.Sort(w)
			if got := ids(t, f, me, id); !slices.Equal(got, w) {
				t.Errorf("view %s: got %v, want %v", id, got, w)
			}
			if counts[id] != int64(len(w)) {
				t.Errorf("view %s: count %d, want %d", id, counts[id], len(w))
			}
		}
		// "My open tickets" is whoever looks.
		if got := ids(t, f, other, "mine"); !slices.Equal(got, []int64{othersOpen.ID}) {
			t.Errorf("other's mine: %v", got)
		}
	})
}

func TestViewsArePrivateUnlessShared(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(d)
		ctx := context.Background()
		owner, teammate, stranger := agent(t, d), agent(t, d), agent(t, d)
		tm, err := f.teams.Create(testutil.As(owner.ID), team.NewTeam{Name: "Billing", MemberIDs: []int64{owner.ID, teammate.ID}})
		if err != nil {
			t.Fatal(err)
		}
		outside, err := f.teams.Create(testutil.As(owner.ID), team.NewTeam{Name: "Sales", MemberIDs: []int64{stranger.ID}})
		if err != nil {
			t.Fatal(err)
		}

		v, err := f.views.Create(ctx, owner, view.NewView{Name: " Urgent billing ",
			Filters: view.Filters{Priorities: []string{"urgent"}, Assignee: "none"}, Sort: "priority",
			Columns: []string{"subject", "number", "subject"}})
		if err != nil {
			t.Fatal(err)
		}
		if v.Name != "Urgent billing" || !slices.Equal(v.Columns, []string{"subject", "number"}) || v.Sort != "priority" {
			t.Fatalf("saved %+v", v)
		}
		for _, u := range []*user.User{teammate, stranger} {
			if _, err := f.views.Get(ctx, u, v.ID); !apperr.Is(err, apperr.KindNotFound) {
				t.Fatalf("private view seen by %d: %v", u.ID, err)
			}
			if _, err := f.views.Update(ctx, u, v.ID, view.Patch{}); !apperr.Is(err, apperr.KindNotFound) {
				t.Fatalf("private view changed by %d: %v", u.ID, err)
			}
		}
		if _, err := f.views.Update(ctx, owner, v.ID, view.Patch{TeamID: ticket.SetID(&outside.ID)}); !apperr.Is(err, apperr.KindInvalid) {
			t.Fatalf("shared with a team the owner is not in: %v", err)
		}
		if _, err := f.views.Update(ctx, owner, v.ID, view.Patch{TeamID: ticket.SetID(&tm.ID)}); err != nil {
			t.Fatal(err)
		}
		got, err := f.views.Get(ctx, teammate, v.ID)
		if err != nil || got.Name != "Urgent billing" {
			t.Fatalf("teammate: %v %v", got, err)
		}
		list, err := f.views.List(ctx, teammate)
		if err != nil || !slices.ContainsFunc(list, func(x *view.View) bool { return x.ID == v.ID }) {
			t.Fatalf("teammate's list lacks the shared view: %v", err)
		}
		if _, err := f.views.Get(ctx, stranger, v.ID); !apperr.Is(err, apperr.KindNotFound) {
			t.Fatalf("stranger: %v", err)
		}
		name := "mine now"
		if _, err := f.views.Update(ctx, teammate, v.ID, view.Patch{Name: &name}); !apperr.Is(err, apperr.KindForbidden) {
			t.Fatalf("teammate renamed it: %v", err)
		}
		if err := f.views.Delete(ctx, teammate, v.ID); !apperr.Is(err, apperr.KindForbidden) {
			t.Fatalf("teammate deleted it: %v", err)
		}
		if err := f.views.Delete(ctx, owner, "mine"); !apperr.Is(err, apperr.KindForbidden) {
			t.Fatalf("deleted a ready-made view: %v", err)
		}
		if err := f.views.Delete(ctx, owner, v.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.views.Get(ctx, owner, v.ID); !apperr.Is(err, apperr.KindNotFound) {
			t.Fatalf("after delete: %v", err)
		}
	})
}

func TestViewInputIsChecked(t *testing.T) {
	d := testutil.NewSQLite(t)
	f := newFixture(d)
	u := agent(t, d)
	missing := int64(999999)
	cases := map[string]view.NewView{
		"name":                        {},
		"sort":                        {Name: "x", Sort: "subject"},
		"columns":                     {Name: "x", Columns: []string{"password"}},
		"filters.statuses":            {Name: "x", Filters: view.Filters{Statuses: []string{"done"}}},
		"filters.assignee":            {Name: "x", Filters: view.Filters{Assignee: "someone"}},
		"filters.team_id":             {Name: "x", Filters: view.Filters{TeamID: &missing}},
		"filters.updated_within_days": {Name: "x", Filters: view.Filters{UpdatedWithinDays: -1}},
	}
	for field, n := range cases {
		_, err := f.views.Create(context.Background(), u, n)
		if e, ok := apperr.As(err); !ok || e.Field != field {
			t.Errorf("%s: got %v", field, err)
		}
	}
}

func TestCountsFollowTicketChanges(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(d)
		me := agent(t, d)
		ctx := context.Background()
		views, err := f.views.List(ctx, me)
		if err != nil {
			t.Fatal(err)
		}
		countOf := func(id string) int64 {
			t.Helper()
			counts, err := f.views.Counts(ctx, me, views)
			if err != nil {
				t.Fatal(err)
			}
			return counts[id]
		}
		if n := countOf("unassigned"); n != 0 {
			t.Fatalf("empty desk: %d", n)
		}
		tk := f.ticket(t, 1, "open", nil)
		if n := countOf("unassigned"); n != 1 {
			t.Fatalf("after a new ticket: %d", n)
		}
		if _, err := f.tickets.Update(testutil.As(me.ID), tk.ID, ticket.Patch{AssigneeID: ticket.SetID(&me.ID)}); err != nil {
			t.Fatal(err)
		}
		if u, m := countOf("unassigned"), countOf("mine"); u != 0 || m != 1 {
			t.Fatalf("after assigning: unassigned %d, mine %d", u, m)
		}
		// Another agent's "mine" is their own count, not a cached copy of mine.
		other := agent(t, d)
		counts, err := f.views.Counts(ctx, other, views)
		if err != nil || counts["mine"] != 0 {
			t.Fatalf("other's mine: %v %v", counts, err)
		}
	})
}
