package browsertest

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/centerdesk/centerdesk/internal/config"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/secret"
	"github.com/centerdesk/centerdesk/internal/server"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/user"
)

const password = "correct horse battery"

// testTimeout bounds one browser test: page loads, live updates and all.
const testTimeout = 3 * time.Minute

var fastParams = user.PasswordParams{Memory: 1024, Time: 1, Threads: 1}

// env is a running server over a real database and a headless Chromium.
type env struct {
	t     *testing.T
	d     *db.DB
	box   *secret.Box
	users *user.Service
	url   string
	ctx   context.Context // the first browser context; others derive from it
	shots string

	mu       sync.Mutex
	problems []string // script errors and CSP violations the pages reported
}

// chromiumPath finds the browser or fails the test with how to install it.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CENTERDESK_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("Chromium is not installed: the browser tests need it. Install it with " +
		"`apt-get update && apt-get install -y chromium` (Debian), or set CENTERDESK_CHROMIUM to a Chrome binary")
	return ""
}

// newEnv starts the server (Run, so the event bus and live updates work)
// and opens a browser context of the test's own in the shared browser.
func newEnv(t *testing.T, d *db.DB) *env {
	t.Helper()
	box, err := secret.NewBox(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, d: d, box: box, users: user.NewService(d, box, fastParams), shots: screenshotDir(t)}
	e.startServer()

	browser, err := chromium.start(chromiumPath(t))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(browser, testTimeout)
	t.Cleanup(cancel)
	bctx, cancelContext := chromedp.NewContext(ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancelContext)
	if err := chromedp.Run(bctx); err != nil {
		t.Fatalf("open a browser context: %v", err)
	}
	e.ctx = bctx
	return e
}

func (e *env) startServer() {
	t := e.t
	cfg := config.Config{
		Addr: "127.0.0.1:0", DataDir: t.TempDir(), LogFormat: "text", LogLevel: "info",
		SessionLifetime: 12 * time.Hour, SessionIdle: 2 * time.Hour, ShutdownTimeout: 10 * time.Second,
	}
	srv, err := server.New(cfg, testutil.Logger(t), e.d, e.box, server.Options{PasswordParams: fastParams})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	e.url = "http://" + ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("server: %v", err)
		}
	})
	select {
	case <-srv.Bus().Ready():
	case <-time.After(30 * time.Second):
		t.Fatal("the event bus did not start")
	}
}

// screenshotDir is where screenshots go: CENTERDESK_SCREENSHOTS, else the
// test's artifact directory when go test runs with -artifacts. Otherwise
// nobody would see them, and rendering and encoding full-page PNGs is a
// large share of these tests' time on a small machine, so none are taken.
func screenshotDir(t *testing.T) string {
	if dir := os.Getenv("CENTERDESK_SCREENSHOTS"); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	if f := flag.Lookup("test.artifacts"); f != nil && f.Value.String() == "true" {
		return t.ArtifactDir()
	}
	return ""
}

// agent creates an agent who signs in with password.
func (e *env) agent(email, name string) *user.User {
	e.t.Helper()
	u, err := e.users.Create(context.Background(), user.NewUser{Email: email, Name: name, Role: "agent", Password: password})
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

// tab opens a browser tab in a fresh browser context (its own cookies), as
// another person on another computer would. Script errors and CSP
// violations in it fail the test.
func (e *env) tab() context.Context {
	e.t.Helper()
	ctx, cancel := chromedp.NewContext(e.ctx, chromedp.WithNewBrowserContext())
	e.t.Cleanup(cancel)
	chromedp.ListenTarget(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventExceptionThrown:
			e.problem("script error: %s", ev.ExceptionDetails.Error())
		case *log.EventEntryAdded:
			if strings.Contains(ev.Entry.Text, "Content Security Policy") || strings.Contains(ev.Entry.Text, "Refused to") {
				e.problem("%s", ev.Entry.Text)
			}
		}
	})
	if err := chromedp.Run(ctx, log.Enable(), runtime.Enable()); err != nil {
		e.t.Fatal(err)
	}
	return ctx
}

