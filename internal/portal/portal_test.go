package portal_test

import (
	"context"
	"errors"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/attachment"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/events"
	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/outbound"
	"github.com/centerdesk/centerdesk/internal/portal"
	"github.com/centerdesk/centerdesk/internal/settings"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// outbox records the notices the portal sends, in place of a relay (the
// server tests send through a real SMTP server).
type outbox struct {
	mu      sync.Mutex
	notices []outbound.Notice
	canSend bool
}

func (o *outbox) SendNotice(_ context.Context, n outbound.Notice) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.notices = append(o.notices, n)
	return nil
}

func (o *outbox) CanSendNotices(context.Context) (bool, error) { return o.canSend, nil }

type env struct {
	d       *db.DB
	svc     *portal.Service
	queue   *jobs.Queue
	out     *outbox
	clock   *testutil.Clock
	tickets *ticket.Service
}

func newEnv(t *testing.T, d *db.DB, publicURL string) *env {
	t.Helper()
	e := &env{d: d, out: &outbox{canSend: true}, clock: testutil.NewClock(db.Now()), tickets: ticket.NewService(d)}
	st := settings.NewStore(d)
	e.queue = jobs.New(d, testutil.Logger(t), jobs.Options{})
	atts := attachment.NewService(d, filepath.Join(t.TempDir(), "files"), st)
	var err error
	e.svc, err = portal.New(d, e.tickets, atts, st, e.queue, e.out, make([]byte, 32), testutil.Logger(t),
		portal.Options{PublicURL: publicURL, Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

var linkRE = regexp.MustCompile(`https?://\S+/portal/signin/([A-Za-z0-9_-]{43})`)

// link asks for a link for email and returns the token its mail carries.
func (e *env) link(t *testing.T, email string) string {
	t.Helper()
	ctx := context.Background()
	if err := e.svc.RequestLink(ctx, portal.LinkRequest{Email: email, IP: "192.0.2.1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.queue.RunDue(ctx); err != nil {
		t.Fatal(err)
	}
	e.out.mu.Lock()
	defer e.out.mu.Unlock()
	n := e.out.notices[len(e.out.notices)-1]
	m := linkRE.FindStringSubmatch(n.Text)
	if n.To != strings.ToLower(email) || m == nil || !strings.HasPrefix(m[0], "https://desk.example.com/portal/") {
		t.Fatalf("mail to %s: %q", n.To, n.Text)
	}
	return m[1]
}

func TestSignInLinks(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d, "https://desk.example.com/")
		customers := testutil.Count(t, d, "customers")
		token := e.link(t, "New.Person@Example.com")
		if got := testutil.Count(t, d, "customers"); got != customers {
			t.Fatalf("asking for a link made a customer: %d -> %d", customers, got)
		}
		var stored string
		if err := d.Read().QueryRow(`SELECT token_hash FROM portal_signin_tokens`).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(stored, token) {
			t.Fatal("the token itself is stored")
		}
		var payload string
		if err := d.Read().QueryRow(`SELECT payload FROM jobs WHERE kind = $1`, portal.KindSignIn).Scan(&payload); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(payload, token) {
			t.Fatal("the job's payload holds the link in clear")
		}

		if err := e.svc.CheckLink(ctx, token); err != nil {
			t.Fatalf("fresh link: %v", err)
		}
		c, email, err := e.svc.UseLink(ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		if email != "new.person@example.com" || c.Email != email {
			t.Fatalf("signed in %q as %+v", email, c)
		}
		if _, _, err := e.svc.UseLink(ctx, token); !errors.Is(err, portal.ErrLinkUsed) {
			t.Fatalf("second use: %v", err)
		}
		if err := e.svc.CheckLink(ctx, token); !errors.Is(err, portal.ErrLinkUsed) {
			t.Fatalf("check after use: %v", err)
		}
		// The same address signs in as the same customer.
		again, _, err := e.svc.UseLink(ctx, e.link(t, "new.person@example.com"))
		if err != nil || again.ID != c.ID {
			t.Fatalf("second sign-in: %v, %+v", err, again)
		}

		late := e.link(t, "late@example.com")
		e.clock.Add(portal.LinkLifetime)
		if _, _, err := e.svc.UseLink(ctx, late); !errors.Is(err, portal.ErrLinkExpired) {
			t.Fatalf("expired link: %v", err)
		}
		if _, _, err := e.svc.UseLink(ctx, strings.Repeat("x", 43)); !errors.Is(err, portal.ErrLinkUnknown) {
			t.Fatalf("unknown link: %v", err)
		}
		if err := e.svc.RequestLink(ctx, portal.LinkRequest{Email: "not an address", IP: "192.0.2.1"}); !apperr.Is(err, apperr.KindInvalid) {
			t.Fatalf("bad address: %v", err)
		}
	})
}

func TestSignInRateLimits(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d, "https://desk.example.com")
		ask := func(email, ip string) error {
			return e.svc.RequestLink(ctx, portal.LinkRequest{Email: email, IP: ip})
		}
		for i := range portal.PerAddress {
			if err := ask("busy@example.com", "192.0.2."+string(rune('1'+i))); err != nil {
				t.Fatalf("link %d: %v", i+1, err)
			}
		}
		if err := ask("BUSY@example.com", "192.0.2.99"); !errors.Is(err, portal.ErrTooMany) {
			t.Fatalf("one link too many for the address: %v", err)
		}
		for i := range portal.PerIP {
			if err := ask("person"+string(rune('a'+i))+"@example.com", "198.51.100.7"); err != nil {
				t.Fatalf("link %d from one IP: %v", i+1, err)
			}
		}
		if err := ask("someone.else@example.com", "198.51.100.7"); !errors.Is(err, portal.ErrTooMany) {
			t.Fatalf("one link too many for the IP: %v", err)
		}
		e.clock.Add(portal.RateWindow)
		if err := ask("busy@example.com", "198.51.100.7"); err != nil {
			t.Fatalf("after the window: %v", err)
		}
	})
}

