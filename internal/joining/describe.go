package joining

import (
	"fmt"
	"strings"
)

// Describe says in a sentence what a join event did, for the ticket's
// history; ok is false for an event that is not a join.
func Describe(typ string, data map[string]any) (string, bool) {
	if typ != EventJoined && typ != EventChannelSwitched {
		return "", false
	}
	channel := channelName(data["channel"])
	var what string
	switch data["via"] {
	case ViaSubject:
		what = "Added the customer's email to this ticket: it had no thread headers, and its subject matches this open ticket's"
	case ViaPortal:
		what = "Added the customer's portal message to this ticket, which they chose from their open requests"
	case ViaAgent:
		what = fmt.Sprintf("Added what the customer said (%s) to this ticket instead of opening a new one", channel)
	case ViaMerge:
		what = fmt.Sprintf("Joined ticket #%v into this one as the same issue", number(data["from_number"]))
	default:
		what = "Added the customer's message to this ticket as the same issue"
	}
	if typ == EventChannelSwitched {
		what += fmt.Sprintf("; the customer switched from %s to %s", channelName(data["previous_channel"]), channel)
	}
	return what, true
}

// channelName names a channel for people: "email", "walk-in", "the portal".
func channelName(v any) string {
	s, _ := v.(string)
	switch s {
	case "":
		return "an unknown channel"
	case "portal":
		return "the portal"
	case "api":
		return "the API"
	}
	return strings.ReplaceAll(s, "_", "-")
}

// number writes a ticket number read back from JSON (a float64) whole.
func number(v any) string {
	if f, ok := v.(float64); ok {
		return fmt.Sprintf("%d", int64(f))
	}
	return fmt.Sprint(v)
}
