// Package server wires the domains, the API and the pages into one HTTP
// server, and runs it until its context ends, then shuts down in order:
// stop accepting, finish requests in flight, stop background work.
package server

import (
	"context"
	"errors"
	"fmt"
	"github.com/centerdesk/centerdesk/internal/api/kbapi"
	"github.com/centerdesk/centerdesk/internal/api/opsapi"
	"github.com/centerdesk/centerdesk/internal/kb"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"sync"
	"time"

	"github.com/centerdesk/centerdesk/internal/alert"
	"github.com/centerdesk/centerdesk/internal/api"
	"github.com/centerdesk/centerdesk/internal/api/alertapi"
	"github.com/centerdesk/centerdesk/internal/api/dashboardapi"
	"github.com/centerdesk/centerdesk/internal/api/feedbackapi"
	"github.com/centerdesk/centerdesk/internal/api/frictionapi"
	"github.com/centerdesk/centerdesk/internal/api/hookapi"
	"github.com/centerdesk/centerdesk/internal/api/joiningapi"
	"github.com/centerdesk/centerdesk/internal/api/reportapi"
	"github.com/centerdesk/centerdesk/internal/api/staffingapi"
	"github.com/centerdesk/centerdesk/internal/api/wallapi"
	"github.com/centerdesk/centerdesk/internal/attachment"
	"github.com/centerdesk/centerdesk/internal/background"
	"github.com/centerdesk/centerdesk/internal/coaching"
	"github.com/centerdesk/centerdesk/internal/config"
	"github.com/centerdesk/centerdesk/internal/customer"
	"github.com/centerdesk/centerdesk/internal/dashboard"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/egress"
	"github.com/centerdesk/centerdesk/internal/events"
	"github.com/centerdesk/centerdesk/internal/feedback"
	"github.com/centerdesk/centerdesk/internal/field"
	"github.com/centerdesk/centerdesk/internal/friction"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/idempotency"
	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/joining"
	"github.com/centerdesk/centerdesk/internal/live"
	"github.com/centerdesk/centerdesk/internal/macro"
	"github.com/centerdesk/centerdesk/internal/mailbox"
	"github.com/centerdesk/centerdesk/internal/metrics"
	"github.com/centerdesk/centerdesk/internal/notify"
	"github.com/centerdesk/centerdesk/internal/ops"
	"github.com/centerdesk/centerdesk/internal/outbound"
	"github.com/centerdesk/centerdesk/internal/portal"
	"github.com/centerdesk/centerdesk/internal/presence"
	"github.com/centerdesk/centerdesk/internal/privacy"
	"github.com/centerdesk/centerdesk/internal/quality"
	"github.com/centerdesk/centerdesk/internal/ratelimit"
	"github.com/centerdesk/centerdesk/internal/recognition"
	"github.com/centerdesk/centerdesk/internal/reply"
	"github.com/centerdesk/centerdesk/internal/report"
	"github.com/centerdesk/centerdesk/internal/search"
	"github.com/centerdesk/centerdesk/internal/secret"
	"github.com/centerdesk/centerdesk/internal/session"
	"github.com/centerdesk/centerdesk/internal/settings"
	"github.com/centerdesk/centerdesk/internal/standing"
	"github.com/centerdesk/centerdesk/internal/team"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/ticketexport"
	"github.com/centerdesk/centerdesk/internal/user"
	"github.com/centerdesk/centerdesk/internal/view"
	"github.com/centerdesk/centerdesk/internal/wall"
	"github.com/centerdesk/centerdesk/internal/web"
)

