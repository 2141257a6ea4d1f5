package friction_test

import (
	"context"
	"sync"
	"testing"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/friction"
	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/outbound"
	"github.com/centerdesk/centerdesk/internal/recognition"
	"github.com/centerdesk/centerdesk/internal/secret"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/user"
)

// notices records the mails the services ask to send.
type notices struct {
	mu   sync.Mutex
	sent []outbound.Notice
}

func (n *notices) SendNotice(_ context.Context, m outbound.Notice) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.sent = append(n.sent, m)
	return nil
}

func (n *notices) all() []outbound.Notice {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]outbound.Notice(nil), n.sent...)
}

// env is a database with the friction and recognition services wired as
// the server wires them, two leads and two agents.
type env struct {
	t       *testing.T
	d       *db.DB
	clock   *testutil.Clock
	queue   *jobs.Queue
	svc     *friction.Service
	rec     *recognition.Service
	tickets *ticket.Service
	mail    *notices
	lead    *user.User
	lead2   *user.User // an admin
	ann     *user.User // an agent
	bob     *user.User // another agent
	surveys int64      // surveys stored by surveyed, for their solve event ids
}

func newEnv(t *testing.T, d *db.DB) *env {
	t.Helper()
	e := &env{t: t, d: d, clock: testutil.NewClock(db.Now()), tickets: ticket.NewService(d), mail: &notices{}}
	box, err := secret.NewBox(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	e.queue = jobs.New(d, testutil.Logger(t), jobs.Options{Now: e.clock.Now, WorkerID: "test"})
	e.rec = recognition.New(d, e.queue, e.mail, box, testutil.Logger(t),
		recognition.Options{PublicURL: "https://desk.example.com", Now: e.clock.Now})
	e.svc = friction.New(d, e.queue, e.mail, e.rec, friction.Options{PublicURL: "https://desk.example.com", Now: e.clock.Now})
	e.lead, e.lead2, e.ann, e.bob = e.user("lead"), e.user("admin"), e.user("agent"), e.user("agent")
	return e
}

func (e *env) user(role string) *user.User {
	e.t.Helper()
	id := testutil.NewUser(e.t, e.d, role)
	var name, email string
	if err := e.d.Write().QueryRow(`SELECT name, email FROM users WHERE id = $1`, id).Scan(&name, &email); err != nil {
		e.t.Fatal(err)
	}
	return &user.User{ID: id, Role: user.Role(role), Name: name, Email: email}
}

func (e *env) ctx(u *user.User) context.Context { return user.WithUser(testutil.As(u.ID), u) }

func (e *env) department(name string, ambassadors ...*user.User) *friction.Department {
	e.t.Helper()
	var ids []int64
	for _, a := range ambassadors {
		ids = append(ids, a.ID)
	}
	d, err := e.svc.CreateDepartment(e.ctx(e.lead), e.lead, friction.NewDepartment{Name: name, AmbassadorIDs: ids})
	if err != nil {
		e.t.Fatal(err)
	}
	return d
}

func (e *env) point(dep *friction.Department, name string) *friction.Point {
	e.t.Helper()
	p, err := e.svc.CreatePoint(e.ctx(e.lead), e.lead, friction.NewPoint{DepartmentID: dep.ID, Name: name})
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

// ticketFrom opens a ticket by email from the customer at addr.
func (e *env) ticketFrom(addr, subject string) *ticket.Ticket {
	e.t.Helper()
	tk, err := e.tickets.Create(e.ctx(e.lead), ticket.NewTicket{Subject: subject, Body: "Please help",
		Channel: "email", Requester: ticket.Requester{Email: addr}})
	if err != nil {
		e.t.Fatal(err)
	}
	return tk
}

func (e *env) tag(u *user.User, tk *ticket.Ticket, p *friction.Point) {
	e.t.Helper()
	if _, err := e.svc.TagTicket(e.ctx(u), u, tk.ID, p.ID); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) runJobs() int {
	e.t.Helper()
	n, err := e.queue.RunDue(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// wantErr checks err is of kind and names field.
func wantErr(t *testing.T, err error, kind apperr.Kind, field string) {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Kind != kind || e.Field != field {
		t.Fatalf("got %v, want %v naming %q", err, kind, field)
	}
}
