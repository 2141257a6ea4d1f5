package workspace

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/customer"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/web/kit"
)

// Changes to a customer from their page: details, identities, and merging
// another customer into them. Each goes through the operation the API's
// route for it calls (customer.Service, privacy.Service), at the API's
// access level: every agent may edit and merge customers, as in
// internal/api/routes.go. A refused change shows the page again with the
// problem beside its form and the input kept.

// saveCustomer answers POST /customers/{id}/edit.
func (wb customerPages) saveCustomer(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	edit := customerEdit{Name: r.PostFormValue("name"), Notes: r.PostFormValue("notes"),
		OrganizationID: r.PostFormValue("organization_id")}
	p := customer.Patch{Name: &edit.Name, Notes: &edit.Notes, OrganizationID: customer.OptionalID{Set: true}}
	if edit.OrganizationID != "" {
		org, err := strconv.ParseInt(edit.OrganizationID, 10, 64)
		if err != nil || org <= 0 {
			return wb.customerProblem(w, r, id, "edit", func(p *customerPage) { p.Edit = edit },
				apperr.Invalid("organization_id", "%q is not an organization", edit.OrganizationID))
		}
		p.OrganizationID.ID = &org
	}
	if _, err := wb.Customers.Update(r.Context(), id, p); err != nil {
		return wb.customerProblem(w, r, id, "edit", func(p *customerPage) { p.Edit = edit }, err)
	}
	wb.Flash(r, "Customer saved.")
	http.Redirect(w, r, customerURL(id), http.StatusSeeOther)
	return nil
}

// addCustomerIdentity answers POST /customers/{id}/identities. An identity
// another customer has is refused with an offer to merge that customer in.
func (wb customerPages) addCustomerIdentity(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	n := customer.NewIdentity{Kind: r.PostFormValue("kind"), Value: r.PostFormValue("value")}
	c, err := wb.Customers.AddIdentity(r.Context(), id, n)
	if err != nil {
		var owner int64
		if apperr.Is(err, apperr.KindConflict) {
			if o, err := wb.Customers.OwnerOf(r.Context(), n); err == nil && o != id {
				owner = o
			}
		}
		return wb.customerProblem(w, r, id, "identity", func(p *customerPage) { p.Add, p.MergeFrom = n, owner }, err)
	}
	added := c.Identities[len(c.Identities)-1]
	wb.Flash(r, "Added "+added.Value+".")
	http.Redirect(w, r, customerURL(id), http.StatusSeeOther)
	return nil
}

// removeCustomerIdentity answers POST /customers/{id}/identities/{identity_id}/delete.
func (wb customerPages) removeCustomerIdentity(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	identityID, err := httpx.PathID(r, "identity_id")
	if err != nil {
		return err
	}
	before, err := wb.Customers.Get(r.Context(), id)
	if err != nil {
		return err
	}
	if _, err := wb.Customers.RemoveIdentity(r.Context(), id, identityID); err != nil {
		return wb.customerProblem(w, r, id, "identity", nil, err)
	}
	for _, i := range before.Identities {
		if i.ID == identityID {
			wb.Flash(r, "Removed "+i.Value+".")
		}
	}
	http.Redirect(w, r, customerURL(id), http.StatusSeeOther)
	return nil
}

// customerProblem shows the customer page again with problem beside the
// form of section; keep puts back what the person typed.
func (wb customerPages) customerProblem(w http.ResponseWriter, r *http.Request, id int64, section string,
	keep func(*customerPage), problem error) error {
	status, fp, err := kit.ProblemOf(r, problem)
	if err != nil {
		return err
	}
	if status == http.StatusNotFound && section != "identity" {
		return problem // the customer is gone: the page cannot be shown again
	}
	p, err := wb.customerPageFor(r, id)
	if err != nil {
		return err
	}
	p.FormProblem, p.Section = fp, section
	if keep != nil {
		keep(p)
	}
	wb.Render(w, r, status, "customer", p)
	return nil
}

func customerURL(id int64) string { return "/customers/" + strconv.FormatInt(id, 10) }

// mergePage is the confirmation of a merge: what moves from the customer
// merged (From) into the customer kept (Into).
type mergePage struct {
	Page
	Into, From *customer.Customer
	Tickets    *customerStory // From's tickets, which move
	kit.FormProblem
}

// mergeView answers GET /customers/{id}/merge?from=: the confirmation.
func (wb customerPages) mergeView(w http.ResponseWriter, r *http.Request) error {
	p, err := wb.mergePageFor(r, r.URL.Query().Get("from"))
	if err != nil {
		return err
	}
	wb.Render(w, r, http.StatusOK, "customer_merge", p)
	return nil
}

func (wb customerPages) mergePageFor(r *http.Request, from string) (*mergePage, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	fromID, err := strconv.ParseInt(strings.TrimSpace(from), 10, 64)
	if err != nil || fromID <= 0 {
		return nil, apperr.Invalid("from", "%q is not a customer id: choose the customer to merge", from)
	}
	if fromID == id {
		return nil, apperr.Invalid("from", "a customer cannot be merged into themselves")
	}
	into, err := wb.Customers.Get(r.Context(), id)
	if err != nil {
		return nil, err
	}
	src, err := wb.Customers.Get(r.Context(), fromID)
	if apperr.Is(err, apperr.KindNotFound) {
		return nil, apperr.Invalid("from", "no customer has id %d (merged already?)", fromID)
	}
	if err != nil {
		return nil, err
	}
	story, err := wb.storyOf(r.Context(), src.ID, 0, pageTickets)
	if err != nil {
		return nil, err
	}
	return &mergePage{Page: wb.BasePage(r, "Merge "+customerTitle(src)+" into "+customerTitle(into)),
		Into: into, From: src, Tickets: story}, nil
}

// mergeCustomer answers POST /customers/{id}/merge: customer from moves
// into this one, through the merge the API uses.
func (wb customerPages) mergeCustomer(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	from := r.PostFormValue("from")
	fromID, err := strconv.ParseInt(from, 10, 64)
	if err != nil || fromID <= 0 {
		return apperr.Invalid("from", "%q is not a customer id", from)
	}
	m, err := wb.Privacy.Merge(r.Context(), fromID, id)
	if err != nil {
		status, fp, err2 := kit.ProblemOf(r, err)
		if err2 != nil {
			return err2
		}
		p, err := wb.mergePageFor(r, from)
		if err != nil {
			return err
		}
		p.FormProblem = fp
		wb.Render(w, r, status, "customer_merge", p)
		return nil
	}
	wb.Flash(r, "Merged: "+strconv.FormatInt(m.Requested, 10)+" tickets and "+
		strconv.FormatInt(m.Identities, 10)+" identities moved to this customer.")
	http.Redirect(w, r, customerURL(id), http.StatusSeeOther)
	return nil
}
