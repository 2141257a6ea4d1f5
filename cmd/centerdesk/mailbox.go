package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/config"
	"github.com/centerdesk/centerdesk/internal/mailbox"
	"github.com/centerdesk/centerdesk/internal/team"
)

// Environment variables that may carry the mailbox passwords instead of
// --imap-password-file and --relay-password-file.
const (
	envIMAPPassword  = "CENTERDESK_IMAP_PASSWORD"
	envRelayPassword = "CENTERDESK_RELAY_PASSWORD"
)

func runMailbox(ctx context.Context, env *cliEnv, args []string) error {
	verb, err := env.groupVerb("mailbox", args)
	if err != nil {
		return err
	}
	switch verb {
	case "add":
		return mailboxAdd(ctx, env, args[1:])
	case "list":
		return mailboxList(ctx, env, args[1:])
	case "remove":
		return mailboxRemove(ctx, env, args[1:])
	}
	return unknownVerb("mailbox", verb)
}

// mailboxFlags are add's flags, named as an operator thinks of them
// (relay for the SMTP server replies leave through).
type mailboxFlags struct {
	address, name, team                            *string
	smtpIn                                         *bool
	imapHost, imapTLS, imapUser, imapPWFile, imapF *string
	imapPort                                       *int
	relayHost, relayTLS, relayUser, relayPWFile    *string
	relayPort                                      *int
}

func addMailboxFlags(fs *flag.FlagSet) *mailboxFlags {
	return &mailboxFlags{
		address:     fs.String("address", "", "the support address, e.g. help@example.com (required)"),
		name:        fs.String("name", "", "display name on mail sent from it"),
		team:        fs.String("team", "", "team (name or id) that new tickets go to"),
		smtpIn:      fs.Bool("smtp-in", true, "accept mail for it on the SMTP listener"),
		imapHost:    fs.String("imap-host", "", "IMAP server to fetch its mail from (empty: none)"),
		imapPort:    fs.Int("imap-port", 0, "IMAP port (0: 993 for tls, 143 otherwise)"),
		imapTLS:     fs.String("imap-tls", "tls", "IMAP connection security: tls, starttls or none"),
		imapUser:    fs.String("imap-user", "", "IMAP user name"),
		imapPWFile:  fs.String("imap-password-file", "", "file holding the IMAP password (or $"+envIMAPPassword+")"),
		imapF:       fs.String("imap-folder", "INBOX", "IMAP folder to watch"),
		relayHost:   fs.String("relay-host", "", "SMTP relay replies leave through (empty: replies are not emailed)"),
		relayPort:   fs.Int("relay-port", 0, "relay port (0: 465 for tls, 587 for starttls, 25 for none)"),
		relayTLS:    fs.String("relay-tls", "starttls", "relay connection security: none, starttls or tls"),
		relayUser:   fs.String("relay-user", "", "relay user name"),
		relayPWFile: fs.String("relay-password-file", "", "file holding the relay password (or $"+envRelayPassword+")"),
	}
}

func mailboxAdd(ctx context.Context, env *cliEnv, args []string) error {
	fs := env.flags("mailbox add")
	f := addMailboxFlags(fs)
	cfg, _, err := env.load(fs, args)
	if err != nil {
		return err
	}
	imapPW, err := secretFrom(env, *f.imapPWFile, envIMAPPassword)
	if err != nil {
		return err
	}
	relayPW, err := secretFrom(env, *f.relayPWFile, envRelayPassword)
	if err != nil {
		return err
	}
	return withMailboxes(ctx, env, cfg, func(boxes *mailbox.Service, teams *team.Service) error {
		n := mailbox.NewMailbox{Address: *f.address, Name: *f.name, InboundSMTP: f.smtpIn,
			IMAPHost: *f.imapHost, IMAPPort: *f.imapPort, IMAPSecurity: *f.imapTLS, IMAPUser: *f.imapUser,
			IMAPPassword: imapPW, IMAPFolder: *f.imapF,
			SMTPHost: *f.relayHost, SMTPPort: *f.relayPort, SMTPSecurity: *f.relayTLS, SMTPUser: *f.relayUser,
			SMTPPassword: relayPW}
		if *f.team != "" {
			id, err := findTeam(ctx, teams, *f.team)
			if err != nil {
				return err
			}
			n.TeamID = &id
		}
		m, err := boxes.Create(audit.WithActor(ctx, cliActor), n)
		if err != nil {
			return cliError(err)
		}
		fmt.Fprintf(env.stdout, "Created mailbox %s (id %d).\n", m.Address, m.ID)
		return nil
	})
}

