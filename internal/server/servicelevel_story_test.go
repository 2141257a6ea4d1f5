package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	gomail "github.com/emersion/go-message/mail"

	"github.com/centerdesk/centerdesk/internal/alert"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/egress"
	"github.com/centerdesk/centerdesk/internal/feedback"
	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/mailbox"
	"github.com/centerdesk/centerdesk/internal/report"
	"github.com/centerdesk/centerdesk/internal/secret"
	"github.com/centerdesk/centerdesk/internal/settings"
	"github.com/centerdesk/centerdesk/internal/sla"
	"github.com/centerdesk/centerdesk/internal/team"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// TestServiceLevelStory is issue 17's "done when", through the API on a
// running server: a lead's desk gets business hours and a policy, a
// ticket's deadline is explained, one ticket misses its first reply so the
// team's service level drops to orange on the board, a rule "service
// level < 90% for 15 min" mails exactly once however often it is
// evaluated, the staffing plan says how many people the busy hours need,
// and the report's JSON, CSV and chart carry the same numbers.
func TestServiceLevelStory(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		box := newBox(t)
		relay := newRelay(t)
		if _, err := mailbox.NewService(d, box).Create(ctx, mailbox.NewMailbox{Address: "help@desk.test",
			Name: "Desk Help", SMTPHost: "127.0.0.1", SMTPPort: relay.port, SMTPSecurity: "none"}); err != nil {
			t.Fatal(err)
		}
		h, _ := runningHarnessWith(t, d, box)
		admin := h.createUser("ada@example.com", "admin")
		lead := h.createUser("lea@example.com", "lead")
		adminTok, leadTok := h.token(admin), h.token(lead)
		billing, err := team.NewService(d).Create(testutil.As(admin.ID), team.NewTeam{Name: "Billing", MemberIDs: []int64{lead.ID}})
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		zone := storyZone(now)
		loc, err := time.LoadLocation(zone)
		if err != nil {
			t.Fatal(err)
		}
		story := newStory(t, d, h, adminTok, billing.ID, loc, now)

		// Busy phone hours at 15:00 and 16:00 of this weekday, four weeks
		// running, solved in five minutes: the plan's history.
		story.phoneHistory(12)
		// A ticket that came in two hours ago and nobody answered, then
		// six answered at once.
		late := story.ticket("Nobody answered me", now.Add(-2*time.Hour))

		// The admin sets the desk's business hours (its zone, every day
		// 08:00-20:00) and a policy: first reply within one business hour.
		// The desk's time zone setting stays UTC: the board, the alert and
		// the plan read the day in the default schedule's zone.
		story.call(adminTok, "POST", "/api/v1/schedules", fmt.Sprintf(`{"name": "Desk hours", "time_zone": %q,
			"default": true, "intervals": %s}`, zone, everyDay("08:00", "20:00")), http.StatusCreated)
		story.call(adminTok, "POST", "/api/v1/sla-policies", `{"name": "Everyone", "position": 1,
			"targets": [{"metric": "first_reply", "minutes": 60, "business_hours": true}]}`, http.StatusCreated)
		var answered []int64
		for i := range 6 {
			id := story.ticket(fmt.Sprintf("Question %d", i+1), time.Time{})
			story.call(leadTok, "POST", fmt.Sprintf("/api/v1/tickets/%d/messages", id), `{"kind": "reply", "body": "Done."}`, http.StatusCreated)
			answered = append(answered, id)
		}

		// The late ticket's deadline is explained, in business hours, and
		// it has breached (the check job fires it at once).
		clock := story.waitClock(late, "breached")
		if !strings.Contains(clock.Explanation, "1 business hour") || clock.ScheduleName != "Desk hours" {
			t.Errorf("explanation %q, schedule %q", clock.Explanation, clock.ScheduleName)
		}
		t.Logf("the late ticket's deadline: %s", clock.Explanation)
		if c := story.waitClock(answered[0], "fulfilled"); c.Explanation == "" {
			t.Error("a fulfilled clock has no explanation")
		}
		// The ticket page shows the same sentence.
		b := h.browser()
		h.signIn(b, "lea@example.com")
		if page := body(t, h.get(b, fmt.Sprintf("/tickets/%d/sla", late))); !strings.Contains(html.UnescapeString(page), clock.Explanation) {
			t.Errorf("the ticket page lacks %q:\n%s", clock.Explanation, page)
		}

		// The board: 6 met, 1 missed is 85.7%, under the 95% goal and at or
		// above the 85% threshold: orange.
		level := story.waitBoard(leadTok, func(l judged) bool { return l.Met == 6 && l.Missed == 1 })
		if level.Colour != sla.Orange || level.Share == nil || fmt.Sprintf("%.1f", *level.Share*100) != "85.7" {
			t.Errorf("the board's first reply: %+v", level)
		}

		// The alert rule, evaluated minute by minute by a clock the test
		// moves: pending at once, still quiet at 14 minutes, firing at 15,
		// and still firing (no second mail) at 16, 20 and 30.
		resp, rule := h.api("POST", "/api/v1/alert-rules", leadTok, fmt.Sprintf(`{"name": "Billing answers late",
			"metric": "service_level", "op": "<", "threshold": 90, "duration_minutes": 15, "team_id": %d,
			"emails": ["lea@example.com"]}`, billing.ID))
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("create the rule: %d %v", resp.StatusCode, rule)
		}
		ruleID := int64(rule["id"].(float64))
		at := testutil.NewClock(time.Now().Add(time.Second))
		ev := storyEvaluator(t, d, box, at.Now)
		for _, step := range []struct {
			after time.Duration
			want  string
		}{{0, alert.StatePending}, {14 * time.Minute, alert.StatePending}, {time.Minute, alert.StateFiring},
			{time.Minute, alert.StateFiring}, {4 * time.Minute, alert.StateFiring}, {10 * time.Minute, alert.StateFiring}} {
			at.Add(step.after)
			if err := ev.Evaluate(ctx); err != nil {
				t.Fatal(err)
			}
			_, got := h.api("GET", fmt.Sprintf("/api/v1/alert-rules/%d", ruleID), leadTok, "")
			if got["state"] != step.want {
				t.Fatalf("at %v the rule is %v, want %s", at.Now().Sub(now).Round(time.Minute), got["state"], step.want)
			}
		}
		mail := relay.await(t, func(hd gomail.Header) bool {
			s, _ := hd.Subject()
			return strings.HasPrefix(s, "Alert firing: Billing answers late")
		})
		if text := mailText(t, mail); !strings.Contains(text, "85.7%") {
			t.Errorf("the alert mail does not say the level:\n%s", text)
		}
		// The mail job is done: nothing else is queued to be sent.
		story.waitNoMailQueued()
		if n := relay.count("Alert "); n != 1 {
			t.Errorf("%d alert mails, want exactly one", n)
		}

		// The staffing plan: the phone's 15:00 and 16:00 need people; none
		// are online, so it asks to add them.
		var plan struct {
			Channels []struct {
				Channel string
				Hours   []struct {
					Start           time.Time
					ArrivalsPerHour float64 `json:"arrivals_per_hour"`
					AgentsNeeded    int     `json:"agents_needed"`
				}
				Recommendations []struct {
					Add  int
					Text string
				}
			}
		}
		story.get(leadTok, "/api/v1/staffing/plan", &plan)
		if len(plan.Channels) == 0 || plan.Channels[0].Channel != "phone" {
			t.Fatalf("plan %+v", plan)
		}
		phone := plan.Channels[0]
		busy := 0
		for _, hr := range phone.Hours {
			local := hr.Start.In(loc).Hour()
			if local == 15 || local == 16 {
				busy++
				if hr.ArrivalsPerHour != 12 || hr.AgentsNeeded < 1 {
					t.Errorf("%02d:00: %v arrivals, %d agents", local, hr.ArrivalsPerHour, hr.AgentsNeeded)
				}
			} else if hr.AgentsNeeded != 0 {
				t.Errorf("quiet %02d:00 needs %d agents", local, hr.AgentsNeeded)
			}
		}
		if busy != 2 || len(phone.Recommendations) != 1 || !strings.Contains(phone.Recommendations[0].Text, "15:00-17:00") ||
			phone.Recommendations[0].Add < 1 {
			t.Errorf("busy hours %d, recommendations %+v", busy, phone.Recommendations)
		}

		t.Logf("the phone plan: %+v", phone.Recommendations)

		// The report: its JSON, its CSV and the page's chart are the same
		// numbers, and today's Billing row is the board's 85.7%.
		today := now.In(loc).Format(time.DateOnly)
		q := "from=" + today + "&to=" + today + "&metric=first_reply&group_by=team&time_zone=" + url.QueryEscape(zone)
		var res report.Result
		story.waitReport(leadTok, "/api/v1/reports/service_level?"+q, &res, func(r report.Result) bool {
			for _, row := range r.Rows {
				if row.GroupKey == fmt.Sprint(billing.ID) && row.Values["met"] == 6 && row.Values["missed"] == 1 {
					return true
				}
			}
			return false
		})
		csvText := story.raw(leadTok, "/api/v1/reports/service_level?format=csv&"+q)
		chart := chartOnPage(t, body(t, h.get(b, "/reports?name=service_level&"+q)))
		if err := report.SameNumbers(res, []byte(csvText), chart); err != nil {
			t.Errorf("report, CSV and chart differ: %v\nCSV:\n%s", err, csvText)
		}
		t.Logf("the CSV:\n%s", csvText)
		if !strings.Contains(csvText, "85.7") {
			t.Errorf("the CSV lacks 85.7:\n%s", csvText)
		}
	})
}