func (e *env) problem(format string, args ...any) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.problems = append(e.problems, fmt.Sprintf(format, args...))
}

// checkProblems fails the test for what the pages reported.
func (e *env) checkProblems() {
	e.t.Helper()
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, p := range e.problems {
		e.t.Errorf("the page reported: %s", p)
	}
}

// stepTimeout bounds one run of actions, so a failing step leaves time to
// take a screenshot of it.
const stepTimeout = 40 * time.Second

// run runs actions in a tab, failing the test with what was being done.
func (e *env) run(ctx context.Context, what string, actions ...chromedp.Action) {
	e.t.Helper()
	step, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Run(step, actions...); err != nil {
		e.shot(ctx, "failed-"+what)
		e.t.Fatalf("%s: %v", what, err)
	}
}

var unsafeName = regexp.MustCompile(`[^a-zA-Z0-9_-]+`)

// shot saves a full-page PNG named after the test and what it shows.
func (e *env) shot(ctx context.Context, name string) {
	e.t.Helper()
	var png []byte
	e.capture(ctx, name, &png, chromedp.FullScreenshot(&png, 100))
}

// capture runs a screenshot action into png and saves it, when screenshots
// are wanted at all.
func (e *env) capture(ctx context.Context, name string, png *[]byte, action chromedp.Action) {
	e.t.Helper()
	if e.shots == "" {
		return
	}
	if err := chromedp.Run(ctx, action); err != nil {
		e.t.Logf("screenshot %s: %v", name, err)
		return
	}
	file := filepath.Join(e.shots, unsafeName.ReplaceAllString(e.t.Name()+"-"+name, "_")+".png")
	if err := os.WriteFile(file, *png, 0o644); err != nil {
		e.t.Errorf("save screenshot: %v", err)
		return
	}
	e.t.Logf("screenshot: %s", file)
}

// signIn signs an agent in through the sign-in form.
func (e *env) signIn(ctx context.Context, email string) {
	e.t.Helper()
	e.run(ctx, "sign in "+email,
		chromedp.Navigate(e.url+"/signin"),
		chromedp.WaitVisible(`#email`, chromedp.ByID),
		chromedp.SendKeys(`#email`, email, chromedp.ByID),
		chromedp.SendKeys(`#password`, password, chromedp.ByID),
		chromedp.Submit(`#password`, chromedp.ByID),
		chromedp.WaitReady(`#notifications`, chromedp.ByID), // a phone may fold it in the menu
	)
}

// requirePage fails the test at once, naming the page, when a page the
// test drives is not served (404), rather than timing out in the browser.
func (e *env) requirePage(email, path, owner string) {
	e.t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.PostForm(e.url+"/signin", url.Values{"email": {email}, "password": {password}})
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	resp, err = c.Get(e.url + path)
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		e.t.Fatalf("%s answers 404: the %s page is not served", path, owner)
	}
}

// waitFor evaluates a JavaScript expression every 100 ms until it is
// true, for up to 30 seconds. Unlike chromedp.Poll it survives a page
// navigating meanwhile (a form submitted just before): a failed evaluation
// is tried again.
func waitFor(expr string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		deadline := time.Now().Add(30 * time.Second)
		var lastErr error
		for {
			var ok bool
			lastErr = chromedp.Evaluate(`!!(`+expr+`)`, &ok).Do(ctx)
			if lastErr == nil && ok {
				return nil
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("still false after 30 s (last error: %v): %s", lastErr, expr)
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(100 * time.Millisecond):
			}
		}
	})
}

// waitPath waits until the tab is at path, across navigations (which
// interrupt a polling script).
func (e *env) waitPath(ctx context.Context, path string) {
	e.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var loc string
		err := chromedp.Run(ctx, chromedp.Evaluate(`location.pathname`, &loc))
		if err == nil && loc == path {
			return
		}
		if time.Now().After(deadline) {
			e.shot(ctx, "failed-path")
			e.t.Fatalf("the tab is at %q (%v), want %s", loc, err, path)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
