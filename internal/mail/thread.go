package mail

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/customer"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// delivery is one mail's intake transaction.
type delivery struct {
	in     *Intake
	tx     *sql.Tx
	d      Delivery
	p      *Message // nil when the mail could not be parsed
	perr   error
	rfcID  string
	hash   string // ContentHash of the raw mail
	sender Address
	files  *files
	cust   *customer.Customer
}

// run stores the mail and says what it became.
func (x *delivery) run(ctx context.Context) (*Result, error) {
	c, _, err := customer.ResolveEmail(ctx, x.tx, x.sender.Addr, x.sender.Name)
	if err != nil {
		return nil, err
	}
	x.cust = c
	if x.p == nil {
		return x.unreadable(ctx)
	}
	if b := x.p.Bounce; b != nil && b.OriginalID != "" {
		res, handled, err := x.bounce(ctx, b)
		if err != nil || handled {
			return res, err
		}
	}
	target, err := x.findTicket(ctx)
	if err != nil {
		return nil, err
	}
	if target != 0 {
		return x.reply(ctx, target)
	}
	if res, joined, err := x.joinBySubject(ctx); err != nil || joined {
		return res, err
	}
	return x.open(ctx, OutcomeNew)
}

// findTicket returns the ticket a mail answers, or 0 for a new one:
// through In-Reply-To and References (newest first), matched against every
// mail we sent or received, then through a signed token in the subject. A
// ticket only counts if the sender takes part in it (its requester, a
// follower, or the author of one of its messages): whatever the headers
// say, nobody else lands on someone's ticket, and two recipients of one
// notification who are not both on the ticket stay apart. This also
// decides between tickets whose mails share a Message-ID (a reused or a
// forged one): the reply joins the one its sender is on.
func (x *delivery) findTicket(ctx context.Context) (int64, error) {
	tried := map[int64]bool{}
	try := func(id int64) (bool, error) {
		if tried[id] {
			return false, nil
		}
		tried[id] = true
		return x.in.tickets.IsParticipant(ctx, id, x.cust.ID)
	}
	refs := slices.Clone(x.p.InReplyTo)
	for _, r := range slices.Backward(x.p.References) {
		refs = append(refs, r)
	}
	for _, ref := range refs {
		ids, err := ticketsByRFCID(ctx, x.tx, ref)
		if err != nil {
			return 0, err
		}
		for _, id := range ids {
			if ok, err := try(id); err != nil || ok {
				return id, err
			}
		}
	}
	if x.in.opts.ParseToken == nil {
		return 0, nil
	}
	for _, n := range x.in.opts.ParseToken(x.p.Subject) {
		id, err := ticketByNumber(ctx, x.tx, n)
		if err != nil || id == 0 {
			if err != nil {
				return 0, err
			}
			continue
		}
		if ok, err := try(id); err != nil || ok {
			return id, err
		}
	}
	if len(tried) > 0 {
		x.in.log.Info("mail: sender is not on the ticket the mail answers; opening a new one",
			"from", x.sender.Addr, "message_id", x.rfcID)
	}
	return 0, nil
}

