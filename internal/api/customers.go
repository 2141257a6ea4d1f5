package api

import (
	"net/http"
	"reflect"
	"strconv"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/customer"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/effort"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/privacy"
)

// customerHandlers serve customers, their identities and organizations, and erasure.
type customerHandlers struct {
	customers *customer.Service
	privacy   *privacy.Service
	db        *db.DB
}

// customerEffort is a customer with the effort of all their tickets summed.
type customerEffort struct {
	*customer.Customer
	Effort effort.Effort `json:"effort"`
}

func init() {
	overrides[reflect.TypeFor[customer.OptionalID]()] = map[string]any{"type": []string{"integer", "null"},
		"description": "an id, or null to clear"}
}

func (h *customerHandlers) listCustomers(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if email := q.Get("email"); email != "" {
		c, err := h.customers.GetByEmail(r.Context(), email)
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
	err = h.writeCustomerPage(w, r, p)
	if p.OrganizationID != 0 && apperr.Is(err, apperr.KindNotFound) {
		return apperr.Unprocessable("organization", "no organization has id %d", p.OrganizationID)
	}
	return err
}

// writeCustomerPage answers with a page of customers, reading the cursor
// and limit of the request.
func (h *customerHandlers) writeCustomerPage(w http.ResponseWriter, r *http.Request, p customer.Page) error {
	var err error
	q := r.URL.Query()
	if p.Before, err = queryID(q, "cursor"); err != nil {
		return err
	}
	if p.Limit, err = httpx.QueryLimit(q, customer.MaxListLimit); err != nil {
		return err
	}
	cs, next, err := h.customers.List(r.Context(), p)
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

func (h *customerHandlers) createCustomer(w http.ResponseWriter, r *http.Request) error {
	var in customer.NewCustomer
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	c, err := h.customers.Create(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/customers/"+strconv.FormatInt(c.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, c)
	return nil
}

func (h *customerHandlers) getCustomer(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	c, err := h.customers.Get(r.Context(), id)
	if err != nil {
		return err
	}
	sum, err := effort.ForCustomer(r.Context(), h.db.Reader(r.Context()), c.ID)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, customerEffort{Customer: c, Effort: sum})
	return nil
}

func (h *customerHandlers) updateCustomer(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var p customer.Patch
	if err := httpx.DecodeJSON(w, r, &p); err != nil {
		return err
	}
	c, err := h.customers.Update(r.Context(), id, p)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, c)
	return nil
}

func (h *customerHandlers) addIdentity(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in customer.NewIdentity
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	c, err := h.customers.AddIdentity(r.Context(), id, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, c)
	return nil
}

func (h *customerHandlers) removeIdentity(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	identityID, err := httpx.PathID(r, "identity_id")
	if err != nil {
		return err
	}
	c, err := h.customers.RemoveIdentity(r.Context(), id, identityID)
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

func (h *customerHandlers) mergeCustomer(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in mergeInto
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	m, err := h.privacy.Merge(r.Context(), id, in.Into)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, m)
	return nil
}

func (h *customerHandlers) eraseCustomer(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	e, err := h.privacy.Erase(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, e)
	return nil
}
