// Package web serves Centerdesk's HTML pages: server-rendered templates and
// static assets, all embedded in the binary.
package web

import (
	"github.com/centerdesk/centerdesk/internal/effort"
	"log/slog"
	"net/http"

	"github.com/alexedwards/scs/v2"

	"github.com/centerdesk/centerdesk/internal/alert"
	"github.com/centerdesk/centerdesk/internal/hooksub"

	"github.com/centerdesk/centerdesk/internal/attachment"
	"github.com/centerdesk/centerdesk/internal/coaching"
	"github.com/centerdesk/centerdesk/internal/customer"
	"github.com/centerdesk/centerdesk/internal/dashboard"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/events"
	"github.com/centerdesk/centerdesk/internal/feedback"
	"github.com/centerdesk/centerdesk/internal/field"
	"github.com/centerdesk/centerdesk/internal/friction"
	"github.com/centerdesk/centerdesk/internal/idempotency"
	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/joining"
	"github.com/centerdesk/centerdesk/internal/kb"
	"github.com/centerdesk/centerdesk/internal/live"
	"github.com/centerdesk/centerdesk/internal/macro"
	"github.com/centerdesk/centerdesk/internal/mailbox"
	"github.com/centerdesk/centerdesk/internal/notify"
	"github.com/centerdesk/centerdesk/internal/ops"
	"github.com/centerdesk/centerdesk/internal/portal"
	"github.com/centerdesk/centerdesk/internal/presence"
	"github.com/centerdesk/centerdesk/internal/privacy"
	"github.com/centerdesk/centerdesk/internal/quality"
	"github.com/centerdesk/centerdesk/internal/recognition"
	"github.com/centerdesk/centerdesk/internal/reply"
	"github.com/centerdesk/centerdesk/internal/report"
	"github.com/centerdesk/centerdesk/internal/schedule"
	"github.com/centerdesk/centerdesk/internal/search"
	"github.com/centerdesk/centerdesk/internal/settings"
	"github.com/centerdesk/centerdesk/internal/sla"
	"github.com/centerdesk/centerdesk/internal/standing"
	"github.com/centerdesk/centerdesk/internal/team"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/user"
	"github.com/centerdesk/centerdesk/internal/view"
	"github.com/centerdesk/centerdesk/internal/wall"
	"github.com/centerdesk/centerdesk/internal/web/account"
	adminpages "github.com/centerdesk/centerdesk/internal/web/admin"
	alertpages "github.com/centerdesk/centerdesk/internal/web/alerts"
	"github.com/centerdesk/centerdesk/internal/web/conversation"
	dashboardpages "github.com/centerdesk/centerdesk/internal/web/dashboards"
	feedbackpages "github.com/centerdesk/centerdesk/internal/web/feedback"
	frictionpages "github.com/centerdesk/centerdesk/internal/web/friction"
	helppages "github.com/centerdesk/centerdesk/internal/web/help"
	"github.com/centerdesk/centerdesk/internal/web/kit"
	"github.com/centerdesk/centerdesk/internal/web/knowledge"
	opspages "github.com/centerdesk/centerdesk/internal/web/ops"
	peoplepages "github.com/centerdesk/centerdesk/internal/web/people"
	portalpages "github.com/centerdesk/centerdesk/internal/web/portal"
	qualitypages "github.com/centerdesk/centerdesk/internal/web/quality"
	reportpages "github.com/centerdesk/centerdesk/internal/web/reports"
	"github.com/centerdesk/centerdesk/internal/web/servicelevel"
	wallpages "github.com/centerdesk/centerdesk/internal/web/wall"
	webhookpages "github.com/centerdesk/centerdesk/internal/web/webhooks"
	"github.com/centerdesk/centerdesk/internal/web/workspace"
)

