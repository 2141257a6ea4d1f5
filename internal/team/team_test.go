package team_test

import (
	"slices"
	"testing"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/team"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

func TestCreateWithMembersAndList(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := team.NewService(d)
		admin := testutil.NewUser(t, d, "admin")
		a1, a2 := testutil.NewUser(t, d, "agent"), testutil.NewUser(t, d, "agent")
		ctx := testutil.As(admin)
		billing, err := s.Create(ctx, team.NewTeam{Name: " Billing ", MemberIDs: []int64{a2, a1, a2}})
		if err != nil {
			t.Fatal(err)
		}
		if billing.Name != "Billing" || !slices.Equal(billing.MemberIDs, []int64{a1, a2}) {
			t.Fatalf("created %+v", billing)
		}
		if _, err := s.Create(ctx, team.NewTeam{Name: "Accounts"}); err != nil {
			t.Fatal(err)
		}
		all, err := s.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 2 || all[0].Name != "Accounts" || len(all[0].MemberIDs) != 0 ||
			!slices.Equal(all[1].MemberIDs, []int64{a1, a2}) {
			t.Fatalf("list %+v %+v", all[0], all[1])
		}
		entries, err := audit.List(ctx, d.Read(), audit.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 2 || entries[0].Action != "team.created" || *entries[0].ActorID != admin {
			t.Fatalf("audit %+v", entries)
		}
	})
}

func TestBadInputChangesNothing(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := team.NewService(d)
		ctx := testutil.As(testutil.NewUser(t, d, "admin"))
		disabled := testutil.NewUser(t, d, "agent")
		if _, err := d.Write().Exec(`UPDATE users SET disabled_at = created_at WHERE id = $1`, disabled); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Create(ctx, team.NewTeam{Name: "Billing"}); err != nil {
			t.Fatal(err)
		}
		long := string(make([]byte, team.MaxName+1))
		cases := map[string]struct {
			in    team.NewTeam
			kind  apperr.Kind
			field string
		}{
			"no name":       {team.NewTeam{Name: "  "}, apperr.KindInvalid, "name"},
			"long name":     {team.NewTeam{Name: long}, apperr.KindInvalid, "name"},
			"taken name":    {team.NewTeam{Name: "Billing"}, apperr.KindConflict, "name"},
			"unknown user":  {team.NewTeam{Name: "X", MemberIDs: []int64{999999}}, apperr.KindUnprocessable, "member_ids"},
			"disabled user": {team.NewTeam{Name: "X", MemberIDs: []int64{disabled}}, apperr.KindUnprocessable, "member_ids"},
			"bad id":        {team.NewTeam{Name: "X", MemberIDs: []int64{-1}}, apperr.KindInvalid, "member_ids"},
		}
		for name, c := range cases {
			_, err := s.Create(ctx, c.in)
			e, ok := apperr.As(err)
			if !ok || e.Kind != c.kind || e.Field != c.field {
				t.Errorf("%s: got %v, want %v on %s", name, err, c.kind, c.field)
			}
		}
		if n := testutil.Count(t, d, "teams"); n != 1 {
			t.Errorf("%d teams, want 1", n)
		}
		if n := testutil.Count(t, d, "team_members"); n != 0 {
			t.Errorf("%d members, want 0", n)
		}
	})
}

func TestUpdateReplacesMembersAndAudits(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := team.NewService(d)
		ctx := testutil.As(testutil.NewUser(t, d, "admin"))
		a1, a2 := testutil.NewUser(t, d, "agent"), testutil.NewUser(t, d, "agent")
		tm, err := s.Create(ctx, team.NewTeam{Name: "Billing", MemberIDs: []int64{a1}})
		if err != nil {
			t.Fatal(err)
		}
		name, members := "Payments", []int64{a2}
		got, err := s.Update(ctx, tm.ID, team.Patch{Name: &name, MemberIDs: &members})
		if err != nil {
			t.Fatal(err)
		}
		again, err := s.Get(ctx, tm.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != "Payments" || !slices.Equal(again.MemberIDs, []int64{a2}) || again.Name != "Payments" {
			t.Fatalf("updated %+v, stored %+v", got, again)
		}
		entries, err := audit.List(ctx, d.Read(), audit.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if entries[0].Action != "team.updated" || entries[0].Details["name"] == nil || entries[0].Details["member_ids"] == nil {
			t.Fatalf("audit %+v", entries[0])
		}
		// A patch that changes nothing records nothing.
		if _, err := s.Update(ctx, tm.ID, team.Patch{Name: &name}); err != nil {
			t.Fatal(err)
		}
		if n := testutil.Count(t, d, "audit_log"); n != 2 {
			t.Errorf("%d audit entries, want 2", n)
		}
		if _, err := s.Update(ctx, 424242, team.Patch{Name: &name}); !apperr.Is(err, apperr.KindNotFound) {
			t.Errorf("unknown team: %v", err)
		}
	})
}

func TestDeleteKeepsTeamsWithTickets(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := team.NewService(d)
		ctx := testutil.As(testutil.NewUser(t, d, "admin"))
		used, err := s.Create(ctx, team.NewTeam{Name: "Billing"})
		if err != nil {
			t.Fatal(err)
		}
		unused, err := s.Create(ctx, team.NewTeam{Name: "Spare", MemberIDs: []int64{testutil.NewUser(t, d, "agent")}})
		if err != nil {
			t.Fatal(err)
		}
		tickets := ticket.NewService(d)
		tk, err := tickets.Create(ctx, ticket.NewTicket{Subject: "Refund", Body: "Please",
			Channel: "api", Requester: ticket.Requester{Email: "ada@example.com"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tickets.Update(ctx, tk.ID, ticket.Patch{TeamID: ticket.SetID(&used.ID)}); err != nil {
			t.Fatal(err)
		}
		if err := s.Delete(ctx, used.ID); !apperr.Is(err, apperr.KindConflict) {
			t.Fatalf("deleting a team with tickets: %v", err)
		}
		if err := s.Delete(ctx, unused.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Get(ctx, unused.ID); !apperr.Is(err, apperr.KindNotFound) {
			t.Fatalf("deleted team still there: %v", err)
		}
		if n := testutil.Count(t, d, "team_members"); n != 0 {
			t.Errorf("%d members left", n)
		}
	})
}
