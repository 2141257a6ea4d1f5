package server_test

import (
	"bytes"
	"context"
	"database/sql"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-smtp"
	"github.com/jhillyerd/enmime/v2"

	"github.com/centerdesk/centerdesk/internal/attachment"
	"github.com/centerdesk/centerdesk/internal/customer"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/mailbox"
	"github.com/centerdesk/centerdesk/internal/settings"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// mailCatcher is a real SMTP server that keeps what it is sent: the relay
// of the desk's mailbox in the portal tests.
type mailCatcher struct {
	mu    sync.Mutex
	mails []*enmime.Envelope
	to    [][]string
	port  int
}

func newMailCatcher(t *testing.T) *mailCatcher {
	t.Helper()
	c := &mailCatcher{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &catchSession{c: c}, nil }))
	srv.Domain = "relay.test"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c.port = ln.Addr().(*net.TCPAddr).Port
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return c
}

type catchSession struct {
	c  *mailCatcher
	to []string
}

func (s *catchSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *catchSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}
func (s *catchSession) Reset()        { s.to = nil }
func (s *catchSession) Logout() error { return nil }
func (s *catchSession) Data(r io.Reader) error {
	env, err := enmime.ReadEnvelope(r)
	if err != nil {
		return err
	}
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	s.c.mails = append(s.c.mails, env)
	s.c.to = append(s.c.to, s.to)
	return nil
}

// portalDesk is a running server with a mailbox whose relay is a
// mailCatcher, and a cookie jar per customer.
type portalDesk struct {
	*harness
	relay *mailCatcher
}

