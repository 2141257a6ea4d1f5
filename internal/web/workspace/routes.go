package workspace

import "github.com/centerdesk/centerdesk/internal/web/kit"

// routes is the workspace surface's route table: every route with who may open
// it, checked by the kit before the handler runs.
// Every agent may open every ticket, as in the API, and edit and merge
// customers, as the API's customer routes allow; the macro service
// decides who may change which macro (so /admin/macros is for agents).
func (wb *Pages) routes() []kit.Route {
	cp, mp := customerPages{wb}, macroPages{wb}
	return []kit.Route{
		{Pattern: "GET /inbox", Level: kit.Agent, Handler: wb.inbox},
		{Pattern: "GET /inbox/rows", Level: kit.Agent, Handler: wb.inboxRowsFragment},
		{Pattern: "GET /inbox/counts", Level: kit.Agent, Handler: wb.inboxCountsFragment},
		{Pattern: "POST /inbox/bulk", Level: kit.Agent, Handler: wb.inboxBulk},
		{Pattern: "GET /views/new", Level: kit.Agent, Handler: wb.newViewForm},
		{Pattern: "POST /views/new", Level: kit.Agent, Handler: wb.createView},
		{Pattern: "GET /views/{id}/edit", Level: kit.Agent, Handler: wb.editViewForm},
		{Pattern: "POST /views/{id}/edit", Level: kit.Agent, Handler: wb.updateView},
		{Pattern: "POST /views/{id}/delete", Level: kit.Agent, Handler: wb.deleteView},
		{Pattern: "GET /search", Level: kit.Agent, Handler: wb.searchPage},
		{Pattern: "GET /{$}", Level: kit.Agent, Handler: wb.homeRedirect},
		{Pattern: "GET /live", Level: kit.Agent, Handler: wb.liveStream},
		{Pattern: "POST /tickets/{id}/presence", Level: kit.Agent, Handler: wb.setPresence},
		{Pattern: "GET /notifications", Level: kit.Agent, Handler: wb.notifications},
		{Pattern: "POST /notifications/read", Level: kit.Agent, Handler: wb.readAllNotifications},
		{Pattern: "POST /notifications/{id}/read", Level: kit.Agent, Handler: wb.readNotification},
		{Pattern: "GET /tickets/new", Level: kit.Agent, Handler: cp.newTicketView},
		{Pattern: "POST /tickets/new", Level: kit.Agent, Handler: cp.createTicket},
		{Pattern: "GET /tickets/new/open", Level: kit.Agent, Handler: cp.openTicketsFragment},
		{Pattern: "GET /tickets/{id}", Level: kit.Agent, Handler: wb.ticketView},
		{Pattern: "GET /tickets/{id}/conversation", Level: kit.Agent, Handler: wb.conversationAfter},
		{Pattern: "GET /tickets/{id}/composer", Level: kit.Agent, Handler: wb.composerFragment},
		{Pattern: "POST /tickets/{id}/messages", Level: kit.Agent, Handler: wb.postMessage},
		{Pattern: "POST /tickets/{id}/calls", Level: kit.Agent, Handler: wb.logCall},
		{Pattern: "POST /tickets/{id}/properties", Level: kit.Agent, Handler: wb.saveProperties},
		{Pattern: "POST /tickets/{id}/join", Level: kit.Agent, Handler: wb.joinTicket},
		{Pattern: "GET /attachments/{id}", Level: kit.Agent, Handler: wb.attachmentFile},
		{Pattern: "GET /customers/lookup", Level: kit.Agent, Handler: cp.customerLookup},
		{Pattern: "GET /customers/{id}", Level: kit.Agent, Handler: cp.customerView},
		{Pattern: "POST /customers/{id}/edit", Level: kit.Agent, Handler: cp.saveCustomer},
		{Pattern: "POST /customers/{id}/identities", Level: kit.Agent, Handler: cp.addCustomerIdentity},
		{Pattern: "POST /customers/{id}/identities/{identity_id}/delete", Level: kit.Agent, Handler: cp.removeCustomerIdentity},
		{Pattern: "GET /customers/{id}/merge", Level: kit.Agent, Handler: cp.mergeView},
		{Pattern: "POST /customers/{id}/merge", Level: kit.Agent, Handler: cp.mergeCustomer},
		{Pattern: "GET /admin/macros", Level: kit.Agent, Handler: mp.macrosList},
		{Pattern: "POST /admin/macros", Level: kit.Agent, Handler: mp.macroCreate},
		{Pattern: "GET /admin/macros/{id}", Level: kit.Agent, Handler: mp.macroEdit},
		{Pattern: "POST /admin/macros/{id}", Level: kit.Agent, Handler: mp.macroUpdate},
		{Pattern: "POST /admin/macros/{id}/delete", Level: kit.Agent, Handler: mp.macroDelete},
	}
}