// Deps are the services the pages call.
type Deps struct {
	Log      *slog.Logger
	DB       *db.DB
	Users    *user.Service
	Settings *settings.Store
	Sessions *scs.SessionManager

	Tickets     *ticket.Service
	Customers   *customer.Service
	Teams       *team.Service
	Fields      *field.Service
	Attachments *attachment.Service
	Search      *search.Service
	Mailboxes   *mailbox.Service
	Macros      *macro.Service
	Replies     *reply.Service   // agents' messages with their macro and status
	Bus         *events.Bus      // live updates for pages
	Jobs        *jobs.Queue      // durable work such as sign-in link emails
	TokenKey    []byte           // the instance's signing key
	Live        *live.Hub        // GET /live: server-sent events for agents' pages
	Presence    *presence.Hub    // who views or replies to which ticket
	Notify      *notify.Service  // agents' notifications (the bell)
	Portal      *portal.Service  // the customer portal (/portal)
	Views       *view.Service    // agents' saved ticket filters (the inbox)
	Quality     *quality.Service // the quality programme: philosophy, reviews, calibration

	// Recognition: value badges, awards, nominations and the feed.
	Recognition *recognition.Service
	// People: coaching sessions and concerns; leaderboard, tiers and
	// agents' pages.
	Coaching *coaching.Service
	Standing *standing.Service
	// Privacy merges customers (the customer page), as the API does.
	Privacy *privacy.Service
	// Wall is the feedback wall: customers' answers for everyone.
	Wall *wall.Service
	// Joining keeps one issue in one ticket across channels (the portal's
	// and the agents' new ticket forms, "possibly the same issue").
	Joining *joining.Service
	// Idempotency keeps a form that creates something from doing it twice
	// when it is sent twice (the new ticket page).
	Idempotency *idempotency.Store
	// Business hours (admin pages) and SLA clocks (the ticket page's panel).
	Schedules *schedule.Service
	SLA       *sla.Service
	// Feedback: customers' surveys (/feedback/{token}, the portal's solved
	// tickets) and the needs-recovery list (/recovery); nil serves none.
	Feedback *feedback.Service
	// Friction: departments, friction points, the report, and the ticket
	// page's friction panel.
	Friction *friction.Service
	// Reports: the reports page and its charts (leads and admins).
	Reports *report.Service
	// KB is the knowledge base: agents' article pages and the help center.
	KB *kb.Service
	// Alerts: the alert rules page (/admin/alerts, leads and admins).
	Alerts *alert.Service
	// Hooks: the webhook subscriptions page (/admin/webhooks, admins).
	Hooks *hooksub.Service
	// Dashboards: leads' dashboards of report widgets and report emails.
	Dashboards *dashboard.Service
	// Ops is the live operations board (/ops, leads and admins).
	Ops *ops.Service
	// StaffingPlan makes the board's staffing plan; nil shows none.
	StaffingPlan opspages.StaffingPlan
	// PublicURL is where customers reach the desk, for the help center's
	// canonical links and sitemap; empty takes each request's host.
	PublicURL string
}

// Web serves the pages: the kit and every surface's route table.
type Web struct {
	kit    *kit.Kit
	tables []kit.Table
	notify *notify.Service
	log    *slog.Logger
}

// New parses every surface's templates and indexes the static files,
// failing at start rather than on the first request if any is broken.
func New(deps Deps) (*Web, error) {
	wb := &Web{notify: deps.Notify, log: deps.Log}
	k, err := kit.New(kit.Deps{Log: deps.Log, Users: deps.Users, Settings: deps.Settings,
		Sessions: deps.Sessions, Unread: wb.unreadNotifications})
	if err != nil {
		return nil, err
	}
	wb.kit = k
	if err := wb.surfaces(deps); err != nil {
		return nil, err
	}
	return wb, nil
}

// Register puts every surface's route table on mux, and the kit's own
// routes: the static files and the "not found" page.
func (wb *Web) Register(mux *http.ServeMux) {
	k := wb.kit
	k.Register(mux, kit.Table{Surface: "kit", Routes: []kit.Route{
		{Pattern: "GET /static/", Level: kit.Public, Raw: k.Static()},
		{Pattern: "/", Level: kit.Public, Handler: k.NotFound},
	}})
	for _, t := range wb.tables {
		k.Register(mux, t)
	}
}

// Routes lists every route registered, with its surface and access level.
func (wb *Web) Routes() []kit.Recorded { return wb.kit.Routes() }

