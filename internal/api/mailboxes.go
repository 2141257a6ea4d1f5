package api

import (
	"net/http"
	"strconv"

	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/mailbox"
)

func (a *API) listMailboxes(w http.ResponseWriter, r *http.Request) error {
	boxes, err := a.Mailboxes.List(r.Context())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, listOf(boxes))
	return nil
}

func (a *API) createMailbox(w http.ResponseWriter, r *http.Request) error {
	var in mailbox.NewMailbox
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	m, err := a.Mailboxes.Create(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/mailboxes/"+strconv.FormatInt(m.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, m)
	return nil
}

func (a *API) getMailbox(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	m, err := a.Mailboxes.Get(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, m)
	return nil
}

func (a *API) updateMailbox(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var p mailbox.Patch
	if err := httpx.DecodeJSON(w, r, &p); err != nil {
		return err
	}
	m, err := a.Mailboxes.Update(r.Context(), id, p)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, m)
	return nil
}

func (a *API) deleteMailbox(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.Mailboxes.Delete(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
