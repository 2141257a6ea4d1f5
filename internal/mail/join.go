package mail

import (
	"context"
	"errors"

	"github.com/centerdesk/centerdesk/internal/ticket"
)

// Joiner keeps one issue in one ticket across channels (package joining
// implements it): it finds the customer's open ticket a mail without
// thread headers continues, records such a join, and links a new ticket
// to the customer's other open ones as possibly the same issue. Each
// method runs in the transaction ctx carries.
type Joiner interface {
	MailTarget(ctx context.Context, customerID int64, subject string) (id int64, ok bool, err error)
	MailJoined(ctx context.Context, id, messageID, customerID int64) error
	Suggest(ctx context.Context, id, customerID int64) ([]int64, error)
}

// joinBySubject adds a mail that answers no ticket (no thread header or
// ticket tag led to one of the sender's) to the sender's one open ticket
// in the join window whose subject matches (joining.MailTarget), reopening
// it if it waited on them, and acknowledges it saying which request it
// joined. joined is false when the mail should open a ticket. It runs in
// the delivery's transaction, after the duplicate check: a retried mail
// never joins twice.
func (x *delivery) joinBySubject(ctx context.Context) (*Result, bool, error) {
	j := x.in.opts.Joiner
	if j == nil {
		return nil, false, nil
	}
	id, ok, err := j.MailTarget(ctx, x.cust.ID, x.p.Subject)
	if err != nil || !ok {
		return nil, false, err
	}
	a, err := x.in.tickets.AppendReceived(ctx, id, x.received(), !x.p.Auto)
	if errors.Is(err, ticket.ErrClosed) {
		return nil, false, nil // closed since it was found: a new ticket then
	}
	if err != nil {
		return nil, false, err
	}
	if err := x.finish(ctx, a.Ticket, a.Message); err != nil {
		return nil, false, err
	}
	if err := j.MailJoined(ctx, id, a.Message.ID, x.cust.ID); err != nil {
		return nil, false, err
	}
	if !x.p.Auto && x.in.opts.JoinAck != nil {
		if err := x.in.opts.JoinAck(ctx, x.tx, x.d.Mailbox, a.Ticket, a.Message, x.rfcID); err != nil {
			return nil, false, err
		}
	}
	return &Result{Outcome: OutcomeJoined, TicketID: id, MessageID: a.Message.ID, Reopened: a.Reopened}, true, nil
}

// suggestJoins links a ticket the mail opened to the sender's other open
// tickets in the join window, as possibly the same issue.
func (x *delivery) suggestJoins(ctx context.Context, id int64) error {
	if x.in.opts.Joiner == nil {
		return nil
	}
	_, err := x.in.opts.Joiner.Suggest(ctx, id, x.cust.ID)
	return err
}
