package ticket

import (
	"context"
	"database/sql"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/events"
)

// SolveByCustomer marks ticket id solved because its requester said their
// problem is solved (the portal's "Mark as solved"), with the status events
// an agent's change would raise, attributed to the customer. A ticket of
// another requester is NotFound, so nobody learns it exists; a closed one
// is refused, and a solved one is left as it is.
func (s *Service) SolveByCustomer(ctx context.Context, id, customerID int64) (*Ticket, error) {
	var out *Ticket
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := lockTicket(ctx, tx, id); err != nil {
			return err
		}
		t, err := getTicket(ctx, tx, id)
		if err != nil {
			return err
		}
		if t.RequesterID != customerID {
			return apperr.NotFound("ticket")
		}
		out = t
		switch t.Status {
		case "solved":
			return nil
		case "closed":
			return apperr.Unprocessable("status", "the request is closed; open a follow-up instead")
		}
		return s.customerStatus(ctx, tx, t, customerID, "solved")
	})
	return out, err
}

// customerStatus moves t to status on its customer's word, dropping a
// custom status of the old category, with one event per change.
func (s *Service) customerStatus(ctx context.Context, tx *sql.Tx, t *Ticket, customerID int64, status string) error {
	changes := []change{{"ticket.status_changed", "status", t.Status, status}}
	if t.CustomStatus != nil {
		changes = append(changes, change{EventCustomStatusChanged, "custom_status", t.CustomStatus.key(), nil})
		t.CustomStatus = nil
	}
	t.Status = status
	s.stampStatus(t)
	t.UpdatedAt = s.now()
	if err := saveTicket(ctx, tx, t); err != nil {
		return err
	}
	for _, c := range changes {
		e := &events.Event{TicketID: t.ID, Type: c.event, At: t.UpdatedAt, ActorType: events.ActorCustomer,
			ActorID: &customerID, Data: events.Change(c.field, c.before, c.after)}
		if err := events.Append(ctx, tx, e); err != nil {
			return err
		}
	}
	return nil
}
