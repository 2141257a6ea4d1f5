package alert_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/alert"
	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/attachment"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/egress"
	"github.com/centerdesk/centerdesk/internal/events"
	"github.com/centerdesk/centerdesk/internal/feedback"
	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/mailbox"
	"github.com/centerdesk/centerdesk/internal/outbound"
	"github.com/centerdesk/centerdesk/internal/secret"
	"github.com/centerdesk/centerdesk/internal/settings"
	"github.com/centerdesk/centerdesk/internal/sla"
	"github.com/centerdesk/centerdesk/internal/team"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/testutil/smtpsink"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/user"
)

// hook is a webhook receiver that keeps each post's body and signature.
type hook struct {
	mu       sync.Mutex
	posts    []post
	failures int // answer 503 to this many posts first
	srv      *httptest.Server
}

type post struct {
	Body      []byte
	Signature string
}

func newHook(t *testing.T) *hook {
	h := &hook{}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		defer h.mu.Unlock()
		h.posts = append(h.posts, post{Body: b, Signature: r.Header.Get(alert.SignatureHeader)})
		if h.failures > 0 {
			h.failures--
			http.Error(w, "down for a moment", http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hook) received() []post {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]post(nil), h.posts...)
}

// env is a desk wired as the server wires alerts: the real SLA, feedback,
// ticket and outbound services over one database and one clock.
type env struct {
	t       *testing.T
	d       *db.DB
	clock   *testutil.Clock
	queue   *jobs.Queue
	bus     *events.Bus
	tickets *ticket.Service
	sla     *sla.Service
	alerts  *alert.Service
	surveys *feedback.Service
	relay   *smtpsink.Sink
	hook    *hook
	admin   *user.User
}

func newEnv(t *testing.T, d *db.DB) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{t: t, d: d, clock: testutil.NewClock(db.Now()), relay: smtpsink.Start(t), hook: newHook(t)}
	box, err := secret.NewBox(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	e.queue = jobs.New(d, testutil.Logger(t), jobs.Options{Now: e.clock.Now, WorkerID: "test"})
	e.tickets = ticket.NewService(d)
	e.sla = sla.New(d, e.queue, sla.Options{Now: e.clock.Now})
	e.bus = events.NewBus(d, testutil.Logger(t), events.Options{})
	if err := e.bus.Register(e.sla.Consumer()); err != nil {
		t.Fatal(err)
	}
	e.drain()
	mailboxes := mailbox.NewService(d, box)
	if _, err := mailboxes.Create(ctx, mailbox.NewMailbox{Address: "help@desk.test", Name: "Desk Help",
		SMTPHost: "127.0.0.1", SMTPPort: e.relay.Port, SMTPSecurity: "none"}); err != nil {
		t.Fatal(err)
	}
	st := settings.NewStore(d)
	attachments := attachment.NewService(d, filepath.Join(t.TempDir(), "files"), st)
	out := outbound.New(d, e.queue, mailboxes, e.tickets, attachments, []byte("0123456789abcdef0123456789abcdef"),
		testutil.Logger(t), outbound.Options{Now: e.clock.Now})
	e.surveys = feedback.New(d, e.queue, out, []byte("0123456789abcdef0123456789abcdef"), testutil.Logger(t),
		feedback.Options{PublicURL: "https://desk.example.com", Now: e.clock.Now})
	// The receiver listens on loopback, which the operator's allow list
	// opens here as CENTERDESK_OUTBOUND_ALLOW would.
	guarded := egress.New(egress.Options{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}})
	e.alerts = alert.New(d, e.queue, out, box,
		alert.Sources{SLA: e.sla, Feedback: e.surveys, Tickets: e.tickets, Settings: st},
		testutil.Logger(t), alert.Options{PublicURL: "https://desk.example.com", Egress: guarded, Now: e.clock.Now})
	e.admin = e.user("admin")
	return e
}

func (e *env) drain() {
	e.t.Helper()
	if err := e.bus.Drain(context.Background()); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) user(role string) *user.User {
	e.t.Helper()
	return &user.User{ID: testutil.NewUser(e.t, e.d, role), Role: user.Role(role)}
}

func (e *env) ctx(u *user.User) context.Context { return testutil.As(u.ID) }

func (e *env) team(name string, members ...*user.User) *team.Team {
	e.t.Helper()
	var ids []int64
	for _, m := range members {
		ids = append(ids, m.ID)
	}
	tm, err := team.NewService(e.d).Create(e.ctx(e.admin), team.NewTeam{Name: name, MemberIDs: ids})
	if err != nil {
		e.t.Fatal(err)
	}
	return tm
}

// ticketIn opens a ticket of team teamID (0: none).
func (e *env) ticketIn(teamID int64) *ticket.Ticket {
	e.t.Helper()
	ctx := e.ctx(e.admin)
	tk, err := e.tickets.Create(ctx, ticket.NewTicket{Subject: "Refund", Body: "Please",
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

func (e *env) solve(id int64) {
	e.t.Helper()
	solved := "solved"
	if _, err := e.tickets.Update(e.ctx(e.admin), id, ticket.Patch{Status: &solved}); err != nil {
		e.t.Fatal(err)
	}
	e.drain()
}

// minute moves the clock one minute on and runs what is due: the
// evaluation, and the mails and posts it queued.
func (e *env) minute() {
	e.t.Helper()
	e.clock.Add(time.Minute)
	e.runJobs()
}

func (e *env) runJobs() {
	e.t.Helper()
	if _, err := e.queue.RunDue(context.Background()); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) rule(id int64) *alert.Rule {
	e.t.Helper()
	r, err := e.alerts.Rule(e.ctx(e.admin), e.admin, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

// alertsOf counts the alert notifications of a person.
func (e *env) alertsOf(u *user.User) int {
	e.t.Helper()
	var n int
	err := e.d.Read().QueryRow(`SELECT COUNT(*) FROM notifications WHERE recipient_id = $1 AND kind = 'alert'`, u.ID).Scan(&n)
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

func wantField(t *testing.T, err error, field string) {
	t.Helper()
	ae, ok := apperr.As(err)
	if !ok || ae.Field != field {
		t.Fatalf("want an error naming %q, got %v", field, err)
	}
}

func ptr[T any](v T) *T { return &v }

// middayZone sets the desk's zone to one where it is daytime now, so
// "today" does not end while a test moves its clock on by an hour or two.
func (e *env) middayZone() {
	e.t.Helper()
	for _, name := range []string{"UTC", "Asia/Tokyo", "America/Los_Angeles", "Asia/Kolkata", "Europe/Berlin"} {
		loc, err := time.LoadLocation(name)
		if err != nil {
			continue
		}
		if h := e.clock.Now().In(loc).Hour(); h >= 3 && h <= 20 {
			st := settings.NewStore(e.d)
			if _, err := st.Update(context.Background(), settings.Patch{TimeZone: &name}); err != nil {
				e.t.Fatal(err)
			}
			return
		}
	}
	e.t.Fatal("no zone has daytime now")
}

// feedbackDelay is how long after a solve the survey goes out, and a
// minute.
func feedbackDelay(t *testing.T, e *env) time.Duration {
	t.Helper()
	st, err := e.surveys.Settings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return time.Duration(st.DelayMinutes+1) * time.Minute
}
