package browsertest

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/events"
	"github.com/centerdesk/centerdesk/internal/quality"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/user"
)

// answerSurvey does what package feedback does when a customer answers:
// the survey's rows (written here straight into its tables) and the
// feedback.answered event, in one transaction; the running server's
// consumers take it from there.
func (e *env) answerSurvey(ticketID, agentID int64, csat, ces int, comment string) int64 {
	e.t.Helper()
	var id int64
	err := e.d.Tx(context.Background(), func(ctx context.Context, tx *sql.Tx) error {
		now := db.Time(db.Now())
		if err := tx.QueryRowContext(ctx, `INSERT INTO feedback_surveys (ticket_id, solve_event_id, customer_id,
			channel, assignee_id, team_id, status, token_nonce, solved_at, sent_at, answered_at, changed_at, csat, ces,
			comment, created_at, updated_at)
			SELECT id, id * 1000 + (SELECT COUNT(*) FROM feedback_surveys), requester_id, channel, assignee_id, team_id,
				'answered', 'n', $2, $2, $2, $2, $3, $4, $5, $2, $2
			FROM tickets WHERE id = $1 RETURNING id`, ticketID, now, csat, ces, comment).Scan(&id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO feedback_survey_agents (survey_id, user_id, is_assignee, replied)
			VALUES ($1, $2, true, true)`, id, agentID); err != nil {
			return err
		}
		return events.Append(ctx, tx, &events.Event{TicketID: ticketID, Type: "feedback.answered",
			ActorType: events.ActorCustomer, Data: map[string]any{"survey_id": id, "csat": csat, "ces": ces,
				"has_comment": comment != "", "first": true}})
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

// feedbackChartDrawn is JavaScript that is true once ECharts has drawn the
// agent page's feedback chart with ink on its canvas, month by month the
// same figures as the table beside it.
const feedbackChartDrawn = `(() => {
	const el = document.getElementById("feedback-chart-canvas");
	const chart = el && window.echarts && echarts.getInstanceByDom(el);
	const c = el && el.querySelector("canvas");
	if (!chart || !c) return false;
	const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
	let ink = 0;
	for (let i = 3; i < d.length; i += 4) if (d[i] > 0) ink++;
	if (ink < 2000) return false;
	const opt = chart.getOption();
	const fmt = (v, places, unit) => v == null || v === "-" ? "–" : Number(v).toFixed(places) + unit;
	const rows = [...document.querySelectorAll("table.feedback-series tbody tr")];
	return rows.length > 0 && rows.length === opt.xAxis[0].data.length && rows.every((r, i) => {
		const td = r.querySelectorAll("td");
		return r.querySelector("th").textContent === opt.xAxis[0].data[i] &&
			td[1].textContent === fmt(opt.series[0].data[i], 1, "%") && td[2].textContent === fmt(opt.series[1].data[i], 1, "%") &&
			td[3].textContent === fmt(opt.series[2].data[i], 2, "") && td[4].textContent === fmt(opt.series[3].data[i], 2, "");
	});
})()`

// TestFeedbackReachesPeople: a customer's comment reaches the agent as a
// notification and on their page; another agent's page does not show it;
// the wall shows it to everyone with the customer's first name, and a lead
// turns it into a recognition post. Desktop and phone.
func TestFeedbackReachesPeople(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		lea := e.person("lea@example.com", "Lea Lead", user.RoleLead)
		ana := e.agent("ana@example.com", "Ana Lima")
		bo := e.agent("bo@example.com", "Bo Berg")
		if _, err := quality.NewService(d).PutPhilosophy(testutil.As(lea.ID), lea, quality.PhilosophyInput{Vision: "Heard.",
			Values: []quality.ValueInput{{Name: "Empathetic", Code: "E", Colour: "#aa0000"}}}); err != nil {
			t.Fatal(err)
		}
		tk := e.newTicket("My kettle broke after a week", "It stopped heating.")
		e.assign(tk.ID, ana.ID)
		e.solve(tk.ID)
		other := e.newTicket("Where is my refund?", "Two weeks now.")
		e.assign(other.ID, bo.ID)
		e.solve(other.ID)
		e.answerSurvey(tk.ID, ana.ID, 5, 7, "Ana replaced it the same day. <b>Wonderful</b> service!")
		e.answerSurvey(other.ID, bo.ID, 2, 2, "It took three emails to get an answer.")

		at := e.tab()
		e.run(at, "desktop viewport", chromedp.EmulateViewport(1366, 768))
		e.signIn(at, ana.Email)
		var note string
		e.run(at, "Ana's notifications",
			chromedp.Navigate(e.url+"/notifications"),
			waitFor(`document.querySelector("main").textContent.includes("A customer left a comment on #`+itoa(tk.Number)+`")`),
			chromedp.Text(`main`, &note, chromedp.ByQuery))
		var mine string
		e.run(at, "Ana's page",
			chromedp.Navigate(e.url+"/me"),
			chromedp.WaitVisible(`#customer-feedback`, chromedp.ByID),
			chromedp.Text(`#customer-feedback`, &mine, chromedp.ByID))
		if !strings.Contains(mine, "Ana replaced it the same day. <b>Wonderful</b> service!") ||
			strings.Contains(mine, "three emails") || !strings.Contains(mine, "#"+itoa(tk.Number)) {
			t.Fatalf("Ana's feedback card:\n%s", mine)
		}
		e.run(at, "the feedback chart is drawn, with the table's figures", waitFor(feedbackChartDrawn))
		e.shot(at, "agent-page-desktop")
		var hidden bool
		e.run(at, "Bo's page is not Ana's to read",
			chromedp.Navigate(e.url+"/agents/"+itoa(bo.ID)),
			chromedp.WaitReady(`main`, chromedp.ByQuery),
			chromedp.Evaluate(`!document.body.textContent.includes("three emails")`, &hidden))
		if !hidden {
			t.Fatal("Ana read the comment on Bo's work")
		}
		var wall string
		e.run(at, "the wall for an agent",
			chromedp.Navigate(e.url+"/wall"),
			chromedp.WaitVisible(`ol.wall`, chromedp.ByQuery),
			chromedp.Text(`ol.wall`, &wall, chromedp.ByQuery))
		if !strings.Contains(wall, "Cleo") || strings.Contains(wall, "Cleo Customer") ||
			!strings.Contains(wall, "three emails") || strings.Contains(wall, "Recognise this") {
			t.Fatalf("Ana's wall:\n%s", wall)
		}
		e.checkPhoneWidth(at, "/wall", "/me", "/customers/"+itoa(tk.RequesterID))
		e.run(at, "phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)),
			chromedp.Navigate(e.url+"/me"), chromedp.WaitVisible(`#customer-feedback`, chromedp.ByID), waitFor(feedbackChartDrawn))
		e.shot(at, "agent-page-phone")

		lt := e.tab()
		e.run(lt, "desktop viewport", chromedp.EmulateViewport(1366, 768))
		e.signIn(lt, lea.Email)
		e.run(lt, "the lead filters the wall to positive comments",
			chromedp.Navigate(e.url+"/wall"),
			chromedp.WaitVisible(`#band`, chromedp.ByID),
			chromedp.SetValue(`#band`, "positive", chromedp.ByID),
			chromedp.Submit(`#band`, chromedp.ByID),
			waitFor(`location.search.includes("band=positive")`),
			chromedp.WaitVisible(`ol.wall`, chromedp.ByQuery))
		var filtered string
		e.run(lt, "read it", chromedp.Text(`ol.wall`, &filtered, chromedp.ByQuery))
		if strings.Contains(filtered, "three emails") || !strings.Contains(filtered, "Wonderful") {
			t.Fatalf("positive only:\n%s", filtered)
		}
		e.shot(lt, "wall-desktop")
		e.run(lt, "recognise Ana's comment",
			chromedp.Click(`details.recognise summary`, chromedp.ByQuery),
			chromedp.WaitVisible(`details.recognise textarea`, chromedp.ByQuery),
			chromedp.SendKeys(`details.recognise textarea`, "Empathy, in the customer's own words.", chromedp.ByQuery),
			chromedp.Submit(`details.recognise textarea`, chromedp.ByQuery),
			waitFor(`document.body.textContent.includes("Posted to the recognition feed")`),
			waitFor(`document.querySelector(".recognised") !== null`))
		e.shot(lt, "wall-recognised-desktop")
		var feed string
		e.run(lt, "the post is in the feed",
			chromedp.Navigate(e.url+"/recognition"),
			waitFor(`document.body.textContent.includes("Empathy, in the customer's own words.")`),
			chromedp.Text(`main`, &feed, chromedp.ByQuery))
		if !strings.Contains(feed, "Ana Lima") || !strings.Contains(feed, "Wonderful") {
			t.Fatalf("feed:\n%s", feed)
		}
		e.run(lt, "phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)),
			chromedp.Navigate(e.url+"/wall"), chromedp.WaitVisible(`ol.wall`, chromedp.ByQuery))
		e.shot(lt, "wall-phone")
		e.run(lt, "customer page on a phone", chromedp.Navigate(e.url+"/customers/"+itoa(tk.RequesterID)),
			chromedp.WaitVisible(`.customer-answers`, chromedp.ByQuery))
		e.shot(lt, "customer-phone")
		e.checkProblems()
	})
}