// Server is a running Centerdesk instance's HTTP side and background work.
type Server struct {
	cfg      config.Config
	log      *slog.Logger
	db       *db.DB
	sessions *session.Store
	handler  http.Handler
	metrics  *metrics.Metrics // also served on cfg.MetricsAddr, when set

	attachments *attachment.Service
	bus         *events.Bus
	idempotency *idempotency.Store

	// The email channel's sending side (see mail.go for receiving).
	jobs      *jobs.Queue
	mailboxes *mailbox.Service
	outbound  *outbound.Service
	tokenKey  []byte

	live     *live.Hub
	presence *presence.Hub

	recognition *recognition.Service // schedules the weekly digest at start
	coaching    *coaching.Service    // reminds of coaching follow-ups
	friction    *friction.Service    // schedules the ambassadors' weekly digest at start
	reports     *report.Service      // rolls up the tickets there are at the first start
	kb          *kb.Service          // reminds owners of articles that need review
	alerts      *alert.Service       // schedules the evaluation of alert rules at start
}

// Options adjust a server for tests.
type Options struct {
	PasswordParams user.PasswordParams
	// Wrap, when set, wraps the finished handler (tests use it to hold a
	// request in flight).
	Wrap func(http.Handler) http.Handler
	// Resolver, when set, looks up the host names of outbound requests
	// (tests answer without DNS).
	Resolver egress.Resolver
}

