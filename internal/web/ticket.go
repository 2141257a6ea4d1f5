package web

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/attachment"
	"github.com/centerdesk/centerdesk/internal/customer"
	"github.com/centerdesk/centerdesk/internal/events"
	"github.com/centerdesk/centerdesk/internal/htmlsafe"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/mail"
	"github.com/centerdesk/centerdesk/internal/team"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/user"
)

// The ticket page (GET /tickets/{id}): the conversation, the properties
// panel (ticket_properties.go), the composer (ticket_composer.go), the
// history of events and, beside it, the customer's story
// (customer_page.go). Every signed-in agent may open every ticket, as in
// the API (internal/api/tickets.go: anyUser).

type ticketPage struct {
	Page
	Ticket      *ticket.Ticket
	StatusLabel string
	Messages    []*messageView
	LastMessage int64
	History     []eventView
	Props       *propsView
	Composer    *composerView
	Story       *customerStory
	CanReview   bool // offer "Review this ticket" (reviews.go)
	Lead        bool // offer a calibration session on it
}

// messageView is one message as the conversation shows it.
type messageView struct {
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
	Files        []attachmentView
}

type attachmentView struct {
	ID          int64
	Filename    string
	Size        string
	ContentType string
	Image       bool // a safe raster image, previewed
}

// eventView is one line of the ticket's history.
type eventView struct {
	At    time.Time
	Actor string
	What  string
	Type  string
}

// people resolves the names of agents and customers a page mentions.
type people struct {
	users     map[int64]*user.User
	list      []*user.User
	customers map[int64]*customer.Customer
	teams     []*team.Team
}

func (wb *Web) loadPeople(ctx context.Context) (*people, error) {
	us, err := wb.Users.List(ctx)
	if err != nil {
		return nil, err
	}
	p := &people{users: map[int64]*user.User{}, list: us, customers: map[int64]*customer.Customer{}}
	for _, u := range us {
		p.users[u.ID] = u
	}
	if p.teams, err = wb.Teams.List(ctx); err != nil {
		return nil, err
	}
	return p, nil
}

