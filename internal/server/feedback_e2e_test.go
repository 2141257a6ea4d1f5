package server_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	gomail "github.com/emersion/go-message/mail"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/mailbox"
	"github.com/centerdesk/centerdesk/internal/secret"
	"github.com/centerdesk/centerdesk/internal/server"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

// startSurveyDesk is startMailDesk with the public URL set to the server's
// own address, so the survey mail's links lead back to it.
func startSurveyDesk(t *testing.T, d *db.DB, box *secret.Box) *mailDesk {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(t)
	cfg.PublicURL = "http://" + ln.Addr().String()
	srv, err := server.New(cfg, testutil.Logger(t), d, box, server.Options{PasswordParams: fastParams})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx, ln) }()
	var once sync.Once
	m := &mailDesk{t: t, d: d, box: box, base: cfg.PublicURL}
	m.stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("run: %v", err)
			}
		})
	}
	t.Cleanup(m.stop)
	return m
}

// mailText is the text part of a mail.
func mailText(t *testing.T, raw []byte) string {
	t.Helper()
	r, err := gomail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			t.Fatalf("no text part in:\n%s", raw)
		}
		if err != nil {
			t.Fatal(err)
		}
		if h, ok := p.Header.(*gomail.InlineHeader); ok {
			if ct, _, _ := mime.ParseMediaType(h.Get("Content-Type")); ct == "text/plain" {
				b, err := io.ReadAll(p.Body)
				if err != nil {
					t.Fatal(err)
				}
				return string(b)
			}
		}
	}
}

type apiSurvey struct {
	Status     string     `json:"status"`
	URL        string     `json:"url"`
	SentAt     *time.Time `json:"sent_at"`
	AnsweredAt *time.Time `json:"answered_at"`
	CSAT       *int       `json:"csat"`
	CES        *int       `json:"ces"`
	Comment    string     `json:"comment"`
	Reason     string     `json:"reason"`
}

