package api

import (
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/reply"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/ticket/ticketlink"
	"github.com/centerdesk/centerdesk/internal/ticketexport"
)

// ticketHandlers serve tickets, their messages, events, links and tags, and the export.
type ticketHandlers struct {
	tickets *ticket.Service
	links   *ticketlink.Service
	exports *ticketexport.Service
	replies *reply.Service // agents' messages with their macro and status
	log     *slog.Logger   // errors after an export has begun streaming
}

func (h *ticketHandlers) createTicket(w http.ResponseWriter, r *http.Request) error {
	var in ticket.NewTicket
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.Channel == "" {
		in.Channel = "api" // this door's own channel, unless the client relays another
	}
	t, err := h.tickets.Create(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/tickets/"+strconv.FormatInt(t.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, t)
	return nil
}

func (h *ticketHandlers) listTickets(w http.ResponseWriter, r *http.Request) error {
	f, err := ticketFilter(r.URL.Query(), ticket.MaxLimit)
	if err != nil {
		return err
	}
	if f.Sort, f.Ascending, err = listOrder(r.URL.Query()); err != nil {
		return err
	}
	page, err := h.tickets.List(r.Context(), f)
	if err != nil {
		return err
	}
	out := listOf(page.Tickets)
	out.NextCursor = page.NextCursor
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

// listOrder reads a listing's order: sort (checked by the ticket service)
// and ascending, named as a saved view names them.
func listOrder(q url.Values) (sort string, ascending bool, err error) {
	if v := q.Get("ascending"); v != "" {
		if ascending, err = strconv.ParseBool(v); err != nil {
			return "", false, apperr.Invalid("ascending", "must be true or false, not %q", v)
		}
	}
	return q.Get("sort"), ascending, nil
}

// ticketFilter reads a listing's query parameters; assignee=none lists
// unassigned tickets.
func ticketFilter(q url.Values, maxLimit int) (ticket.Filter, error) {
	f := ticket.Filter{Status: q.Get("status"), Tag: q.Get("tag"), Cursor: q.Get("cursor")}
	var err error
	if q.Get("assignee") == "none" {
		f.Unassigned = true
	} else if f.AssigneeID, err = queryID(q, "assignee"); err != nil {
		return f, err
	}
	if f.TeamID, err = queryID(q, "team"); err != nil {
		return f, err
	}
	if f.RequesterID, err = queryID(q, "requester"); err != nil {
		return f, err
	}
	if f.Limit, err = httpx.QueryLimit(q, maxLimit); err != nil {
		return f, err
	}
	if v := q.Get("updated_since"); v != "" {
		if f.UpdatedSince, err = time.Parse(time.RFC3339Nano, v); err != nil {
			return f, apperr.Invalid("updated_since", "must be an RFC 3339 time, not %q", v)
		}
	}
	f.Fields = fieldFilters(q)
	return f, nil
}

// fieldFilters reads field.<key>=value parameters, which filter on custom
// field values; the ticket package checks keys and values.
func fieldFilters(q url.Values) map[string]string {
	var out map[string]string
	for name := range q {
		if key, ok := strings.CutPrefix(name, "field."); ok {
			if out == nil {
				out = map[string]string{}
			}
			out[key] = q.Get(name)
		}
	}
	return out
}

// queryInt reads an optional non-negative integer query parameter.
func queryInt(q url.Values, name string) (int, error) {
	v := q.Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, apperr.Invalid(name, "must be a whole number, not %q", v)
	}
	return n, nil
}

// queryID reads an optional id query parameter.
func queryID(q url.Values, name string) (int64, error) {
	v := q.Get(name)
	if v == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.Invalid(name, "%q is not an id", v)
	}
	return id, nil
}

func (h *ticketHandlers) getTicket(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	t, err := h.tickets.Get(r.Context(), id)
	if err != nil {
		return err
	}
	writeTicket(w, http.StatusOK, t)
	return nil
}

func (h *ticketHandlers) updateTicket(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var p ticket.Patch
	if err := httpx.DecodeJSON(w, r, &p); err != nil {
		return err
	}
	t, err := h.tickets.Update(r.Context(), id, p)
	if err != nil {
		return err
	}
	writeTicket(w, http.StatusOK, t)
	return nil
}

func (h *ticketHandlers) addMessage(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in reply.Draft
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.Kind == "" {
		in.Kind = ticket.KindReply
	}
	m, err := h.replies.Send(r.Context(), id, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, m)
	return nil
}

// bulkTickets answers POST /api/v1/tickets/bulk: one result per ticket.
func (h *ticketHandlers) bulkTickets(w http.ResponseWriter, r *http.Request) error {
	var in ticket.Bulk
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	results, err := h.tickets.ApplyBulk(r.Context(), in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, listOf(results))
	return nil
}

func (h *ticketHandlers) listMessages(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	msgs, err := h.tickets.Messages(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, listOf(msgs))
	return nil
}

func (h *ticketHandlers) listEvents(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	evs, err := h.tickets.Events(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, listOf(evs))
	return nil
}
