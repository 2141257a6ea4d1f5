package hooksub_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"path/filepath"
	"sync"
	"testing"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/attachment"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/egress"
	"github.com/centerdesk/centerdesk/internal/events"
	"github.com/centerdesk/centerdesk/internal/hooksub"
	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/mailbox"
	"github.com/centerdesk/centerdesk/internal/outbound"
	"github.com/centerdesk/centerdesk/internal/secret"
	"github.com/centerdesk/centerdesk/internal/settings"
	"github.com/centerdesk/centerdesk/internal/team"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/testutil/smtpsink"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/user"
	"github.com/centerdesk/centerdesk/internal/webhook"
)

// receiver is a webhook endpoint that keeps each post and answers 500 to
// the first failures of them.
type receiver struct {
	mu       sync.Mutex
	posts    []post
	failures int
	srv      *httptest.Server
}

type post struct {
	Body      []byte
	Signature string
	EventID   string
}

func newReceiver(t *testing.T) *receiver {
	h := &receiver{}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		defer h.mu.Unlock()
		h.posts = append(h.posts, post{Body: b, Signature: r.Header.Get(webhook.SignatureHeader),
			EventID: r.Header.Get(hooksub.EventIDHeader)})
		if h.failures > 0 {
			h.failures--
			http.Error(w, "broken", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *receiver) fail(n int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.failures = n
}

func (h *receiver) received() []post {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]post(nil), h.posts...)
}

// env is a desk wired as the server wires webhooks: tickets, the event bus
// with the subscriptions' consumer, the queue and the notice mail path,
// over one database and one clock.
type env struct {
	t       *testing.T
	d       *db.DB
	clock   *testutil.Clock
	queue   *jobs.Queue
	bus     *events.Bus
	tickets *ticket.Service
	hooks   *hooksub.Service
	relay   *smtpsink.Sink
	recv    *receiver
	admin   *user.User
}

func newEnv(t *testing.T, d *db.DB) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{t: t, d: d, clock: testutil.NewClock(db.Now()), relay: smtpsink.Start(t), recv: newReceiver(t)}
	box, err := secret.NewBox(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	e.queue = jobs.New(d, testutil.Logger(t), jobs.Options{Now: e.clock.Now, WorkerID: "test"})
	e.tickets = ticket.NewService(d)
	e.bus = events.NewBus(d, testutil.Logger(t), events.Options{})
	mailboxes := mailbox.NewService(d, box)
	if _, err := mailboxes.Create(ctx, mailbox.NewMailbox{Address: "help@desk.test", Name: "Desk Help",
		SMTPHost: "127.0.0.1", SMTPPort: e.relay.Port, SMTPSecurity: "none"}); err != nil {
		t.Fatal(err)
	}
	st := settings.NewStore(d)
	attachments := attachment.NewService(d, filepath.Join(t.TempDir(), "files"), st)
	out := outbound.New(d, e.queue, mailboxes, e.tickets, attachments, []byte("0123456789abcdef0123456789abcdef"),
		testutil.Logger(t), outbound.Options{Now: e.clock.Now})
	// The receiver listens on loopback, which the operator's allow list
	// opens here as CENTERDESK_OUTBOUND_ALLOW would.
	guarded := egress.New(egress.Options{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}})
	e.hooks = hooksub.New(d, e.queue, out, box, e.tickets, testutil.Logger(t),
		hooksub.Options{PublicURL: "https://desk.example.com", Egress: guarded, Now: e.clock.Now})
	if err := e.bus.Register(e.hooks.Consumer()); err != nil {
		t.Fatal(err)
	}
	e.drain() // registers the consumer: it reads what is committed from now on
	e.admin = e.user("admin")
	return e
}

func (e *env) drain() {
	e.t.Helper()
	if err := e.bus.Drain(context.Background()); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) runJobs() {
	e.t.Helper()
	if _, err := e.queue.RunDue(context.Background()); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) user(role string) *user.User {
	e.t.Helper()
	return &user.User{ID: testutil.NewUser(e.t, e.d, role), Role: user.Role(role)}
}

func (e *env) ctx(u *user.User) context.Context { return testutil.As(u.ID) }

func (e *env) team(name string) *team.Team {
	e.t.Helper()
	tm, err := team.NewService(e.d).Create(e.ctx(e.admin), team.NewTeam{Name: name})
	if err != nil {
		e.t.Fatal(err)
	}
	return tm
}

// subscribe subscribes the receiver to evs and returns the subscription,
// with its secret.
func (e *env) subscribe(in hooksub.Input) *hooksub.Subscription {
	e.t.Helper()
	if in.URL == "" {
		in.URL = e.recv.srv.URL + "/hook"
	}
	sub, err := e.hooks.Create(e.ctx(e.admin), e.admin, in)
	if err != nil {
		e.t.Fatal(err)
	}
	return sub
}

// open opens a ticket and lets the consumer read its events.
func (e *env) open(subject string, teamID int64) *ticket.Ticket {
	e.t.Helper()
	ctx := e.ctx(e.admin)
	tk, err := e.tickets.Create(ctx, ticket.NewTicket{Subject: subject, Body: "Please",
		Requester: ticket.Requester{Email: "ada@example.com"}, Channel: "email"})
	if err != nil {
		e.t.Fatal(err)
	}
	if teamID != 0 {
		if tk, err = e.tickets.Update(ctx, tk.ID, ticket.Patch{TeamID: ticket.SetID(&teamID)}); err != nil {
			e.t.Fatal(err)
		}
	}
	e.drain()
	return tk
}

func (e *env) deliveries(sub *hooksub.Subscription) []*hooksub.Delivery {
	e.t.Helper()
	log, err := e.hooks.Deliveries(e.ctx(e.admin), e.admin, sub.ID, 0, 0)
	if err != nil {
		e.t.Fatal(err)
	}
	return log
}

func (e *env) get(id int64) *hooksub.Subscription {
	e.t.Helper()
	sub, err := e.hooks.Get(e.ctx(e.admin), e.admin, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return sub
}

func wantField(t *testing.T, err error, field string) {
	t.Helper()
	ae, ok := apperr.As(err)
	if !ok || ae.Field != field {
		t.Fatalf("want an error naming %q, got %v", field, err)
	}
}

func ptr[T any](v T) *T { return &v }
