package api

import (
	"net/http"

	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// tagChange answers a rename or deletion with how many tickets it changed.
type tagChange struct {
	Name    string `json:"name,omitempty"`
	Tickets int    `json:"tickets"`
}

func (a *API) listTags(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	limit, err := httpx.QueryLimit(q, ticket.MaxTagLimit)
	if err != nil {
		return err
	}
	tags, err := a.Tickets.Tags(r.Context(), q.Get("prefix"), limit)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, listOf(tags))
	return nil
}

func (a *API) renameTag(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Name string `json:"name"`
	}
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	n, err := a.Tickets.RenameTag(r.Context(), r.PathValue("name"), in.Name)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, tagChange{Name: in.Name, Tickets: n})
	return nil
}

func (a *API) deleteTag(w http.ResponseWriter, r *http.Request) error {
	n, err := a.Tickets.DeleteTag(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, tagChange{Tickets: n})
	return nil
}
