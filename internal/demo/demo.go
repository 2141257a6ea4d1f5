// Package demo fills a database with a realistic, lived-in help desk:
// customers, teams, agents and tickets with whole conversations spread over
// the last months, so that a newcomer has something to look at and the
// benchmark has a desk of a real size to work on.
//
// Tickets are written with multi-row INSERTs in transactions of 500 tickets
// rather than one Create call each (100,000 tickets would take many minutes
// that way), but they hold what the services would have written: numbers
// from the ticket number counter (or sequence), ids from each table's own
// id source, tags, messages, and the events of their history, so a ticket's
// history is complete. No outbox rows are written: the history is in the
// past, and consumers that start after the load (SLA timers, automations,
// webhooks) must not replay months of it as if it had just happened.
package demo

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/search"
	"github.com/centerdesk/centerdesk/internal/team"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/user"
)

// Options say how big a desk to make.
type Options struct {
	Tickets int       // how many tickets; each has 1 to 10 messages, about 5 on average
	Days    int       // how far back the oldest ticket goes
	Seed    uint64    // the same seed makes the same desk
	Force   bool      // add to a database that already has tickets
	Now     time.Time // the desk's present; zero means now
	// Progress, when set, receives a progress bar.
	Progress io.Writer
	// Users creates the demo's admin and agents (through the user service,
	// so their passwords are hashed as any other).
	Users *user.Service
}

// Result says what was made, and how to sign in.
type Result struct {
	Customers, Tickets, Messages int
	Organizations                int // organizations made, with the customers at their domains
	AdminEmail, Password         string
	LeadEmail, ReviewerEmail     string // a lead, and an agent who reviews colleagues' tickets
	AgentEmails                  []string
}

// batch is how many tickets one transaction writes.
const batch = 500

// Generate makes the desk.
func Generate(ctx context.Context, d *db.DB, o Options) (*Result, error) {
	if o.Tickets <= 0 {
		return nil, fmt.Errorf("demo: --tickets must be positive")
	}
	if o.Days <= 0 {
		o.Days = 90
	}
	if o.Now.IsZero() {
		o.Now = db.Now()
	}
	if err := checkEmpty(ctx, d, o.Force); err != nil {
		return nil, err
	}
	g := &generator{d: d, o: o, rnd: mrand.New(mrand.NewPCG(o.Seed, o.Seed^0x5eed)),
		tickets: ticket.NewService(d), res: &Result{}, customerFirst: map[int64]string{}, agentFirst: map[int64]string{}}
	if err := g.people(ctx); err != nil {
		return nil, err
	}
	bar := newProgress(o.Progress, o.Tickets)
	for done := 0; done < o.Tickets; done += batch {
		n := min(batch, o.Tickets-done)
		if err := d.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error { return g.ticketBatch(ctx, tx, n) }); err != nil {
			return nil, err
		}
		bar.set(done + n)
	}
	bar.finish()
	// A bulk load leaves the full-text index in a shape that halves the
	// speed of later writes until it is merged (see search.Optimize).
	if err := search.Optimize(ctx, d); err != nil {
		return nil, err
	}
	if err := g.philosophy(ctx); err != nil { // the CENTER values and the survey (philosophy.go)
		return nil, err
	}
	// Reviews last: they score tickets against the philosophy's values.
	if err := g.reviews(ctx); err != nil {
		return nil, err
	}
	if err := g.recognition(ctx); err != nil { // badges from the reviews, nominations, the feed
		return nil, err
	}
	if err := g.coachingAndTiers(ctx); err != nil { // coaching, concerns, tier cut-offs (people.go)
		return nil, err
	}
	if err := g.workspace(ctx); err != nil { // the mailbox, macros and shared views (workspace.go)
		return nil, err
	}
	return g.res, nil
}