// surfaces builds every surface, each with only the services it calls.
func (wb *Web) surfaces(d Deps) error {
	k := wb.kit
	journeys := &helppages.Journeys{Sessions: d.Sessions, KB: d.KB}
	conv := &conversation.Loader{DB: d.DB, Users: d.Users, Teams: d.Teams, Customers: d.Customers, Tickets: d.Tickets}
	builds := []func() (kit.Table, error){
		func() (kit.Table, error) {
			return account.New(k, account.Deps{Users: d.Users, Settings: d.Settings, Sessions: d.Sessions})
		},
		func() (kit.Table, error) {
			return workspace.New(k, workspace.Deps{Users: d.Users, Tickets: d.Tickets, Customers: d.Customers,
				Teams: d.Teams, Fields: d.Fields, Attachments: d.Attachments, Search: d.Search, Macros: d.Macros,
				Replies: d.Replies, Live: d.Live, Presence: d.Presence, Notify: d.Notify, Views: d.Views,
				Quality: d.Quality, Mailboxes: d.Mailboxes, Conversations: conv, Privacy: d.Privacy,
				Idempotency: d.Idempotency, Effort: effort.NewService(d.DB), Wall: d.Wall, Friction: d.Friction,
				Joining: d.Joining})
		},
		func() (kit.Table, error) {
			return frictionpages.New(k, frictionpages.Deps{Users: d.Users, Friction: d.Friction})
		},
		func() (kit.Table, error) {
			return peoplepages.New(k, peoplepages.Deps{Users: d.Users, Quality: d.Quality, Coaching: d.Coaching,
				Standing: d.Standing, Figures: figureSources(d), KB: d.KB})
		},
		func() (kit.Table, error) {
			return wallpages.New(k, wallpages.Deps{Users: d.Users, Teams: d.Teams, Recognition: d.Recognition,
				Wall: d.Wall})
		},
		func() (kit.Table, error) {
			return qualitypages.New(k, qualitypages.Deps{Log: d.Log, Users: d.Users, Tickets: d.Tickets,
				Quality: d.Quality, Recognition: d.Recognition, Conversations: conv})
		},
		func() (kit.Table, error) {
			return adminpages.New(k, adminpages.Deps{Log: d.Log, DB: d.DB, Users: d.Users, Settings: d.Settings,
				Tickets: d.Tickets, Teams: d.Teams, Fields: d.Fields, Mailboxes: d.Mailboxes, Recognition: d.Recognition})
		},
		func() (kit.Table, error) {
			return servicelevel.New(k, servicelevel.Deps{Schedules: d.Schedules, SLA: d.SLA, Teams: d.Teams})
		},
		func() (kit.Table, error) {
			return reportpages.New(k, reportpages.Deps{Reports: d.Reports})
		},
		func() (kit.Table, error) {
			return alertpages.New(k, alertpages.Deps{Alerts: d.Alerts, Teams: d.Teams, Users: d.Users})
		},
		func() (kit.Table, error) {
			return webhookpages.New(k, webhookpages.Deps{Hooks: d.Hooks})
		},
		func() (kit.Table, error) {
			return dashboardpages.New(k, dashboardpages.Deps{Dashboards: d.Dashboards, Teams: d.Teams})
		},
		func() (kit.Table, error) {
			od := opspages.Deps{Ops: d.Ops, Bus: d.Bus, Presence: d.Presence, Staffing: d.StaffingPlan}
			if d.Live != nil {
				od.Stop = d.Live.Done()
			}
			return opspages.New(k, od)
		},
		func() (kit.Table, error) {
			kd := knowledge.Deps{Log: d.Log, KB: d.KB, PublicURL: d.PublicURL}
			if d.Recognition != nil {
				kd.Values = d.Recognition.ValueOptions
			}
			return knowledge.New(k, kd)
		},
		func() (kit.Table, error) {
			return helppages.New(k, helppages.Deps{Log: d.Log, Settings: d.Settings, Sessions: d.Sessions, KB: d.KB,
				Tickets: d.Tickets, Journeys: journeys, PublicURL: d.PublicURL})
		},
		func() (kit.Table, error) {
			return portalpages.New(k, portalpages.Deps{Log: d.Log, Users: d.Users, Settings: d.Settings,
				Sessions: d.Sessions, Customers: d.Customers, Attachments: d.Attachments, Portal: d.Portal,
				Feedback: d.Feedback, Joining: d.Joining, Filed: journeys.Filed})
		},
	}
	for _, build := range builds {
		t, err := build()
		if err != nil {
			return err
		}
		wb.tables = append(wb.tables, t)
	}
	if d.Feedback != nil {
		public, workspace, err := feedbackpages.New(k, feedbackpages.Deps{Log: d.Log, Settings: d.Settings,
			Feedback: d.Feedback})
		if err != nil {
			return err
		}
		wb.tables = append(wb.tables, public, workspace)
	}
	return nil
}

// unreadNotifications is the count the header's bell shows; 0 when signed
// out (or when a failure is better ignored than failing the page).
func (wb *Web) unreadNotifications(r *http.Request) int {
	u := user.FromContext(r.Context())
	if u == nil || wb.notify == nil {
		return 0
	}
	n, err := wb.notify.Unread(r.Context(), u.ID)
	if err != nil {
		wb.log.Warn("count unread notifications", "err", err)
		return 0
	}
	return n
}

// figureSources are the sources of agents' service figures, when every
// one of them is wired.
func figureSources(d Deps) *standing.FigureSources {
	if d.SLA == nil || d.Reports == nil || d.Feedback == nil || d.Teams == nil {
		return nil
	}
	return &standing.FigureSources{SLA: d.SLA, Reports: d.Reports, Feedback: d.Feedback, Teams: d.Teams}
}