// New builds the server over an open, migrated database.
func New(cfg config.Config, log *slog.Logger, d *db.DB, box *secret.Box, opts Options) (*Server, error) {
	if opts.PasswordParams == (user.PasswordParams{}) {
		opts.PasswordParams = user.DefaultPasswordParams
	}
	users := user.NewService(d, box, opts.PasswordParams)
	st := settings.NewStore(d)
	// Whether unenrolled users' API tokens work follows require_2fa at once
	// on this node, and within the token cache's lifetime on others.
	users.SetTwoFactorPolicy(func(ctx context.Context) (bool, error) {
		s, err := st.Get(ctx)
		return s.Require2FA, err
	})
	st.OnUpdate(users.ForgetTokens)
	sessStore := session.NewStore(d)
	sessions := session.NewManager(sessStore, session.Options{
		Lifetime: cfg.SessionLifetime, IdleTimeout: cfg.SessionIdle, Secure: cfg.SecureCookies(),
	}, log)
	m := metrics.New(d.Pools())
	bus := events.NewBus(d, log, events.Options{})
	m.Registry.MustRegister(bus.Collector())
	idem := idempotency.NewStore(d, log)
	attachments := attachment.NewService(d, filepath.Join(cfg.DataDir, "attachments"), st)
	// Ticket tokens in mail subjects are signed with the instance's key.
	tokenKey, err := secret.LoadKey(cfg.SecretKey, cfg.DataDir)
	if err != nil {
		return nil, err
	}
	tickets := ticket.NewService(d)
	customers := customer.NewService(d)
	teams := team.NewService(d)
	fields := field.NewService(d)
	searcher := search.NewService(d)
	macros := macro.NewService(d, tickets, customers)
	replies := reply.New(d, tickets, macros)
	views := view.NewService(d, tickets)
	qualitySvc := quality.NewService(d)
	mailboxes := mailbox.NewService(d, box)
	queue := jobs.New(d, log, jobs.Options{})
	svc, err := newServiceLevel(d, queue, bus)
	if err != nil {
		return nil, err
	}
	out := outbound.New(d, queue, mailboxes, tickets, attachments, tokenKey, log, outbound.Options{})
	// Recognition follows submitted reviews to propose badges, and sends
	// awards on by webhook and weekly digest through the queue.
	// Every request to a URL a user typed goes through this one client.
	guarded := egress.New(egress.Options{Allow: cfg.OutboundAllow, Resolver: opts.Resolver})
	recognitionSvc := recognition.New(d, queue, out, box, log,
		recognition.Options{PublicURL: cfg.PublicURL, Egress: guarded})
	qualitySvc.OnSubmit(recognitionSvc.OnReviewSubmitted)
	coachingSvc, standingSvc := coaching.NewService(d), standing.NewService(d)
	// Accepted friction points are recognised in the feed; ambassadors get
	// a weekly digest through the queue.
	frictionSvc := friction.New(d, queue, out, recognitionSvc, friction.Options{PublicURL: cfg.PublicURL})
	tickets.OnMessage(out.OnMessage)
	portalSvc, err := portal.New(d, tickets, attachments, st, queue, out, tokenKey, log, portal.Options{PublicURL: cfg.PublicURL})
	if err != nil {
		return nil, err
	}
	// Live updates, presence and notifications for agents' pages.
	notes := notify.NewService(d)
	if err := bus.Register(notes.Consumer()); err != nil {
		return nil, err
	}
	// Surveys after a solve: made by a durable consumer, sent by a job.
	surveys := feedback.New(d, queue, out, tokenKey, log, feedback.Options{PublicURL: cfg.PublicURL})
	if err := bus.Register(surveys.Consumer()); err != nil {
		return nil, err
	}
	present := presence.NewHub(presence.NewRelay(d, log))
	liveHub := live.NewHub(d, bus, present, notes, log)
	privacySvc := privacy.NewService(d, attachments, log)
	wallSvc := wall.NewService(d, recognitionSvc) // the feedback wall
	joins := joining.New(d, tickets)
	// Reports read hourly roll-ups that follow the event stream.
	reports := report.NewService(d)
	if err := bus.Register(reports.Consumer()); err != nil {
		return nil, err
	}
	svc.sla.OnClockChange(reports.ClockChanged) // service level rolled up as clocks change
	// Dashboards of report widgets, and report emails sent by the queue.
	dashboards := dashboard.New(d, reports, queue, out, dashboard.Options{PublicURL: cfg.PublicURL})
	kbSvc := kb.NewService(d)
	alerts := newAlerts(cfg, log, d, queue, out, box, svc, surveys, tickets, st, guarded)
	hooks, err := newHooks(cfg, log, d, queue, bus, out, box, tickets, guarded)
	if err != nil {
		return nil, err
	}
	kbSvc.OnPublished(creditAuthor(log, users, recognitionSvc))
	kbSvc.UseAttachments(attachments) // articles' images
	// Articles sent in replies are flagged for review when their ticket is reopened.
	if err := bus.Register(kbSvc.Consumer()); err != nil {
		return nil, err
	}
	// The live operations board: agents online are those on a ticket (every
	// node) or with a page open (this node).
	board := ops.New(ops.Deps{DB: d, SLA: svc.sla, Schedules: svc.schedules, Teams: teams, Settings: st,
		Feedback: surveys, Reports: reports, Rosters: []ops.Roster{present, liveHub}})
	pages, err := web.New(web.Deps{Log: log, DB: d, Users: users, Settings: st, Sessions: sessions,
		Tickets: tickets, Customers: customers, Teams: teams, Fields: fields, Attachments: attachments,
		Search: searcher, Mailboxes: mailboxes, Bus: bus, Jobs: queue, TokenKey: tokenKey,
		Macros: macros, Replies: replies, Live: liveHub, Presence: present, Notify: notes,
		Portal: portalSvc, Views: views, Quality: qualitySvc, Recognition: recognitionSvc,
		Coaching: coachingSvc, Standing: standingSvc, Privacy: privacySvc, Idempotency: idem,
		Schedules: svc.schedules, SLA: svc.sla, Feedback: surveys, Wall: wallSvc, Friction: frictionSvc,
		Joining: joins, Reports: reports, KB: kbSvc, PublicURL: cfg.PublicURL,
		Alerts: alerts, Hooks: hooks, Dashboards: dashboards, Ops: board, StaffingPlan: boardStaffing(svc, reports, everyoneOnline{present, liveHub})})
	if err != nil {
		return nil, err
	}

	// Requests per minute: per API token, and per client address where no
	// sign-in is needed (counted in memory, per node).
	tokenLimit := ratelimit.NewPolicy("token", cfg.APIRateLimit, time.Minute, nil)
	addressLimit := ratelimit.NewPolicy("address", cfg.PublicRateLimit, time.Minute, nil)
	apiSurface := api.New(api.Deps{Log: log, DB: d, Users: users, Settings: st,
		Tickets: tickets, Exports: ticketexport.New(d, tickets), Customers: customers,
		Idempotency: idem, Teams: teams,
		Fields: fields, Attachments: attachments,
		Search: searcher, Mailboxes: mailboxes,
		Privacy: privacySvc,
		Quality: qualitySvc,
		Macros:  macros, Replies: replies, Views: views, Recognition: recognitionSvc,
		Coaching: coachingSvc, Standing: standingSvc,
		TokenLimit: tokenLimit, AddressLimit: addressLimit,
		Sections: append(serviceLevelSections(svc, teams), feedbackapi.Section{Feedback: surveys},
			wallapi.Section{Wall: wallSvc}, frictionapi.Section{Friction: frictionSvc},
			joiningapi.Section{Joining: joins}, staffingapi.Section{Arrivals: reports, Plan: staffingSources(svc, reports, everyoneOnline{present, liveHub})},
			reportapi.Section{Reports: reports}, kbapi.New(kbSvc),
			alertapi.Section{Alerts: alerts}, dashboardapi.Section{Dashboards: dashboards},
			opsapi.Section{Ops: board}, hookapi.Section{Hooks: hooks})})

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", healthz)
	mux.Handle("GET /readyz", readyz(d))
	// Metrics tell a lot about the instance: on the main address only an
	// admin's token reads them; --metrics-addr serves them openly apart.
	mux.Handle("GET /metrics", apiSurface.AdminOnly(m.Handler()))
	apiSurface.Register(mux)
	pages.Register(mux)

	// Instrument is next to the mux (the limit passes the request on as it
	// is), so the mux's matched pattern labels the metrics.
	h := m.Instrument(limitPublicForms(log, addressLimit, pages.Routes(), mux))
	h = crossOriginGuard(log, h)
	h = httpx.AccessLog(log, h)
	h = httpx.WithRequestID(h)
	if opts.Wrap != nil {
		h = opts.Wrap(h)
	}
	return &Server{cfg: cfg, log: log, db: d, sessions: sessStore, handler: h, metrics: m, attachments: attachments,
		bus: bus, idempotency: idem, jobs: queue, mailboxes: mailboxes, outbound: out, tokenKey: tokenKey,
		live: liveHub, presence: present, recognition: recognitionSvc, coaching: coachingSvc, friction: frictionSvc,
		reports: reports, kb: kbSvc, alerts: alerts}, nil
}

