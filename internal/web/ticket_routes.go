package web

import "net/http"

// registerTicketPages lists the ticket page, its fragments, the customer
// page and the macros page. Every signed-in agent may use them; the macro
// service decides who may change which macro.
func (wb *Web) registerTicketPages(mux *http.ServeMux) {
	in := func(h func(http.ResponseWriter, *http.Request) error) http.Handler {
		return wb.page(wb.signedIn(enrolledOnly, h))
	}
	mux.Handle("GET /tickets/{id}", in(wb.ticketView))
	mux.Handle("GET /tickets/{id}/conversation", in(wb.conversationAfter))
	mux.Handle("GET /tickets/{id}/composer", in(wb.composerFragment))
	mux.Handle("POST /tickets/{id}/messages", in(wb.postMessage))
	mux.Handle("POST /tickets/{id}/properties", in(wb.saveProperties))
	mux.Handle("GET /attachments/{id}", in(wb.attachmentFile))
	mux.Handle("GET /customers/{id}", in(wb.customerView))

	mux.Handle("GET /admin/macros", in(wb.macrosList))
	mux.Handle("POST /admin/macros", in(wb.macroCreate))
	mux.Handle("GET /admin/macros/{id}", in(wb.macroEdit))
	mux.Handle("POST /admin/macros/{id}", in(wb.macroUpdate))
	mux.Handle("POST /admin/macros/{id}/delete", in(wb.macroDelete))
}
