package workspace

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/attachment"
	"github.com/centerdesk/centerdesk/internal/friction"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/joining"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/user"
	"github.com/centerdesk/centerdesk/internal/web/conversation"
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
	Messages    []*conversation.Message
	LastMessage int64
	History     []eventView
	Props       *propsView
	Composer    *composerView
	Call        *callView   // the "Log a call" form (ticket_call.go)
	Effort      *effortView // what the ticket cost its customer so far
	Story       *customerStory
	Friction    *friction.Panel // the causes of effort tagged (web/friction serves its forms)
	CanReview   bool            // offer "Review this ticket" (web/quality)
	Lead        bool            // offer a calibration session on it
	// SameIssue are tickets suggested as possibly the same issue, each
	// with a one-click join.
	SameIssue []joining.Suggestion
}

// eventView is one line of the ticket's history.
type eventView struct {
	At    time.Time
	Actor string
	What  string
	Type  string
}

// people resolves the names of agents and customers a page mentions.
func (wb *Pages) ticketByPath(r *http.Request) (*ticket.Ticket, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	return wb.Tickets.Get(r.Context(), id)
}

func (wb *Pages) ticketView(w http.ResponseWriter, r *http.Request) error {
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
	wb.Render(w, r, http.StatusOK, "ticket", p)
	return nil
}

// ticketPageFor gathers everything the ticket page shows. props and comp,
// when given, carry a form being corrected.
func (wb *Pages) ticketPageFor(r *http.Request, t *ticket.Ticket, props *propsView, comp *composerView) (*ticketPage, error) {
	ctx := r.Context()
	ppl, err := wb.Conversations.People(ctx)
	if err != nil {
		return nil, err
	}
	msgs, err := wb.Conversations.Messages(ctx, t.ID, 0, ppl)
	if err != nil {
		return nil, err
	}
	p := &ticketPage{Page: wb.BasePage(r, fmt.Sprintf("#%d %s", t.Number, t.Subject)), Ticket: t,
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
	p.Composer, p.Effort = comp, effortViewOf(t.Effort)
	if p.Call == nil {
		p.Call = &callView{Channel: "phone", Channels: callChannels()}
	}
	if p.Story, err = wb.storyOf(ctx, t.RequesterID, t.ID, sidebarTickets); err != nil {
		return nil, err
	}
	if wb.Friction != nil {
		if p.Friction, err = wb.Friction.PanelFor(ctx, t.ID); err != nil {
			return nil, err
		}
	}
	if p.SameIssue, err = wb.sameIssueOf(r, t.ID); err != nil {
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

// conversationAfter answers GET /tickets/{id}/conversation?after={id}: the
// <article>s of the messages after that one, for live updates.
func (wb *Pages) conversationAfter(w http.ResponseWriter, r *http.Request) error {
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
	ppl, err := wb.Conversations.People(r.Context())
	if err != nil {
		return err
	}
	msgs, err := wb.Conversations.Messages(r.Context(), t.ID, after, ppl)
	if err != nil {
		return err
	}
	wb.Fragment(w, r, http.StatusOK, "ticket", "ticket-messages", msgs)
	return nil
}

// attachmentFile answers GET /attachments/{id}: the API's download, for a
// signed-in agent's browser. The attachment service applies the API's rule
// (any attached file, since agents see every ticket; unattached uploads
// only to their uploader) and serves it so that no browser runs it.
func (wb *Pages) attachmentFile(w http.ResponseWriter, r *http.Request) error {
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

// canReviewTicket tells the ticket page whether to offer "Review this
// ticket": to leads, and to reviewers with the ticket in their queue.
func (wb *Pages) canReviewTicket(ctx context.Context, ticketID int64) bool {
	me := user.FromContext(ctx)
	if me.IsLead() {
		return true
	}
	_, err := wb.Quality.AssignmentOf(ctx, me, ticketID)
	return err == nil
}
