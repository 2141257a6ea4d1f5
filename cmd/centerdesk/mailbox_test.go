package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMailboxCommands(t *testing.T) {
	for name, env := range map[string]func(t *testing.T) map[string]string{
		"sqlite": func(t *testing.T) map[string]string {
			return map[string]string{"CENTERDESK_DATA_DIR": sqliteDataDir(t)}
		},
		"postgres": func(t *testing.T) map[string]string {
			return map[string]string{"CENTERDESK_DATA_DIR": t.TempDir(), "CENTERDESK_DATABASE_URL": postgresURL(t)}
		},
	} {
		t.Run(name, func(t *testing.T) {
			env := env(t)
			pwFile := filepath.Join(t.TempDir(), "relay-password")
			if err := os.WriteFile(pwFile, []byte("relay-hunter2\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			env[envIMAPPassword] = "imap-hunter2"
			out, errOut, code := cli(t, env, "", "mailbox", "add", "--address", "Help@Example.com", "--name", "Help",
				"--imap-host", "imap.example.com", "--imap-user", "help", "--imap-folder", "Support",
				"--relay-host", "smtp.example.com", "--relay-tls", "tls", "--relay-user", "help",
				"--relay-password-file", pwFile)
			if code != 0 || !strings.Contains(out, "Created mailbox help@example.com") {
				t.Fatalf("mailbox add: %d\n%s\n%s", code, out, errOut)
			}
			delete(env, envIMAPPassword)
			_, errOut, code = cli(t, env, "", "mailbox", "add", "--address", "sales@example.com", "--relay-tls", "ssl")
			if code != 1 || !strings.Contains(errOut, "--relay-tls: must be tls, starttls or none") {
				t.Fatalf("bad relay-tls: %d %s", code, errOut)
			}
			_, errOut, code = cli(t, env, "", "mailbox", "add", "--address", "sales@example.com", "--team", "Nobody")
			if code != 1 || !strings.Contains(errOut, `no team named "Nobody"`) {
				t.Fatalf("unknown team: %d %s", code, errOut)
			}
			_, errOut, code = cli(t, env, "", "mailbox", "add", "--address", "help@example.com")
			if code != 1 || !strings.Contains(errOut, "another mailbox has this address") {
				t.Fatalf("duplicate: %d %s", code, errOut)
			}
			_, _, code = cli(t, env, "", "mailbox", "add", "--address", "sales@example.com", "--smtp-in=false")
			if code != 0 {
				t.Fatalf("second mailbox: %d", code)
			}
			out, errOut, code = cli(t, env, "", "mailbox", "list")
			if code != 0 {
				t.Fatalf("mailbox list: %d %s", code, errOut)
			}
			for _, want := range []string{"help@example.com", "help@imap.example.com:993/tls (password set) Support",
				"help@smtp.example.com:465/tls (password set)", "sales@example.com", "false"} {
				if !strings.Contains(out, want) {
					t.Errorf("list lacks %q:\n%s", want, out)
				}
			}
			if strings.Contains(out, "hunter2") {
				t.Fatalf("list shows a password:\n%s", out)
			}
			out, errOut, code = cli(t, env, "", "mailbox", "remove", "--address", "SALES@example.com")
			if code != 0 || !strings.Contains(out, "Removed mailbox sales@example.com") {
				t.Fatalf("mailbox remove: %d %s %s", code, out, errOut)
			}
			_, errOut, code = cli(t, env, "", "mailbox", "remove", "--address", "sales@example.com")
			if code != 1 || !strings.Contains(errOut, "not found") {
				t.Fatalf("remove twice: %d %s", code, errOut)
			}
			out, _, _ = cli(t, env, "", "mailbox", "list")
			if strings.Contains(out, "sales@") || !strings.Contains(out, "help@example.com") {
				t.Fatalf("list after remove:\n%s", out)
			}
		})
	}
}
