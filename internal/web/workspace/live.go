package workspace

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/live"
	"github.com/centerdesk/centerdesk/internal/user"
)

// The stream's timing: a comment every heartbeat keeps proxies and the
// browser from calling the connection dead; each write must finish within
// writeLimit or the client is given up (its page reconnects).
const (
	liveHeartbeat  = 25 * time.Second
	liveWriteLimit = 15 * time.Second
	liveRetryMS    = 3000
)

// liveStream serves GET /live: server-sent events for a signed-in agent's
// pages (see internal/live for what is sent and to whom).
//
// There is no replay by Last-Event-ID: the live feed is best effort and
// keeps no history per client. A client that comes back with a
// Last-Event-ID (it was connected before, and may have missed something)
// gets a "resync" message first, and reloads what it shows instead.
func (wb *Pages) liveStream(w http.ResponseWriter, r *http.Request) error {
	u := user.FromContext(r.Context())
	if wb.Live == nil {
		return errors.New("web: live updates are not wired")
	}
	c, err := wb.Live.Join(u.ID)
	if errors.Is(err, live.ErrClosed) {
		w.Header().Set("Retry-After", "1")
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return nil
	}
	if err != nil {
		return err
	}
	defer wb.Live.Leave(c)
	s := &sseWriter{w: w, rc: http.NewResponseController(w)}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("X-Accel-Buffering", "no") // nginx: pass each event on at once
	w.WriteHeader(http.StatusOK)
	s.printf("retry: %d\n\n", liveRetryMS)
	if r.Header.Get("Last-Event-ID") != "" {
		s.event(0, live.ResyncData)
	}
	if err := wb.sendUnread(r, s, u.ID); err != nil {
		return err
	}
	tick := time.NewTicker(liveHeartbeat)
	defer tick.Stop()
	for s.err == nil {
		select {
		case <-r.Context().Done():
			return nil
		case m, ok := <-c.C():
			if !ok {
				return nil // dropped (too slow) or shutting down: the page reconnects
			}
			s.event(m.ID, m.Payload(u.ID))
		case <-tick.C:
			s.printf(": ping\n\n")
		}
	}
	return nil // the client went away
}

// sendUnread starts a stream with the agent's unread count, so the bell is
// right even on a page cached before a notification came.
func (wb *Pages) sendUnread(r *http.Request, s *sseWriter, userID int64) error {
	if wb.Notify == nil {
		return nil
	}
	n, err := wb.Notify.Unread(r.Context(), userID)
	if err != nil {
		return err
	}
	s.event(0, fmt.Appendf(nil, `{"type":"notification","unread":%d}`, n))
	return nil
}

// sseWriter writes server-sent events, each flushed at once and within a
// deadline of its own: the server's WriteTimeout (if any) would otherwise
// cut the stream, and a stuck client must not hold its goroutine forever.
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
	_ = s.rc.SetWriteDeadline(time.Now().Add(liveWriteLimit))
	if _, s.err = fmt.Fprintf(s.w, format, args...); s.err == nil {
		s.err = s.rc.Flush()
	}
}

// event writes one message; data is one line of JSON.
func (s *sseWriter) event(id int64, data []byte) {
	line := strings.ReplaceAll(string(data), "\n", "")
	if id > 0 {
		s.printf("id: %d\ndata: %s\n\n", id, line)
		return
	}
	s.printf("data: %s\n\n", line)
}

// presenceBody is what POST /tickets/{id}/presence takes as JSON.
type presenceBody struct {
	State string `json:"state"`
}

// presenceAnswer is the ticket's presence list without the caller.
type presenceAnswer struct {
	TicketID int64 `json:"ticket_id"`
	Agents   any   `json:"agents"`
}

// setPresence serves POST /tickets/{id}/presence: a page's heartbeat with
// state viewing, replying or left, as a form (navigator.sendBeacon sends
// one) or JSON. It answers with who else is on the ticket.
func (wb *Pages) setPresence(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := user.FromContext(ctx)
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var state string
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		var in presenceBody
		if err := httpx.DecodeJSON(w, r, &in); err != nil {
			return err
		}
		state = in.State
	} else {
		state = r.PostFormValue("state")
	}
	if _, err := wb.Tickets.Get(ctx, id); err != nil {
		return err
	}
	list, err := wb.Presence.Set(ctx, id, u.ID, u.Name, state)
	if err != nil {
		return err
	}
	others := list[:0:0]
	for _, a := range list {
		if a.ID != u.ID {
			others = append(others, a)
		}
	}
	httpx.WriteJSON(w, http.StatusOK, presenceAnswer{TicketID: id, Agents: others})
	return nil
}
