package feedback_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/feedback"
	"github.com/centerdesk/centerdesk/internal/team"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// TestDailySumsAgreeWithTheSurveys lives a desk's surveys through their
// real paths (sent, answered, changed, reopened, answered before the mail
// went, a team deleted) every two days and a few hours over two months,
// and asks the summary over ranges that begin and end inside hours, on day
// and month edges and across them: the fast path (whole months and days
// from feedback_daily) must answer exactly what counting the surveys
// answers.
func TestDailySumsAgreeWithTheSurveys(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		other := testutil.NewUser(t, d, "agent")
		teams := team.NewService(d)
		care, err := teams.Create(testutil.As(f.agent), team.NewTeam{Name: "Care"})
		if err != nil {
			t.Fatal(err)
		}
		gone, err := teams.Create(testutil.As(f.agent), team.NewTeam{Name: "Gone"})
		if err != nil {
			t.Fatal(err)
		}
		start := f.clock.Now()
		var ofGone []int64
		for i := range 30 {
			f.clock.Add(51*time.Hour + 7*time.Minute)
			teamID := []int64{0, care.ID, gone.ID}[i%3]
			tk := f.solvedFor(t, fmt.Sprintf("c%d@example.com", i), []string{"email", "portal"}[i%2], teamID, i%4 == 0, other)
			token := f.svc.Token(f.survey(t, tk.ID))
			if teamID == gone.ID {
				ofGone = append(ofGone, tk.ID)
			}
			switch i % 5 {
			case 0: // answered, then changed
				f.answer(t, token, ptr(2), ptr(3))
				f.clock.Add(time.Hour)
				f.answer(t, token, ptr(5), nil)
			case 1: // answered with CSAT only, then reopened: counted, frozen
				f.answer(t, token, ptr(4), nil)
				f.setStatus(t, tk.ID, "open")
				f.settle(t)
			case 2: // sent, never answered, reopened: void
				f.setStatus(t, tk.ID, "open")
				f.settle(t)
			case 3:
				f.answer(t, token, nil, ptr(6))
			} // 4: sent, not answered
		}
		for _, id := range ofGone { // the surveys keep the team until it is deleted
			if _, err := f.tickets.Update(testutil.As(f.agent), id, ticket.Patch{TeamID: ticket.SetID(nil)}); err != nil {
				t.Fatal(err)
			}
		}
		f.settle(t)
		if err := teams.Delete(testutil.As(f.agent), gone.ID); err != nil {
			t.Fatal(err)
		}
		end := f.clock.Now()
		var ranges [][2]time.Time
		day := start.UTC().Truncate(24 * time.Hour)
		month := time.Date(day.Year(), day.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, 1, 0)
		endDay := end.UTC().Truncate(24 * time.Hour)
		endMonth := time.Date(endDay.Year(), endDay.Month(), 1, 0, 0, 0, 0, time.UTC)
		for _, from := range []time.Time{start.Add(-time.Hour), day, day.Add(13*time.Hour + 11*time.Minute),
			day.Add(24 * time.Hour), month, month.Add(5 * time.Hour), month.AddDate(0, 0, 3)} {
			for _, to := range []time.Time{end.Add(time.Hour), endDay, endMonth, endMonth.Add(48*time.Hour + 1),
				endMonth.Add(-30 * time.Minute), day.Add(72 * time.Hour), day.Add(49*time.Hour + 30*time.Minute), from} {
				if !to.Before(from) {
					ranges = append(ranges, [2]time.Time{from, to})
				}
			}
		}
		for _, r := range ranges {
			for _, by := range feedback.GroupBys {
				fast, err := f.svc.Summarize(ctx, by, r[0], r[1])
				if err != nil {
					t.Fatal(err)
				}
				slow, err := f.svc.SummarizeFromSurveys(ctx, by, r[0], r[1])
				if err != nil {
					t.Fatal(err)
				}
				if got, want := fmt.Sprintf("%+v", lines(fast)), fmt.Sprintf("%+v", lines(slow)); got != want {
					t.Errorf("%s..%s by %s:\n fast %s\nslow %s", r[0], r[1], by, got, want)
				}
			}
			fast, err := f.svc.Overall(ctx, r[0], r[1])
			if err != nil {
				t.Fatal(err)
			}
			slow, err := f.svc.OverallFromSurveys(ctx, r[0], r[1])
			if err != nil {
				t.Fatal(err)
			}
			if got, want := line(fast), line(slow); got != want {
				t.Errorf("%s..%s overall:\n fast %s\nslow %s", r[0], r[1], got, want)
			}
			byTeam, err := f.svc.SummarizeFromSurveys(ctx, "team", r[0], r[1])
			if err != nil {
				t.Fatal(err)
			}
			for _, tm := range []int64{0, care.ID} {
				want := slow.CSATScore
				for _, g := range byTeam.Groups {
					if tm != 0 && g.Key == strconv.FormatInt(tm, 10) {
						want = g.CSATScore
					}
				}
				if tm != 0 && !slices.ContainsFunc(byTeam.Groups, func(g feedback.Group) bool { return g.Key == strconv.FormatInt(tm, 10) }) {
					want = nil
				}
				got, err := f.svc.CSATScore(ctx, tm, r[0], r[1])
				if err != nil || num(got, 1) != num(want, 1) {
					t.Errorf("%s..%s CSAT score of team %d: %s, %v; want %s", r[0], r[1], tm, num(got, 1), err, num(want, 1))
				}
			}
		}
		whole, err := f.svc.Overall(ctx, start.Add(-time.Hour), end.Add(time.Hour))
		if err != nil || whole.Sent != 30 || whole.Answered != 18 {
			t.Fatalf("the whole desk: %s, %v; want 30 sent, 18 answered", line(whole), err)
		}
		var months int
		if err := d.Read().QueryRow(`SELECT COUNT(*) FROM feedback_daily WHERE span = 'month'`).Scan(&months); err != nil || months == 0 {
			t.Fatalf("%d months kept, %v: the fast path was not tried", months, err)
		}
	})
}

