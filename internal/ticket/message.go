package ticket

import (
	"context"
	"database/sql"

	"github.com/centerdesk/centerdesk/internal/events"
)

// AddMessage adds an agent's reply or note to a ticket, as the actor in ctx.
// The first agent reply sets the ticket's first_reply_at, once.
func (s *Service) AddMessage(ctx context.Context, id int64, body, kind string) (*Message, error) {
	if err := checkBody(body); err != nil {
		return nil, err
	}
	if err := oneOf("kind", kind, MessageKinds); err != nil {
		return nil, err
	}
	authorType, authorID := events.ActorFrom(ctx)
	m := &Message{TicketID: id, Kind: kind, AuthorType: authorType, AuthorID: authorID,
		Body: body, CreatedAt: s.now()}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := lockTicket(ctx, tx, id); err != nil {
			return err
		}
		t, err := getTicket(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := addMessage(ctx, tx, m); err != nil {
			return err
		}
		t.UpdatedAt = m.CreatedAt
		if kind == KindReply && authorType == events.ActorAgent && t.FirstReplyAt == nil {
			t.FirstReplyAt = &m.CreatedAt
		}
		return saveTicket(ctx, tx, t)
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}
