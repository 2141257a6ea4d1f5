package main

// The page operations measure the agent workspace as a browser uses it,
// with a session cookie: page-inbox (GET /inbox?view={id}, each time one of
// the views the inbox lists, ready-made or shared) and page-ticket
// (GET /tickets/{id} of a ticket the run knows). They sign in
// once per run as the token's user: its email comes from GET /api/v1/me,
// its password from CENTERDESK_BENCH_PASSWORD (the in-process server's
// bench agent has the default, "bench password 1234").

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

func init() {
	operations["page-inbox"] = pageInbox
	operations["page-ticket"] = pageTicket
}

// benchPassword is the in-process bench agent's password (target.go).
const benchPassword = "bench password 1234"

// session is a signed-in browser-like client, one per run.
type session struct {
	once sync.Once
	http *http.Client
	err  error

	viewsOnce sync.Once
	views     []string // the inbox's view ids
	viewsErr  error
}

var sessions sync.Map // *client → *session

// browserFor returns c's signed-in session, signing in on first use.
func browserFor(ctx context.Context, c *client) (*http.Client, error) {
	s := sessionOf(c)
	s.once.Do(func() { s.http, s.err = signIn(context.WithoutCancel(ctx), c) })
	return s.http, s.err
}

func sessionOf(c *client) *session {
	v, _ := sessions.LoadOrStore(c, &session{})
	return v.(*session)
}

var viewLinkRE = regexp.MustCompile(`href="/inbox\?view=([\w-]+)"`)

// inboxViews lists the views the inbox offers, read once from its page.
func inboxViews(ctx context.Context, c *client) ([]string, error) {
	s := sessionOf(c)
	s.viewsOnce.Do(func() {
		var page string
		if page, s.viewsErr = getPageBody(context.WithoutCancel(ctx), c, "/inbox"); s.viewsErr != nil {
			return
		}
		seen := map[string]bool{}
		for _, m := range viewLinkRE.FindAllStringSubmatch(page, -1) {
			if !seen[m[1]] {
				seen[m[1]] = true
				s.views = append(s.views, m[1])
			}
		}
		if len(s.views) == 0 {
			s.viewsErr = fmt.Errorf("the inbox lists no views")
		}
	})
	return s.views, s.viewsErr
}

func signIn(ctx context.Context, c *client) (*http.Client, error) {
	var me struct{ Email string }
	if err := c.call(ctx, "GET", "/api/v1/me", nil, &me); err != nil {
		return nil, fmt.Errorf("find the bench agent: %w", err)
	}
	password := os.Getenv("CENTERDESK_BENCH_PASSWORD")
	if password == "" {
		password = benchPassword
	}
	jar, _ := cookiejar.New(nil)
	h := &http.Client{Jar: jar, Transport: c.http.Transport, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	form := url.Values{"email": {me.Email}, "password": {password}}
	req, err := http.NewRequestWithContext(ctx, "POST", c.base+"/signin", strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := h.Do(req)
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || strings.HasPrefix(resp.Header.Get("Location"), "/signin") {
		return nil, fmt.Errorf("sign in as %s: %d (set CENTERDESK_BENCH_PASSWORD)", me.Email, resp.StatusCode)
	}
	return h, nil
}

// getPageBody fetches a page with the session and wants a 200.
func getPageBody(ctx context.Context, c *client, path string) (string, error) {
	h, err := browserFor(ctx, c)
	if err != nil {
		return "", err
	}
	req, err := http.NewRequestWithContext(ctx, "GET", c.base+path, nil)
	if err != nil {
		return "", err
	}
	resp, err := h.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", &statusError{status: resp.StatusCode, msg: fmt.Sprintf("GET %s: %d", path, resp.StatusCode)}
	}
	return string(b), nil
}

func getPage(ctx context.Context, c *client, path string) error {
	_, err := getPageBody(ctx, c, path)
	return err
}

func pageInbox(ctx context.Context, c *client, r *rand.Rand) error {
	views, err := inboxViews(ctx, c)
	if err != nil {
		return err
	}
	return getPage(ctx, c, "/inbox?view="+views[r.IntN(len(views))])
}

func pageTicket(ctx context.Context, c *client, r *rand.Rand) error {
	id, ok := c.someTicket(r)
	if !ok {
		return errNothingYet
	}
	return getPage(ctx, c, "/tickets/"+strconv.FormatInt(id, 10))
}