// storyZone is an IANA zone of whole hours where it is between 12:00 and
// 13:00 at now: the desk's day then holds the last two hours and the next
// eight, whenever the test runs.
func storyZone(now time.Time) string {
	east := 12 - now.UTC().Hour()
	switch {
	case east == 0:
		return "Etc/UTC"
	case east > 0:
		return fmt.Sprintf("Etc/GMT-%d", east)
	}
	return fmt.Sprintf("Etc/GMT+%d", -east)
}

func everyDay(start, end string) string {
	var parts []string
	for _, day := range []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"} {
		parts = append(parts, fmt.Sprintf(`{"day": %q, "start": %q, "end": %q}`, day, start, end))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

type story struct {
	t      *testing.T
	d      *db.DB
	h      *harness
	token  string
	teamID int64
	loc    *time.Location
	now    time.Time
}

func newStory(t *testing.T, d *db.DB, h *harness, token string, teamID int64, loc *time.Location, now time.Time) *story {
	return &story{t: t, d: d, h: h, token: token, teamID: teamID, loc: loc, now: now}
}

func (s *story) call(token, method, path, body string, want int) map[string]any {
	s.t.Helper()
	resp, out := s.h.api(method, path, token, body)
	if resp.StatusCode != want {
		s.t.Fatalf("%s %s: %d, want %d: %v", method, path, resp.StatusCode, want, out)
	}
	return out
}

func (s *story) get(token, path string, out any) {
	s.t.Helper()
	if err := json.Unmarshal([]byte(s.raw(token, path)), out); err != nil {
		s.t.Fatalf("GET %s: %v", path, err)
	}
}

func (s *story) raw(token, path string) string {
	s.t.Helper()
	req, _ := http.NewRequest("GET", s.h.url+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp := s.h.do(http.DefaultClient, req)
	text := body(s.t, resp)
	if resp.StatusCode != http.StatusOK {
		s.t.Fatalf("GET %s: %d\n%s", path, resp.StatusCode, text)
	}
	return text
}

// ticket creates an email ticket of the team through the API; a non-zero
// created moves its arrival back to then, as if it had waited since.
func (s *story) ticket(subject string, created time.Time) int64 {
	s.t.Helper()
	out := s.call(s.token, "POST", "/api/v1/tickets", fmt.Sprintf(`{"subject": %q, "body": "Please help.",
		"channel": "email", "requester": {"email": "ann@customer.test"}}`, subject), http.StatusCreated)
	id := int64(out["id"].(float64))
	s.call(s.token, "PATCH", fmt.Sprintf("/api/v1/tickets/%d", id), fmt.Sprintf(`{"team_id": %d}`, s.teamID), http.StatusOK)
	if !created.IsZero() {
		for _, q := range []string{`UPDATE tickets SET created_at = $1 WHERE id = $2`, `UPDATE messages SET created_at = $1 WHERE ticket_id = $2`} {
			if _, err := s.d.Write().Exec(q, db.Time(created), id); err != nil {
				s.t.Fatal(err)
			}
		}
	}
	return id
}

// phoneHistory writes perHour phone calls into 15:00 and 16:00 of this
// weekday in each of the last four weeks, each solved in five minutes,
// and rebuilds the report roll-up from them.
func (s *story) phoneHistory(perHour int) {
	s.t.Helper()
	ctx := context.Background()
	tickets := ticket.NewService(s.d)
	local := s.now.In(s.loc)
	for week := 1; week <= 4; week++ {
		day := local.AddDate(0, 0, -7*week)
		for _, hour := range []int{15, 16} {
			for i := range perHour {
				tk, err := tickets.Create(ctx, ticket.NewTicket{Subject: "Call", Body: "A call.", Channel: "phone",
					Requester: ticket.Requester{Email: fmt.Sprintf("caller%d@customer.test", i)}})
				if err != nil {
					s.t.Fatal(err)
				}
				at := time.Date(day.Year(), day.Month(), day.Day(), hour, i*60/perHour, 0, 0, s.loc)
				if _, err := s.d.Write().Exec(`UPDATE tickets SET status = 'solved', created_at = $1, updated_at = $2,
					first_reply_at = $2, solved_at = $2 WHERE id = $3`, db.Time(at), db.Time(at.Add(5*time.Minute)), tk.ID); err != nil {
					s.t.Fatal(err)
				}
			}
		}
	}
	if err := report.NewService(s.d).Rebuild(ctx); err != nil {
		s.t.Fatal(err)
	}
}

type storyClock struct {
	State        string
	Metric       string
	Explanation  string
	ScheduleName string `json:"schedule_name"`
}

// waitClock waits for ticket id's first reply clock to be in state.
func (s *story) waitClock(id int64, state string) storyClock {
	s.t.Helper()
	var last storyClock
	waitUntil(s.t, fmt.Sprintf("ticket %d's first reply %s", id, state), func() bool {
		var out struct{ Items []storyClock }
		s.get(s.token, fmt.Sprintf("/api/v1/tickets/%d/sla", id), &out)
		for _, c := range out.Items {
			if c.Metric == "first_reply" {
				last = c
			}
		}
		return last.State == state
	})
	return last
}

// judged is a service level on the board, with its colour.
type judged struct {
	sla.Level
	Colour string
}

// waitBoard waits until the team's first reply level on GET /api/v1/ops
// satisfies ok.
func (s *story) waitBoard(token string, ok func(judged) bool) judged {
	s.t.Helper()
	var level judged
	waitUntil(s.t, "the board", func() bool {
		var snap struct {
			Teams []struct {
				TeamID       int64 `json:"team_id"`
				ServiceLevel struct {
					FirstReply judged `json:"first_reply"`
				} `json:"service_level"`
			}
		}
		s.get(token, "/api/v1/ops", &snap)
		for _, c := range snap.Teams {
			if c.TeamID == s.teamID {
				level = c.ServiceLevel.FirstReply
				return ok(level)
			}
		}
		return false
	})
	return level
}

func (s *story) waitReport(token, path string, res *report.Result, ok func(report.Result) bool) {
	s.t.Helper()
	waitUntil(s.t, "the report", func() bool {
		*res = report.Result{}
		s.get(token, path, res)
		return ok(*res)
	})
}

// waitNoMailQueued waits until no alert mail is waiting to be sent.
func (s *story) waitNoMailQueued() {
	s.t.Helper()
	waitUntil(s.t, "alert mail jobs done", func() bool {
		var n int
		if err := s.d.Read().QueryRow(`SELECT COUNT(*) FROM jobs WHERE kind = $1 AND state <> 'done'`, alert.KindEmail).Scan(&n); err != nil {
			s.t.Fatal(err)
		}
		return n == 0
	})
}

func waitUntil(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("waited 30 s for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// chartOnPage is the chart data a report page draws.
func chartOnPage(t *testing.T, page string) report.Chart {
	t.Helper()
	const open = `<script type="application/json" id="report-chart-data">`
	i := strings.Index(page, open)
	if i < 0 {
		t.Fatalf("no chart data on the page:\n%s", page)
	}
	rest := page[i+len(open):]
	var ch report.Chart
	if err := json.Unmarshal([]byte(rest[:strings.Index(rest, "</script>")]), &ch); err != nil {
		t.Fatal(err)
	}
	return ch
}

// storyEvaluator is the alert service over the test's database, wired as
// the server wires its own but on the test's clock: a second node's
// evaluation, whose mail the running server's job queue sends.
func storyEvaluator(t *testing.T, d *db.DB, box *secret.Box, now func() time.Time) *alert.Service {
	t.Helper()
	queue := jobs.New(d, testutil.Logger(t), jobs.Options{})
	levels := sla.New(d, nil, sla.Options{Now: now})
	surveys := feedback.New(d, queue, nil, []byte("0123456789abcdef0123456789abcdef"), testutil.Logger(t), feedback.Options{})
	return alert.New(d, queue, nil, box, alert.Sources{SLA: levels, Feedback: surveys, Tickets: ticket.NewService(d),
		Settings: settings.NewStore(d)}, testutil.Logger(t), alert.Options{Egress: egress.New(egress.Options{}), Now: now})
}

// count is how many mails the relay accepted whose subject starts with
// prefix.
func (r *relay) count(prefix string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, raw := range r.mails {
		if m, err := gomail.CreateReader(bytes.NewReader(raw)); err == nil {
			if s, _ := m.Header.Subject(); strings.HasPrefix(s, prefix) {
				n++
			}
		}
	}
	return n
}
