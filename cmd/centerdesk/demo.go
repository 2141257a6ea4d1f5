package main

import (
	"context"
	"fmt"

	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/demo"
	"github.com/centerdesk/centerdesk/internal/user"
)

// runDemo fills the database with a demo desk and says how to sign in.
func runDemo(ctx context.Context, env *cliEnv, args []string) error {
	fs := env.flags("demo")
	tickets := fs.Int("tickets", 5000, "how many tickets to make (about 5 messages each)")
	days := fs.Int("days", 90, "how many days back the oldest ticket goes")
	seed := fs.Uint64("seed", 1, "the same seed makes the same people and conversations (their times are relative to now)")
	force := fs.Bool("force", false, "add a demo desk to a database that already has tickets")
	cfg, _, err := env.load(fs, args)
	if err != nil {
		return err
	}
	d, err := openDB(ctx, cfg, env.logger(cfg))
	if err != nil {
		return err
	}
	defer d.Close()
	box, err := secretBox(cfg)
	if err != nil {
		return err
	}
	res, err := demo.Generate(audit.WithActor(ctx, cliActor), d, demo.Options{
		Tickets: *tickets, Days: *days, Seed: *seed, Force: *force, Progress: env.stderr,
		Users: user.NewService(d, box, user.DefaultPasswordParams),
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "Made %d customers and %d tickets with %d messages.\n", res.Customers, res.Tickets, res.Messages)
	fmt.Fprintf(env.stdout, "Sign in at /signin; everyone's password is %s\n", res.Password)
	for _, who := range []struct{ role, email, does string }{
		{"admin", res.AdminEmail, "settings, mailboxes, macros; has tickets of their own"},
		{"lead", res.LeadEmail, "runs the philosophy, reviews and coaching"},
		{"reviewer", res.ReviewerEmail, "an agent who reviews colleagues' tickets"},
		{"agent", res.AgentEmails[1], "answers tickets (or any of " + fmt.Sprint(len(res.AgentEmails)) + " agents)"},
	} {
		fmt.Fprintf(env.stdout, "  %-9s %-36s %s\n", who.role, who.email, who.does)
	}
	return nil
}
