package workspace

import (
	"context"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/effort"
)

// effortView is effort figures as the pages show them: the customer's on
// their story, a ticket's in its header.
type effortView struct {
	Contacts, Switches, Reopens, Transfers int
	Channels                               string // labels, comma-separated
	Wait                                   string // the total wait in words; "" for none
}

func effortViewOf(e effort.Effort) *effortView {
	labels := make([]string, len(e.Channels))
	for i, c := range e.Channels {
		labels[i] = channelLabel(c)
	}
	v := &effortView{Contacts: e.Contacts, Switches: e.ChannelSwitches, Reopens: e.Reopens,
		Transfers: e.Transfers, Channels: strings.Join(labels, ", ")}
	if e.CustomerWaitSeconds >= 60 {
		v.Wait = waitLong(time.Duration(e.CustomerWaitSeconds) * time.Second)
	}
	return v
}

// customerEffort sums the effort of the customer's tickets.
func (wb *Pages) customerEffort(ctx context.Context, customerID int64) (*effortView, error) {
	e, err := wb.Effort.ForCustomer(ctx, customerID)
	if err != nil {
		return nil, err
	}
	return effortViewOf(e), nil
}