// Handler is the whole HTTP surface, for tests that need no listener.
func (s *Server) Handler() http.Handler { return s.handler }

// Bus is the event bus, for live pages and durable consumers; register
// consumers before Run.
func (s *Server) Bus() *events.Bus { return s.bus }

// crossOriginGuard refuses state-changing requests that a browser sent from
// another origin (CSRF). Requests without browser headers (API clients with
// tokens) pass, as they carry no ambient credentials.
func crossOriginGuard(log *slog.Logger, next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log.Warn("cross-origin request refused", "method", r.Method, "path", r.URL.Path,
			"origin", r.Header.Get("Origin"), "request_id", httpx.RequestID(r.Context()))
		httpx.WriteJSON(w, http.StatusForbidden, httpx.ErrorBody{Error: httpx.ErrorDetail{
			Code: "cross_origin", Message: "cross-origin request refused: submit forms from Centerdesk's own pages",
		}})
	}))
	return cop.Handler(next)
}

func healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

func readyz(d *db.DB) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := d.Ping(ctx); err != nil {
			httpx.WriteJSON(w, http.StatusServiceUnavailable, httpx.ErrorBody{Error: httpx.ErrorDetail{
				Code: "database_unavailable", Message: "the database does not answer",
			}})
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ready\n"))
	})
}

