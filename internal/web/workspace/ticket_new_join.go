package workspace

import (
	"context"
	"net/http"
	"strconv"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/joining"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// One issue, one ticket: an agent opening a ticket for a customer who has
// unsolved tickets is shown them, once the customer is chosen, and may add
// the message to one instead (package joining records it as a join, a
// channel switch when the customer used another channel).

// openTicketsOf returns the customer's unsolved tickets.
func (wb customerPages) openTicketsOf(ctx context.Context, customerID int64) ([]joining.Candidate, error) {
	if wb.Joining == nil {
		return nil, nil
	}
	return wb.Joining.Unsolved(ctx, customerID)
}

// openTicketsFragment answers GET /tickets/new/open?customer_id=: the
// customer's unsolved tickets, as the form shows them once the agent picks
// the customer (nothing for a new customer).
func (wb customerPages) openTicketsFragment(w http.ResponseWriter, r *http.Request) error {
	var open []joining.Candidate
	if id, err := strconv.ParseInt(r.URL.Query().Get("customer_id"), 10, 64); err == nil && id > 0 {
		if open, err = wb.openTicketsOf(r.Context(), id); err != nil {
			return err
		}
	}
	wb.Fragment(w, r, http.StatusOK, "ticket_new", "open-tickets", open)
	return nil
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
