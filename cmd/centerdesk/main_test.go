package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/testutil"
)

// cli runs the command in-process with the given environment.
func cli(t *testing.T, env map[string]string, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	getenv := func(k string) string { return env[k] }
	code = run(context.Background(), args, getenv, strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), code
}

// sqliteDataDir is a data directory whose database is already migrated, so
// that each command under test does not pay for migrating a new one (seconds
// under the race detector). TestServeStartsAndStops keeps the real first start.
func sqliteDataDir(t *testing.T) string {
	t.Helper()
	image, err := os.ReadFile(testutil.NewSQLiteFile(t))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "centerdesk.db"), image, 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

// postgresURL is a fresh, migrated PostgreSQL database of the test's own,
// for the command to connect to by URL.
func postgresURL(t *testing.T) string {
	t.Helper()
	return testutil.NewPostgresURL(t)
}

func TestUserAndTokenCommands(t *testing.T) {
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
			out, errOut, code := cli(t, env, "a long enough password\n", "user", "create", "--email", "Ada@Example.com", "--name", "Ada", "--role", "admin")
			if code != 0 || !strings.Contains(out, "Created admin Ada <ada@example.com>") || strings.Contains(out, "Password:") {
				t.Fatalf("user create: %d\n%s\n%s", code, out, errOut)
			}
			out, _, code = cli(t, env, "", "user", "create", "--email", "bob@example.com", "--name", "Bob")
			if code != 0 || !strings.Contains(out, "Created agent Bob") || !strings.Contains(out, "Password: ") {
				t.Fatalf("user create with a generated password: %d\n%s", code, out)
			}
			_, errOut, code = cli(t, env, "short\n", "user", "create", "--email", "c@example.com", "--name", "C")
			if code != 1 || !strings.Contains(errOut, "password: must be at least 10 characters") {
				t.Fatalf("short password: %d %s", code, errOut)
			}
			out, errOut, code = cli(t, env, "", "token", "create", "--email", "ada@example.com")
			if code != 0 || !strings.HasPrefix(out, "cdk_") || strings.Count(out, "\n") != 1 {
				t.Fatalf("token create: %d %q %s", code, out, errOut)
			}
			_, errOut, code = cli(t, env, "", "token", "create", "--email", "nobody@example.com")
			if code != 1 || !strings.Contains(errOut, "user not found") {
				t.Fatalf("token for an unknown user: %d %s", code, errOut)
			}
		})
	}
}

func TestUnreachableDatabaseFailsClearly(t *testing.T) {
	env := map[string]string{
		"CENTERDESK_DATA_DIR":     t.TempDir(),
		"CENTERDESK_DATABASE_URL": "postgres://centerdesk:hunter2@127.0.0.1:1/centerdesk?connect_timeout=2",
	}
	_, errOut, code := cli(t, env, "", "serve", "--addr", "127.0.0.1:0")
	if code != 1 {
		t.Fatalf("exit code %d, want 1", code)
	}
	if !strings.Contains(errOut, "cannot reach the postgres database at postgres://centerdesk@127.0.0.1:1/centerdesk") {
		t.Fatalf("unclear message:\n%s", errOut)
	}
	if strings.Contains(errOut, "hunter2") {
		t.Fatalf("message leaks the password:\n%s", errOut)
	}
}

func TestBadSettingsAreNamed(t *testing.T) {
	_, errOut, code := cli(t, map[string]string{"CENTERDESK_LOG_FORMAT": "xml"}, "", "serve", "--addr", "nowhere")
	if code != 1 || !strings.Contains(errOut, "addr:") || !strings.Contains(errOut, "log-format:") {
		t.Fatalf("bad settings: %d\n%s", code, errOut)
	}
	_, errOut, code = cli(t, nil, "", "frobnicate")
	if code != 2 || !strings.Contains(errOut, `unknown command "frobnicate"`) {
		t.Fatalf("unknown command: %d %s", code, errOut)
	}
}

// TestServeStartsAndStops runs the real serve command on SQLite, checks the
// first-start greeting and that it answers, then stops it as SIGTERM would.
func TestServeStartsAndStops(t *testing.T) {
	dir := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var stderr bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"--addr", addr}, func(k string) string {
			return map[string]string{"CENTERDESK_DATA_DIR": dir}[k]
		}, strings.NewReader(""), &bytes.Buffer{}, &syncWriter{buf: &stderr})
	}()
	waitReady(t, "http://"+addr+"/readyz", done)
	cancel()
	if code := awaitExit(t, done); code != 0 {
		t.Fatalf("serve exited %d:\n%s", code, stderr.String())
	}
	log := stderr.String()
	for _, want := range []string{"There are no users yet", filepath.Join(dir, "centerdesk.db"),
		"centerdesk user create --data-dir " + dir + " --email", "Centerdesk stopped"} {
		if !strings.Contains(log, want) {
			t.Errorf("output lacks %q:\n%s", want, log)
		}
	}
}

// waitReady waits until url answers 200, failing at once if the command
// returns first. Starting migrates a new database, which takes a while under
// the race detector on a busy machine; the limit only stops a hang.
func waitReady(t *testing.T, url string, done <-chan int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Minute)
	for time.Now().Before(deadline) {
		select {
		case code := <-done:
			t.Fatalf("serve exited %d before %s was ready", code, url)
		default:
		}
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s never became ready", url)
}

// awaitExit waits for the serve command to return. A shutdown that hangs
// fails with every goroutine's stack, which names what it waits on, rather
// than leaving the whole package to the test binary's timeout.
func awaitExit(t *testing.T, done <-chan int) int {
	t.Helper()
	select {
	case code := <-done:
		return code
	case <-time.After(2 * time.Minute):
		stacks := make([]byte, 1<<20)
		stacks = stacks[:runtime.Stack(stacks, true)]
		t.Fatalf("serve did not stop within 2 minutes of its context ending:\n%s", stacks)
		return -1
	}
}