// Run serves on ln until ctx ends, then shuts down gracefully: the listener
// closes at once, requests in flight get up to the shutdown timeout to
// finish, and background work stops after them. The caller closes the
// database once Run returns.
func (s *Server) Run(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	workCtx, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	var work sync.WaitGroup
	work.Go(func() { s.sessions.CleanUp(workCtx, 10*time.Minute, s.log) })
	work.Go(func() { s.bus.Run(workCtx) })
	// Once, at the first start after the roll-up's migration (a no-op
	// later): the tickets there are before events began to be rolled up.
	// After the bus has registered the roll-up's consumer, so no ticket
	// falls between the two.
	work.Go(func() {
		select {
		case <-s.bus.Ready():
		case <-workCtx.Done():
			return
		}
		if err := s.reports.Backfill(workCtx); err != nil && workCtx.Err() == nil {
			s.log.Error("report: backfill the roll-up", "err", err)
		}
	})
	work.Go(func() { s.idempotency.CleanUp(workCtx, time.Hour, s.log) })
	work.Go(func() { s.attachments.CollectEvery(workCtx, time.Hour, s.log) })
	// Jobs in flight (mail being sent) finish before Run returns: stopWork
	// ends workCtx only after the HTTP server and the mail listener stopped.
	work.Go(func() { s.jobs.Run(workCtx) })
	if err := s.recognition.ScheduleDigest(workCtx); err != nil {
		s.log.Error("recognition: schedule the weekly digest", "err", err)
	}
	if err := s.friction.ScheduleDigest(workCtx); err != nil {
		s.log.Error("friction: schedule the ambassadors' weekly digest", "err", err)
	}
	if err := s.alerts.Schedule(workCtx); err != nil {
		s.log.Error("alert: schedule the evaluation of alert rules", "err", err)
	}
	work.Go(s.live.Listen(workCtx)) // subscribed before serving
	work.Go(func() { s.presence.Run(workCtx) })
	// Open event streams would hold the shutdown up until its timeout:
	// end them as soon as it starts (pages reconnect elsewhere).
	srv.RegisterOnShutdown(s.live.Close)
	work.Go(func() { background.Every(workCtx, time.Hour, s.log, "jobs: prune", s.jobs.Prune) })
	work.Go(func() {
		background.Every(workCtx, coaching.RemindInterval, s.log, "coaching: follow-up reminders",
			func(ctx context.Context) error { _, err := s.coaching.RemindDue(ctx); return err })
	})
	work.Go(func() {
		background.Every(workCtx, kb.ReviewInterval, s.log, "kb: review reminders",
			func(ctx context.Context) error { _, err := s.kb.RemindOwners(ctx); return err })
	})
	work.Go(func() {
		background.Every(workCtx, search.OptimizeInterval, s.log, "search: optimize",
			func(ctx context.Context) error { return search.Optimize(ctx, s.db) })
	})
	mailIn, merr := s.startMail(&work)
	if merr != nil {
		stopWork()
		work.Wait()
		return merr
	}
	metricsSrv, metricsDone, merr := s.startMetrics(ctx)
	if merr != nil {
		err := mailIn.stop(context.Background())
		stopWork()
		work.Wait()
		return errors.Join(merr, err)
	}

	served := make(chan error, 1)
	go func() {
		if s.cfg.TLSCert != "" {
			served <- srv.ServeTLS(ln, s.cfg.TLSCert, s.cfg.TLSKey)
		} else {
			served <- srv.Serve(ln)
		}
	}()

	var err error
	select {
	case err = <-served:
		err = fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
		s.log.Info("shutting down: finishing requests in flight", "timeout", s.cfg.ShutdownTimeout)
		shutCtx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
		defer cancel()
		if serr := srv.Shutdown(shutCtx); serr != nil {
			err = fmt.Errorf("shutdown: %w", serr)
			srv.Close()
		}
		if serveErr := <-served; !errors.Is(serveErr, http.ErrServerClosed) {
			err = errors.Join(err, serveErr)
		}
	}
	// The scraper's listener stops after the requests it counts.
	err = errors.Join(err, s.stopMetrics(metricsSrv, metricsDone))
	// Mail being stored finishes (and is acknowledged) before the
	// background work and the database stop.
	mailCtx, cancelMail := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	err = errors.Join(err, mailIn.stop(mailCtx))
	cancelMail()
	stopWork()
	work.Wait()
	return err
}
