package server

import (
	"log/slog"

	"github.com/centerdesk/centerdesk/internal/config"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/egress"
	"github.com/centerdesk/centerdesk/internal/events"
	"github.com/centerdesk/centerdesk/internal/hooksub"
	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/outbound"
	"github.com/centerdesk/centerdesk/internal/secret"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// newHooks builds the webhook subscriptions to ticket events (issue 19): a
// durable consumer of the event stream records each delivery, the queue
// posts it through the guarded client, and pause notices go by the notice
// mail path.
func newHooks(cfg config.Config, log *slog.Logger, d *db.DB, queue *jobs.Queue, bus *events.Bus,
	out *outbound.Service, box *secret.Box, tickets *ticket.Service, guarded *egress.Client) (*hooksub.Service, error) {
	hooks := hooksub.New(d, queue, out, box, tickets, log,
		hooksub.Options{PublicURL: cfg.PublicURL, Egress: guarded})
	if err := bus.Register(hooks.Consumer()); err != nil {
		return nil, err
	}
	return hooks, nil
}
