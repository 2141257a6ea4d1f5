package api

import (
	"net/http"
	"reflect"
	"strconv"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/customer"
	"github.com/centerdesk/centerdesk/internal/httpx"
)

func init() {
	overrides[reflect.TypeFor[customer.OptionalID]()] = map[string]any{"type": []string{"integer", "null"},
		"description": "an id, or null to clear"}
}

func (a *API) listCustomers(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if email := q.Get("email"); email != "" {
		c, err := a.Customers.GetByEmail(r.Context(), email)
		if apperr.Is(err, apperr.KindNotFound) {
			httpx.WriteJSON(w, http.StatusOK, listOf([]*customer.Customer(nil)))
			return nil
		}
		if err != nil {
			return err
		}
		httpx.WriteJSON(w, http.StatusOK, listOf([]*customer.Customer{c}))
		return nil
	}
	var (
		p   customer.Page
		err error
	)
	if p.OrganizationID, err = queryID(q, "organization"); err != nil {
		return err
	}
	err = a.writeCustomerPage(w, r, p)
	if p.OrganizationID != 0 && apperr.Is(err, apperr.KindNotFound) {
		return apperr.Unprocessable("organization", "no organization has id %d", p.OrganizationID)
	}
	return err
}

// writeCustomerPage answers with a page of customers, reading the cursor
// and limit of the request.
func (a *API) writeCustomerPage(w http.ResponseWriter, r *http.Request, p customer.Page) error {
	var err error
	q := r.URL.Query()
	if p.Before, err = queryID(q, "cursor"); err != nil {
		return err
	}
	if p.Limit, err = httpx.QueryLimit(q, customer.MaxListLimit); err != nil {
		return err
	}
	cs, next, err := a.Customers.List(r.Context(), p)
	if err != nil {
		return err
	}
	out := listOf(cs)
	if next != 0 {
		out.NextCursor = strconv.FormatInt(next, 10)
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (a *API) createCustomer(w http.ResponseWriter, r *http.Request) error {
	var in customer.NewCustomer
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	c, err := a.Customers.Create(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/customers/"+strconv.FormatInt(c.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, c)
	return nil
}

func (a *API) getCustomer(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	c, err := a.Customers.Get(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, c)
	return nil
}

func (a *API) updateCustomer(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var p customer.Patch
	if err := httpx.DecodeJSON(w, r, &p); err != nil {
		return err
	}
	c, err := a.Customers.Update(r.Context(), id, p)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, c)
	return nil
}

func (a *API) addIdentity(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in customer.NewIdentity
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	c, err := a.Customers.AddIdentity(r.Context(), id, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, c)
	return nil
}

func (a *API) removeIdentity(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	identityID, err := httpx.PathID(r, "identity_id")
	if err != nil {
		return err
	}
	c, err := a.Customers.RemoveIdentity(r.Context(), id, identityID)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, c)
	return nil
}

// mergeInto is the body of a customer merge.
type mergeInto struct {
	Into int64 `json:"into"`
}

func (a *API) mergeCustomer(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in mergeInto
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	m, err := a.Privacy.Merge(r.Context(), id, in.Into)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, m)
	return nil
}

func (a *API) eraseCustomer(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	e, err := a.Privacy.Erase(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, e)
	return nil
}
