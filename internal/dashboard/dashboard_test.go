package dashboard_test

import (
	"context"
	"testing"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/dashboard"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/user"
)

func TestDashboardsAreSavedAndSharedWithWhomTheySay(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		owner, other, admin := e.user("lead", ""), e.user("lead", ""), e.user("admin", "")
		member, outsider := e.user("agent", ""), e.user("agent", "")
		support := e.team("Support", owner, member)

		if _, err := e.svc.Create(ctx, member, dashboard.NewDashboard{Name: "Mine"}); !apperr.Is(err, apperr.KindForbidden) {
			t.Fatalf("an agent created a dashboard: %v", err)
		}
		dash, err := e.svc.Create(ctx, owner, dashboard.NewDashboard{Name: " Support daily ", Widgets: []dashboard.Widget{
			{Report: "volume", GroupBy: "channel", Range: "last_7_days", Chart: "bar", Size: "full"},
			{Report: "first_reply_time"},
		}})
		if err != nil {
			t.Fatal(err)
		}
		w := dash.Widgets[1]
		if dash.Name != "Support daily" || dash.SharedWith != "nobody" || w.Range != "last_7_days" || w.Chart != "auto" || w.Size != "half" {
			t.Fatalf("saved %+v", dash)
		}

		sees := map[string]bool{}
		check := func(label string, want map[string]bool) {
			t.Helper()
			for name, u := range map[string]*user.User{"owner": owner, "other": other, "admin": admin,
				"member": member, "outsider": outsider} {
				_, err := e.svc.Get(ctx, u, dash.ID)
				list, lerr := e.svc.List(ctx, u)
				if lerr != nil {
					t.Fatal(lerr)
				}
				sees[name] = err == nil
				if err != nil && !apperr.Is(err, apperr.KindNotFound) {
					t.Fatalf("%s: %s: %v", label, name, err)
				}
				if (len(list) == 1) != sees[name] {
					t.Errorf("%s: %s lists %d dashboards, opens it: %v", label, name, len(list), sees[name])
				}
				if sees[name] != want[name] {
					t.Errorf("%s: %s opens it: %v, want %v", label, name, sees[name], want[name])
				}
			}
		}
		check("not shared", map[string]bool{"owner": true, "admin": true})

		share := func(with string, teamID *int64) {
			t.Helper()
			if _, err := e.svc.Update(ctx, owner, dash.ID, dashboard.Patch{SharedWith: &with, TeamID: teamID}); err != nil {
				t.Fatal(err)
			}
		}
		share("team", &support.ID)
		check("shared with Support", map[string]bool{"owner": true, "admin": true, "member": true})
		share("everyone", nil)
		check("shared with everyone", map[string]bool{"owner": true, "admin": true, "member": true, "other": true, "outsider": true})

		name := "Taken over"
		if _, err := e.svc.Update(ctx, other, dash.ID, dashboard.Patch{Name: &name}); !apperr.Is(err, apperr.KindForbidden) {
			t.Errorf("another lead changed it: %v", err)
		}
		if err := e.svc.Delete(ctx, member, dash.ID); !apperr.Is(err, apperr.KindForbidden) {
			t.Errorf("an agent it is shared with deleted it: %v", err)
		}
		// Reordering is sending the widgets in the new order.
		order := []dashboard.Widget{dash.Widgets[1], dash.Widgets[0]}
		got, err := e.svc.Update(ctx, admin, dash.ID, dashboard.Patch{Widgets: &order})
		if err != nil || got.Widgets[0].Report != "first_reply_time" || got.SharedWith != "everyone" {
			t.Fatalf("reordered: %+v %v", got, err)
		}
		if err := e.svc.Delete(ctx, owner, dash.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Get(ctx, admin, dash.ID); !apperr.Is(err, apperr.KindNotFound) {
			t.Errorf("deleted, still there: %v", err)
		}
	})
}

func TestBadDashboardsAreRefusedNamingTheField(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		lead := e.user("lead", "")
		teamless := int64(987654)
		for want, n := range map[string]dashboard.NewDashboard{
			"name":                {Name: "  "},
			"shared_with":         {Name: "x", SharedWith: "friends"},
			"team_id":             {Name: "x", SharedWith: "team"},
			"widgets[1].report":   {Name: "x", Widgets: []dashboard.Widget{{Report: "volume"}, {Report: "speed"}}},
			"widgets[0].range":    {Name: "x", Widgets: []dashboard.Widget{{Report: "volume", Range: "last_8_days"}}},
			"widgets[0].group_by": {Name: "x", Widgets: []dashboard.Widget{{Report: "volume", GroupBy: "moon"}}},
			"widgets[0].chart":    {Name: "x", Widgets: []dashboard.Widget{{Report: "volume", Chart: "pie"}}},
			"widgets[0].size":     {Name: "x", Widgets: []dashboard.Widget{{Report: "volume", Size: "huge"}}},
			"widgets":             {Name: "x", Widgets: make([]dashboard.Widget, dashboard.MaxWidgets+1)},
		} {
			_, err := e.svc.Create(context.Background(), lead, n)
			if ae, ok := apperr.As(err); !ok || ae.Kind != apperr.KindInvalid || ae.Field != want {
				t.Errorf("%s: %v", want, err)
			}
		}
		_, err := e.svc.Create(context.Background(), lead, dashboard.NewDashboard{Name: "x", SharedWith: "team", TeamID: &teamless})
		if ae, ok := apperr.As(err); !ok || ae.Field != "team_id" {
			t.Errorf("unknown team: %v", err)
		}
		if n := testutil.Count(t, d, "dashboards"); n != 0 {
			t.Errorf("%d dashboards saved", n)
		}
	})
}
