// Command centerdesk is the Centerdesk help desk: one binary that serves the
// web app and API, and administers the instance from the command line.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	// The tz database, built in: users and the desk choose IANA zones, and
	// a server image without /usr/share/zoneinfo must load them too.
	_ "time/tzdata"
)

func main() {
	argv0 = os.Args[0]
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// command is one of the CLI's verbs.
type command struct {
	name, usage string
	run         func(ctx context.Context, env *cliEnv, args []string) error
}

var commands = []command{
	{"serve", "run the server (the default)", runServe},
	{"migrate", "bring the database schema up to date and exit", runMigrate},
	{"user", "user create --email E --name N --role admin|lead|agent: add a user (password from standard input, or generated)", runUser},
	{"token", "token create --email E [--name N]: print a new API token for a user", runToken},
	{"mailbox", "mailbox add --address A [--team T --imap-host H --relay-host H ...] | list | remove --address A: manage support mailboxes", runMailbox},
	{"demo", "demo [--tickets N] [--seed S] [--days D]: fill the database with a realistic demo desk", runDemo},
}

// run is main without the process: tests call it directly.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	env := &cliEnv{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	name := "serve"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		name, args = args[0], args[1:]
	}
	if name == "help" && len(args) > 0 {
		// `centerdesk help mailbox add` is `centerdesk mailbox add -h`.
		name, args = args[0], append(args[1:], "-h")
	}
	if isHelp(name) {
		usage(stdout)
		return 0
	}
	for _, c := range commands {
		if c.name == name {
			err := c.run(ctx, env, args)
			if errors.Is(err, errHelpShown) {
				return 0
			}
			if err != nil {
				fmt.Fprintf(stderr, "centerdesk %s: %v\n", name, err)
				return 1
			}
			return 0
		}
	}
	fmt.Fprintf(stderr, "centerdesk: unknown command %q\n\n", name)
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: centerdesk [command] [flags]")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.usage)
	}
	fmt.Fprintln(w, "\nEvery command takes the settings below as flags or environment variables.")
	fmt.Fprintln(w, "Run `centerdesk COMMAND -h` for a command's own flags.")
}
