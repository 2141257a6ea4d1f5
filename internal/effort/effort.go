// Package effort measures what a ticket costs its customer: how often they
// had to write or call, by how many channels, how often they switched, how
// often the ticket came back, how often it was handed on, and how long they
// waited for an answer. The figures live in ticket_effort, one row per
// ticket, kept current by the ticket package inside the transaction of each
// change (Start, Noted, Saved, Recount), so that lists and reports sum
// stored integers instead of scanning messages.
//
// The rules, the same in the incremental updates and in Recount:
//   - contacts: the customer's public messages, whoever typed them (an
//     agent logging a phone call writes the customer's message).
//   - channels: the distinct channels of those messages; channel_switches:
//     how often a customer message came by another channel than their
//     previous one.
//   - reopens: moves from solved or closed back to any other status.
//   - transfers: changes of the team or of the assignee away from one that
//     was set. Giving an unassigned ticket its first team or agent is the
//     first assignment, not a transfer; taking it off an agent is one.
//   - customer wait: from a customer message that finds no wait running to
//     the next public agent reply, or to the ticket being solved or closed
//     first (the desk then considers it answered). A wait still running
//     counts up to the moment it is read while the ticket is not solved or
//     closed.
package effort

import (
	"slices"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
)

// Effort is a ticket's effort figures, as its JSON carries them; summed
// over tickets for a customer.
type Effort struct {
	Contacts            int      `json:"contacts"`
	Channels            []string `json:"channels"`
	ChannelSwitches     int      `json:"channel_switches"`
	Reopens             int      `json:"reopens"`
	Transfers           int      `json:"transfers"`
	CustomerWaitSeconds int64    `json:"customer_wait_seconds"`
	// CES is the customer's effort score (1-7) from the ticket's answered
	// survey (the latest answered one with a CES); nil until one is
	// answered. For a customer, the mean over their answered surveys.
	CES *float64 `json:"ces"`
}

// Channels are the channels a message can come by. The order is fixed:
// each one's bit in channel_mask is 1 << its index.
var Channels = []string{"email", "portal", "api", "phone", "walk_in", "chat", "web_form", "other"}

// LoggedChannels are the channels by which an agent may log a customer's
// message for them: the customer spoke to the agent. Mail, the portal and
// the API bring the customer's own messages and are never typed by an
// agent on their behalf.
var LoggedChannels = []string{"phone", "walk_in", "chat"}

// Authors of a message, as the API names them.
const (
	AuthorAgent    = "agent"
	AuthorCustomer = "customer"
)

// CheckChannel refuses a channel that is not one of Channels; "" is left
// for the caller's default.
func CheckChannel(channel string) error {
	if channel == "" || slices.Contains(Channels, channel) {
		return nil
	}
	return apperr.Invalid("channel", "must be one of %v, not %q", Channels, channel)
}

// CheckLogged checks a message an agent writes with its author: the agent
// (the default) on any channel, or the customer, whose words the agent logs,
// as a public message by one of LoggedChannels, which must be named.
func CheckLogged(author, kind, channel string) error {
	if err := CheckChannel(channel); err != nil {
		return err
	}
	switch author {
	case "", AuthorAgent:
		return nil
	case AuthorCustomer:
		if kind != "reply" {
			return apperr.Invalid("kind", "a customer's message is a reply: customers write no notes")
		}
		if channel == "" {
			return apperr.Invalid("channel", "is required for a customer's message: one of %v", LoggedChannels)
		}
		if !slices.Contains(LoggedChannels, channel) {
			return apperr.Invalid("channel", "an agent logs a customer's message by %v only; "+
				"a customer's %s arrives by itself", LoggedChannels, channel)
		}
		return nil
	}
	return apperr.Invalid("author", "must be %q or %q, not %q", AuthorAgent, AuthorCustomer, author)
}

// bit is channel's bit in channel_mask; 0 for an unknown channel.
func bit(channel string) int64 {
	i := slices.Index(Channels, channel)
	if i < 0 {
		return 0
	}
	return 1 << i
}

// channelsOf lists the channels of mask, in the order of Channels.
func channelsOf(mask int64) []string {
	out := []string{}
	for i, c := range Channels {
		if mask&(1<<i) != 0 {
			out = append(out, c)
		}
	}
	return out
}

// closedStatus reports whether status ends a wait and is left by a reopen.
func closedStatus(status string) bool { return status == "solved" || status == "closed" }

// millis is t in Unix milliseconds, the unit waits are stored in.
func millis(t time.Time) int64 { return t.UnixMilli() }

// row is a ticket_effort row.
type row struct {
	ticketID               int64
	contacts, switches     int
	reopens, transfers     int
	mask                   int64
	waitMS                 int64
	waitStartedMS          *int64
	lastStatus             string
	lastChannel            *string
	lastAssignee, lastTeam *int64
	ces                    *float64 // of the ticket's latest answered survey
}

// effortAt is r's figures read at now: a wait still running counts up to
// now unless the ticket is solved or closed.
func (r row) effortAt(now time.Time) Effort {
	wait := r.waitMS
	if r.waitStartedMS != nil && !closedStatus(r.lastStatus) && millis(now) > *r.waitStartedMS {
		wait += millis(now) - *r.waitStartedMS
	}
	return Effort{Contacts: r.contacts, Channels: channelsOf(r.mask), ChannelSwitches: r.switches,
		Reopens: r.reopens, Transfers: r.transfers, CustomerWaitSeconds: wait / 1000, CES: r.ces}
}

// Zero is the effort of a ticket nothing is known of.
func Zero() Effort { return Effort{Channels: []string{}} }
