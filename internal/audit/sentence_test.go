package audit_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

func TestEntriesReadAsSentences(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ada := testutil.NewUser(t, d, "admin")
		bob := testutil.NewUser(t, d, "agent")
		if _, err := d.Write().Exec(`UPDATE users SET name = 'Ada Admin' WHERE id = $1`, ada); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Write().Exec(`UPDATE users SET name = 'Bob Jones' WHERE id = $1`, bob); err != nil {
			t.Fatal(err)
		}
		ctx := audit.WithActor(context.Background(), audit.Actor{UserID: ada, Label: "ada@example.com"})
		system := context.Background()
		record := func(ctx context.Context, action, kind string, id any, details map[string]any) {
			t.Helper()
			if err := audit.Record(ctx, d.Write(), action, kind, id, details); err != nil {
				t.Fatal(err)
			}
		}
		record(ctx, "user.updated", "user", bob, map[string]any{"role": []string{"agent", "lead"}, "name": []string{"Bob", "Bob Jones"}})
		record(ctx, "calibration.closed", "calibration", 3, map[string]any{"agreement": map[int]float64{1: 93.05, 2: 80}})
		record(ctx, "settings.updated", "settings", "standing", map[string]any{"standing": map[string]any{
			"green_from": 80, "weights": map[string]any{"quality": 60}, "visible_to": "leads"}})
		record(ctx, "user.email_changed", "user", bob, map[string]any{"email": []string{"bob@old.test", "bob@new.test"}})
		record(system, "user.created", "user", bob, nil)
		record(ctx, "mailbox.deleted", "mailbox", 7, map[string]any{"address": "help@desk.test"})
		record(ctx, "gizmo.frobbed_twice", "gizmo_part", 9, map[string]any{"on": true, "tags": []string{"a", "b"}})
		record(system, "user.sign_in_failed", "user", "nobody@example.com", map[string]any{"reason": "no such user"})
		record(audit.WithActor(context.Background(), audit.Actor{UserID: bob, Label: "bob@example.com"}),
			"user.sign_in", "user", bob, map[string]any{"method": "password"})

		entries, err := audit.List(ctx, d.Read(), audit.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{
			"Bob Jones signed in (method: password)",
			"Someone failed to sign in as user nobody@example.com (reason: no such user)",
			"Ada Admin frobbed twice gizmo part #9 (on: yes, tags: a, b)",
			"Ada Admin deleted mailbox #7 (address: help@desk.test)",
			"Centerdesk created user Bob Jones",
			"Ada Admin changed email from bob@old.test to bob@new.test on user Bob Jones",
			"Ada Admin changed the settings (standing: (green from: 80, visible to: leads, weights: (quality: 60)))",
			"Ada Admin closed calibration #3 (agreement: (1: 93.05, 2: 80))",
			"Ada Admin changed name from Bob to Bob Jones, and role from agent to lead on user Bob Jones",
		}
		if len(entries) != len(want) {
			t.Fatalf("%d entries", len(entries))
		}
		for i, e := range entries {
			if e.Sentence != want[i] {
				t.Errorf("entry %s:\n got %q\nwant %q", e.Action, e.Sentence, want[i])
			}
			if strings.Contains(e.Sentence, "map[") || strings.Contains(e.Sentence, "[]") {
				t.Errorf("a Go value in %q", e.Sentence)
			}
		}

		// Filters: by person, by action, by date.
		byBob, _ := audit.List(ctx, d.Read(), audit.Filter{ActorID: bob})
		if len(byBob) != 1 || byBob[0].Action != "user.sign_in" {
			t.Errorf("by Bob: %+v", byBob)
		}
		closed, _ := audit.List(ctx, d.Read(), audit.Filter{Action: "calibration.closed"})
		if len(closed) != 1 {
			t.Errorf("by action: %+v", closed)
		}
		now := db.Now()
		if got, _ := audit.List(ctx, d.Read(), audit.Filter{From: now.Add(-time.Hour), Until: now.Add(time.Hour)}); len(got) != len(want) {
			t.Errorf("today: %d entries", len(got))
		}
		if got, _ := audit.List(ctx, d.Read(), audit.Filter{Until: now.Add(-time.Hour)}); len(got) != 0 {
			t.Errorf("before today: %d entries", len(got))
		}
		if got, _ := audit.List(ctx, d.Read(), audit.Filter{From: now.Add(time.Hour), ActorID: ada}); len(got) != 0 {
			t.Errorf("after today: %d entries", len(got))
		}
		actions, err := audit.Actions(ctx, d.Read())
		if err != nil || len(actions) != 9 || actions[0] != "calibration.closed" {
			t.Errorf("actions %v, %v", actions, err)
		}
		if l := audit.ActionLabel("user.sign_in_failed"); l != "User: failed to sign in as" {
			t.Errorf("label %q", l)
		}
	})
}
