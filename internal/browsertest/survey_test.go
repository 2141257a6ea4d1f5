package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

// surveyOf is the ticket's survey as the API gives it.
type surveyOf struct {
	Status string `json:"status"`
	URL    string `json:"url"`
	CSAT   *int   `json:"csat"`
	CES    *int   `json:"ces"`
}

// apiJSON calls the API with token and decodes the answer into out.
func (e *env) apiJSON(token, method, path, body string, out any) int {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, method, e.url+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			e.t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, b)
		}
	}
	return resp.StatusCode
}

// awaitSurvey waits until the ticket's survey is sent (the consumer and
// the job ran) and returns it.
func (e *env) awaitSurvey(token string, id int64) surveyOf {
	e.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var sv surveyOf
		e.apiJSON(token, "GET", fmt.Sprintf("/api/v1/tickets/%d/survey", id), "", &sv)
		if sv.Status == "sent" {
			return sv
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("the survey of %d is %q, never sent", id, sv.Status)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestCustomerAnswersTheSurvey: a customer whose portal request was solved
// answers the survey on the request's page at phone size, then changes the
// answer from the survey link at desktop size.
func TestCustomerAnswersTheSurvey(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		bo := e.agent("bo@example.com", "Bo Berg")
		relay := e.sendingMailbox()
		token := e.token(bo.ID)

		cu := e.tab()
		e.run(cu, "sign in to the portal",
			chromedp.EmulateViewport(390, 844),
			chromedp.Navigate(e.url+"/portal"),
			chromedp.WaitVisible(`#email`, chromedp.ByID),
			chromedp.SendKeys(`#email`, "cleo@example.com", chromedp.ByID),
			chromedp.Submit(`#email`, chromedp.ByID),
			waitFor(`document.body.textContent.includes("Check your email")`),
		)
		e.run(cu, "follow the link",
			chromedp.Navigate(e.url+relay.signInLink(t)),
			chromedp.Click(`form[action^="/portal/signin/"] button[type=submit]`, chromedp.ByQuery),
		)
		e.waitPath(cu, "/portal")
		e.run(cu, "write a request",
			chromedp.Navigate(e.url+"/portal/tickets/new"),
			chromedp.WaitVisible(`#subject`, chromedp.ByID),
			chromedp.SendKeys(`#subject`, "My order never came", chromedp.ByID),
			chromedp.SendKeys(`#description`, "Order 1234 was due last week.", chromedp.ByID),
			chromedp.Submit(`#subject`, chromedp.ByID),
			waitFor(`location.pathname.startsWith("/portal/tickets/")`),
		)
		var path string
		e.run(cu, "read the address", chromedp.Evaluate(`location.pathname`, &path))
		id, err := strconv.ParseInt(strings.TrimPrefix(path, "/portal/tickets/"), 10, 64)
		if err != nil {
			t.Fatalf("request page %q: %v", path, err)
		}
		e.apiReply(token, id, "It ships today, sorry for the wait.")
		if code := e.apiJSON(token, "PATCH", fmt.Sprintf("/api/v1/tickets/%d", id), `{"status": "solved"}`, nil); code != http.StatusOK {
			t.Fatalf("solve: %d", code)
		}
		sv := e.awaitSurvey(token, id)

		// At phone size, on the solved request's page.
		var wide string
		e.run(cu, "see the survey on the request",
			chromedp.Reload(),
			chromedp.WaitVisible(`#portal-survey`, chromedp.ByID),
			chromedp.Evaluate(tooWide, &wide),
		)
		e.shot(cu, "390-portal-survey")
		if wide != "" {
			t.Errorf("the request's page scrolls sideways at 390 px: %s", wide)
		}
		e.run(cu, "answer on the request's page",
			chromedp.Click(`#portal-survey input[name=csat][value="2"]`, chromedp.ByQuery),
			chromedp.Click(`#portal-survey input[name=ces][value="3"]`, chromedp.ByQuery),
			chromedp.SetValue(`#survey-reason`, "It took too long", chromedp.ByID),
			chromedp.SendKeys(`#survey-comment`, "It came a week late.", chromedp.ByID),
			chromedp.Click(`#portal-survey button[type=submit]`, chromedp.ByQuery),
			waitFor(`document.getElementById("survey-thanks") !== null`),
			chromedp.Evaluate(tooWide, &wide),
		)
		e.shot(cu, "390-survey-thanks")
		if wide != "" {
			t.Errorf("the thanks page scrolls sideways at 390 px: %s", wide)
		}
		var got surveyOf
		e.apiJSON(token, "GET", fmt.Sprintf("/api/v1/tickets/%d/survey", id), "", &got)
		if got.Status != "answered" || got.CSAT == nil || *got.CSAT != 2 || got.CES == nil || *got.CES != 3 {
			t.Fatalf("after the portal answer: %+v", got)
		}

		// At desktop size, from the link with a score in it: the page
		// shows that score chosen; sending changes the answer.
		desk := e.tab()
		var checked bool
		e.run(desk, "open the survey link",
			chromedp.EmulateViewport(1366, 768),
			chromedp.Navigate(e.url+sv.URL+"?csat=5"),
			chromedp.WaitVisible(`#survey-form`, chromedp.ByID),
			chromedp.Evaluate(`document.querySelector('input[name=csat][value="5"]').checked`, &checked),
		)
		e.shot(desk, "1366-survey-form")
		if !checked {
			t.Error("the link's score is not chosen")
		}
		e.run(desk, "change the answer",
			chromedp.Click(`input[name=ces][value="6"]`, chromedp.ByQuery),
			chromedp.Click(`#survey-send`, chromedp.ByID),
			waitFor(`document.getElementById("survey-thanks") !== null`),
		)
		e.shot(desk, "1366-survey-thanks")
		e.apiJSON(token, "GET", fmt.Sprintf("/api/v1/tickets/%d/survey", id), "", &got)
		if got.CSAT == nil || *got.CSAT != 5 || got.CES == nil || *got.CES != 6 {
			t.Fatalf("after the change: %+v", got)
		}
		e.checkProblems()
	})
}
