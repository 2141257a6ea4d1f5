// Package conversation loads a ticket's messages as pages show them (the
// "ticket-messages" partial of the kit) and the names of the people in it:
// the ticket page and the review form both show a conversation.
package conversation

import (
	"context"
	"fmt"
	"html/template"
	"strconv"
	"strings"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/attachment"
	"github.com/centerdesk/centerdesk/internal/customer"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/events"
	"github.com/centerdesk/centerdesk/internal/htmlsafe"
	"github.com/centerdesk/centerdesk/internal/mail"
	"github.com/centerdesk/centerdesk/internal/team"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/user"
)

// Loader reads conversations for pages.
type Loader struct {
	DB        *db.DB
	Users     *user.Service
	Teams     *team.Service
	Customers *customer.Service
	Tickets   *ticket.Service
}

// Message is one message as the conversation shows it.
type Message struct {
	*ticket.Message
	Note       bool
	Author     string
	AuthorRole string // "Customer", "Agent" or "System"
	// HTML is the message's HTML, sanitised by internal/htmlsafe (again, at
	// display time); empty for plain-text messages.
	HTML template.HTML
	// Text is a plain-text message up to its quoted history, Quoted the
	// history, folded away.
	Text, Quoted string
	Files        []Attachment
}

// Attachment is a file attached to a message.
type Attachment struct {
	ID          int64
	Filename    string
	Size        string
	ContentType string
	Image       bool // a safe raster image, previewed
}

// People are the names a page shows, read once per page.
type People struct {
	Users     map[int64]*user.User
	List      []*user.User
	Customers map[int64]*customer.Customer
	Teams     []*team.Team
}

// People reads the agents and teams.
func (l *Loader) People(ctx context.Context) (*People, error) {
	us, err := l.Users.List(ctx)
	if err != nil {
		return nil, err
	}
	p := &People{Users: map[int64]*user.User{}, List: us, Customers: map[int64]*customer.Customer{}}
	for _, u := range us {
		p.Users[u.ID] = u
	}
	if p.Teams, err = l.Teams.List(ctx); err != nil {
		return nil, err
	}
	return p, nil
}

// CustomerOf returns a customer by id, fetched once per page; nil if gone.
func (l *Loader) CustomerOf(ctx context.Context, p *People, id int64) (*customer.Customer, error) {
	if c, ok := p.Customers[id]; ok {
		return c, nil
	}
	c, err := l.Customers.Get(ctx, id)
	if apperr.Is(err, apperr.KindNotFound) {
		c, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	p.Customers[id] = c
	return c, nil
}

// UserName is an agent's name; "nobody" for none.
func (p *People) UserName(id *int64) string {
	if id == nil {
		return "nobody"
	}
	if u, ok := p.Users[*id]; ok {
		return u.Name
	}
	return "user #" + strconv.FormatInt(*id, 10)
}

// TeamName is a team's name.
func (p *People) TeamName(id int64) string {
	for _, t := range p.Teams {
		if t.ID == id {
			return t.Name
		}
	}
	return "team #" + strconv.FormatInt(id, 10)
}

// Messages returns the ticket's messages after the message id after
// (0: all), oldest first, ready to show.
func (l *Loader) Messages(ctx context.Context, ticketID, after int64, ppl *People) ([]*Message, error) {
	msgs, err := l.Tickets.Messages(ctx, ticketID)
	if err != nil {
		return nil, err
	}
	quotes, err := mail.QuoteStarts(ctx, l.DB.Reader(ctx), ticketID)
	if err != nil {
		return nil, err
	}
	out := make([]*Message, 0, len(msgs))
	for _, m := range msgs {
		if m.ID <= after {
			continue
		}
		v, err := l.Message(ctx, m, quotes, ppl)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

func (l *Loader) Message(ctx context.Context, m *ticket.Message, quotes map[int64]int, ppl *People) (*Message, error) {
	v := &Message{Message: m, Note: m.Kind == ticket.KindNote}
	switch m.AuthorType {
	case events.ActorCustomer:
		v.AuthorRole, v.Author = "Customer", "Customer"
		if m.AuthorID != nil {
			c, err := l.CustomerOf(ctx, ppl, *m.AuthorID)
			if err != nil {
				return nil, err
			}
			if c != nil {
				v.Author = CustomerLabel(c)
			}
		}
	case events.ActorAgent:
		v.AuthorRole, v.Author = "Agent", ppl.UserName(m.AuthorID)
	default:
		v.AuthorRole, v.Author = "System", "Centerdesk"
	}
	if m.BodyHTML != "" {
		v.HTML = SafeHTML(m.BodyHTML)
	} else {
		v.Text = m.Body
		if q, ok := quotes[m.ID]; ok && q > 0 && q < len(m.Body) {
			v.Text, v.Quoted = m.Body[:q], m.Body[q:]
		}
	}
	for _, a := range m.Attachments {
		v.Files = append(v.Files, Attachment{ID: a.ID, Filename: a.Filename, Size: HumanSize(a.Size),
			ContentType: a.ContentType, Image: attachment.Inline(a.ContentType)})
	}
	return v, nil
}

// SafeHTML passes stored message HTML through htmlsafe once more
// before it is trusted as template.HTML: what was stored was sanitised, and
// sanitising again costs little and guards against rows written some other
// way. Images that point at the API's attachment URLs (which need a token)
// are pointed at the session-authenticated page route instead.
func SafeHTML(stored string) template.HTML {
	clean := htmlsafe.Sanitize(stored)
	clean = strings.ReplaceAll(clean, `src="`+htmlsafe.AttachmentPath, `src="/attachments/`)
	return template.HTML(clean) // #nosec: produced by htmlsafe.Sanitize just above
}

func CustomerLabel(c *customer.Customer) string {
	switch {
	case c.Name != "" && c.Email != "" && c.Name != c.Email:
		return c.Name + " <" + c.Email + ">"
	case c.Name != "":
		return c.Name
	case c.Email != "":
		return c.Email
	}
	return "customer #" + strconv.FormatInt(c.ID, 10)
}

// HumanSize writes a byte count the way People read file sizes.
func HumanSize(n int64) string {
	switch {
	case n < 1024:
		return fmt.Sprintf("%d B", n)
	case n < 1024*1024:
		return fmt.Sprintf("%.1f KB", float64(n)/1024)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/(1024*1024))
}
