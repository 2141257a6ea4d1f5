package workspace

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/centerdesk/centerdesk/internal/events"
	"github.com/centerdesk/centerdesk/internal/joining"
	"github.com/centerdesk/centerdesk/internal/web/conversation"
)

// historyOf returns the ticket's events (what GET /api/v1/tickets/{id}/events
// lists), newest first, described for people.
func (wb *Pages) historyOf(ctx context.Context, ticketID int64, ppl *conversation.People) ([]eventView, error) {
	evs, err := wb.Tickets.Events(ctx, ticketID)
	if err != nil {
		return nil, err
	}
	out := make([]eventView, 0, len(evs))
	for i := len(evs) - 1; i >= 0; i-- {
		e := evs[i]
		out = append(out, eventView{At: e.At, Type: e.Type, Actor: wb.actorName(ctx, e, ppl), What: describeEvent(e, ppl)})
	}
	return out, nil
}

func (wb *Pages) actorName(ctx context.Context, e events.Event, ppl *conversation.People) string {
	switch e.ActorType {
	case events.ActorAgent:
		return ppl.UserName(e.ActorID)
	case events.ActorCustomer:
		if e.ActorID != nil {
			if c, err := wb.Conversations.CustomerOf(ctx, ppl, *e.ActorID); err == nil && c != nil {
				return conversation.CustomerLabel(c)
			}
		}
		return "Customer"
	}
	return "Centerdesk"
}

// describeEvent says in a line what an event did.
func describeEvent(e events.Event, ppl *conversation.People) string {
	switch e.Type {
	case "ticket.created":
		return fmt.Sprintf("Opened the ticket (channel %v)", e.Data["channel"])
	case "message.added":
		what := "Replied"
		switch by, logged := e.Data["logged_by"].(float64); {
		case logged:
			agent := int64(by)
			what = fmt.Sprintf("Reached us by %s (logged by %s)", channelLabel(fmt.Sprint(e.Data["channel"])), ppl.UserName(&agent))
		case e.ActorType == events.ActorCustomer:
			what = "Wrote in"
		case e.Data["kind"] == "note":
			what = "Added an internal note"
		}
		if n, ok := e.Data["attachments"].(float64); ok && n > 0 {
			what += fmt.Sprintf(" with %d attachment", int(n))
			if n > 1 {
				what += "s"
			}
		}
		return what
	case joining.EventJoined, joining.EventChannelSwitched:
		what, _ := joining.Describe(e.Type, e.Data)
		return what
	case "badge.awarded":
		return fmt.Sprintf("Awarded the %v badge", e.Data["value"])
	case "badge.withdrawn":
		return fmt.Sprintf("Withdrew the %v badge: %v", e.Data["value"], e.Data["reason"])
	}
	if field, ok := e.Data["field"].(string); ok {
		return fmt.Sprintf("Changed %s from %s to %s", fieldLabel(field),
			eventValue(field, e.Data["before"], ppl), eventValue(field, e.Data["after"], ppl))
	}
	return humanType(e.Type)
}

func fieldLabel(field string) string {
	switch field {
	case "assignee_id":
		return "assignee"
	case "team_id":
		return "team"
	case "custom_status":
		return "custom status"
	}
	return strings.ReplaceAll(strings.TrimPrefix(field, "custom_fields."), "_", " ")
}

// eventValue writes one side of a change: names for ids, "none" for null.
func eventValue(field string, v any, ppl *conversation.People) string {
	switch x := v.(type) {
	case nil:
		return "none"
	case []any:
		if len(x) == 0 {
			return "none"
		}
		parts := make([]string, len(x))
		for i, p := range x {
			parts[i] = fmt.Sprint(p)
		}
		return strings.Join(parts, ", ")
	case float64:
		if field == "assignee_id" {
			id := int64(x)
			return ppl.UserName(&id)
		}
		if field == "team_id" {
			return ppl.TeamName(int64(x))
		}
		return strconv.FormatFloat(x, 'f', -1, 64)
	case string:
		return strings.ReplaceAll(x, "_", " ")
	}
	return fmt.Sprint(v)
}

// humanType turns "ticket.linked" into "Ticket linked".
func humanType(t string) string {
	t = strings.NewReplacer(".", " ", "_", " ").Replace(t)
	if t == "" {
		return t
	}
	return strings.ToUpper(t[:1]) + t[1:]
}
