package server

import (
	"log/slog"

	"github.com/centerdesk/centerdesk/internal/alert"
	"github.com/centerdesk/centerdesk/internal/config"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/egress"
	"github.com/centerdesk/centerdesk/internal/feedback"
	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/outbound"
	"github.com/centerdesk/centerdesk/internal/secret"
	"github.com/centerdesk/centerdesk/internal/settings"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// newAlerts builds the alert rules (issue 17): evaluated by one job a
// minute, telling people in the app, by the notice mail path and by
// webhooks through the guarded client. Run schedules the first
// evaluation.
func newAlerts(cfg config.Config, log *slog.Logger, d *db.DB, queue *jobs.Queue, out *outbound.Service,
	box *secret.Box, svc *serviceLevel, surveys *feedback.Service, tickets *ticket.Service, st *settings.Store,
	guarded *egress.Client) *alert.Service {
	return alert.New(d, queue, out, box,
		alert.Sources{SLA: svc.sla, Feedback: surveys, Tickets: tickets, Settings: st},
		log, alert.Options{PublicURL: cfg.PublicURL, Egress: guarded})
}
