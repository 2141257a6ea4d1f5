package browsertest

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/jhillyerd/enmime/v2"

	"github.com/chromedp/chromedp"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/mailbox"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

// mailCatcher is an SMTP relay that keeps the text of what it is sent: the
// desk's outgoing mail server in the portal test.
type mailCatcher struct {
	mu    sync.Mutex
	texts []string
}

func (c *mailCatcher) NewSession(*smtp.Conn) (smtp.Session, error) { return &catchSession{c: c}, nil }

type catchSession struct{ c *mailCatcher }

func (s *catchSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *catchSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *catchSession) Reset()                               {}
func (s *catchSession) Logout() error                        { return nil }
func (s *catchSession) Data(r io.Reader) error {
	env, err := enmime.ReadEnvelope(r)
	if err != nil {
		return err
	}
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	s.c.texts = append(s.c.texts, env.Text)
	return nil
}

// sendingMailbox gives the desk a mailbox that sends through a mail
// catcher (the portal hands out sign-in links only when it can send).
func (e *env) sendingMailbox() *mailCatcher {
	e.t.Helper()
	c := &mailCatcher{}
	srv := smtp.NewServer(c)
	srv.Domain = "relay.test"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		e.t.Fatal(err)
	}
	go srv.Serve(ln)
	e.t.Cleanup(func() { srv.Close() })
	_, err = mailbox.NewService(e.d, e.box).Create(context.Background(), mailbox.NewMailbox{
		Address: "help@desk.test", Name: "Desk Help", SMTPHost: "127.0.0.1",
		SMTPPort: ln.Addr().(*net.TCPAddr).Port, SMTPSecurity: "none"})
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

var signInLinkRE = regexp.MustCompile(`/portal/signin/[A-Za-z0-9_-]+`)

// signInLink waits for the sign-in mail and returns its link's path, as the
// customer would follow it.
func (c *mailCatcher) signInLink(t *testing.T) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		c.mu.Lock()
		for _, text := range c.texts {
			if link := signInLinkRE.FindString(text); link != "" {
				c.mu.Unlock()
				return link
			}
		}
		c.mu.Unlock()
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("no sign-in link was mailed")
	return ""
}

// TestCustomerPortal: a customer signs in by link, submits a request, sees
// the agent's answer and replies.
func TestCustomerPortal(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		bo := e.agent("bo@example.com", "Bo Berg")
		relay := e.sendingMailbox()

		cu := e.tab()
		e.run(cu, "ask for a sign-in link",
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
			waitFor(`location.pathname.startsWith("/portal/tickets/") && document.body.textContent.includes("Order 1234 was due last week.")`),
		)
		var path string
		e.run(cu, "read the address", chromedp.Evaluate(`location.pathname`, &path))
		id, err := strconv.ParseInt(strings.TrimPrefix(path, "/portal/tickets/"), 10, 64)
		if err != nil {
			t.Fatalf("request page %q: %v", path, err)
		}
		e.shot(cu, "portal-request")

		token := e.token(bo.ID)
		e.apiReply(token, id, "It ships today, sorry for the wait.")
		e.run(cu, "see the answer",
			chromedp.Reload(),
			waitFor(`document.getElementById("portal-conversation").textContent.includes("It ships today, sorry for the wait.")`),
		)
		e.run(cu, "reply",
			chromedp.SendKeys(`#body`, "Thank you!", chromedp.ByID),
			chromedp.Submit(`#body`, chromedp.ByID),
			waitFor(`document.getElementById("portal-conversation").textContent.includes("Thank you!")`),
		)
		e.shot(cu, "portal-reply")
		// The agent's side has the customer's reply.
		if msgs := e.apiMessages(token, id); !strings.Contains(msgs, "Thank you!") {
			t.Fatalf("the ticket's messages lack the customer's reply: %s", msgs)
		}
		e.checkProblems()
	})
}

// apiMessages returns the ticket's messages as the API gives them.
func (e *env) apiMessages(token string, id int64) string {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", fmt.Sprintf("%s/api/v1/tickets/%d/messages", e.url, id), nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}
