package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/config"
)

// TestEveryCommandHelpsItself asks each command for its help both ways: it
// exits 0, prints to standard output, names the command and lists its own
// flags, and touches no database.
func TestEveryCommandHelpsItself(t *testing.T) {
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"serve"}, []string{"centerdesk serve", "--addr", "--data-dir", "--database"}},
		{[]string{"migrate"}, []string{"centerdesk migrate", "--database"}},
		{[]string{"user", "create"}, []string{"centerdesk user create", "Flags:", "--email", "--name", "--role"}},
		{[]string{"token", "create"}, []string{"centerdesk token create", "--email", "--name"}},
		{[]string{"mailbox", "add"}, []string{"centerdesk mailbox add", "--address", "--imap-host", "--relay-host", "--smtp-in"}},
		{[]string{"mailbox", "list"}, []string{"centerdesk mailbox list", "--data-dir"}},
		{[]string{"mailbox", "remove"}, []string{"centerdesk mailbox remove", "--address"}},
		{[]string{"demo"}, []string{"centerdesk demo", "--tickets", "--seed", "--days", "--force"}},
		{[]string{"user"}, []string{"centerdesk user VERB", "create"}},
		{[]string{"token"}, []string{"centerdesk token VERB", "create"}},
		{[]string{"mailbox"}, []string{"centerdesk mailbox VERB", "add", "list", "remove"}},
	} {
		for _, h := range []string{"-h", "--help"} {
			dir := t.TempDir()
			args := append(append([]string{}, c.args...), h)
			out, errOut, code := cli(t, map[string]string{"CENTERDESK_DATA_DIR": dir}, "", args...)
			if code != 0 || errOut != "" {
				t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
			}
			for _, want := range c.want {
				if !strings.Contains(out, want) {
					t.Errorf("%v: help lacks %q:\n%s", args, want, out)
				}
			}
			if m, _ := filepath.Glob(filepath.Join(dir, "*")); len(m) > 0 {
				t.Errorf("%v: asking for help made %v", args, m)
			}
		}
	}
	out, _, code := cli(t, nil, "", "help", "mailbox", "add")
	if code != 0 || !strings.Contains(out, "--relay-host") {
		t.Errorf("help mailbox add: %d\n%s", code, out)
	}
}

// TestOwnFlagsComeBeforeTheSettings: a command's help shows its own flags
// apart from the settings every command takes, so --email is not lost
// among twenty settings.
func TestOwnFlagsComeBeforeTheSettings(t *testing.T) {
	out, _, _ := cli(t, nil, "", "user", "create", "--help")
	flags, settings, ok := strings.Cut(out, "Settings")
	if !ok || !strings.Contains(flags, "--email") || strings.Contains(flags, "--addr") ||
		strings.Contains(settings, "--email") || !strings.Contains(settings, "--addr") {
		t.Fatalf("own flags and settings are mixed:\n%s", out)
	}
}

func TestMissingOrUnknownVerbIsAnError(t *testing.T) {
	for _, args := range [][]string{{"user"}, {"mailbox", "frob"}, {"token", "delete"}} {
		out, errOut, code := cli(t, nil, "", args...)
		if code != 1 || out != "" || !strings.Contains(errOut, "Verbs:") {
			t.Errorf("%v: %d %q %q", args, code, out, errOut)
		}
	}
	_, errOut, code := cli(t, nil, "", "migrate", "--bogus")
	if code != 1 || !strings.Contains(errOut, "-bogus") || !strings.Contains(errOut, "centerdesk migrate -h") ||
		strings.Count(errOut, "bogus") != 1 {
		t.Errorf("unknown flag: %d %q", code, errOut)
	}
}

func TestCreateAdminCommandNamesTheDatabase(t *testing.T) {
	for _, c := range []struct {
		name       string
		cfg        config.Config
		want, lack []string
	}{
		{"default sqlite", config.Config{DataDir: "/srv/desk data"},
			[]string{"centerdesk user create --data-dir '/srv/desk data' --email"}, []string{"--database"}},
		{"sqlite elsewhere", config.Config{DataDir: "/srv/desk", DatabaseURL: "sqlite:/var/db/desk.db"},
			[]string{"--data-dir /srv/desk --database /var/db/desk.db"}, nil},
		{"postgres", config.Config{DataDir: "/srv/desk", DatabaseURL: "postgres://desk:hunter2@db.internal:5432/desk?sslmode=require"},
			[]string{"--data-dir /srv/desk", "--database 'postgres://desk:PASSWORD@db.internal:5432/desk?sslmode=require'"},
			[]string{"hunter2"}},
	} {
		got := createAdminCommand("centerdesk", c.cfg)
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: %s lacks %q", c.name, got, w)
			}
		}
		for _, l := range c.lack {
			if strings.Contains(got, l) {
				t.Errorf("%s: %s has %q", c.name, got, l)
			}
		}
	}
	rel := createAdminCommand("centerdesk", config.Config{DataDir: "data"})
	abs, _ := filepath.Abs("data")
	if !strings.Contains(rel, "--data-dir "+abs+" ") {
		t.Errorf("relative data dir not made absolute: %s", rel)
	}
}
