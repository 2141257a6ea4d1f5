package workspace

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/customer"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/web/kit"
)

// The customer's whole story, beside every ticket (the ticket page's aside)
// and on its own page (GET /customers/{id}): who they are, their
// identities, their organization, and every ticket of theirs on every
// channel, most recently updated first.

// The tickets a story lists, most recently updated first: a few beside a
// ticket (the customer page has the rest), more on the customer page. Both
// say when there are more.
const (
	sidebarTickets = 20
	pageTickets    = ticket.MaxLimit
	storyAnswers   = 50 // the customer's answers a story lists, newest first
)

type customerStory struct {
	Customer *customer.Customer // nil when the requester is gone
	// Organization is the customer's organization, when they belong to one
	// (customer.Customer.Organization).
	Organization *customer.OrgRef
	Tickets      []storyTicket
	More         bool
	// CurrentID is the ticket on screen, marked in the list; 0 on the
	// customer page.
	CurrentID int64
	// Feedback is the customer's ratings and comments across all their
	// tickets (*wall.CustomerFeedback; the partial customer-feedback shows
	// it); their effort joins it from package effort.
	Feedback any
	// Effort is what the customer's tickets cost them, summed.
	Effort *effortView
}

type storyTicket struct {
	ID, Number int64
	Subject    string
	Status     string // the label shown
	Category   string // the built-in status, for the badge's colour
	Channel    string
	UpdatedAt  time.Time
	Current    bool
}

// storyOf gathers a customer's story with up to limit tickets; current is
// the ticket on screen.
func (wb *Pages) storyOf(ctx context.Context, customerID, current int64, limit int) (*customerStory, error) {
	c, err := wb.Customers.Get(ctx, customerID)
	if apperr.Is(err, apperr.KindNotFound) {
		return &customerStory{CurrentID: current}, nil
	}
	if err != nil {
		return nil, err
	}
	s := &customerStory{Customer: c, Organization: c.Organization, CurrentID: current}
	page, err := wb.Tickets.List(ctx, ticket.Filter{RequesterID: c.ID, Limit: limit})
	if err != nil {
		return nil, err
	}
	if s.Effort, err = wb.customerEffort(ctx, c.ID); err != nil {
		return nil, err
	}
	s.More = page.NextCursor != ""
	for _, t := range page.Tickets {
		s.Tickets = append(s.Tickets, storyTicket{ID: t.ID, Number: t.Number, Subject: t.Subject,
			Status: statusLabel(t), Category: t.Status, Channel: channelLabel(t.Channel), UpdatedAt: t.UpdatedAt, Current: t.ID == current})
	}
	if wb.Wall != nil {
		s.Feedback, err = wb.Wall.ForCustomer(ctx, c.ID, min(limit, storyAnswers))
	}
	return s, err
}

type customerPage struct {
	Page
	Story *customerStory
	// Edit is the details form, Add the new identity form: as last sent
	// when they failed, else as the customer is.
	Edit          customerEdit
	Add           customer.NewIdentity
	Organizations []*customer.Organization
	// Problem is what went wrong with the form in Section (edit, identity,
	// merge); MergeFrom, when set, is the customer who already has the
	// identity that was refused, offered for a merge.
	kit.FormProblem
	Section   string
	MergeFrom int64
	// Found are the customers the merge search found (?merge_q=).
	Found *customerChoices
}

// customerEdit is the details form of the customer page.
type customerEdit struct {
	Name, Notes, OrganizationID string
}

// customerView answers GET /customers/{id}. Every agent may see every
// customer, as in the API (GET /api/v1/customers/{id} is for any user).
func (wb customerPages) customerView(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	p, err := wb.customerPageFor(r, id)
	if err != nil {
		return err
	}
	if p.Found, err = wb.findCustomers(r.Context(), r.URL.Query().Get("merge_q"), "", id); err != nil {
		return err
	}
	wb.Render(w, r, http.StatusOK, "customer", p)
	return nil
}

// customerPageFor gathers the customer page with its forms showing the
// customer as they are.
func (wb customerPages) customerPageFor(r *http.Request, id int64) (*customerPage, error) {
	c, err := wb.Customers.Get(r.Context(), id)
	if err != nil {
		return nil, err
	}
	s, err := wb.storyOf(r.Context(), c.ID, 0, pageTickets)
	if err != nil {
		return nil, err
	}
	orgs, err := wb.Customers.ListOrganizations(r.Context())
	if err != nil {
		return nil, err
	}
	p := &customerPage{Page: wb.BasePage(r, customerTitle(c)), Story: s, Organizations: orgs,
		Edit: customerEdit{Name: c.Name, Notes: c.Notes}, Add: customer.NewIdentity{Kind: customer.KindEmail},
		Found: &customerChoices{MergeInto: c.ID}}
	if c.Organization != nil {
		p.Edit.OrganizationID = idText(c.Organization.ID)
	}
	return p, nil
}

func customerTitle(c *customer.Customer) string {
	if title := strings.TrimSpace(c.Name); title != "" {
		return title
	}
	return "Customer " + idText(c.ID)
}

// customerPages are the pages about customers rather than tickets: a
// customer's page and its edits and merges, and opening a ticket for one.
// They share the workspace's dependencies but not its method set, which
// stays small enough to read.
type customerPages struct{ *Pages }
