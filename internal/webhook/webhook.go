// Package webhook delivers a desk's events to URLs its people gave, as one
// attempt of a durable job (internal/jobs): the post goes through the
// guarded outbound client (internal/egress), and its answer decides whether
// the queue tries again. What a post carries belongs to the package that
// sends it (alerts, badge awards, ticket-event subscriptions); the
// timestamped signature they share is Sign.
package webhook

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/centerdesk/centerdesk/internal/egress"
	"github.com/centerdesk/centerdesk/internal/jobs"
)

// UserAgent names the desk to receivers.
const UserAgent = "Centerdesk-Webhook/1"

// Deliver posts body (JSON) to url with header through client. A 2xx
// answer is delivered. Timeouts, server errors, 408 and 429 come back as
// errors the queue retries with backoff; an address the guard refuses (the
// name now resolves inside, a redirect points there) and any other refusal
// come back permanent (jobs.Permanent): trying again will not help.
func Deliver(ctx context.Context, client *egress.Client, url string, body []byte, header http.Header) error {
	_, err := Post(ctx, client, url, body, header)
	return err
}

// Post is Deliver that also returns the receiver's status code (0 when
// none answered), for senders that keep a log of their deliveries.
func Post(ctx context.Context, client *egress.Client, url string, body []byte, header http.Header) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, jobs.Permanent(fmt.Errorf("webhook request: %w", err))
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", UserAgent)
	resp, err := client.Do(req)
	if egress.IsRefused(err) {
		return 0, jobs.Permanent(fmt.Errorf("post webhook: %w", err))
	}
	if err != nil {
		return 0, fmt.Errorf("post webhook: %w", err)
	}
	// Read a little of the answer so the connection can be reused.
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	switch c := resp.StatusCode; {
	case c >= 200 && c < 300:
		return c, nil
	case c >= 500 || c == http.StatusRequestTimeout || c == http.StatusTooManyRequests:
		return c, fmt.Errorf("webhook answered %s", resp.Status)
	default:
		return c, jobs.Permanent(fmt.Errorf("webhook refused the post: %s", resp.Status))
	}
}