// solvedFor is solved with a team (0: none) and, when both, a second
// public replier.
func (f *fixture) solvedFor(t *testing.T, email, channel string, teamID int64, both bool, other int64) *ticket.Ticket {
	t.Helper()
	ctx := testutil.As(f.agent)
	tk, err := f.tickets.Create(ctx, ticket.NewTicket{Subject: "Printer on fire",
		Requester: ticket.Requester{Email: email}, Body: "Help.", Channel: channel})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.tickets.AddMessage(ctx, tk.ID, "Put it out.", ticket.KindReply); err != nil {
		t.Fatal(err)
	}
	if both {
		if _, err := f.tickets.AddMessage(testutil.As(other), tk.ID, "Or run.", ticket.KindReply); err != nil {
			t.Fatal(err)
		}
	}
	p := ticket.Patch{AssigneeID: ticket.SetID(&f.agent)}
	if teamID != 0 {
		p.TeamID = ticket.SetID(&teamID)
	}
	if _, err := f.tickets.Update(ctx, tk.ID, p); err != nil {
		t.Fatal(err)
	}
	f.setStatus(t, tk.ID, "solved")
	f.settle(t)
	return tk
}

func (f *fixture) answer(t *testing.T, token string, csat, ces *int) {
	t.Helper()
	if _, err := f.svc.Answer(context.Background(), token, feedback.Input{CSAT: csat, CES: ces}); err != nil {
		t.Fatal(err)
	}
}

func lines(s *feedback.Summary) []string {
	out := []string{}
	for _, g := range s.Groups {
		out = append(out, g.Name+" "+line(g))
	}
	return out
}

func line(g feedback.Group) string {
	return fmt.Sprintf("%s sent %d answered %d rr %s csat %s mean %s ces %s easy %s", g.Key, g.Sent, g.Answered,
		num(g.ResponseRate, 1), num(g.CSATScore, 1), num(g.CSATMean, 2), num(g.CESMean, 2), num(g.CESEasy, 1))
}

// TestDailySumsKeepConcurrentAnswers answers surveys of the same day at
// once (the same day's rows, upserted by every answer): none is lost or
// counted twice.
func TestDailySumsKeepConcurrentAnswers(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		var tokens []string
		for i := range 8 {
			tk := f.solved(t, fmt.Sprintf("c%d@example.com", i), "email")
			tokens = append(tokens, f.svc.Token(f.survey(t, tk.ID)))
		}
		var wg sync.WaitGroup
		errs := make([]error, len(tokens))
		for i, token := range tokens {
			wg.Go(func() {
				_, errs[i] = f.svc.Answer(context.Background(), token, feedback.Input{CSAT: ptr(1 + i%5), CES: ptr(1 + i%7)})
			})
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		day := f.clock.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -1)
		from, to := day, day.AddDate(0, 0, 3) // whole days: read from the kept sums alone
		fast, err := f.svc.Overall(context.Background(), from, to)
		if err != nil {
			t.Fatal(err)
		}
		slow, err := f.svc.OverallFromSurveys(context.Background(), from, to)
		if err != nil {
			t.Fatal(err)
		}
		if line(fast) != line(slow) || fast.Answered != 8 {
			t.Fatalf("after concurrent answers:\n fast %s\nslow %s", line(fast), line(slow))
		}
	})
}
