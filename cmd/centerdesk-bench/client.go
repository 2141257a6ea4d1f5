package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
)

// client calls the API and keeps the ids of tickets it may reply to.
type client struct {
	base, token string
	http        *http.Client

	// direct is the in-process server's database, which create-raw
	// writes to; nil for a server elsewhere.
	direct *db.DB

	mu  sync.Mutex
	ids []int64 // tickets that take replies (not closed)
}

func newClient(base, token string, concurrency int) *client {
	tr := &http.Transport{MaxIdleConns: concurrency * 2, MaxIdleConnsPerHost: concurrency * 2,
		IdleConnTimeout: time.Minute}
	return &client{base: base, token: token, http: &http.Client{Transport: tr, Timeout: 30 * time.Second}}
}

// prime collects the ids of open tickets so that get and reply have
// something to work on before create has made any.
func (c *client) prime(ctx context.Context) error {
	for _, status := range []string{"open", "pending", "new"} {
		cursor := ""
		for range 10 {
			var page struct {
				Items      []struct{ ID int64 }
				NextCursor string `json:"next_cursor"`
			}
			q := url.Values{"status": {status}, "limit": {"100"}, "cursor": {cursor}}
			if err := c.call(ctx, "GET", "/api/v1/tickets?"+q.Encode(), nil, &page); err != nil {
				return fmt.Errorf("listing tickets to work on: %w", err)
			}
			for _, t := range page.Items {
				c.remember(t.ID)
			}
			if cursor = page.NextCursor; cursor == "" {
				break
			}
		}
	}
	return nil
}

func (c *client) remember(id int64) {
	c.mu.Lock()
	c.ids = append(c.ids, id)
	c.mu.Unlock()
}

// someTicket picks a ticket to work on; ok is false when there is none yet.
func (c *client) someTicket(r *rand.Rand) (int64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.ids) == 0 {
		return 0, false
	}
	return c.ids[r.IntN(len(c.ids))], true
}

// call sends a request and decodes a 2xx answer into out; any other status
// is an error that quotes the answer.
func (c *client) call(ctx context.Context, method, path string, body any, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
		return &statusError{status: resp.StatusCode,
			msg: fmt.Sprintf("%s %s: %d %s", method, path, resp.StatusCode, bytes.TrimSpace(b))}
	}
	if out == nil {
		_, err = io.Copy(io.Discard, resp.Body)
		return err
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// statusError is an answer outside 2xx.
type statusError struct {
	status int
	msg    string
}

func (e *statusError) Error() string { return e.msg }

// errorKind names what kind of failure err is, for counting: "HTTP 404",
// "timeout", "no ticket yet", or the transport's error.
func errorKind(err error) string {
	var se *statusError
	var ne net.Error
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("HTTP %d", se.status)
	case errors.Is(err, errNothingYet):
		return "no ticket yet"
	case errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	default:
		return "transport"
	}
}