// secretFrom reads a password from a file (first line), else from the
// environment variable; "" when neither is given. Passwords are never
// taken as flags, which other users of the machine could read.
func secretFrom(env *cliEnv, path, envVar string) (string, error) {
	if path == "" {
		return env.getenv(envVar), nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("read password: %w", err)
	}
	line, _, _ := strings.Cut(string(b), "\n")
	return strings.TrimRight(line, "\r"), nil
}

// findTeam takes a team id or name.
func findTeam(ctx context.Context, teams *team.Service, ref string) (int64, error) {
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
		if _, err := teams.Get(ctx, id); err != nil {
			return 0, fmt.Errorf("team %d: %w", id, err)
		}
		return id, nil
	}
	all, err := teams.List(ctx)
	if err != nil {
		return 0, err
	}
	for _, t := range all {
		if strings.EqualFold(t.Name, ref) {
			return t.ID, nil
		}
	}
	return 0, fmt.Errorf("team: no team named %q", ref)
}

func mailboxList(ctx context.Context, env *cliEnv, args []string) error {
	fs := env.flags("mailbox list")
	cfg, _, err := env.load(fs, args)
	if err != nil {
		return err
	}
	return withMailboxes(ctx, env, cfg, func(boxes *mailbox.Service, _ *team.Service) error {
		all, err := boxes.List(ctx)
		if err != nil {
			return err
		}
		writeMailboxes(env.stdout, all)
		return nil
	})
}

// writeMailboxes prints one line per mailbox. Passwords are shown only as
// "set", never their values.
func writeMailboxes(w io.Writer, all []*mailbox.Mailbox) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tADDRESS\tNAME\tTEAM\tSMTP-IN\tIMAP\tRELAY")
	for _, m := range all {
		team := "-"
		if m.TeamID != nil {
			team = strconv.FormatInt(*m.TeamID, 10)
		}
		imap, relay := "-", "-"
		if m.PollsIMAP() {
			imap = endpoint(m.IMAPUser, m.IMAPHost, m.IMAPPort, m.IMAPSecurity, m.HasIMAPPassword) + " " + m.IMAPFolder
		}
		if m.CanSend() {
			relay = endpoint(m.SMTPUser, m.SMTPHost, m.SMTPPort, m.SMTPSecurity, m.HasSMTPPassword)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%t\t%s\t%s\n", m.ID, m.Address, orDash(m.Name), team, m.InboundSMTP, imap, relay)
	}
	tw.Flush()
}

func endpoint(user, host string, port int, security string, hasPassword bool) string {
	s := fmt.Sprintf("%s:%d/%s", host, port, security)
	if user != "" {
		s = user + "@" + s
	}
	if hasPassword {
		s += " (password set)"
	}
	return s
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func mailboxRemove(ctx context.Context, env *cliEnv, args []string) error {
	fs := env.flags("mailbox remove")
	address := fs.String("address", "", "the address of the mailbox to remove (required)")
	cfg, _, err := env.load(fs, args)
	if err != nil {
		return err
	}
	return withMailboxes(ctx, env, cfg, func(boxes *mailbox.Service, _ *team.Service) error {
		m, err := boxes.ByAddress(ctx, *address)
		if err != nil {
			return fmt.Errorf("%s: %w", *address, cliError(err))
		}
		if err := boxes.Delete(audit.WithActor(ctx, cliActor), m.ID); err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "Removed mailbox %s; its tickets stay.\n", m.Address)
		return nil
	})
}

// withMailboxes opens the database and runs fn with the services the
// mailbox commands need.
func withMailboxes(ctx context.Context, env *cliEnv, cfg config.Config,
	fn func(*mailbox.Service, *team.Service) error) error {
	d, err := openDB(ctx, cfg, env.logger(cfg))
	if err != nil {
		return err
	}
	defer d.Close()
	box, err := secretBox(cfg)
	if err != nil {
		return err
	}
	return fn(mailbox.NewService(d, box), team.NewService(d))
}

// cliError names the flag behind a field error: the service speaks of
// smtp_host where the command line says --relay-host.
func cliError(err error) error {
	e, ok := apperr.As(err)
	if !ok || e.Field == "" {
		return err
	}
	flagName := map[string]string{
		"smtp_host": "relay-host", "smtp_port": "relay-port", "smtp_security": "relay-tls",
		"smtp_user": "relay-user", "smtp_password": "relay-password-file",
		"imap_security": "imap-tls", "imap_password": "imap-password-file", "team_id": "team",
		"inbound_smtp": "smtp-in",
	}[e.Field]
	if flagName == "" {
		flagName = strings.ReplaceAll(e.Field, "_", "-")
	}
	return fmt.Errorf("--%s: %s", flagName, e.Message)
}
