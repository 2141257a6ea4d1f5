package api

import (
	"net/http"
	"strconv"

	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/mailbox"
)

// mailboxHandlers serve the mailboxes mail comes in by.
type mailboxHandlers struct {
	mailboxes *mailbox.Service
}

func (h *mailboxHandlers) listMailboxes(w http.ResponseWriter, r *http.Request) error {
	boxes, err := h.mailboxes.List(r.Context())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, listOf(boxes))
	return nil
}

func (h *mailboxHandlers) createMailbox(w http.ResponseWriter, r *http.Request) error {
	var in mailbox.NewMailbox
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	m, err := h.mailboxes.Create(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/mailboxes/"+strconv.FormatInt(m.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, m)
	return nil
}

func (h *mailboxHandlers) getMailbox(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	m, err := h.mailboxes.Get(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, m)
	return nil
}

func (h *mailboxHandlers) updateMailbox(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var p mailbox.Patch
	if err := httpx.DecodeJSON(w, r, &p); err != nil {
		return err
	}
	m, err := h.mailboxes.Update(r.Context(), id, p)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, m)
	return nil
}

func (h *mailboxHandlers) deleteMailbox(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := h.mailboxes.Delete(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
