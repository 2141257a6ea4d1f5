// Package workspace serves the agents' workspace: the inbox and saved views, the ticket page and its composer, the customer page, search, macros, notifications, live updates and presence.
package workspace

import (
	"embed"
	"github.com/centerdesk/centerdesk/internal/effort"

	"github.com/centerdesk/centerdesk/internal/attachment"
	"github.com/centerdesk/centerdesk/internal/customer"
	"github.com/centerdesk/centerdesk/internal/field"
	"github.com/centerdesk/centerdesk/internal/friction"
	"github.com/centerdesk/centerdesk/internal/idempotency"
	"github.com/centerdesk/centerdesk/internal/joining"
	"github.com/centerdesk/centerdesk/internal/live"
	"github.com/centerdesk/centerdesk/internal/macro"
	"github.com/centerdesk/centerdesk/internal/mailbox"
	"github.com/centerdesk/centerdesk/internal/notify"
	"github.com/centerdesk/centerdesk/internal/presence"
	"github.com/centerdesk/centerdesk/internal/privacy"
	"github.com/centerdesk/centerdesk/internal/quality"
	"github.com/centerdesk/centerdesk/internal/reply"
	"github.com/centerdesk/centerdesk/internal/search"
	"github.com/centerdesk/centerdesk/internal/team"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/user"
	"github.com/centerdesk/centerdesk/internal/view"
	"github.com/centerdesk/centerdesk/internal/wall"
	"github.com/centerdesk/centerdesk/internal/web/conversation"
	"github.com/centerdesk/centerdesk/internal/web/kit"
)

// Deps are the services the surface's pages call.
type Deps struct {
	Users       *user.Service
	Tickets     *ticket.Service
	Customers   *customer.Service
	Teams       *team.Service
	Fields      *field.Service
	Attachments *attachment.Service
	Search      *search.Service
	Macros      *macro.Service
	Replies     *reply.Service   // agents' messages with their macro and status
	Live        *live.Hub        // GET /live: server-sent events for agents' pages
	Presence    *presence.Hub    // who views or replies to which ticket
	Notify      *notify.Service  // agents' notifications (the bell)
	Views       *view.Service    // agents' saved ticket filters (the inbox)
	Quality     *quality.Service // the quality programme: philosophy, reviews, calibration
	Mailboxes   *mailbox.Service // connected mailboxes, a step of setting up a desk
	// Conversations reads a ticket's messages for the ticket page.
	Conversations *conversation.Loader
	Privacy       *privacy.Service   // merges customers (the customer page)
	Idempotency   *idempotency.Store // the new ticket form is sent once
	Effort        *effort.Service    // the customer's effort across their tickets
	Wall          *wall.Service      // the customer's ratings and comments in their story
	Friction      *friction.Service  // the ticket page's friction panel
	// Joining offers a customer's open tickets on the new ticket form and
	// "possibly the same issue" joins on the ticket page.
	Joining *joining.Service
}

// Pages serves the surface's pages.
type Pages struct {
	kit.Surface
	Deps
}

// Page is what every page's data starts with.
type Page = kit.Page

//go:embed templates
var templates embed.FS

// New parses the surface's templates and returns its route table.
func New(k *kit.Kit, deps Deps) (kit.Table, error) {
	s, err := k.Surface(templates)
	if err != nil {
		return kit.Table{}, err
	}
	wb := &Pages{Surface: s, Deps: deps}
	return kit.Table{Surface: "workspace", Routes: wb.routes()}, nil
}
