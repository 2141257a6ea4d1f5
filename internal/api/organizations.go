package api

import (
	"net/http"
	"strconv"

	"github.com/centerdesk/centerdesk/internal/customer"
	"github.com/centerdesk/centerdesk/internal/httpx"
)

func (h *customerHandlers) listOrganizations(w http.ResponseWriter, r *http.Request) error {
	os, err := h.customers.ListOrganizations(r.Context())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, listOf(os))
	return nil
}

func (h *customerHandlers) createOrganization(w http.ResponseWriter, r *http.Request) error {
	var in customer.NewOrganization
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	o, err := h.customers.CreateOrganization(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/organizations/"+strconv.FormatInt(o.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, o)
	return nil
}

func (h *customerHandlers) getOrganization(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	o, err := h.customers.GetOrganization(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, o)
	return nil
}

func (h *customerHandlers) updateOrganization(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var p customer.OrganizationPatch
	if err := httpx.DecodeJSON(w, r, &p); err != nil {
		return err
	}
	o, err := h.customers.UpdateOrganization(r.Context(), id, p)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, o)
	return nil
}

func (h *customerHandlers) listOrganizationCustomers(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	return h.writeCustomerPage(w, r, customer.Page{OrganizationID: id})
}
