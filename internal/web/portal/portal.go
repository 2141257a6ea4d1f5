package portal

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/customer"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/portal"
	"github.com/centerdesk/centerdesk/internal/settings"
	"github.com/centerdesk/centerdesk/internal/web/kit"
)

// Session keys of the customer portal. They live beside an agent's keys in
// the same session, and never grant anything on an agent's page.
const (
	keyPortalCustomer = "portal_customer_id"
	keyPortalEmail    = "portal_email" // the address signed in with
	keyPortalFlash    = "portal_flash"
)

// portalBase is what every portal page's data starts with.
type portalBase struct {
	Title    string
	Brand    portalBrand
	Customer *customer.Customer
	Flash    string
	// Error and ErrorField say what was wrong with the form just sent.
	Error      string
	ErrorField string
}

// portalBrand is the company's name and the URL of its colour sheet.
type portalBrand struct {
	Name string
	CSS  string
}

// portalPage adapts a portal handler: the session, the security headers,
// and errors answered with the portal's own pages (a signed-out customer
// is sent to the sign-in form, never to the agents').
func (wb *Pages) portalPage(h httpx.HandlerFunc) http.Handler {
	return wb.Sessions.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		kit.SetPageHeaders(w)
		err := httpx.CheckRequestText(r)
		if err == nil {
			err = h(w, r)
		}
		if err != nil {
			wb.portalFail(w, r, err)
		}
	}))
}

type portalErrorPage struct {
	portalBase
	Status int
}

func (wb *Pages) portalFail(w http.ResponseWriter, r *http.Request, err error) {
	if apperr.Is(err, apperr.KindUnauthorized) && r.Method == http.MethodGet {
		http.Redirect(w, r, "/portal", http.StatusSeeOther)
		return
	}
	httpx.LogError(r, wb.Log, err)
	status, detail := httpx.Describe(r.Context(), err)
	if status == 499 {
		return
	}
	p := &portalErrorPage{portalBase: wb.portalBase(r, "Something went wrong", wb.viewingCustomer(r)), Status: status}
	p.Error = detail.Message
	if status == http.StatusNotFound {
		p.Title, p.Error = "Not found", "There is nothing here, or it is not yours to see."
	}
	if detail.RequestID != "" {
		p.Error += " (request " + detail.RequestID + ")"
	}
	wb.renderPortal(w, r, status, "portal_error", p)
}

// viewingCustomer is the customer signed in to the portal, for an error
// page to keep the portal's header: the handler that failed may not have
// loaded them, or may be the "not found" page that never does. It changes
// nothing; signedInCustomer ends a session that no longer holds.
func (wb *Pages) viewingCustomer(r *http.Request) *customer.Customer {
	ctx := r.Context()
	if c, ok := ctx.Value(customerKey{}).(*customer.Customer); ok {
		return c
	}
	id := wb.Sessions.GetInt64(ctx, keyPortalCustomer)
	if id == 0 {
		return nil
	}
	c, err := wb.Customers.GetByEmail(ctx, wb.Sessions.GetString(ctx, keyPortalEmail))
	if err != nil || c.ID != id || c.ErasedAt != nil {
		return nil
	}
	return c
}

// portalNotFound answers a portal path nothing serves with the portal's
// own page, not the agents'.
func (wb *Pages) portalNotFound(w http.ResponseWriter, r *http.Request) error {
	return apperr.NotFound("page")
}

// portalBase fills the shared part of a portal page. The branding is read
// on every page; settings are one small query.
func (wb *Pages) portalBase(r *http.Request, title string, c *customer.Customer) portalBase {
	p := portalBase{Title: title, Customer: c, Flash: wb.Sessions.PopString(r.Context(), keyPortalFlash)}
	p.Brand.Name = settings.DefaultCompanyName
	if st, err := wb.Settings.Get(r.Context()); err == nil {
		p.Brand.Name = st.CompanyName
		p.Brand.CSS = "/portal/brand.css?v=" + brandVersion(st.BrandColour)
	} else {
		wb.Log.Error("portal: read branding", "err", err)
	}
	return p
}

// withProblem puts err's message on the page when it is the client's
// fault, and returns the status to answer with; a fault of ours is
// returned as an error instead.
func (p *portalBase) withProblem(r *http.Request, err error) (int, error) {
	status, detail := httpx.Describe(r.Context(), err)
	if status >= 500 {
		return 0, err
	}
	p.Error, p.ErrorField = detail.Message, detail.Field
	return status, nil
}

// renderPortal executes a portal page inside the portal's layout.
func (wb *Pages) renderPortal(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	wb.Fragment(w, r, status, name, "portal_layout", data)
}

func (wb *Pages) portalFlash(r *http.Request, msg string) {
	wb.Sessions.Put(r.Context(), keyPortalFlash, msg)
}

// customerHandler is a portal handler for a signed-in customer.
type customerHandler func(w http.ResponseWriter, r *http.Request, c *customer.Customer) error

