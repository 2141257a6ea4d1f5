package api

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// Conditional writes to a ticket. A ticket's ETag is its version in
// quotes; a write sent with If-Match applies only while the ticket is at
// that version (the ticket service compares it in the transaction that
// writes) and is otherwise answered 412 with the ticket as it is now,
// having changed nothing. Without If-Match a write applies as always.

// etag is a ticket's entity tag.
func etag(t *ticket.Ticket) string { return `"` + strconv.FormatInt(t.Version, 10) + `"` }

// writeTicket answers with t and its ETag.
func writeTicket(w http.ResponseWriter, status int, t *ticket.Ticket) {
	w.Header().Set("ETag", etag(t))
	httpx.WriteJSON(w, status, t)
}

// ifMatch wraps a handler that writes to ticket {id}: it reads If-Match
// into the request's context, and answers a stale write 412 with the
// current ticket.
func (h *ticketHandlers) ifMatch(next httpx.HandlerFunc) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		header := r.Header.Get("If-Match")
		if header == "" {
			return next(w, r)
		}
		id, err := httpx.PathID(r, "id")
		if err != nil {
			return err
		}
		version, anyVersion, err := parseIfMatch(header)
		if err != nil {
			return err
		}
		if anyVersion { // "*": any version, but the ticket must exist
			if _, err := h.tickets.Get(r.Context(), id); err != nil {
				return err
			}
			return next(w, r)
		}
		err = next(w, r.WithContext(ticket.IfVersion(r.Context(), id, version)))
		if _, stale := ticket.AsStale(err); !stale {
			return err
		}
		current, getErr := h.tickets.Get(r.Context(), id)
		if getErr != nil {
			return getErr
		}
		writeTicket(w, http.StatusPreconditionFailed, current)
		return nil
	}
}

// parseIfMatch reads one entity tag ("7", W/"7") or "*". A list of tags
// is refused: a ticket is at one version, and a client holds one.
func parseIfMatch(v string) (version int64, anyVersion bool, err error) {
	v = strings.TrimSpace(v)
	if v == "*" {
		return 0, true, nil
	}
	tag := strings.TrimPrefix(v, "W/")
	if len(tag) < 2 || tag[0] != '"' || tag[len(tag)-1] != '"' {
		return 0, false, apperr.Invalid("If-Match", `must be one entity tag such as "3" (the ticket's ETag) or *, not %q`, v)
	}
	n, err := strconv.ParseInt(tag[1:len(tag)-1], 10, 64)
	if err != nil || n <= 0 {
		return 0, false, apperr.Invalid("If-Match", `must be one entity tag such as "3" (the ticket's ETag) or *, not %q`, v)
	}
	return n, false, nil
}

// noIfMatch wraps a write to several tickets, which cannot be made
// against one version: If-Match there is refused rather than ignored.
func noIfMatch(next httpx.HandlerFunc) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if r.Header.Get("If-Match") != "" {
			return apperr.Invalid("If-Match", "a bulk change applies to many tickets and cannot be conditional: "+
				"send conditional changes one ticket at a time (PATCH /api/v1/tickets/{id})")
		}
		return next(w, r)
	}
}
