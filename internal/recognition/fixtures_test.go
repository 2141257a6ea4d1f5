package recognition_test

import (
	"context"
	"net"
	"net/netip"
	"sync"
	"testing"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/egress"
	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/outbound"
	"github.com/centerdesk/centerdesk/internal/quality"
	"github.com/centerdesk/centerdesk/internal/recognition"
	"github.com/centerdesk/centerdesk/internal/secret"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/user"
)

// notices records the mails the service asks to send.
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

// env is a database with the quality and recognition services wired as
// the server wires them, a lead, two agents and the values E, R and T.
type env struct {
	t       *testing.T
	d       *db.DB
	clock   *testutil.Clock
	queue   *jobs.Queue
	q       *quality.Service
	rec     *recognition.Service
	tickets *ticket.Service
	mail    *notices
	lead    *user.User
	ann     *user.User // an agent
	bob     *user.User // another agent
	values  []quality.Value
	card    *quality.Scorecard
	dns     *stubDNS
}

// stubDNS answers host names from a table the test changes as it goes.
type stubDNS struct {
	mu      sync.Mutex
	answers map[string][]netip.Addr
}

func (s *stubDNS) set(host string, addrs ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.answers[host] = nil
	for _, a := range addrs {
		s.answers[host] = append(s.answers[host], netip.MustParseAddr(a))
	}
}

func (s *stubDNS) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, ok := s.answers[host]; ok {
		return a, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

func newEnv(t *testing.T, d *db.DB) *env {
	t.Helper()
	e := &env{t: t, d: d, clock: testutil.NewClock(db.Now()), q: quality.NewService(d), tickets: ticket.NewService(d),
		mail: &notices{}}
	box, err := secret.NewBox(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	e.queue = jobs.New(d, testutil.Logger(t), jobs.Options{Now: e.clock.Now, WorkerID: "test"})
	// Webhook receivers in these tests listen on loopback, which the
	// operator's allow list opens; names resolve from e.dns, without DNS.
	e.dns = &stubDNS{answers: map[string][]netip.Addr{}}
	guarded := egress.New(egress.Options{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}, Resolver: e.dns})
	e.rec = recognition.New(d, e.queue, e.mail, box, testutil.Logger(t),
		recognition.Options{PublicURL: "https://desk.example.com", Now: e.clock.Now, Egress: guarded})
	e.q.OnSubmit(e.rec.OnReviewSubmitted)
	e.lead, e.ann, e.bob = e.user("admin"), e.user("agent"), e.user("agent")
	e.philosophy()
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

func (e *env) ctx(u *user.User) context.Context { return testutil.As(u.ID) }

// philosophy writes three values and a scorecard: Empathetic and
// Responsive rated 1-5, Trustful pass/fail.
func (e *env) philosophy() {
	e.t.Helper()
	p, err := e.q.PutPhilosophy(e.ctx(e.lead), e.lead, quality.PhilosophyInput{Vision: "Customers feel heard.",
		Values: []quality.ValueInput{
			{Name: "Empathetic", Code: "E", Colour: "#b91c1c"},
			{Name: "Responsive", Code: "R", Colour: "#fde047"},
			{Name: "Trustful", Code: "T", Colour: "#1d4ed8"},
		}})
	if err != nil {
		e.t.Fatal(err)
	}
	e.values = p.Values
	e.card, err = e.q.CreateScorecard(e.ctx(e.lead), e.lead, quality.NewScorecard{Name: "Weekly",
		Categories: []quality.NewCategory{
			{ValueID: p.Values[0].ID}, {ValueID: p.Values[1].ID},
			{ValueID: p.Values[2].ID, Scale: quality.ScalePassFail},
		}})
	if err != nil {
		e.t.Fatal(err)
	}
}

// ticketOf opens a ticket assigned to agent.
func (e *env) ticketOf(agent *user.User) int64 {
	e.t.Helper()
	ctx := e.ctx(e.lead)
	tk, err := e.tickets.Create(ctx, ticket.NewTicket{Subject: "Refund for a broken kettle", Body: "Please help",
		Channel: "api", Requester: ticket.Requester{Email: "ada@example.com"}})
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.tickets.Update(ctx, tk.ID, ticket.Patch{AssigneeID: ticket.SetID(&agent.ID)}); err != nil {
		e.t.Fatal(err)
	}
	return tk.ID
}

// review has the lead submit a review of ticket rated e, r (1-5) and
// trustful (pass 1 / fail 0).
func (e *env) review(ticketID int64, emp, resp, trust int) *quality.Review {
	e.t.Helper()
	ctx := e.ctx(e.lead)
	draft, err := e.q.CreateReview(ctx, e.lead, quality.NewReview{TicketID: ticketID, ScorecardID: e.card.ID})
	if err != nil {
		e.t.Fatal(err)
	}
	marks := []int{emp, resp, trust}
	var ratings []quality.Rating
	for i, c := range e.card.Categories {
		ratings = append(ratings, quality.Rating{CategoryID: c.ID, Rating: &marks[i]})
	}
	if _, err := e.q.UpdateReview(ctx, e.lead, draft.ID, quality.ReviewPatch{Ratings: ratings}); err != nil {
		e.t.Fatal(err)
	}
	r, err := e.q.SubmitReview(ctx, e.lead, draft.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

// award has the lead award value i's badge to the ticket's agent.
func (e *env) award(i int, ticketID int64, citation string) *recognition.Award {
	e.t.Helper()
	a, err := e.rec.CreateAward(e.ctx(e.lead), e.lead, recognition.NewAward{ValueID: e.values[i].ID,
		TicketID: ticketID, Citation: citation})
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

func (e *env) runJobs() int {
	e.t.Helper()
	n, err := e.queue.RunDue(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

func wantKind(t *testing.T, err error, field string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want an error on %s, got none", field)
	}
	ae, ok := apperr.As(err)
	if !ok || ae.Field != field {
		t.Fatalf("want an error naming %q, got %v", field, err)
	}
}
