package user_test

import (
	"context"
	"testing"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/user"
)

// TestLeadRole checks that the database and the service accept leads, and
// that a lead is not an admin: making the last admin a lead is refused.
func TestLeadRole(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		ctx := context.Background()
		admin := mustCreate(t, s, "admin@example.com", "admin")
		lead := mustCreate(t, s, "lead@example.com", "lead")
		if lead.Role != user.RoleLead || lead.IsAdmin() {
			t.Fatalf("lead: role %s, admin %v", lead.Role, lead.IsAdmin())
		}
		agent := mustCreate(t, s, "agent@example.com", "agent")
		role := "lead"
		if _, err := s.Update(ctx, agent.ID, user.Patch{Role: &role}); err != nil {
			t.Fatalf("promoting an agent to lead: %v", err)
		}
		if got, _ := s.Get(ctx, agent.ID); got.Role != user.RoleLead {
			t.Fatalf("role after promotion = %s", got.Role)
		}
		if _, err := s.Update(ctx, admin.ID, user.Patch{Role: &role}); !apperr.Is(err, apperr.KindConflict) {
			t.Fatalf("making the last admin a lead: err = %v, want conflict", err)
		}
		if _, err := user.ParseRole("owner"); !apperr.Is(err, apperr.KindInvalid) {
			t.Fatalf("ParseRole(owner) = %v, want invalid", err)
		}
	})
}

// TestIsLead is the one rule for "is this user a lead": leads and admins.
func TestIsLead(t *testing.T) {
	want := map[user.Role]bool{user.RoleAdmin: true, user.RoleLead: true, user.RoleAgent: false}
	for _, role := range user.Roles {
		if got := (&user.User{Role: role}).IsLead(); got != want[role] {
			t.Errorf("%s: IsLead() = %v", role, got)
		}
	}
}
