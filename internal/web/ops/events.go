package ops

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/centerdesk/centerdesk/internal/ops"
)

// writeLimit bounds each write of the stream, so a stuck client does not
// hold its goroutine.
const writeLimit = 10 * time.Second

// retryMS is how soon a browser reconnects after the stream drops.
const retryMS = 3000

// events streams the board's cards (the "cards" fragment, rendered for the
// viewer) as server-sent events named "board" ("checked", with the time,
// when a look found nothing new): one at once, then a fresh
// one whenever the event bus or presence shows a change, looked at no more
// often than Cadence.Check, and whenever Cadence.Refresh passes (deadlines
// come closer with no event at all). A render equal to the last one sent is
// not sent again. Comments keep the stream alive between them.
func (wb *Pages) events(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	s := &sseWriter{w: w, rc: http.NewResponseController(w)}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("X-Accel-Buffering", "no") // nginx: pass each event on at once
	w.WriteHeader(http.StatusOK)
	s.printf("retry: %d\n\n", retryMS)
	// Subscribed before the first render, so no change falls between.
	changes := ops.Changes(ctx, wb.Bus, wb.Presence)
	var last []byte
	send := func() error {
		html, err := wb.render(r)
		if err != nil {
			return err
		}
		if bytes.Equal(html, last) {
			// Nothing moved: say when the board was last checked.
			s.event("checked", []byte(time.Now().UTC().Format(time.RFC3339)))
			return nil
		}
		s.event("board", html)
		last = html
		return nil
	}
	if err := send(); err != nil {
		return err
	}
	c := wb.Cadence
	check, refresh, beat := time.NewTicker(c.Check), time.NewTicker(c.Refresh), time.NewTicker(c.Heartbeat)
	defer check.Stop()
	defer refresh.Stop()
	defer beat.Stop()
	// The clocks and the roll-up follow an event a moment after it is
	// committed; a change is looked at on two checks in a row to see both.
	looks := 0
	for s.err == nil {
		select {
		case <-ctx.Done():
			return nil
		case <-wb.Stop:
			return nil // shutting down: the page reconnects to a node that serves
		case <-changes:
			looks = 2
		case <-check.C:
			if looks == 0 {
				continue
			}
			looks--
			if err := send(); err != nil {
				return ignoreGone(ctx, err)
			}
		case <-refresh.C:
			if err := send(); err != nil {
				return ignoreGone(ctx, err)
			}
		case <-beat.C:
			s.printf(": ping\n\n")
		}
	}
	return nil // the client went away
}

// render is the cards fragment for r's viewer.
func (wb *Pages) render(r *http.Request) ([]byte, error) {
	pg, err := wb.load(r)
	if err != nil {
		return nil, err
	}
	return wb.Bytes(r, "ops", "cards", pg)
}

// ignoreGone drops the error of a request whose client left mid-render.
func ignoreGone(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// sseWriter writes server-sent events, each flushed at once and within a
// deadline of its own.
type sseWriter struct {
	w   io.Writer
	rc  *http.ResponseController
	err error
}

func (s *sseWriter) printf(format string, args ...any) {
	if s.err != nil {
		return
	}
	// Not every writer supports deadlines (tests' recorders); the stream
	// still works without.
	_ = s.rc.SetWriteDeadline(time.Now().Add(writeLimit))
	if _, s.err = fmt.Fprintf(s.w, format, args...); s.err == nil {
		s.err = s.rc.Flush()
	}
}

// event writes one named event; each line of data goes on a data: line of
// its own, as the format asks.
func (s *sseWriter) event(name string, data []byte) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "event: %s\n", name)
	for line := range bytes.Lines(data) {
		b.WriteString("data: ")
		b.Write(bytes.TrimRight(line, "\r\n"))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	s.printf("%s", b.Bytes())
}