func newPortalDesk(t *testing.T, d *db.DB) *portalDesk {
	t.Helper()
	p := &portalDesk{harness: newHarness(t, d), relay: newMailCatcher(t)}
	_, err := mailbox.NewService(d, newBox(t)).Create(context.Background(), mailbox.NewMailbox{
		Address: "help@desk.test", Name: "Desk Help", SMTPHost: "127.0.0.1", SMTPPort: p.relay.port,
		SMTPSecurity: "none"})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

var portalLinkRE = regexp.MustCompile(`http://127\.0\.0\.1:\d+/portal/signin/[A-Za-z0-9_-]{43}`)

// askForLink posts the sign-in form and returns the answer's page.
func (p *portalDesk) askForLink(c *http.Client, email string) (int, string) {
	p.t.Helper()
	resp := p.postForm(c, "/portal/signin", url.Values{"email": {email}})
	return resp.StatusCode, body(p.t, resp)
}

// linkFor sends the queued mail and returns the path of the sign-in link
// mailed to email last.
func (p *portalDesk) linkFor(email string) string {
	p.t.Helper()
	if _, err := p.srv.RunJobs(context.Background()); err != nil {
		p.t.Fatal(err)
	}
	p.relay.mu.Lock()
	defer p.relay.mu.Unlock()
	for i := len(p.relay.mails) - 1; i >= 0; i-- {
		if len(p.relay.to[i]) != 1 || p.relay.to[i][0] != email {
			continue
		}
		if subject := p.relay.mails[i].GetHeader("Subject"); !strings.HasPrefix(subject, "Your sign-in link for ") {
			p.t.Fatalf("mail to %s has subject %q", email, subject)
		}
		link := portalLinkRE.FindString(p.relay.mails[i].Text)
		if link == "" {
			p.t.Fatalf("no link in the mail to %s:\n%s", email, p.relay.mails[i].Text)
		}
		if !strings.Contains(p.relay.mails[i].HTML, `<a href="`+link+`">`) {
			p.t.Fatalf("the link in the HTML mail to %s cannot be clicked:\n%s", email, p.relay.mails[i].HTML)
		}
		return strings.TrimPrefix(link, p.url)
	}
	p.t.Fatalf("no mail to %s", email)
	return ""
}

// signInCustomer signs a new browser in to the portal as email.
func (p *portalDesk) signInCustomer(email string) *http.Client {
	p.t.Helper()
	c := p.browser()
	if status, _ := p.askForLink(c, email); status != http.StatusOK {
		p.t.Fatalf("ask for a link: %d", status)
	}
	resp := p.postForm(c, p.linkFor(email), nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/portal" {
		p.t.Fatalf("use the link: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	return c
}

// postMultipart posts a form with a file to path.
func (p *portalDesk) postMultipart(c *http.Client, path string, fields map[string]string, file, content string) *http.Response {
	p.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if file != "" {
		fw, err := mw.CreateFormFile("attachments", file)
		if err != nil {
			p.t.Fatal(err)
		}
		fw.Write([]byte(content))
	}
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, p.url+path, &buf)
	if err != nil {
		p.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return p.do(c, req)
}

func ticketIDFrom(t *testing.T, location string) int64 {
	t.Helper()
	id, err := strconv.ParseInt(strings.TrimPrefix(location, "/portal/tickets/"), 10, 64)
	if err != nil {
		t.Fatalf("redirect to %q", location)
	}
	return id
}

func TestPortalFlow(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		p := newPortalDesk(t, d)
		ctx := context.Background()
		tickets := ticket.NewService(d)
		b := p.browser()

		resp := p.get(b, "/portal")
		page := body(t, resp)
		if resp.StatusCode != http.StatusOK || !strings.Contains(page, `<label for="email">`) {
			t.Fatalf("portal sign-in: %d\n%s", resp.StatusCode, page)
		}
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "style-src 'self'") || strings.Contains(csp, "unsafe-inline") {
			t.Fatalf("CSP %q", csp)
		}
		if strings.Contains(page, "style=") || hasInlineScript(page) {
			t.Fatal("the portal page has inline style or script")
		}

		// Asking for a link: the answer is the same for a stranger, and
		// asking creates nobody.
		customers := count(t, d, "customers")
		status, known := p.askForLink(b, "ann@example.com")
		_, unknown := p.askForLink(p.browser(), "nobody@example.com")
		if status != http.StatusOK || strings.ReplaceAll(unknown, "nobody@", "ann@") != known ||
			!strings.Contains(known, "Check your email") {
			t.Fatalf("answers differ:\n%s\n---\n%s", known, unknown)
		}
		if got := count(t, d, "customers"); got != customers {
			t.Fatalf("asking for links made customers: %d -> %d", customers, got)
		}

		link := p.linkFor("ann@example.com")
		resp = p.get(b, link) // a mail scanner's visit uses nothing up
		page = body(t, resp)
		if resp.StatusCode != http.StatusOK || !strings.Contains(page, `action="`+link+`"`) {
			t.Fatalf("link page: %d\n%s", resp.StatusCode, page)
		}
		before := sessionCookie(t, p.harness, b)
		resp = p.postForm(b, link, nil)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("confirm: %d", resp.StatusCode)
		}
		if after := sessionCookie(t, p.harness, b); after == "" || after == before {
			t.Fatal("the session token was not renewed on sign-in")
		}
		// Used up: a second use, from anywhere, is refused with a way on.
		resp = p.postForm(p.browser(), link, nil)
		if page := body(t, resp); resp.StatusCode != http.StatusGone || !strings.Contains(page, "Ask for a new link") {
			t.Fatalf("second use: %d\n%s", resp.StatusCode, page)
		}

		resp = p.get(b, "/portal")
		if page := body(t, resp); resp.StatusCode != http.StatusOK || !strings.Contains(page, "Your requests") {
			t.Fatalf("tickets page: %d\n%s", resp.StatusCode, page)
		}

		// A new request, with a file.
		resp = p.postMultipart(b, "/portal/tickets", map[string]string{"subject": "Printer on fire",
			"description": "It smokes <b>a lot</b>"}, "smoke.txt", "grey smoke")
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("new request: %d\n%s", resp.StatusCode, body(t, resp))
		}
		id := ticketIDFrom(t, resp.Header.Get("Location"))
		tk, err := tickets.Get(ctx, id)
		if err != nil || tk.Channel != "portal" || tk.Subject != "Printer on fire" {
			t.Fatalf("ticket %+v, %v", tk, err)
		}
		resp = p.postMultipart(b, "/portal/tickets", map[string]string{"subject": " ", "description": "x"}, "", "")
		if page := body(t, resp); resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, `id="subject" name="subject"`) ||
			!strings.Contains(page, `aria-invalid="true"`) {
			t.Fatalf("request without a subject: %d\n%s", resp.StatusCode, page)
		}

		agent := testutil.As(testutil.NewUser(t, d, "agent"))
		if _, err := tickets.AddMessage(agent, id, "Internal: the customer sounds upset", ticket.KindNote); err != nil {
			t.Fatal(err)
		}
		if _, err := tickets.AddMessage(agent, id, "Please unplug it", ticket.KindReply); err != nil {
			t.Fatal(err)
		}
		resp = p.get(b, "/portal/tickets/"+strconv.FormatInt(id, 10))
		page = body(t, resp)
		if resp.StatusCode != http.StatusOK || !strings.Contains(page, "Please unplug it") ||
			!strings.Contains(page, "It smokes &lt;b&gt;a lot&lt;/b&gt;") || !strings.Contains(page, "smoke.txt") {
			t.Fatalf("ticket page: %d\n%s", resp.StatusCode, page)
		}
		if strings.Contains(page, "sounds upset") {
			t.Fatal("the customer sees an internal note")
		}
		file := regexp.MustCompile(`/portal/tickets/\d+/attachments/\d+`).FindString(page)
		resp = p.get(b, file)
		if got := body(t, resp); resp.StatusCode != http.StatusOK || got != "grey smoke" {
			t.Fatalf("download %s: %d %q", file, resp.StatusCode, got)
		}

		// A reply reopens a solved ticket, as mail does.
		solved := "solved"
		if _, err := tickets.Update(agent, id, ticket.Patch{Status: &solved}); err != nil {
			t.Fatal(err)
		}
		path := "/portal/tickets/" + strconv.FormatInt(id, 10)
		resp = p.postMultipart(b, path+"/replies", map[string]string{"body": "It is smoking again"}, "", "")
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("reply: %d\n%s", resp.StatusCode, body(t, resp))
		}
		if tk, _ := tickets.Get(ctx, id); tk.Status != "open" {
			t.Fatalf("status after the reply: %s", tk.Status)
		}
		resp = p.postForm(b, path+"/solve", nil)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("solve: %d\n%s", resp.StatusCode, body(t, resp))
		}
		if tk, _ := tickets.Get(ctx, id); tk.Status != "solved" {
			t.Fatalf("status after solve: %s", tk.Status)
		}
		if page := body(t, p.get(b, "/portal")); !strings.Contains(page, "Solved") {
			t.Fatalf("list after solve:\n%s", page)
		}

		// Closed is final: a reply is refused and a follow-up offered.
		closed := "closed"
		if _, err := tickets.Update(agent, id, ticket.Patch{Status: &closed}); err != nil {
			t.Fatal(err)
		}
		resp = p.postMultipart(b, path+"/replies", map[string]string{"body": "hello?"}, "", "")
		if page := body(t, resp); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "follow_up_of="+strconv.FormatInt(id, 10)) {
			t.Fatalf("reply to closed: %d\n%s", resp.StatusCode, page)
		}

		// Signing out ends the portal session.
		if resp := p.postForm(b, "/portal/signout", nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign out: %d", resp.StatusCode)
		}
		if resp := p.get(b, path); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/portal" {
			t.Fatalf("ticket after sign-out: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
}

