package portal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/attachment"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// CustomerStatus is a ticket's status in the customer's words.
func CustomerStatus(status string) string {
	switch status {
	case "pending":
		return "Awaiting your reply"
	case "solved":
		return "Solved"
	case "closed":
		return "Closed"
	}
	return "Open" // new, open, on hold: we are on it
}

// Tickets returns a page of the customer's tickets, on every channel, most
// recently updated first.
func (s *Service) Tickets(ctx context.Context, customerID int64, cursor string) (*ticket.Page, error) {
	return s.tickets.List(ctx, ticket.Filter{RequesterID: customerID, Cursor: cursor, Limit: 50})
}

// Ticket returns ticket id when customerID is its requester, else NotFound.
func (s *Service) Ticket(ctx context.Context, customerID, id int64) (*ticket.Ticket, error) {
	t, err := s.tickets.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if t.RequesterID != customerID {
		return nil, apperr.NotFound("ticket")
	}
	return t, nil
}

// Conversation returns the customer's ticket id and its public messages,
// oldest first: never an internal note.
func (s *Service) Conversation(ctx context.Context, customerID, id int64) (*ticket.Ticket, []*ticket.Message, error) {
	t, err := s.Ticket(ctx, customerID, id)
	if err != nil {
		return nil, nil, err
	}
	msgs, err := s.tickets.Messages(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	public := msgs[:0]
	for _, m := range msgs {
		if m.Kind == ticket.KindReply {
			public = append(public, m)
		}
	}
	return t, public, nil
}

// Attachment opens file attID of a public message of the customer's ticket
// id; anything else (another's ticket, a note's file, another ticket's
// file) is NotFound. The caller closes the file.
func (s *Service) Attachment(ctx context.Context, customerID, id, attID int64) (*attachment.Attachment, *os.File, error) {
	var one int
	err := s.db.Reader(ctx).QueryRowContext(ctx, `SELECT 1 FROM attachments a
		JOIN messages m ON m.id = a.message_id
		JOIN tickets t ON t.id = m.ticket_id
		WHERE a.id = $1 AND t.id = $2 AND t.requester_id = $3 AND m.kind = $4`,
		attID, id, customerID, ticket.KindReply).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, apperr.NotFound("attachment")
	}
	if err != nil {
		return nil, nil, fmt.Errorf("portal: attachment %d: %w", attID, err)
	}
	return s.attachments.Open(ctx, attID)
}

// Request is a new request from the portal.
type Request struct {
	Subject     string
	Description string
	Attachments []attachment.Upload
	// FollowUpOf is a closed ticket of the customer's this one follows up
	// on; 0 for none.
	FollowUpOf int64
}

// checkText checks what a customer typed as a message.
func checkText(field, body string, files int) error {
	if strings.TrimSpace(body) == "" && files == 0 {
		return apperr.Invalid(field, "is required: write what you need")
	}
	if len(body) > ticket.MaxBody {
		return apperr.Invalid(field, "is longer than %d bytes", ticket.MaxBody)
	}
	if !utf8.ValidString(body) {
		return apperr.Invalid(field, "is not valid text (UTF-8)")
	}
	return nil
}

// Open opens a ticket for the customer on the portal channel.
func (s *Service) Open(ctx context.Context, customerID int64, r Request) (*ticket.Ticket, error) {
	subject := strings.Join(strings.Fields(r.Subject), " ")
	switch {
	case apperr.Blank(subject):
		return nil, apperr.Invalid("subject", "is required")
	case utf8.RuneCountInString(subject) > ticket.MaxSubject:
		return nil, apperr.Invalid("subject", "is longer than %d characters", ticket.MaxSubject)
	}
	if err := checkText("description", r.Description, len(r.Attachments)); err != nil {
		return nil, err
	}
	if r.FollowUpOf != 0 {
		old, err := s.Ticket(ctx, customerID, r.FollowUpOf)
		if err != nil {
			return nil, err
		}
		if old.Status != "closed" {
			return nil, apperr.Unprocessable("follow_up_of", "only a closed request takes a follow-up; reply to it instead")
		}
	}
	ids, err := s.upload(ctx, r.Attachments)
	if err != nil {
		return nil, err
	}
	t, _, err := s.tickets.OpenReceived(ctx, ticket.Received{CustomerID: customerID, Subject: subject,
		Body: r.Description, Attachments: ids, Channel: "portal"})
	if err != nil {
		return nil, err
	}
	if r.FollowUpOf != 0 {
		if err := s.tickets.LinkFollowUp(ctx, t.ID, r.FollowUpOf); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// Reply adds the customer's public message to their ticket id. A solved
// or pending ticket opens again, as when they write back by email; a closed
// one is refused: the customer opens a follow-up instead.
func (s *Service) Reply(ctx context.Context, customerID, id int64, body string, files []attachment.Upload) (*ticket.Message, error) {
	t, err := s.Ticket(ctx, customerID, id)
	if err != nil {
		return nil, err
	}
	if t.Status == "closed" {
		return nil, closedError()
	}
	if err := checkText("body", body, len(files)); err != nil {
		return nil, err
	}
	ids, err := s.upload(ctx, files)
	if err != nil {
		return nil, err
	}
	out, err := s.tickets.AppendReceived(ctx, id, ticket.Received{CustomerID: customerID, Body: body,
		Attachments: ids, Channel: "portal"}, true)
	if errors.Is(err, ticket.ErrClosed) {
		return nil, closedError()
	}
	if err != nil {
		return nil, err
	}
	return out.Message, nil
}

func closedError() error {
	return apperr.Unprocessable("body", "this request is closed; open a follow-up request instead")
}

// Solve marks the customer's ticket id solved.
func (s *Service) Solve(ctx context.Context, customerID, id int64) (*ticket.Ticket, error) {
	return s.tickets.SolveByCustomer(ctx, id, customerID)
}

// upload stores a customer's files as the system's uploads (a customer is
// no user), to be attached by the same request.
func (s *Service) upload(ctx context.Context, files []attachment.Upload) ([]int64, error) {
	if len(files) > attachment.MaxPerMessage {
		return nil, apperr.Invalid("attachments", "a message has at most %d attachments", attachment.MaxPerMessage)
	}
	ids := make([]int64, 0, len(files))
	for _, f := range files {
		a, err := s.attachments.Upload(ctx, f)
		if err != nil {
			if e, ok := apperr.As(err); ok && e.Field == "file" {
				e.Field = "attachments"
				e.Message = f.Filename + ": " + e.Message
			}
			return nil, err
		}
		ids = append(ids, a.ID)
	}
	return ids, nil
}
