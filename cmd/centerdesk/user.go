package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/config"
	"github.com/centerdesk/centerdesk/internal/user"
)

// cliActor attributes the CLI's changes in the audit log.
var cliActor = audit.Actor{Label: "cli"}

func runUser(ctx context.Context, env *cliEnv, args []string) error {
	verb, err := env.groupVerb("user", args)
	if err != nil {
		return err
	}
	if verb != "create" {
		return unknownVerb("user", verb)
	}
	fs := env.flags("user create")
	email := fs.String("email", "", "the user's email address (required)")
	name := fs.String("name", "", "the user's name (required)")
	role := fs.String("role", "agent", "admin, lead or agent")
	cfg, _, err := env.load(fs, args[1:])
	if err != nil {
		return err
	}
	password, generated, err := readPassword(env.stdin)
	if err != nil {
		return err
	}
	users, closeDB, err := openUsers(ctx, env, cfg)
	if err != nil {
		return err
	}
	defer closeDB()
	u, err := users.Create(audit.WithActor(ctx, cliActor), user.NewUser{Email: *email, Name: *name, Role: *role, Password: password})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "Created %s %s <%s> (id %d).\n", u.Role, u.Name, u.Email, u.ID)
	if generated {
		fmt.Fprintf(env.stdout, "Password: %s\n(Change it on the account page after you sign in.)\n", password)
	}
	return nil
}

// openUsers opens the database and returns the user service over it, and
// the function that closes it.
func openUsers(ctx context.Context, env *cliEnv, cfg config.Config) (*user.Service, func() error, error) {
	d, err := openDB(ctx, cfg, env.logger(cfg))
	if err != nil {
		return nil, nil, err
	}
	box, err := secretBox(cfg)
	if err != nil {
		d.Close()
		return nil, nil, err
	}
	return user.NewService(d, box, user.DefaultPasswordParams), d.Close, nil
}

// readPassword takes the first line of standard input as the password, or
// generates one when standard input is a terminal or empty.
func readPassword(stdin io.Reader) (password string, generated bool, err error) {
	if f, ok := stdin.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			return user.GeneratePassword(), true, nil
		}
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", false, fmt.Errorf("read password from standard input: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return user.GeneratePassword(), true, nil
	}
	return line, false, nil
}

func runToken(ctx context.Context, env *cliEnv, args []string) error {
	verb, err := env.groupVerb("token", args)
	if err != nil {
		return err
	}
	if verb != "create" {
		return unknownVerb("token", verb)
	}
	fs := env.flags("token create")
	email := fs.String("email", "", "whose token it is (required)")
	name := fs.String("name", "created from the command line", "what the token is for")
	cfg, _, err := env.load(fs, args[1:])
	if err != nil {
		return err
	}
	users, closeDB, err := openUsers(ctx, env, cfg)
	if err != nil {
		return err
	}
	defer closeDB()
	u, err := users.GetByEmail(ctx, *email)
	if err != nil {
		return fmt.Errorf("%s: %w", *email, err)
	}
	_, secret, err := users.CreateToken(audit.WithActor(ctx, cliActor), u.ID, *name)
	if err != nil {
		return err
	}
	// The token alone, so scripts can capture it: TOKEN=$(centerdesk token create ...).
	fmt.Fprintln(env.stdout, secret)
	return nil
}