// TestSurveyMailIsSafeFromScannersAndAnsweredByPost runs the whole path on
// a real server and a real SMTP relay: a solve mails the survey, a scanner
// that opens every link (GET and HEAD, several times) records nothing, the
// form's POST records one answer that a second POST replaces, a low score
// needs recovery, and after a reopen a POST answers 410 and records
// nothing.
func TestSurveyMailIsSafeFromScannersAndAnsweredByPost(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		box := newBox(t)
		relay := newRelay(t)
		if _, err := mailbox.NewService(d, box).Create(ctx, mailbox.NewMailbox{Address: "help@desk.test",
			Name: "Desk Help", SMTPHost: "127.0.0.1", SMTPPort: relay.port, SMTPSecurity: "none"}); err != nil {
			t.Fatal(err)
		}
		desk := startSurveyDesk(t, d, box)
		desk.withToken("agent", "agent")
		var tk apiTicket
		if code := desk.call("POST", "/api/v1/tickets", `{"subject": "Printer on fire", "channel": "email",
			"requester": {"email": "ann@customer.test", "name": "Ann"}, "body": "It smokes."}`, &tk); code != http.StatusCreated {
			t.Fatalf("create: %d", code)
		}
		if code := desk.call("POST", fmt.Sprintf("/api/v1/tickets/%d/messages", tk.ID),
			`{"kind": "reply", "body": "Unplug it."}`, nil); code != http.StatusCreated {
			t.Fatalf("reply: %d", code)
		}
		if code := desk.call("PATCH", fmt.Sprintf("/api/v1/tickets/%d", tk.ID), `{"status": "solved"}`, nil); code != http.StatusOK {
			t.Fatalf("solve: %d", code)
		}
		raw := relay.await(t, func(h gomail.Header) bool {
			s, _ := h.Subject()
			return strings.Contains(s, "Printer on fire") && h.Get("Auto-Submitted") != ""
		})
		text := mailText(t, raw)
		links := regexp.MustCompile(`https?://\S+`).FindAllString(text, -1)
		if len(links) != 5 || !strings.Contains(text, "How would you rate the support you received?") {
			t.Fatalf("survey mail with %d links:\n%s", len(links), text)
		}
		for i, l := range links {
			if want := fmt.Sprintf("?csat=%d", 5-i); !strings.HasSuffix(l, want) || !strings.HasPrefix(l, desk.base+"/feedback/") {
				t.Fatalf("link %q, want %s on %s/feedback/", l, want, desk.base)
			}
		}
		survey := func() apiSurvey {
			var sv apiSurvey
			if code := desk.call("GET", fmt.Sprintf("/api/v1/tickets/%d/survey", tk.ID), "", &sv); code != http.StatusOK {
				t.Fatalf("survey: %d", code)
			}
			return sv
		}

		// The scanner: every link, GET and HEAD, three times, no cookies.
		for range 3 {
			for _, l := range links {
				for _, method := range []string{"GET", "HEAD"} {
					req, _ := http.NewRequest(method, l, nil)
					resp, err := http.DefaultClient.Do(req)
					if err != nil {
						t.Fatal(err)
					}
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK {
						t.Fatalf("%s %s: %d", method, l, resp.StatusCode)
					}
				}
			}
		}
		if sv := survey(); sv.Status != "sent" || sv.AnsweredAt != nil || sv.CSAT != nil || sv.SentAt == nil {
			t.Fatalf("after the scanner: %+v", sv)
		}
		page := surveyGet(t, links[1]) // ?csat=4
		if !regexp.MustCompile(`name="csat" value="4"\s+checked`).MatchString(page) ||
			!strings.Contains(page, "Centerdesk made it easy for me to handle my issue") {
			t.Fatalf("the page does not choose 4:\n%s", page)
		}
		if sv := survey(); !strings.HasPrefix(links[0], sv.URL+"?") {
			t.Fatalf("API url %q, mail link %q", sv.URL, links[0])
		}

		// The customer's browser posts the form; a second post replaces it.
		form := url.Values{"csat": {"2"}, "ces": {"3"}, "comment": {"Slow."}, "reason": {"It took too long"}}
		if code, body := surveyPost(t, desk.base, links[1], form); code != http.StatusOK || !strings.Contains(body, "Thank you") {
			t.Fatalf("answer: %d\n%s", code, body)
		}
		if sv := survey(); sv.Status != "answered" || *sv.CSAT != 2 || *sv.CES != 3 || sv.Reason != "It took too long" {
			t.Fatalf("after the answer: %+v", sv)
		}
		var recovery struct {
			Items []struct {
				TicketID int64 `json:"ticket_id"`
			}
		}
		if code := desk.call("GET", "/api/v1/feedback/recovery", "", &recovery); code != http.StatusOK ||
			len(recovery.Items) != 1 || recovery.Items[0].TicketID != tk.ID {
			t.Fatalf("recovery: %d %+v", code, recovery)
		}
		if code, _ := surveyPost(t, desk.base, links[0], url.Values{"csat": {"5"}, "ces": {"6"}}); code != http.StatusOK {
			t.Fatalf("second answer: %d", code)
		}
		var list struct{ Items []apiSurvey }
		if code := desk.call("GET", "/api/v1/feedback", "", &list); code != http.StatusOK || len(list.Items) != 1 ||
			*list.Items[0].CSAT != 5 || list.Items[0].Comment != "" {
			t.Fatalf("answers: %d %+v", code, list.Items)
		}
		var sum struct {
			Groups []struct {
				Answered, Sent int
				CSATScore      *float64 `json:"csat_score"`
			}
		}
		if code := desk.call("GET", "/api/v1/feedback/summary?group_by=channel", "", &sum); code != http.StatusOK ||
			len(sum.Groups) != 1 || sum.Groups[0].Answered != 1 || sum.Groups[0].Sent != 1 || *sum.Groups[0].CSATScore != 100 {
			t.Fatalf("summary: %d %+v", code, sum)
		}
		for path, field := range map[string]string{
			"/api/v1/feedback/summary?group_by=week":                              "group_by",
			"/api/v1/feedback/summary?group_by=day&from=2026-12-05&to=2026-12-01": "from",
			"/api/v1/feedback?score=9":                                            "score",
			"/api/v1/feedback?ces=0":                                              "ces",
			"/api/v1/feedback?has_comment=maybe":                                  "has_comment",
		} {
			var e struct{ Error struct{ Field string } }
			if code := desk.call("GET", path, "", &e); code != http.StatusBadRequest || e.Error.Field != field {
				t.Errorf("%s: %d naming %q, want 400 naming %s", path, code, e.Error.Field, field)
			}
		}
		if code, _ := surveyPost(t, desk.base, links[0], url.Values{"csat": {"6"}}); code != http.StatusBadRequest {
			t.Errorf("csat 6: %d, want 400", code)
		}

		// The customer may ask for no more surveys.
		optOut := strings.SplitN(links[0], "?", 2)[0] + "/opt-out"
		if code, _ := surveyPost(t, desk.base, optOut, url.Values{}); code != http.StatusOK {
			t.Fatalf("opt out: %d", code)
		}
		if !strings.Contains(surveyGet(t, links[0]), "You will not get surveys from us any more.") {
			t.Fatal("the page does not say the customer opted out")
		}
		if n := testutil.Count(t, d, "feedback_opt_outs"); n != 1 {
			t.Fatalf("%d opt-outs, want 1", n)
		}

		// Reopened: the link shows so, and a POST records nothing.
		if code := desk.call("PATCH", fmt.Sprintf("/api/v1/tickets/%d", tk.ID), `{"status": "open"}`, nil); code != http.StatusOK {
			t.Fatalf("reopen: %d", code)
		}
		if code, body := surveyPost(t, desk.base, links[0], url.Values{"csat": {"1"}}); code != http.StatusGone ||
			!strings.Contains(body, "This request was reopened") {
			t.Fatalf("answer after reopen: %d\n%s", code, body)
		}
		if !strings.Contains(surveyGet(t, links[0]), "This request was reopened") {
			t.Fatal("the link does not say the request was reopened")
		}
		if sv := survey(); *sv.CSAT != 5 {
			t.Fatalf("after reopen: %+v", sv)
		}
	})
}

func surveyGet(t *testing.T, link string) string {
	t.Helper()
	resp, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", link, resp.StatusCode)
	}
	return string(b)
}

// surveyPost sends the survey form as a browser does from the page (same origin).
func surveyPost(t *testing.T, origin, link string, form url.Values) (int, string) {
	t.Helper()
	req, err := http.NewRequest("POST", link, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", origin)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
