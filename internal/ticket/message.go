package ticket

import (
	"context"
	"database/sql"
	"strings"
	"unicode/utf8"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/attachment"
	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/effort"
	"github.com/centerdesk/centerdesk/internal/events"
	"github.com/centerdesk/centerdesk/internal/htmlsafe"
)

// NewMessage is a reply or a note as its author sends it: plain text, HTML
// or both (at least one), and uploads to attach.
type NewMessage struct {
	Body        string  `json:"body"`
	BodyHTML    string  `json:"body_html"`
	Kind        string  `json:"kind"`
	Attachments []int64 `json:"attachments"`
	// Author "customer" logs the requester's call: effort.CheckLogged.
	Author  string `json:"author"`
	Channel string `json:"channel"`
}

// AddMessage adds an agent's plain-text reply or note to a ticket, as the
// actor in ctx. It is PostMessage without HTML or attachments.
func (s *Service) AddMessage(ctx context.Context, id int64, body, kind string) (*Message, error) {
	return s.PostMessage(ctx, id, NewMessage{Body: body, Kind: kind})
}

// PostMessage adds an agent's reply or note to a ticket, as the actor in
// ctx, with its attachments, in one transaction. The first agent reply sets
// the ticket's first_reply_at, once.
func (s *Service) PostMessage(ctx context.Context, id int64, in NewMessage) (*Message, error) {
	text, html, err := messageBody(in.Body, in.BodyHTML)
	if err != nil {
		return nil, err
	}
	if err := oneOf("kind", in.Kind, MessageKinds); err != nil {
		return nil, err
	}
	if err := effort.CheckLogged(in.Author, in.Kind, in.Channel); err != nil {
		return nil, err
	}
	authorType, authorID := events.ActorFrom(ctx)
	m := &Message{TicketID: id, Kind: in.Kind, AuthorType: authorType, AuthorID: authorID,
		Body: text, BodyHTML: html, CreatedAt: s.now(), Channel: in.Channel}
	err = s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := lockTicket(ctx, tx, id); err != nil {
			return err
		}
		t, err := getTicket(ctx, tx, id)
		if err != nil {
			return err
		}
		if t.Status == "closed" && in.Kind == KindReply {
			return apperr.Unprocessable("", "ticket #%d is closed, and closed is final: "+
				"open a new ticket (link it as related) to carry on the conversation", t.Number)
		}
		if in.Author == effort.AuthorCustomer { // the requester's words, logged by the agent in ctx
			m.AuthorType, m.AuthorID, m.LoggedBy = events.ActorCustomer, &t.RequesterID, authorID
		}
		if err := addMessage(ctx, tx, t, m, in.Attachments); err != nil {
			return err
		}
		if m.LoggedBy != nil && (t.Status == "solved" || t.Status == "pending") {
			if err := s.reopen(ctx, tx, t, t.RequesterID); err != nil {
				return err
			}
		}
		t.UpdatedAt = m.CreatedAt
		if in.Kind == KindReply && m.AuthorType == events.ActorAgent && t.FirstReplyAt == nil {
			t.FirstReplyAt = &m.CreatedAt
		}
		if err := saveTicket(ctx, tx, t); err != nil {
			return err
		}
		return s.runHooks(ctx, tx, t, m)
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// addMessage stores m, attaches the uploads attachmentIDs to it on behalf of
// the user in ctx, starts or stops the customer's wait (waiting.go), in t
// too when given, and appends its message.added event.
func addMessage(ctx context.Context, tx *sql.Tx, t *Ticket, m *Message, attachmentIDs []int64) error {
	if err := storeMessage(ctx, tx, t, m, attachmentIDs); err != nil {
		return err
	}
	return events.Append(ctx, tx, messageAdded(m))
}

// storeMessage is addMessage without the event, for a change that appends
// it with others.
func storeMessage(ctx context.Context, tx *sql.Tx, t *Ticket, m *Message, attachmentIDs []int64) error {
	if err := insertMessage(ctx, tx, t, m); err != nil {
		return err
	}
	if err := noteWaiting(ctx, tx, m, t); err != nil {
		return err
	}
	var err error
	m.Attachments, err = attachment.Attach(ctx, tx, m.ID, audit.ActorFrom(ctx).UserID, attachmentIDs)
	return err
}

// messageAdded is the event of a stored message; one an agent logged for
// the customer names the agent as logged_by.
func messageAdded(m *Message) *events.Event {
	e := &events.Event{TicketID: m.TicketID, Type: EventMessageAdded, At: m.CreatedAt,
		ActorType: m.AuthorType, ActorID: m.AuthorID,
		Data: map[string]any{"message_id": m.ID, "kind": m.Kind, "attachments": len(m.Attachments)}}
	if m.LoggedBy != nil {
		e.Data["logged_by"], e.Data["channel"] = *m.LoggedBy, m.Channel
	}
	return e
}

// checkBodies checks what an author sent as a message's body: plain text,
// HTML or both, at least one of them with something in it.
func checkBodies(text, html string) error {
	if strings.TrimSpace(html) == "" {
		return checkBody(text)
	}
	if text != "" {
		if err := checkBody(text); err != nil {
			return err
		}
	}
	switch {
	case len(html) > MaxBody:
		return apperr.Invalid("body_html", "is larger than %d bytes", MaxBody)
	case !utf8.ValidString(html):
		return apperr.Invalid("body_html", "is not valid UTF-8")
	}
	return nil
}

// messageBody checks what an author sent and returns what is stored: the
// plain text, and the HTML sanitised ("" when none was sent). When only
// HTML was sent, the text is derived from it, so that search, notifications
// and plain-text mail have it too.
func messageBody(text, rawHTML string) (body, html string, err error) {
	if err := checkBodies(text, rawHTML); err != nil {
		return "", "", err
	}
	if strings.TrimSpace(rawHTML) == "" {
		return text, "", nil
	}
	html = htmlsafe.Sanitize(rawHTML)
	if strings.TrimSpace(text) == "" {
		text = truncateUTF8(htmlsafe.Text(html), MaxBody)
	}
	if strings.TrimSpace(text) == "" {
		return "", "", apperr.Invalid("body_html", "holds no text once sanitised")
	}
	return text, html, nil
}

// truncateUTF8 cuts s to at most n bytes without splitting a character.
func truncateUTF8(s string, n int) string {
	for len(s) > n {
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
	}
	return s
}
