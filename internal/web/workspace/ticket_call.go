package workspace

import (
	"net/http"

	"github.com/centerdesk/centerdesk/internal/effort"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/reply"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// "Log a call" on the ticket page: the agent writes down what the customer
// said on the phone (or at the desk, or in a chat) as the customer's own
// message on the ticket, by that channel, so that the ticket's effort
// counts the contact. The ticket service attributes it to the requester and
// records the agent who logged it.

// callView is the "Log a call" form, as last sent when it failed.
type callView struct {
	Body, Channel     string
	Channels          []channelChoice
	Error, ErrorField string
}

// channelChoice is one channel the form offers.
type channelChoice struct{ Value, Label string }

func callChannels() []channelChoice {
	out := make([]channelChoice, len(effort.LoggedChannels))
	for i, c := range effort.LoggedChannels {
		out[i] = channelChoice{Value: c, Label: channelLabel(c)}
	}
	return out
}

// logCall answers POST /tickets/{id}/calls.
func (wb *Pages) logCall(w http.ResponseWriter, r *http.Request) error {
	t, err := wb.ticketByPath(r)
	if err != nil {
		return err
	}
	call := &callView{Body: r.PostFormValue("body"), Channel: r.PostFormValue("channel"), Channels: callChannels()}
	m, err := wb.Replies.Send(r.Context(), t.ID, reply.Draft{NewMessage: ticket.NewMessage{Body: call.Body,
		Kind: ticket.KindReply, Author: effort.AuthorCustomer, Channel: call.Channel}})
	if err != nil {
		return wb.callProblem(w, r, t, call, err)
	}
	wb.Flash(r, "Call logged.")
	http.Redirect(w, r, ticketURL(t.ID)+"#message-"+idText(m.ID), http.StatusSeeOther)
	return nil
}

// callProblem shows the ticket page again with the call form as sent and
// what was wrong with it.
func (wb *Pages) callProblem(w http.ResponseWriter, r *http.Request, t *ticket.Ticket, call *callView, problem error) error {
	status, detail := httpx.Describe(r.Context(), problem)
	if status >= 500 {
		return problem
	}
	call.Error, call.ErrorField = detail.Message, detail.Field
	p, err := wb.ticketPageFor(r, t, nil, nil)
	if err != nil {
		return err
	}
	p.Call = call
	wb.Render(w, r, status, "ticket", p)
	return nil
}