func customerID(t *testing.T, d *db.DB, email string) int64 {
	t.Helper()
	c, err := customer.NewService(d).GetByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return c.ID
}

func sessionCookie(t *testing.T, h *harness, c *http.Client) string {
	t.Helper()
	for _, ck := range c.Jar.Cookies(mustURL(t, h.url)) {
		if ck.Name == "centerdesk_session" {
			return ck.Value
		}
	}
	return ""
}

func TestPortalCustomersSeeOnlyTheirOwn(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		p := newPortalDesk(t, d)
		tickets := ticket.NewService(d)
		ann := p.signInCustomer("ann@example.com")
		bob := p.signInCustomer("bob@example.com")

		resp := p.postMultipart(ann, "/portal/tickets", map[string]string{"subject": "Ann's secret subject",
			"description": "private"}, "ann.txt", "ann's file")
		id := ticketIDFrom(t, resp.Header.Get("Location"))
		path := "/portal/tickets/" + strconv.FormatInt(id, 10)
		page := body(t, p.get(ann, path))
		file := regexp.MustCompile(`/portal/tickets/\d+/attachments/\d+`).FindString(page)

		// A note's file is never served, even to the ticket's customer.
		agent := testutil.As(testutil.NewUser(t, d, "agent"))
		noteFile := p.uploadAsAgent(agent, "note.txt", "for agents")
		if _, err := tickets.PostMessage(agent, id, ticket.NewMessage{Body: "see file", Kind: ticket.KindNote,
			Attachments: []int64{noteFile}}); err != nil {
			t.Fatal(err)
		}
		if resp := p.get(ann, path+"/attachments/"+strconv.FormatInt(noteFile, 10)); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("a note's file: %d", resp.StatusCode)
		}

		checks := []struct {
			name string
			do   func() *http.Response
		}{
			{"read", func() *http.Response { return p.get(bob, path) }},
			{"download", func() *http.Response { return p.get(bob, file) }},
			{"reply", func() *http.Response {
				return p.postMultipart(bob, path+"/replies", map[string]string{"body": "mine"}, "x.txt", "x")
			}},
			{"solve", func() *http.Response { return p.postForm(bob, path+"/solve", nil) }},
			{"follow up", func() *http.Response {
				return p.postMultipart(bob, "/portal/tickets", map[string]string{"subject": "s", "description": "d",
					"follow_up_of": strconv.FormatInt(id, 10)}, "", "")
			}},
			{"no such ticket", func() *http.Response { return p.get(bob, "/portal/tickets/999999") }},
		}
		for _, c := range checks {
			resp := c.do()
			page := body(t, resp)
			if resp.StatusCode != http.StatusNotFound || strings.Contains(page, "secret subject") {
				t.Errorf("bob may %s ann's ticket: %d\n%s", c.name, resp.StatusCode, page)
			}
		}
		if page := body(t, p.get(bob, "/portal")); strings.Contains(page, "secret subject") {
			t.Fatal("bob's list shows ann's ticket")
		}
		if tk, _ := tickets.Get(context.Background(), id); tk.Status == "solved" {
			t.Fatal("bob solved ann's ticket")
		}
		msgs, _ := tickets.Messages(context.Background(), id)
		if len(msgs) != 2 {
			t.Fatalf("ann's ticket has %d messages after bob's tries", len(msgs))
		}
		// Erasing a customer ends their portal session.
		bobID := customerID(t, d, "bob@example.com")
		if err := d.Tx(context.Background(), func(ctx context.Context, tx *sql.Tx) error {
			_, err := customer.Anonymise(context.Background(), tx, bobID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if resp := p.get(bob, "/portal/tickets/new"); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/portal" {
			t.Fatalf("an erased customer's session: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		if page := body(t, p.get(bob, "/portal")); !strings.Contains(page, `<label for="email">`) {
			t.Fatalf("an erased customer still signed in:\n%s", page)
		}
		// An agent's session is no portal session, and the other way round.
		if resp := p.get(ann, "/account"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/signin") {
			t.Fatalf("a customer opens the inbox: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
}

// uploadAsAgent stores a file as the agent in ctx and returns its id.
// The bytes go to a directory of the test's: only the row matters here.
func (p *portalDesk) uploadAsAgent(ctx context.Context, name, content string) int64 {
	p.t.Helper()
	files := attachment.NewService(p.db, p.t.TempDir(), settings.NewStore(p.db))
	a, err := files.Upload(ctx, attachment.Upload{Filename: name, Body: strings.NewReader(content), Size: int64(len(content))})
	if err != nil {
		p.t.Fatal(err)
	}
	return a.ID
}

func TestPortalLinkExpiryAndRateLimit(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		p := newPortalDesk(t, d)
		b := p.browser()
		if status, _ := p.askForLink(b, "late@example.com"); status != http.StatusOK {
			t.Fatalf("ask: %d", status)
		}
		link := p.linkFor("late@example.com")
		if _, err := d.Write().Exec(`UPDATE portal_signin_tokens SET expires_at = created_at`); err != nil {
			t.Fatal(err)
		}
		for _, resp := range []*http.Response{p.get(b, link), p.postForm(b, link, nil)} {
			if page := body(t, resp); resp.StatusCode != http.StatusGone || !strings.Contains(page, `href="/portal"`) {
				t.Fatalf("expired link: %d\n%s", resp.StatusCode, page)
			}
		}
		if resp := p.get(b, "/portal/tickets/new"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("an expired link signed in: %d", resp.StatusCode)
		}

		// One link was asked for already; four more pass, the sixth not.
		for i := 2; i <= 5; i++ {
			if status, page := p.askForLink(b, "late@example.com"); status != http.StatusOK {
				t.Fatalf("link %d: %d\n%s", i, status, page)
			}
		}
		status, page := p.askForLink(b, "late@example.com")
		if status != http.StatusTooManyRequests || !strings.Contains(page, "too many sign-in links") {
			t.Fatalf("sixth link: %d\n%s", status, page)
		}
		// The refused link counts for nothing: the IP has five, so five more
		// addresses pass, then none.
		for i := range 5 {
			if status, _ := p.askForLink(b, "other"+strconv.Itoa(i)+"@example.com"); status != http.StatusOK {
				t.Fatalf("other address %d: %d", i, status)
			}
		}
		if status, _ := p.askForLink(b, "fresh@example.com"); status != http.StatusTooManyRequests {
			t.Fatalf("one too many from the IP: %d", status)
		}
	})
}

func TestPortalBranding(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		p := newPortalDesk(t, d)
		admin := p.createUser("admin@example.com", "admin")
		token := p.token(admin)

		resp, out := p.api(http.MethodPatch, "/api/v1/settings", token, `{"brand_colour": "red"}`)
		if resp.StatusCode != http.StatusUnprocessableEntity || errorOf(t, out)["field"] != "brand_colour" {
			t.Fatalf("bad colour: %d %v", resp.StatusCode, out)
		}
		resp, out = p.api(http.MethodPatch, "/api/v1/settings", token,
			`{"company_name": "Acme Rockets", "brand_colour": "#FFD700"}`)
		if resp.StatusCode != http.StatusOK || out["brand_colour"] != "#ffd700" || out["company_name"] != "Acme Rockets" {
			t.Fatalf("branding: %d %v", resp.StatusCode, out)
		}

		page := body(t, p.get(p.browser(), "/portal"))
		css := regexp.MustCompile(`/portal/brand\.css\?v=[0-9a-f]+`).FindString(page)
		if !strings.Contains(page, "Acme Rockets") || css == "" {
			t.Fatalf("portal page without the branding:\n%s", page)
		}
		resp = p.get(p.browser(), css)
		sheet := body(t, resp)
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") ||
			!strings.Contains(sheet, "--brand: #ffd700") || !strings.Contains(sheet, "--brand-text: #000000") ||
			!strings.Contains(resp.Header.Get("Cache-Control"), "immutable") {
			t.Fatalf("brand sheet: %d %v\n%s", resp.StatusCode, resp.Header, sheet)
		}

		// The admin page refuses a bad colour, naming the field.
		b := p.browser()
		p.signIn(b, "admin@example.com")
		resp = p.postForm(b, "/admin/settings", url.Values{"company_name": {"Acme"}, "brand_colour": {"#12"}})
		page = body(t, resp)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "#rrggbb") ||
			!strings.Contains(page, `id="brand_colour" name="brand_colour" type="color" value="#12"`) {
			t.Fatalf("bad colour on the admin page: %d\n%s", resp.StatusCode, page)
		}
		resp = p.postForm(b, "/admin/settings", url.Values{"company_name": {"Acme"}, "brand_colour": {"#003366"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("save branding: %d\n%s", resp.StatusCode, body(t, resp))
		}
		_, out = p.api(http.MethodGet, "/api/v1/settings", token, "")
		if out["brand_colour"] != "#003366" || out["company_name"] != "Acme" {
			t.Fatalf("after the admin page: %v", out)
		}
	})
}

// hasInlineScript reports a <script> element without a src: the CSP allows
// only the portal's own script files.
func hasInlineScript(page string) bool {
	for _, tag := range scriptTag.FindAllString(page, -1) {
		if !strings.Contains(tag, " src=") {
			return true
		}
	}
	return false
}