func checkEmpty(ctx context.Context, d *db.DB, force bool) error {
	var n int
	if err := d.Reader(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM tickets`).Scan(&n); err != nil {
		return fmt.Errorf("demo: count tickets: %w", err)
	}
	if n > 0 && !force {
		return fmt.Errorf("demo: the database already has %d tickets; use --force to add a demo desk to it", n)
	}
	return nil
}

type generator struct {
	d       *db.DB
	o       Options
	rnd     *mrand.Rand
	tickets *ticket.Service
	res     *Result

	admin     int64
	agents    []int64
	teams     []int64
	customers []int64
	// First names, for the greetings and signatures of the conversations.
	customerFirst map[int64]string
	agentFirst    map[int64]string
}

// people makes the admin, the agents, the teams and the customers.
func (g *generator) people(ctx context.Context) error {
	password, err := newPassword()
	if err != nil {
		return err
	}
	g.res.Password = password
	admin, err := g.o.Users.Create(ctx, user.NewUser{Email: g.staffEmail(staff[0]), Name: staff[0],
		Role: "admin", Password: password})
	if err != nil {
		return fmt.Errorf("demo: create admin: %w", err)
	}
	g.admin, g.agentFirst[admin.ID] = admin.ID, firstName(admin.Name)
	g.res.AdminEmail = admin.Email
	for _, name := range staff[1:13] {
		// The first becomes the lead with the philosophy (philosophy.go).
		u, err := g.o.Users.Create(ctx, user.NewUser{Email: g.staffEmail(name), Name: name, Role: "agent", Password: password})
		if err != nil {
			return fmt.Errorf("demo: create agent: %w", err)
		}
		g.agents = append(g.agents, u.ID)
		g.agentFirst[u.ID] = firstName(name)
		g.res.AgentEmails = append(g.res.AgentEmails, u.Email)
	}
	g.res.LeadEmail, g.res.ReviewerEmail = g.res.AgentEmails[0], g.res.AgentEmails[6]
	suffix := ""
	if g.o.Force {
		suffix = fmt.Sprintf(" %d", g.o.Seed)
	}
	teams := team.NewService(g.d)
	for i, name := range teamNames {
		members := []int64{g.agents[i*3], g.agents[i*3+1], g.agents[i*3+2]}
		t, err := teams.Create(ctx, team.NewTeam{Name: name + suffix, MemberIDs: members})
		if err != nil {
			return fmt.Errorf("demo: create team: %w", err)
		}
		g.teams = append(g.teams, t.ID)
	}
	if err := g.d.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error { return g.makeCustomers(ctx, tx) }); err != nil {
		return err
	}
	return g.makeOrganizations(ctx)
}

func newPassword() (string, error) {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("demo: password: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// makeCustomers makes one customer for every four tickets: some write in
// often, most once or twice.
func (g *generator) makeCustomers(ctx context.Context, tx *sql.Tx) error {
	n := max(1, g.o.Tickets/4)
	ins, err := tx.PrepareContext(ctx, `INSERT INTO customers (name, created_at, updated_at) VALUES ($1, $2, $2) RETURNING id`)
	if err != nil {
		return fmt.Errorf("demo: prepare customers: %w", err)
	}
	defer ins.Close()
	ident, err := tx.PrepareContext(ctx, `INSERT INTO customer_identities (customer_id, kind, value, created_at)
		VALUES ($1, 'email', $2, $3)`)
	if err != nil {
		return fmt.Errorf("demo: prepare identities: %w", err)
	}
	defer ident.Close()
	at := db.Time(g.o.Now.AddDate(0, 0, -g.o.Days-30))
	taken := map[string]bool{}
	for range n {
		first, last := pick(g.rnd, firstNames), pick(g.rnd, lastNames)
		var id int64
		if err := ins.QueryRowContext(ctx, first+" "+last, at).Scan(&id); err != nil {
			return fmt.Errorf("demo: insert customer: %w", err)
		}
		if _, err := ident.ExecContext(ctx, id, g.customerEmail(first, last, taken), at); err != nil {
			return fmt.Errorf("demo: insert identity: %w", err)
		}
		g.customers = append(g.customers, id)
		g.customerFirst[id] = first
	}
	g.res.Customers = n
	return nil
}

// customerEmail is first.last at a company's or a mail provider's example
// domain, numbered when the address is taken already. An added desk
// (--force) writes its seed into the address, so two demos never clash.
func (g *generator) customerEmail(first, last string, taken map[string]bool) string {
	local := asciiLower(first) + "." + asciiLower(last)
	if g.o.Force {
		local += fmt.Sprintf(".%d", g.o.Seed)
	}
	domain := pick(g.rnd, domains)
	email := local + "@" + domain
	for i := 2; taken[email]; i++ {
		email = fmt.Sprintf("%s%d@%s", local, i, domain)
	}
	taken[email] = true
	return email
}

// staffEmail is a demo agent's address at the desk's own domain.
func (g *generator) staffEmail(name string) string {
	first, last, _ := strings.Cut(name, " ")
	local := asciiLower(first) + "." + asciiLower(last)
	if g.o.Force {
		local += fmt.Sprintf("+%d", g.o.Seed)
	}
	return local + "@" + staffDomain
}

func pick[T any](r *mrand.Rand, from []T) T { return from[r.IntN(len(from))] }
