package workspace

import (
	"context"
	"net/http"
	"strconv"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/joining"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/web/kit"
)

// One issue, one ticket: an agent about to open a ticket for a customer
// who has unsolved tickets is shown them first and may add the message to
// one instead (package joining records it as a join, a channel switch when
// the customer used another channel).

// newTicketChoice is the add_to of "open a new ticket anyway".
const newTicketChoice = "new"

// openTicketsOf returns the customer's unsolved tickets.
func (wb customerPages) openTicketsOf(ctx context.Context, customerID int64) ([]joining.Candidate, error) {
	if wb.Joining == nil {
		return nil, nil
	}
	return wb.Joining.Unsolved(ctx, customerID)
}

// offerOpenTickets shows the form again with the customer's unsolved
// tickets when the agent has not yet chosen between them and a new
// ticket; shown says it answered the request.
func (wb customerPages) offerOpenTickets(w http.ResponseWriter, r *http.Request, f newTicketForm) (bool, error) {
	if f.AddTo != "" || f.CustomerID == newCustomerChoice {
		return false, nil
	}
	p, err := wb.newTicketPageFor(r, f, kit.FormProblem{})
	if err != nil || len(p.Open) == 0 || p.Chosen == nil {
		return false, err
	}
	p.FormProblem = kit.FormProblem{ErrorField: "add_to",
		Error: "this customer has unsolved tickets: add the message to one of them, or open a new ticket"}
	wb.Render(w, r, http.StatusOK, "ticket_new", p)
	return true, nil
}

// addToTicket adds the form's message to the open ticket chosen; it
// returns where to go next.
func (wb customerPages) addToTicket(ctx context.Context, r *http.Request, f newTicketForm) (string, error) {
	id, err := strconv.ParseInt(f.AddTo, 10, 64)
	if err != nil || id <= 0 {
		return "", apperr.Invalid("add_to", "choose one of the customer's tickets, or a new ticket")
	}
	customerID, err := strconv.ParseInt(f.CustomerID, 10, 64)
	if err != nil || customerID <= 0 {
		return "", apperr.Invalid("customer_id", "choose the customer whose ticket this is")
	}
	if err := oneOfChannels(f.Channel); err != nil {
		return "", err
	}
	html, err := markdownHTML(f.Body)
	if err != nil {
		return "", err
	}
	_, err = wb.Joining.AddForAgent(ctx, joining.AgentAdd{CustomerID: customerID, TicketID: id, Channel: f.Channel,
		Message: ticket.NewMessage{Body: f.Body, BodyHTML: html, Kind: f.Kind}})
	if err != nil {
		return "", err
	}
	wb.Flash(r, "Added to this ticket instead of opening a new one.")
	return ticketURL(id), nil
}

// oneOfChannels refuses a channel an agent cannot record.
func oneOfChannels(c string) error {
	for _, ok := range ticket.AgentChannels {
		if c == ok {
			return nil
		}
	}
	return apperr.Invalid("channel", "must be one of phone, walk_in, other")
}
