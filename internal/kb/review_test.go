package kb_test

import (
	"context"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/kb"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// TestSubmissionsAreReviewedAndCredited: an agent turns a reply into a
// draft and submits it; an editor sends it back with a comment (the author
// is notified), then approves it, which publishes it and credits the
// author with the team's chosen value.
func TestSubmissionsAreReviewedAndCredited(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		actx := testutil.As(f.agent.ID)
		tk, err := ticket.NewService(d).Create(actx, ticket.NewTicket{Subject: "Refund late", Body: "Where is it?",
			Requester: ticket.Requester{Email: "ada@example.com"}, Channel: "email"})
		if err != nil {
			t.Fatal(err)
		}
		subject, _, err := f.svc.TicketReply(actx, tk.ID, f.agent.ID)
		if err != nil || subject != "Refund late" {
			t.Fatalf("ticket reply: %q %v", subject, err)
		}
		var valueID int64
		now := db.Time(db.Now())
		if err := d.Write().QueryRow(`INSERT INTO team_values (name, code, colour, position, created_at, updated_at)
			VALUES ('Empathetic', 'E', '#aa0000', 1, $1, $1) RETURNING id`, now).Scan(&valueID); err != nil {
			t.Fatal(err)
		}
		st := kb.DefaultSettings
		st.CreditValueID = &valueID
		if err := f.svc.SaveSettings(actx, f.agent, st); !apperr.Is(err, apperr.KindForbidden) {
			t.Errorf("agent saved settings: %v", err)
		}
		if err := f.svc.SaveSettings(f.ctx, f.editor, st); err != nil {
			t.Fatal(err)
		}
		var credited []int64
		f.svc.OnPublished(func(ctx context.Context, a *kb.Article, editorID, value int64) {
			credited = append(credited, *a.AuthorID, editorID, value)
		})

		a, err := f.svc.Create(actx, f.agent, kb.NewArticle{Title: "Late refunds", BodyMarkdown: "Banks take a week.",
			CategoryID: f.cat.ID, SourceTicket: &tk.ID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Submit(actx, f.agent, a.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Approve(actx, f.agent, a.ID, kb.Patch{}); !apperr.Is(err, apperr.KindForbidden) {
			t.Errorf("agent approved: %v", err)
		}
		if _, err := f.svc.SendBack(f.ctx, f.editor, a.ID, " "); apperr.KindOf(err) != apperr.KindInvalid {
			t.Errorf("sent back without a comment: %v", err)
		}
		back, err := f.svc.SendBack(f.ctx, f.editor, a.ID, "Say which banks.")
		if err != nil || back.SubmittedAt != nil || back.ReviewNote != "Say which banks." {
			t.Fatalf("sent back: %+v %v", back, err)
		}
		if n := testutil.Count(t, d, "notifications"); n != 1 {
			t.Errorf("notifications: %d", n)
		}
		queue, _ := f.svc.InReview(f.ctx)
		if len(queue) != 0 {
			t.Errorf("in review after sending back: %d", len(queue))
		}
		body := "Most banks take a week; some take two."
		if _, err := f.svc.Update(actx, f.agent, a.ID, kb.Patch{BodyMarkdown: &body}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Submit(actx, f.agent, a.ID); err != nil {
			t.Fatal(err)
		}
		if queue, _ = f.svc.InReview(f.ctx); len(queue) != 1 {
			t.Fatalf("in review: %d", len(queue))
		}
		pub, err := f.svc.Approve(f.ctx, f.editor, a.ID, kb.Patch{})
		if err != nil || pub.Status != kb.Published || pub.SubmittedAt != nil {
			t.Fatalf("approved: %+v %v", pub, err)
		}
		if len(credited) != 3 || credited[0] != f.agent.ID || credited[1] != f.editor.ID || credited[2] != valueID {
			t.Errorf("credited %v", credited)
		}
		if c, _ := f.svc.ContributionsOf(f.ctx, f.agent.ID, 5); c.Count != 1 || len(c.Latest) != 1 {
			t.Errorf("contributions %+v", c)
		}
	})
}

// TestStaleArticlesAreFlaggedAndOwnersReminded: an article unconfirmed
// past the days, and one most readers found unhelpful, need review; the
// owner is reminded once, and confirming clears the first.
func TestStaleArticlesAreFlaggedAndOwnersReminded(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		clock := db.Now()
		kb.SetNow(f.svc, func() time.Time { return clock })
		old := f.publish(t, "Old article", "Old words.")
		unhelpful := f.publish(t, "Unhelpful article", "Vague words.")
		f.publish(t, "Fine article", "Good words.")
		for i := 0; i < 6; i++ {
			if err := f.svc.RecordVote(f.ctx, unhelpful.Slug, kb.Vote{Helpful: i == 0}); err != nil {
				t.Fatal(err)
			}
		}
		stale, err := f.svc.NeedsReview(f.ctx)
		if err != nil || len(stale) != 1 || stale[0].Article.ID != unhelpful.ID {
			t.Fatalf("before the days pass: %+v %v", stale, err)
		}
		clock = clock.AddDate(0, 0, 181)
		if err := f.svc.Confirm(f.ctx, f.editor, unhelpful.ID); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Confirm(testutil.As(f.agent.ID), f.agent, old.ID); !apperr.Is(err, apperr.KindForbidden) {
			t.Errorf("another agent confirmed: %v", err)
		}
		if stale, _ = f.svc.NeedsReview(f.ctx); len(stale) != 3 {
			// old and fine by age; unhelpful by its votes though confirmed
			t.Fatalf("after 181 days: %d", len(stale))
		}
		for i := 0; i < 2; i++ {
			n, err := f.svc.RemindOwners(f.ctx)
			if err != nil {
				t.Fatal(err)
			}
			if want := []int{3, 0}[i]; n != want {
				t.Errorf("reminders, round %d: %d, want %d", i, n, want)
			}
		}
		if err := f.svc.Confirm(f.ctx, f.editor, old.ID); err != nil {
			t.Fatal(err)
		}
		if stale, _ = f.svc.NeedsReview(f.ctx); len(stale) != 2 {
			t.Errorf("after confirming: %d", len(stale))
		}
	})
}
