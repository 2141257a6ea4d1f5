package frictionapi

import (
	"net/http"
	"strconv"

	"github.com/centerdesk/centerdesk/internal/api/apikit"
	"github.com/centerdesk/centerdesk/internal/friction"
	"github.com/centerdesk/centerdesk/internal/httpx"
)

func (h handlers) listDepartments(w http.ResponseWriter, r *http.Request) error {
	list, err := h.friction.Departments(r.Context())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, apikit.ListOf(list))
	return nil
}

func (h handlers) createDepartment(w http.ResponseWriter, r *http.Request) error {
	var in friction.NewDepartment
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	d, err := h.friction.CreateDepartment(r.Context(), me(r), in)
	if err != nil {
		return err
	}
	created(w, "/api/v1/departments/"+strconv.FormatInt(d.ID, 10), d)
	return nil
}

func (h handlers) getDepartment(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	d, err := h.friction.Department(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, d)
	return nil
}

func (h handlers) updateDepartment(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var p friction.DepartmentPatch
	if err := httpx.DecodeJSON(w, r, &p); err != nil {
		return err
	}
	d, err := h.friction.UpdateDepartment(r.Context(), me(r), id, p)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, d)
	return nil
}

func (h handlers) deleteDepartment(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := h.friction.DeleteDepartment(r.Context(), me(r), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