func ticketByNumber(ctx context.Context, tx *sql.Tx, number int64) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM tickets WHERE number = $1`, number).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("mail: ticket #%d: %w", number, err)
	}
	return id, nil
}

// received is the customer's message as the ticket core stores it.
func (x *delivery) received() ticket.Received {
	html := x.p.HTML
	if html != "" {
		html = RewriteCIDs(html, x.files.byCID)
	}
	return ticket.Received{CustomerID: x.cust.ID, Subject: x.p.Subject, Body: x.p.Text, BodyHTML: html,
		Attachments: append([]int64{x.files.raw}, x.files.parts...), Channel: "email",
		TeamID: x.d.Mailbox.TeamID}
}

// reply adds the mail to ticket id, reopening it if it was solved; a
// closed ticket gets a follow-up ticket instead.
func (x *delivery) reply(ctx context.Context, id int64) (*Result, error) {
	// A machine's mail (an out-of-office) must not undo a solve.
	a, err := x.in.tickets.AppendReceived(ctx, id, x.received(), !x.p.Auto)
	if errors.Is(err, ticket.ErrClosed) {
		res, err := x.open(ctx, OutcomeFollowUp)
		if err != nil {
			return nil, err
		}
		if err := x.in.tickets.LinkFollowUp(ctx, res.TicketID, id); err != nil {
			return nil, err
		}
		_, err = x.in.tickets.AddSystemNote(ctx, res.TicketID, fmt.Sprintf(
			"This mail answers ticket #%d, which is closed, so it opened this follow-up ticket.", a.Ticket.Number), nil)
		return res, err
	}
	if err != nil {
		return nil, err
	}
	if err := x.finish(ctx, a.Ticket, a.Message); err != nil {
		return nil, err
	}
	return &Result{Outcome: OutcomeReply, TicketID: id, MessageID: a.Message.ID, Reopened: a.Reopened}, nil
}

// open opens a new ticket from the mail, and acknowledges it unless a
// machine sent the mail.
func (x *delivery) open(ctx context.Context, outcome string) (*Result, error) {
	t, m, err := x.in.tickets.OpenReceived(ctx, x.received())
	if err != nil {
		return nil, err
	}
	if err := ticket.SetMailbox(ctx, x.tx, t.ID, x.d.Mailbox.ID); err != nil {
		return nil, err
	}
	if err := x.finish(ctx, t, m); err != nil {
		return nil, err
	}
	if err := x.suggestJoins(ctx, t.ID); err != nil {
		return nil, err
	}
	if !x.p.Auto && x.in.opts.Ack != nil {
		if err := x.in.opts.Ack(ctx, x.tx, x.d.Mailbox, t, m, x.rfcID); err != nil {
			return nil, err
		}
	}
	return &Result{Outcome: outcome, TicketID: t.ID, MessageID: m.ID}, nil
}

// finish adds the copied addresses as followers, notes parts that could
// not be stored, and writes the email record.
func (x *delivery) finish(ctx context.Context, t *ticket.Ticket, m *ticket.Message) error {
	if err := x.follow(ctx, t.ID); err != nil {
		return err
	}
	if len(x.files.failed) > 0 {
		body := "Some attachments of this mail could not be stored on their own; they remain in original.eml:\n- " +
			strings.Join(x.files.failed, "\n- ")
		if _, err := x.in.tickets.AddSystemNote(ctx, t.ID, body, nil); err != nil {
			return err
		}
	}
	r := x.record(m.ID)
	if x.p.QuoteStart >= 0 && x.p.QuoteStart < len(m.Body) && strings.HasPrefix(m.Body, x.p.Text[:x.p.QuoteStart]) {
		q := x.p.QuoteStart
		r.QuoteStart = &q
	}
	return InsertRecord(ctx, x.tx, r)
}

// record is the email_messages row of the stored message.
func (x *delivery) record(messageID int64) *Record {
	now := x.in.now()
	r := &Record{MessageID: messageID, MailboxID: &x.d.Mailbox.ID, Direction: "in", RFCMessageID: x.rfcID,
		ContentHash: x.hash, From: x.sender.Addr, RawAttachmentID: &x.files.raw, DeliveryState: StateReceived,
		CreatedAt: now, UpdatedAt: now}
	if x.p != nil {
		if len(x.p.InReplyTo) > 0 {
			r.InReplyTo = x.p.InReplyTo[0]
		}
		r.References, r.Subject, r.AutoReply = x.p.References, truncateRunes(x.p.Subject, 1000), x.p.Auto
		r.To, r.Cc = addrs(x.p.To), addrs(x.p.Cc)
	}
	return r
}

func addrs(list []Address) []string {
	out := make([]string, len(list))
	for i, a := range list {
		out[i] = a.Addr
	}
	return out
}

// follow makes the people copied on the mail (To and Cc, besides our own
// mailboxes and the sender) followers of ticket id. A machine's mail adds
// nobody.
func (x *delivery) follow(ctx context.Context, id int64) error {
	if x.p.Auto {
		return nil
	}
	var ids []int64
	seen := map[string]bool{x.sender.Addr: true}
	for _, a := range slices.Concat(x.p.To, x.p.Cc) {
		if seen[a.Addr] || len(ids) >= x.in.opts.MaxFollowers {
			continue
		}
		seen[a.Addr] = true
		addr, err := customer.NormalizeEmail("cc", a.Addr)
		if err != nil {
			continue
		}
		if ours, err := x.isOurs(ctx, addr); err != nil || ours {
			if err != nil {
				return err
			}
			continue
		}
		c, _, err := customer.ResolveEmail(ctx, x.tx, addr, truncateRunes(a.Name, 200))
		if err != nil {
			return err
		}
		ids = append(ids, c.ID)
	}
	if len(ids) == 0 {
		return nil
	}
	_, err := x.in.tickets.AddFollowers(ctx, id, ids)
	return err
}

func isNotFound(err error) bool { return apperr.Is(err, apperr.KindNotFound) }

// isOurs reports whether addr is one of our mailboxes.
func (x *delivery) isOurs(ctx context.Context, addr string) (bool, error) {
	if addr == x.d.Mailbox.Address {
		return true, nil
	}
	if x.in.dir == nil {
		return false, nil
	}
	_, err := x.in.dir.Lookup(ctx, addr)
	if err == nil {
		return true, nil
	}
	if isNotFound(err) {
		return false, nil
	}
	return false, err
}

// unreadable keeps a mail that could not be parsed: raw, on a new ticket
// from whoever the envelope says sent it, with a note for the agents.
func (x *delivery) unreadable(ctx context.Context) (*Result, error) {
	t, m, err := x.in.tickets.OpenReceived(ctx, ticket.Received{CustomerID: x.cust.ID,
		Subject: "(unreadable mail)", Body: "This mail could not be read. The original is attached as original.eml.",
		Attachments: []int64{x.files.raw}, Channel: "email", TeamID: x.d.Mailbox.TeamID})
	if err != nil {
		return nil, err
	}
	if err := ticket.SetMailbox(ctx, x.tx, t.ID, x.d.Mailbox.ID); err != nil {
		return nil, err
	}
	note := fmt.Sprintf("Centerdesk could not read this mail (%s). Nothing was dropped: "+
		"download original.eml to see it as it arrived.", cleanHeader(x.perr.Error()))
	if _, err := x.in.tickets.AddSystemNote(ctx, t.ID, truncateRunes(note, 2000), nil); err != nil {
		return nil, err
	}
	if err := InsertRecord(ctx, x.tx, x.record(m.ID)); err != nil {
		return nil, err
	}
	return &Result{Outcome: OutcomeUnreadable, TicketID: t.ID, MessageID: m.ID}, nil
}

// bounce attaches a delivery status notification to the ticket of the mail
// it bounces, as a note, and marks that mail failed with the reason.
// handled is false when the bounced mail is not one of ours.
func (x *delivery) bounce(ctx context.Context, b *Bounce) (*Result, bool, error) {
	tid, mid, found, err := outboundByRFCID(ctx, x.tx, b.OriginalID)
	if err != nil || !found {
		return nil, false, err
	}
	reason := b.Reason
	if b.Recipient != "" {
		reason = b.Recipient + ": " + reason
	}
	if b.Failed() {
		if err := markFailed(ctx, x.tx, mid, truncateRunes(reason, 2000), x.in.now()); err != nil {
			return nil, false, err
		}
	}
	what := "could not be delivered"
	if !b.Failed() {
		what = "is delayed (" + b.Action + ")"
	}
	body := fmt.Sprintf("A reply on this ticket %s: %s\n\n%s", what, reason, x.p.Text)
	m, err := x.in.tickets.AddSystemNote(ctx, tid, truncateRunes(body, 100000),
		append([]int64{x.files.raw}, x.files.parts...))
	if err != nil {
		return nil, false, err
	}
	if err := InsertRecord(ctx, x.tx, x.record(m.ID)); err != nil {
		return nil, false, err
	}
	return &Result{Outcome: OutcomeBounce, TicketID: tid, MessageID: m.ID}, true, nil
}