// customer returns a customer by id, fetched once per page; nil if gone.
func (wb *Web) customerOf(ctx context.Context, p *people, id int64) (*customer.Customer, error) {
	if c, ok := p.customers[id]; ok {
		return c, nil
	}
	c, err := wb.Customers.Get(ctx, id)
	if apperr.Is(err, apperr.KindNotFound) {
		c, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	p.customers[id] = c
	return c, nil
}

func (p *people) userName(id *int64) string {
	if id == nil {
		return "nobody"
	}
	if u, ok := p.users[*id]; ok {
		return u.Name
	}
	return "user #" + strconv.FormatInt(*id, 10)
}

func (p *people) teamName(id int64) string {
	for _, t := range p.teams {
		if t.ID == id {
			return t.Name
		}
	}
	return "team #" + strconv.FormatInt(id, 10)
}

func (wb *Web) ticketByPath(r *http.Request) (*ticket.Ticket, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	return wb.Tickets.Get(r.Context(), id)
}

func (wb *Web) ticketView(w http.ResponseWriter, r *http.Request) error {
	t, err := wb.ticketByPath(r)
	if err != nil {
		return err
	}
	comp, err := wb.composerFromQuery(r, t)
	if err != nil {
		return err
	}
	p, err := wb.ticketPageFor(r, t, nil, comp)
	if err != nil {
		return err
	}
	wb.render(w, r, http.StatusOK, "ticket", p)
	return nil
}

// ticketPageFor gathers everything the ticket page shows. props and comp,
// when given, carry a form being corrected.
func (wb *Web) ticketPageFor(r *http.Request, t *ticket.Ticket, props *propsView, comp *composerView) (*ticketPage, error) {
	ctx := r.Context()
	ppl, err := wb.loadPeople(ctx)
	if err != nil {
		return nil, err
	}
	msgs, err := wb.messageViews(ctx, t.ID, 0, ppl)
	if err != nil {
		return nil, err
	}
	p := &ticketPage{Page: wb.basePage(r, fmt.Sprintf("#%d %s", t.Number, t.Subject)), Ticket: t,
		StatusLabel: statusLabel(t), Messages: msgs}
	if n := len(msgs); n > 0 {
		p.LastMessage = msgs[n-1].ID
	}
	if p.History, err = wb.historyOf(ctx, t.ID, ppl); err != nil {
		return nil, err
	}
	if props == nil {
		if props, err = wb.propsFor(ctx, t, ppl); err != nil {
			return nil, err
		}
	}
	p.Props = props
	if comp == nil {
		comp = &composerView{Kind: ticket.KindReply}
	}
	if err := wb.fillComposer(ctx, t, comp); err != nil {
		return nil, err
	}
	p.Composer = comp
	if p.Story, err = wb.storyOf(ctx, t.RequesterID, t.ID, sidebarTickets); err != nil {
		return nil, err
	}
	// Nobody reviews their own work; an unassigned ticket has nobody to review.
	worker := t.AssigneeID != nil && *t.AssigneeID != p.User.ID
	p.CanReview, p.Lead = worker && wb.canReviewTicket(ctx, t.ID), p.User.IsLead()
	return p, nil
}

// statusLabel is the ticket's custom status's label, or its status.
func statusLabel(t *ticket.Ticket) string {
	if t.CustomStatus != nil {
		return t.CustomStatus.Label
	}
	return strings.ReplaceAll(t.Status, "_", " ")
}

// messageViews returns the ticket's messages after the message id after
// (0: all), oldest first, ready to show.
func (wb *Web) messageViews(ctx context.Context, ticketID, after int64, ppl *people) ([]*messageView, error) {
	msgs, err := wb.Tickets.Messages(ctx, ticketID)
	if err != nil {
		return nil, err
	}
	quotes, err := mail.QuoteStarts(ctx, wb.DB.Read(), ticketID)
	if err != nil {
		return nil, err
	}
	out := make([]*messageView, 0, len(msgs))
	for _, m := range msgs {
		if m.ID <= after {
			continue
		}
		v, err := wb.messageView(ctx, m, quotes, ppl)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

func (wb *Web) messageView(ctx context.Context, m *ticket.Message, quotes map[int64]int, ppl *people) (*messageView, error) {
	v := &messageView{Message: m, Note: m.Kind == ticket.KindNote}
	switch m.AuthorType {
	case events.ActorCustomer:
		v.AuthorRole, v.Author = "Customer", "Customer"
		if m.AuthorID != nil {
			c, err := wb.customerOf(ctx, ppl, *m.AuthorID)
			if err != nil {
				return nil, err
			}
			if c != nil {
				v.Author = customerLabel(c)
			}
		}
	case events.ActorAgent:
		v.AuthorRole, v.Author = "Agent", ppl.userName(m.AuthorID)
	default:
		v.AuthorRole, v.Author = "System", "Centerdesk"
	}
	if m.BodyHTML != "" {
		v.HTML = safeMessageHTML(m.BodyHTML)
	} else {
		v.Text = m.Body
		if q, ok := quotes[m.ID]; ok && q > 0 && q < len(m.Body) {
			v.Text, v.Quoted = m.Body[:q], m.Body[q:]
		}
	}
	for _, a := range m.Attachments {
		v.Files = append(v.Files, attachmentView{ID: a.ID, Filename: a.Filename, Size: humanSize(a.Size),
			ContentType: a.ContentType, Image: attachment.Inline(a.ContentType)})
	}
	return v, nil
}

// safeMessageHTML passes stored message HTML through htmlsafe once more
// before it is trusted as template.HTML: what was stored was sanitised, and
// sanitising again costs little and guards against rows written some other
// way. Images that point at the API's attachment URLs (which need a token)
// are pointed at the session-authenticated page route instead.
func safeMessageHTML(stored string) template.HTML {
	clean := htmlsafe.Sanitize(stored)
	clean = strings.ReplaceAll(clean, `src="`+htmlsafe.AttachmentPath, `src="/attachments/`)
	return template.HTML(clean) // #nosec: produced by htmlsafe.Sanitize just above
}

func customerLabel(c *customer.Customer) string {
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

// humanSize writes a byte count the way people read file sizes.
func humanSize(n int64) string {
	switch {
	case n < 1024:
		return fmt.Sprintf("%d B", n)
	case n < 1024*1024:
		return fmt.Sprintf("%.1f KB", float64(n)/1024)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/(1024*1024))
}

// conversationAfter answers GET /tickets/{id}/conversation?after={id}: the
// <article>s of the messages after that one, for live updates.
func (wb *Web) conversationAfter(w http.ResponseWriter, r *http.Request) error {
	t, err := wb.ticketByPath(r)
	if err != nil {
		return err
	}
	var after int64
	if v := r.URL.Query().Get("after"); v != "" {
		if after, err = strconv.ParseInt(v, 10, 64); err != nil || after < 0 {
			return apperr.Invalid("after", "%q is not a message id", v)
		}
	}
	ppl, err := wb.loadPeople(r.Context())
	if err != nil {
		return err
	}
	msgs, err := wb.messageViews(r.Context(), t.ID, after, ppl)
	if err != nil {
		return err
	}
	wb.renderFragment(w, http.StatusOK, "ticket", "ticket-messages", msgs)
	return nil
}

// attachmentFile answers GET /attachments/{id}: the API's download, for a
// signed-in agent's browser. The attachment service applies the API's rule
// (any attached file, since agents see every ticket; unattached uploads
// only to their uploader) and serves it so that no browser runs it.
func (wb *Web) attachmentFile(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	a, f, err := wb.Attachments.Open(r.Context(), id)
	if err != nil {
		return err
	}
	defer f.Close()
	attachment.Serve(w, r, a, f)
	return nil
}