func TestLinksNeedATrustedOriginAndAMailbox(t *testing.T) {
	d := testutil.NewSQLite(t)
	ctx := context.Background()
	e := newEnv(t, d, "")
	err := e.svc.RequestLink(ctx, portal.LinkRequest{Email: "a@example.com", IP: "192.0.2.1", Origin: "https://evil.example"})
	if !apperr.Is(err, apperr.KindUnprocessable) {
		t.Fatalf("forged origin: %v", err)
	}
	if err := e.svc.RequestLink(ctx, portal.LinkRequest{Email: "a@example.com", IP: "192.0.2.1", Origin: "http://127.0.0.1:8080"}); err != nil {
		t.Fatalf("loopback origin: %v", err)
	}
	e.out.canSend = false
	err = e.svc.RequestLink(ctx, portal.LinkRequest{Email: "a@example.com", IP: "192.0.2.1", Origin: "http://localhost:8080"})
	if !apperr.Is(err, apperr.KindUnprocessable) {
		t.Fatalf("no mailbox: %v", err)
	}
}

func TestCustomersSeeOnlyTheirOwnPublicConversation(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d, "https://desk.example.com")
		ann, _, err := e.svc.UseLink(ctx, e.link(t, "ann@example.com"))
		if err != nil {
			t.Fatal(err)
		}
		bob, _, err := e.svc.UseLink(ctx, e.link(t, "bob@example.com"))
		if err != nil {
			t.Fatal(err)
		}
		tk, err := e.svc.Open(ctx, ann.ID, portal.Request{Subject: "  Printer   on fire ", Description: "Help",
			Attachments: []attachment.Upload{{Filename: "photo.txt", Body: strings.NewReader("smoke"), Size: 5}}})
		if err != nil {
			t.Fatal(err)
		}
		if tk.Subject != "Printer on fire" || tk.Channel != "portal" || tk.RequesterID != ann.ID {
			t.Fatalf("opened %+v", tk)
		}
		agent := testutil.As(testutil.NewUser(t, d, "agent"))
		if _, err := e.tickets.AddMessage(agent, tk.ID, "internal: customer is a VIP", ticket.KindNote); err != nil {
			t.Fatal(err)
		}
		if _, err := e.tickets.AddMessage(agent, tk.ID, "Put it out first", ticket.KindReply); err != nil {
			t.Fatal(err)
		}
		_, msgs, err := e.svc.Conversation(ctx, ann.ID, tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(msgs) != 2 || msgs[0].Body != "Help" || msgs[1].Body != "Put it out first" {
			t.Fatalf("conversation %+v", msgs)
		}
		attID := msgs[0].Attachments[0].ID
		if _, f, err := e.svc.Attachment(ctx, ann.ID, tk.ID, attID); err != nil {
			t.Fatal(err)
		} else {
			f.Close()
		}

		// Bob learns nothing of Ann's ticket.
		if _, _, err := e.svc.Conversation(ctx, bob.ID, tk.ID); !apperr.Is(err, apperr.KindNotFound) {
			t.Fatalf("bob reads: %v", err)
		}
		if _, err := e.svc.Reply(ctx, bob.ID, tk.ID, "mine now", nil); !apperr.Is(err, apperr.KindNotFound) {
			t.Fatalf("bob replies: %v", err)
		}
		if _, err := e.svc.Solve(ctx, bob.ID, tk.ID); !apperr.Is(err, apperr.KindNotFound) {
			t.Fatalf("bob solves: %v", err)
		}
		if _, _, err := e.svc.Attachment(ctx, bob.ID, tk.ID, attID); !apperr.Is(err, apperr.KindNotFound) {
			t.Fatalf("bob downloads: %v", err)
		}
		if pg, err := e.svc.Tickets(ctx, bob.ID, ""); err != nil || len(pg.Tickets) != 0 {
			t.Fatalf("bob's list: %v %d", err, len(pg.Tickets))
		}

		// Ann solves it: the event is hers; a reply opens it again.
		if _, err := e.svc.Solve(ctx, ann.ID, tk.ID); err != nil {
			t.Fatal(err)
		}
		evs, err := e.tickets.Events(ctx, tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		last := evs[len(evs)-1]
		if last.Type != "ticket.status_changed" || last.ActorType != events.ActorCustomer || *last.ActorID != ann.ID {
			t.Fatalf("solve event %+v", last)
		}
		if _, err := e.svc.Reply(ctx, ann.ID, tk.ID, "It is back", nil); err != nil {
			t.Fatal(err)
		}
		if got, _ := e.svc.Ticket(ctx, ann.ID, tk.ID); got.Status != "open" {
			t.Fatalf("status after the reply %s", got.Status)
		}
		if _, err := e.svc.Reply(ctx, ann.ID, tk.ID, " ", nil); !apperr.Is(err, apperr.KindInvalid) {
			t.Fatalf("empty reply: %v", err)
		}

		closed := "closed"
		if _, err := e.tickets.Update(agent, tk.ID, ticket.Patch{Status: &closed}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Reply(ctx, ann.ID, tk.ID, "again", nil); !apperr.Is(err, apperr.KindUnprocessable) {
			t.Fatalf("reply to closed: %v", err)
		}
		follow, err := e.svc.Open(ctx, ann.ID, portal.Request{Subject: "Still smoking", Description: "Yes", FollowUpOf: tk.ID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Open(ctx, bob.ID, portal.Request{Subject: "x", Description: "y", FollowUpOf: follow.ID}); !apperr.Is(err, apperr.KindNotFound) {
			t.Fatalf("bob follows up on ann's: %v", err)
		}
	})
}

func TestCustomerStatus(t *testing.T) {
	t.Parallel()
	for status, want := range map[string]string{"new": "Open", "open": "Open", "on_hold": "Open",
		"pending": "Awaiting your reply", "solved": "Solved", "closed": "Closed"} {
		if got := portal.CustomerStatus(status); got != want {
			t.Errorf("%s: %q, want %q", status, got, want)
		}
	}
}
