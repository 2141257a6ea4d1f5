package joining

import (
	"context"
	"database/sql"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/events"
	"github.com/centerdesk/centerdesk/internal/portal"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// unsolvedOf returns ticket id if it is one of the customer's unsolved
// tickets, else an error naming field: a choice the customer or agent
// could not have been offered.
func (s *Service) unsolvedOf(ctx context.Context, customerID, id int64, field string) (Candidate, error) {
	cands, err := s.Unsolved(ctx, customerID)
	if err != nil {
		return Candidate{}, err
	}
	for _, c := range cands {
		if c.ID == id {
			return c, nil
		}
	}
	return Candidate{}, apperr.Unprocessable(field, "choose one of the open requests listed, or a new request")
}

// PortalRequest is the portal's new request form: a new request, or, when
// JoinID names one of the customer's unsolved tickets ("Is this about one
// of these?"), a message added to it.
type PortalRequest struct {
	portal.Request
	JoinID int64
}

// OpenOrJoin answers the portal's new request form in one transaction.
// Joining adds the description to the chosen ticket as the customer's
// message (reopening it if it waited on them) and records the join; a new
// request is linked to the customer's other unsolved tickets in the window
// as possibly the same issue. It returns the ticket the message is on and
// whether it joined.
func (s *Service) OpenOrJoin(ctx context.Context, p *portal.Service, customerID int64, r PortalRequest) (int64, bool, error) {
	var id int64
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if r.JoinID == 0 {
			t, err := p.Open(ctx, customerID, r.Request)
			if err != nil {
				return err
			}
			id = t.ID
			_, err = s.Suggest(ctx, t.ID, customerID)
			return err
		}
		if _, err := s.unsolvedOf(ctx, customerID, r.JoinID, "join"); err != nil {
			return err
		}
		m, err := p.Reply(ctx, customerID, r.JoinID, r.Description, r.Attachments)
		if err != nil {
			return asDescription(err)
		}
		id = r.JoinID
		_, err = s.RecordJoin(ctx, Join{TicketID: id, MessageID: m.ID, Channel: "portal", Via: ViaPortal,
			ActorType: events.ActorCustomer, ActorID: &customerID})
		return err
	})
	return id, r.JoinID != 0 && err == nil, err
}

// asDescription renames the reply's "body" to the form's "description".
func asDescription(err error) error {
	if e, ok := apperr.As(err); ok && e.Field == "body" {
		e.Field = "description"
		return e
	}
	return err
}

// AgentAdd is an agent adding what a customer told them (by phone, at the
// desk) to one of the customer's unsolved tickets instead of opening one.
type AgentAdd struct {
	CustomerID int64
	TicketID   int64
	Channel    string // the channel the customer used: phone, walk_in, other
	Message    ticket.NewMessage
}

// AddForAgent adds the agent's message (a note or a reply, as the actor in
// ctx) to the chosen ticket and records the join, in one transaction.
func (s *Service) AddForAgent(ctx context.Context, a AgentAdd) (*ticket.Message, error) {
	var m *ticket.Message
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := s.unsolvedOf(ctx, a.CustomerID, a.TicketID, "add_to"); err != nil {
			return err
		}
		var err error
		if m, err = s.tickets.PostMessage(ctx, a.TicketID, a.Message); err != nil {
			return err
		}
		_, err = s.RecordJoin(ctx, Join{TicketID: a.TicketID, MessageID: m.ID, Channel: a.Channel, Via: ViaAgent})
		return err
	})
	return m, err
}
