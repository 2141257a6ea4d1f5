package browsertest

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/quality"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/user"
)

// TestAuditLogReadsAsSentences: an admin changes an agent's role; the
// audit log says so in a sentence, filters by person to it, and fits a
// phone.
func TestAuditLogReadsAsSentences(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ada := e.person("ada@example.com", "Ada Admin", user.RoleAdmin)
		bob := e.agent("bob@example.com", "Bob Agent")
		lead := string(user.RoleLead)
		if _, err := e.users.Update(testutil.As(ada.ID), bob.ID, user.Patch{Role: &lead}); err != nil {
			t.Fatal(err)
		}
		tab := e.tab()
		e.run(tab, "desktop viewport", chromedp.EmulateViewport(1366, 768))
		e.signIn(tab, "ada@example.com")
		var sentences string
		e.run(tab, "filter the log by Ada",
			chromedp.Navigate(e.url+"/admin/audit"),
			chromedp.WaitVisible(`#actor_id`, chromedp.ByID),
			chromedp.SetValue(`#actor_id`, itoa(ada.ID), chromedp.ByID),
			chromedp.Submit(`#actor_id`, chromedp.ByID),
			waitFor(`location.search.includes("actor_id=`+itoa(ada.ID)+`")`),
			chromedp.Text(`table.audit-log tbody`, &sentences, chromedp.ByQuery),
		)
		if !strings.Contains(sentences, "Ada Admin changed role from agent to lead on user Bob Agent") ||
			strings.Contains(sentences, "map[") || strings.Contains(sentences, "Bob Agent signed in") {
			t.Fatalf("the filtered log reads:\n%s", sentences)
		}
		e.shot(tab, "audit-desktop")
		e.checkPhoneWidth(tab, "/admin/audit")
		e.run(tab, "phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)),
			chromedp.Navigate(e.url+"/admin/audit"), chromedp.WaitVisible(`table.audit-log`, chromedp.ByQuery))
		e.shot(tab, "audit-phone")
		e.checkProblems()
	})
}

// TestLeaderboardWithTooFewReviews: an agent who solved a ticket but has
// no review yet shows "not enough reviews yet" on the leaderboard and
// their page, not a score.
func TestLeaderboardWithTooFewReviews(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		lea := e.person("lea@example.com", "Lea Lead", user.RoleLead)
		ana := e.agent("ana@example.com", "Ana Lima")
		tk := e.newTicket("My kettle broke after a week", "It stopped heating.")
		e.assign(tk.ID, ana.ID)
		e.solve(tk.ID)
		q := quality.NewService(d)
		ctx := testutil.As(lea.ID)
		p, err := q.PutPhilosophy(ctx, lea, quality.PhilosophyInput{Vision: "Heard.",
			Values: []quality.ValueInput{{Name: "Empathetic", Code: "E", Colour: "#aa0000"}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := q.CreateScorecard(ctx, lea, quality.NewScorecard{Name: "Weekly",
			Categories: []quality.NewCategory{{ValueID: p.Values[0].ID}}}); err != nil {
			t.Fatal(err)
		}
		from, to := db.Now().Add(-24*time.Hour), db.Now().Add(24*time.Hour)
		if _, err := q.CreatePeriod(ctx, lea, quality.NewPeriod{StartsAt: &from, EndsAt: &to, PerAgent: 5}); err != nil {
			t.Fatal(err)
		}

		tab := e.tab()
		e.run(tab, "desktop viewport", chromedp.EmulateViewport(1366, 768))
		e.signIn(tab, "lea@example.com")
		var row, score string
		e.run(tab, "open the leaderboard",
			chromedp.Navigate(e.url+"/leaderboard"),
			chromedp.WaitVisible(`table.leaderboard`, chromedp.ByQuery),
			chromedp.Text(`table.leaderboard tbody`, &row, chromedp.ByQuery),
			chromedp.Text(`table.leaderboard tbody td[data-label="Score"]`, &score, chromedp.ByQuery),
		)
		if !strings.Contains(row, "Ana Lima") || strings.TrimSpace(score) != "Not enough reviews yet: 0 of the 3 a score needs" {
			t.Fatalf("leaderboard row:\n%s", row)
		}
		e.shot(tab, "leaderboard-desktop")
		var tier string
		e.run(tab, "open Ana's page",
			chromedp.Navigate(e.url+"/agents/"+itoa(ana.ID)),
			chromedp.WaitVisible(`#score-reason`, chromedp.ByID),
			chromedp.Text(`#score-reason`, &tier, chromedp.ByID),
		)
		if !strings.Contains(tier, "Not enough reviews yet") {
			t.Fatalf("agent page says %q", tier)
		}
		e.shot(tab, "agent-desktop")
		e.checkPhoneWidth(tab, "/leaderboard", "/agents/"+itoa(ana.ID))
		e.run(tab, "phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)),
			chromedp.Navigate(e.url+"/leaderboard"), chromedp.WaitVisible(`table.leaderboard`, chromedp.ByQuery))
		e.shot(tab, "leaderboard-phone")
		e.run(tab, "agent page on a phone", chromedp.Navigate(e.url+"/agents/"+itoa(ana.ID)),
			chromedp.WaitVisible(`#score-reason`, chromedp.ByID))
		e.shot(tab, "agent-phone")
		e.checkProblems()
	})
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }
