package dashboard

import (
	"context"
	"database/sql"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/outbound"
	"github.com/centerdesk/centerdesk/internal/report"
	"github.com/centerdesk/centerdesk/internal/settings"
	"github.com/centerdesk/centerdesk/internal/timezone"
	"github.com/centerdesk/centerdesk/internal/user"
)

// Sender sends a mail that belongs to no ticket; *outbound.Service is one.
type Sender interface {
	SendNotice(ctx context.Context, n outbound.Notice) error
}

// Options adjust a Service.
type Options struct {
	// PublicURL is where links in mails point (https://desk.example.com);
	// links are relative paths without it.
	PublicURL string
	Now       func() time.Time
}

// Service keeps dashboards and subscriptions and sends the scheduled mails.
type Service struct {
	db      *db.DB
	reports *report.Service
	queue   *jobs.Queue
	sender  Sender
	opts    Options
	now     func() time.Time
}

// New returns a Service over d and registers its job kind with q.
func New(d *db.DB, reports *report.Service, q *jobs.Queue, sender Sender, opts Options) *Service {
	s := &Service{db: d, reports: reports, queue: q, sender: sender, opts: opts, now: opts.Now}
	if s.now == nil {
		s.now = time.Now
	}
	q.Register(KindSend, jobs.Kind{Handle: s.runSend, OnDead: s.sendDied})
	return s
}

// List returns the dashboards u may open, by name.
func (s *Service) List(ctx context.Context, u *user.User) ([]*Dashboard, error) {
	return listVisible(ctx, s.db.Reader(ctx), u)
}

// Get returns dashboard id if u may open it.
func (s *Service) Get(ctx context.Context, u *user.User, id int64) (*Dashboard, error) {
	return getVisible(ctx, s.db.Reader(ctx), u, id)
}

// Create saves a new dashboard owned by u, a lead or an admin.
func (s *Service) Create(ctx context.Context, u *user.User, n NewDashboard) (*Dashboard, error) {
	if !u.IsLead() {
		return nil, apperr.Forbidden("only leads and admins compose dashboards")
	}
	if err := s.checkNew(ctx, &n); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	d := &Dashboard{Name: n.Name, OwnerID: u.ID, SharedWith: n.SharedWith, TeamID: n.TeamID, Widgets: n.Widgets,
		CreatedAt: now, UpdatedAt: now}
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error { return insertDashboard(ctx, tx, d) })
	if err != nil {
		return nil, err
	}
	return d, nil
}

func (s *Service) checkNew(ctx context.Context, n *NewDashboard) error {
	if err := n.check(); err != nil {
		return err
	}
	if n.TeamID == nil {
		return nil
	}
	ok, err := teamExists(ctx, s.db.Reader(ctx), *n.TeamID)
	if err == nil && !ok {
		err = apperr.Invalid("team_id", "no team has id %d", *n.TeamID)
	}
	return err
}

// Update changes dashboard id; only its owner and admins may.
func (s *Service) Update(ctx context.Context, u *user.User, id int64, p Patch) (*Dashboard, error) {
	d, err := s.editable(ctx, u, id)
	if err != nil {
		return nil, err
	}
	n := NewDashboard{Name: d.Name, SharedWith: d.SharedWith, TeamID: d.TeamID, Widgets: d.Widgets}
	if p.Name != nil {
		n.Name = *p.Name
	}
	if p.SharedWith != nil {
		n.SharedWith = *p.SharedWith
	}
	if p.TeamID != nil {
		n.TeamID = p.TeamID
	}
	if p.Widgets != nil {
		n.Widgets = *p.Widgets
	}
	if err := s.checkNew(ctx, &n); err != nil {
		return nil, err
	}
	d.Name, d.SharedWith, d.TeamID, d.Widgets, d.UpdatedAt = n.Name, n.SharedWith, n.TeamID, n.Widgets, s.now().UTC()
	err = s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error { return updateDashboard(ctx, tx, d) })
	if err != nil {
		return nil, err
	}
	return d, nil
}

// Delete removes dashboard id and its subscriptions; only its owner and
// admins may.
func (s *Service) Delete(ctx context.Context, u *user.User, id int64) error {
	if _, err := s.editable(ctx, u, id); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM dashboards WHERE id = $1`, id)
		return err
	})
}

// CanEdit reports whether u may change d: its owner and admins.
func CanEdit(u *user.User, d *Dashboard) bool {
	return u != nil && (u.IsAdmin() || (u.IsLead() && d.OwnerID == u.ID))
}

// editable is dashboard id when u may change it: not found when u cannot
// even open it, forbidden when u can open it but not change it.
func (s *Service) editable(ctx context.Context, u *user.User, id int64) (*Dashboard, error) {
	d, err := s.Get(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if !CanEdit(u, d) {
		return nil, apperr.Forbidden("only the dashboard's owner or an admin may change it")
	}
	return d, nil
}

// WidgetResult runs widget index (0-based) of dashboard id for u, with the
// days of zone: the numbers its chart, the API and its CSV all show.
func (s *Service) WidgetResult(ctx context.Context, u *user.User, id int64, index int, zone *time.Location) (Widget, report.Result, error) {
	d, err := s.Get(ctx, u, id)
	if err != nil {
		return Widget{}, report.Result{}, err
	}
	if index < 0 || index >= len(d.Widgets) {
		return Widget{}, report.Result{}, apperr.NotFound("widget")
	}
	w := d.Widgets[index]
	res, err := s.Run(ctx, w, zone, s.now())
	return w, res, err
}

// Run answers widget w for a reader in zone at now.
func (s *Service) Run(ctx context.Context, w Widget, zone *time.Location, now time.Time) (report.Result, error) {
	p, err := w.Params(zone, now)
	if err != nil {
		return report.Result{}, err
	}
	return s.reports.Run(ctx, p)
}

// Now is the service's clock, for pages that show times beside its results.
func (s *Service) Now() time.Time { return s.now() }

// ZoneOf is u's time zone, or the desk's while u chose none: the days of
// their dashboards and the hour of their mails.
func (s *Service) ZoneOf(ctx context.Context, u *user.User) (*time.Location, error) {
	if u.TimeZone != "" {
		return timezone.Location(u.TimeZone), nil
	}
	return settings.Location(ctx, s.db.Reader(ctx))
}
