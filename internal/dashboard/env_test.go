package dashboard_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/attachment"
	"github.com/centerdesk/centerdesk/internal/dashboard"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/mailbox"
	"github.com/centerdesk/centerdesk/internal/outbound"
	"github.com/centerdesk/centerdesk/internal/report"
	"github.com/centerdesk/centerdesk/internal/secret"
	"github.com/centerdesk/centerdesk/internal/settings"
	"github.com/centerdesk/centerdesk/internal/team"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/testutil/smtpsink"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/user"
)

// env is a desk with tickets rolled up into reports, a mailbox whose relay
// is the test's SMTP server, a queue, and users of each role.
type env struct {
	t       *testing.T
	d       *db.DB
	clock   *testutil.Clock
	relay   *smtpsink.Sink
	queue   *jobs.Queue
	reports *report.Service
	svc     *dashboard.Service
	out     *outbound.Service
	teams   *team.Service
	users   *user.Service
}

var start = time.Date(2026, 12, 7, 6, 0, 0, 0, time.UTC) // a Monday

func newEnv(t *testing.T, d *db.DB) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{t: t, d: d, clock: testutil.NewClock(start), relay: smtpsink.Start(t), reports: report.NewService(d),
		teams: team.NewService(d)}
	box, err := secret.NewBox(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	e.users = user.NewService(d, box, user.PasswordParams{Memory: 8 * 1024, Time: 1, Threads: 1})
	boxes := mailbox.NewService(d, box)
	if _, err := boxes.Create(ctx, mailbox.NewMailbox{Address: "help@desk.test", Name: "Desk Help",
		SMTPHost: "127.0.0.1", SMTPPort: e.relay.Port, SMTPSecurity: "none"}); err != nil {
		t.Fatal(err)
	}
	e.queue = e.newQueue("worker-1")
	tickets := ticket.NewService(d)
	files := attachment.NewService(d, filepath.Join(t.TempDir(), "files"), settings.NewStore(d))
	e.out = outbound.New(d, e.queue, boxes, tickets, files, []byte("0123456789abcdef0123456789abcdef"),
		testutil.Logger(t), outbound.Options{Now: e.clock.Now})
	e.svc = dashboard.New(d, e.reports, e.queue, e.out, dashboard.Options{PublicURL: "https://desk.example.com", Now: e.clock.Now})
	e.tickets(tickets)
	return e
}

func (e *env) newQueue(worker string) *jobs.Queue {
	return jobs.New(e.d, testutil.Logger(e.t), jobs.Options{Now: e.clock.Now, WorkerID: worker})
}

// tickets makes four tickets over the first days of December, on email
// and chat, and rolls them up.
func (e *env) tickets(tickets *ticket.Service) {
	ctx := testutil.As(testutil.NewUser(e.t, e.d, "admin"))
	for i, c := range []struct {
		day, channel string
		solve        time.Duration
	}{{"2026-12-01", "email", 5 * time.Hour}, {"2026-12-01", "chat", 0}, {"2026-12-02", "email", 0}, {"2026-12-04", "chat", time.Hour}} {
		tk, err := tickets.Create(ctx, ticket.NewTicket{Subject: "Help", Body: "Please", Channel: c.channel,
			Requester: ticket.Requester{Email: "ada@example.com"}})
		if err != nil {
			e.t.Fatal(err)
		}
		created, _ := time.Parse(time.DateOnly, c.day)
		created = created.Add(time.Duration(9+i) * time.Hour)
		var solved *time.Time
		status := "open"
		if c.solve > 0 {
			x := created.Add(c.solve)
			solved, status = &x, "solved"
		}
		if _, err := e.d.Write().Exec(`UPDATE tickets SET created_at = $1, solved_at = $2, status = $3 WHERE id = $4`,
			db.Time(created), db.NullTime(solved), status, tk.ID); err != nil {
			e.t.Fatal(err)
		}
	}
	if err := e.reports.Rebuild(context.Background()); err != nil {
		e.t.Fatal(err)
	}
}

// user makes a user with role in zone ("" for none) and returns them.
func (e *env) user(role, zone string) *user.User {
	e.t.Helper()
	id := testutil.NewUser(e.t, e.d, role)
	if _, err := e.d.Write().Exec(`UPDATE users SET time_zone = $1 WHERE id = $2`, zone, id); err != nil {
		e.t.Fatal(err)
	}
	u, err := e.users.Get(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

func (e *env) team(name string, members ...*user.User) *team.Team {
	e.t.Helper()
	var ids []int64
	for _, m := range members {
		ids = append(ids, m.ID)
	}
	tm, err := e.teams.Create(testutil.As(members[0].ID), team.NewTeam{Name: name, MemberIDs: ids})
	if err != nil {
		e.t.Fatal(err)
	}
	return tm
}

// runJobs runs every due job, as a worker would.
func (e *env) runJobs(q *jobs.Queue) int {
	e.t.Helper()
	n, err := q.RunDue(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}