// signedInCustomer loads the session's customer, or fails with
// Unauthorized. The customer must still own the address they signed in
// with: a merge or an erasure, or the address moving to someone else, ends
// the portal session.
func (wb *Pages) signedInCustomer(next httpx.HandlerFunc) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		id := wb.Sessions.GetInt64(ctx, keyPortalCustomer)
		if id == 0 {
			return apperr.Unauthorized("sign in to the portal first")
		}
		c, err := wb.Customers.GetByEmail(ctx, wb.Sessions.GetString(ctx, keyPortalEmail))
		if err != nil && !apperr.Is(err, apperr.KindNotFound) && !apperr.Is(err, apperr.KindInvalid) {
			return err
		}
		if err != nil || c.ID != id || c.ErasedAt != nil {
			wb.Sessions.Remove(ctx, keyPortalCustomer)
			wb.Sessions.Remove(ctx, keyPortalEmail)
			return apperr.Unauthorized("sign in to the portal again")
		}
		return next(w, r.WithContext(context.WithValue(ctx, customerKey{}, c)))
	}
}

// customerKey keys the signed-in customer in a request's context.
type customerKey struct{}

// withCustomer hands a Customer route's handler the customer its level's
// check (signedInCustomer) loaded.
func withCustomer(next customerHandler) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		c, ok := r.Context().Value(customerKey{}).(*customer.Customer)
		if !ok {
			return apperr.Unauthorized("sign in to the portal first")
		}
		return next(w, r, c)
	}
}

// portalHome is the customer's tickets when signed in, else the form that
// asks for a sign-in link.
func (wb *Pages) portalHome(w http.ResponseWriter, r *http.Request) error {
	if wb.Sessions.GetInt64(r.Context(), keyPortalCustomer) == 0 {
		return wb.renderSignInForm(w, r, http.StatusOK, "", nil)
	}
	return wb.signedInCustomer(withCustomer(wb.portalTickets))(w, r)
}

type portalSignInPage struct {
	portalBase
	Email string
	Sent  bool // the link is on its way
}

func (wb *Pages) renderSignInForm(w http.ResponseWriter, r *http.Request, status int, email string, problem error) error {
	p := &portalSignInPage{portalBase: wb.portalBase(r, "Sign in", nil), Email: email}
	if problem != nil {
		var err error
		if status, err = p.withProblem(r, problem); err != nil {
			return err
		}
	}
	wb.renderPortal(w, r, status, "portal_signin", p)
	return nil
}

// portalRequestLink sends a sign-in link. The answer is the same whether
// or not the address belongs to a customer.
func (wb *Pages) portalRequestLink(w http.ResponseWriter, r *http.Request) error {
	email := r.PostFormValue("email")
	err := wb.Portal.RequestLink(r.Context(), portal.LinkRequest{Email: email, IP: httpx.ClientIP(r),
		Origin: requestOrigin(r)})
	if err != nil {
		return wb.renderSignInForm(w, r, 0, email, err)
	}
	p := &portalSignInPage{portalBase: wb.portalBase(r, "Check your email", nil), Email: email, Sent: true}
	wb.renderPortal(w, r, http.StatusOK, "portal_signin", p)
	return nil
}

// requestOrigin is the scheme and host a request came to; the portal
// trusts it only for loopback hosts (see portal.Options.PublicURL).
func requestOrigin(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return (&url.URL{Scheme: scheme, Host: r.Host}).String()
}

type portalConfirmPage struct {
	portalBase
	Token string
	Valid bool
}

// portalConfirmForm is where a link leads: a button that signs in. Opening
// the link uses nothing up, since mail scanners open links too.
func (wb *Pages) portalConfirmForm(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("token")
	err := wb.Portal.CheckLink(r.Context(), token)
	return wb.renderConfirm(w, r, token, err)
}

func (wb *Pages) renderConfirm(w http.ResponseWriter, r *http.Request, token string, problem error) error {
	p := &portalConfirmPage{portalBase: wb.portalBase(r, "Sign in", nil), Token: token, Valid: problem == nil}
	status := http.StatusOK
	if problem != nil {
		if _, err := p.withProblem(r, problem); err != nil {
			return err
		}
		// Gone: the link will never work again, whatever the problem.
		status = http.StatusGone
	}
	wb.renderPortal(w, r, status, "portal_confirm", p)
	return nil
}

// portalSignIn uses the link up and starts the customer's portal session.
func (wb *Pages) portalSignIn(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	token := r.PathValue("token")
	c, email, err := wb.Portal.UseLink(ctx, token)
	if errors.Is(err, portal.ErrLinkUsed) || errors.Is(err, portal.ErrLinkExpired) || errors.Is(err, portal.ErrLinkUnknown) {
		return wb.renderConfirm(w, r, token, err)
	}
	if err != nil {
		return err
	}
	// A new session token on sign-in defeats session fixation.
	if err := wb.Sessions.RenewToken(ctx); err != nil {
		return err
	}
	wb.Sessions.Put(ctx, keyPortalCustomer, c.ID)
	wb.Sessions.Put(ctx, keyPortalEmail, email)
	http.Redirect(w, r, "/portal", http.StatusSeeOther)
	return nil
}

// portalSignOut ends the portal session, leaving an agent's sign-in in the
// same browser alone.
func (wb *Pages) portalSignOut(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	wb.Sessions.Remove(ctx, keyPortalCustomer)
	wb.Sessions.Remove(ctx, keyPortalEmail)
	if err := wb.Sessions.RenewToken(ctx); err != nil {
		return err
	}
	wb.portalFlash(r, "You are signed out.")
	http.Redirect(w, r, "/portal", http.StatusSeeOther)
	return nil
}
