package web

import "net/http"

// registerPortal lists the customer portal's routes. Each one that takes a
// ticket id checks the signed-in customer is its requester (404 if not).
func (wb *Web) registerPortal(mux *http.ServeMux) {
	mux.Handle("GET /portal/brand.css", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := wb.portalBrandCSS(w, r); err != nil {
			wb.Log.Error("portal: brand style sheet", "err", err)
			http.Error(w, "internal error", http.StatusInternalServerError)
		}
	}))
	mux.Handle("GET /portal", wb.portalPage(wb.portalHome))
	mux.Handle("POST /portal/signin", wb.portalPage(wb.portalRequestLink))
	mux.Handle("GET /portal/signin/{token}", wb.portalPage(wb.portalConfirmForm))
	mux.Handle("POST /portal/signin/{token}", wb.portalPage(wb.portalSignIn))
	mux.Handle("POST /portal/signout", wb.portalPage(wb.portalSignOut))

	mux.Handle("GET /portal/tickets/new", wb.portalPage(wb.signedInCustomer(wb.portalNewForm)))
	mux.Handle("POST /portal/tickets", wb.portalPage(wb.signedInCustomer(wb.portalCreate)))
	mux.Handle("GET /portal/tickets/{id}", wb.portalPage(wb.signedInCustomer(wb.portalTicket)))
	mux.Handle("POST /portal/tickets/{id}/replies", wb.portalPage(wb.signedInCustomer(wb.portalReply)))
	mux.Handle("POST /portal/tickets/{id}/solve", wb.portalPage(wb.signedInCustomer(wb.portalSolve)))
	mux.Handle("GET /portal/tickets/{id}/attachments/{att}", wb.portalPage(wb.signedInCustomer(wb.portalAttachment)))
}
