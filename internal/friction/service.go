package friction

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/outbound"
	"github.com/centerdesk/centerdesk/internal/user"
)

// Sender sends a mail that belongs to no ticket; *outbound.Service is one.
type Sender interface {
	SendNotice(ctx context.Context, n outbound.Notice) error
}

// Hunt is an accepted proposal, to be recognised in the feed.
type Hunt struct {
	TicketID   int64 // the ticket the proposal came from
	AgentID    int64 // the proposer: the friction hunter
	LeadID     int64 // who accepted it
	Point      string
	Department string
}

// Recogniser posts an accepted proposal in the recognition feed, inside
// the acceptance's transaction, and returns the post's id;
// *recognition.Service is one. The server hands it in, so this package
// does not import recognition.
type Recogniser interface {
	RecogniseHunter(ctx context.Context, tx *sql.Tx, h Hunt) (int64, error)
}

// Options adjust a Service.
type Options struct {
	// PublicURL is where links in digests point (https://desk.example.com);
	// links are relative paths without it.
	PublicURL string
	Now       func() time.Time
}

// Service keeps departments, friction points and the tickets tagged with
// them, reports on them and mails the ambassadors their weekly digest.
type Service struct {
	db        *db.DB
	queue     *jobs.Queue
	sender    Sender
	recognise Recogniser
	opts      Options
	now       func() time.Time
}

// New returns a Service over d and registers its job kinds with q.
// recognise may be nil (accepted proposals are then not posted).
func New(d *db.DB, q *jobs.Queue, sender Sender, recognise Recogniser, opts Options) *Service {
	if opts.Now == nil {
		opts.Now = db.Now
	}
	s := &Service{db: d, queue: q, sender: sender, recognise: recognise, opts: opts, now: opts.Now}
	q.Register(KindDigest, jobs.Kind{Handle: s.runDigest})
	q.Register(KindDigestMail, jobs.Kind{Handle: s.sendDigestMail})
	return s
}

func requireUser(u *user.User) error {
	if u == nil {
		return apperr.Unauthorized("sign in first")
	}
	return nil
}

func requireLead(u *user.User, what string) error {
	if err := requireUser(u); err != nil {
		return err
	}
	if !u.IsLead() {
		return apperr.Forbidden("only leads and admins may %s", what)
	}
	return nil
}

// isAmbassador reports whether userID is an ambassador of department.
func isAmbassador(ctx context.Context, q db.Queryer, departmentID, userID int64) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM department_ambassadors
		WHERE department_id = $1 AND user_id = $2`, departmentID, userID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("friction: ambassadors of %d: %w", departmentID, err)
	}
	return n > 0, nil
}

// lockRow takes the write lock on one row before it is read and changed,
// so two leads deciding one proposal run one after the other on
// PostgreSQL. table is always a literal of this package.
func lockRow(ctx context.Context, tx *sql.Tx, table string, id int64) error {
	if _, err := tx.ExecContext(ctx, `UPDATE `+table+` SET id = id WHERE id = $1`, id); err != nil {
		return fmt.Errorf("friction: lock %s %d: %w", table, id, err)
	}
	return nil
}

// link is path under the desk's public address.
func (s *Service) link(path string) string { return s.opts.PublicURL + path }
