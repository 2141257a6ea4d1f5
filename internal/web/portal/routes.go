package portal

import "github.com/centerdesk/centerdesk/internal/web/kit"

// routes is the portal surface's route table: every route with who may open
// it, checked by the kit before the handler runs.
// Each customer route that takes a ticket id checks the signed-in customer
// is its requester (404 if not).
func (wb *Pages) routes() []kit.Route {
	return []kit.Route{
		{Pattern: "GET /portal/brand.css", Level: kit.Public, Raw: wb.portalBrandCSSHandler()},
		{Pattern: "GET /portal", Level: kit.Public, Handler: wb.portalHome},
		{Pattern: "POST /portal/signin", Level: kit.Public, Handler: wb.portalRequestLink},
		{Pattern: "GET /portal/signin/{token}", Level: kit.Public, Handler: wb.portalConfirmForm},
		{Pattern: "POST /portal/signin/{token}", Level: kit.Public, Handler: wb.portalSignIn},
		{Pattern: "POST /portal/signout", Level: kit.Public, Handler: wb.portalSignOut},
		{Pattern: "GET /portal/tickets/new", Level: kit.Customer, Handler: withCustomer(wb.portalNewForm)},
		{Pattern: "POST /portal/tickets", Level: kit.Customer, Handler: withCustomer(wb.portalCreate)},
		{Pattern: "GET /portal/tickets/{id}", Level: kit.Customer, Handler: withCustomer(wb.portalTicket)},
		{Pattern: "POST /portal/tickets/{id}/replies", Level: kit.Customer, Handler: withCustomer(wb.portalReply)},
		{Pattern: "POST /portal/tickets/{id}/solve", Level: kit.Customer, Handler: withCustomer(wb.portalSolve)},
		{Pattern: "GET /portal/tickets/{id}/attachments/{att}", Level: kit.Customer, Handler: withCustomer(wb.portalAttachment)},
		{Pattern: "/portal/", Level: kit.Public, Handler: wb.portalNotFound},
	}
}
