package friction

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/outbound"
)

// The job kinds: the week's digest, which queues one mail per ambassador
// and the next week's digest, and one ambassador's mail.
const (
	KindDigest     = "friction.digest"
	KindDigestMail = "friction.digest_mail"
)

// The digest of the week from Monday 00:00 UTC goes out the next Monday at
// digestHour UTC; each point lists at most maxDigestTickets new tickets.
const (
	digestHour       = 8
	maxDigestTickets = 10
)

type digestJob struct {
	WeekStart time.Time `json:"week_start"`
}

type digestMail struct {
	To      string    `json:"to"`
	Subject string    `json:"subject"`
	Text    string    `json:"text"`
	At      time.Time `json:"at"`
}

// ScheduleDigest makes sure this week's digest is queued, to go out next
// Monday. Each digest queues the next when it runs, under a unique key per
// week, so calling this at every start of every node queues a week once.
func (s *Service) ScheduleDigest(ctx context.Context) error {
	start := WeekStart(s.now())
	return s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		return s.queueDigest(ctx, tx, start, start.Add(week+digestHour*time.Hour))
	})
}

func (s *Service) queueDigest(ctx context.Context, tx *sql.Tx, start, runAt time.Time) error {
	_, err := s.queue.Enqueue(ctx, tx, KindDigest, digestJob{WeekStart: start},
		jobs.EnqueueOptions{RunAt: runAt, UniqueKey: "friction-digest:" + start.Format(time.DateOnly)})
	return err
}

// runDigest is the KindDigest job: one mail per ambassador of each
// department that has friction points, and the next week's digest, queued
// with the job's completion in one transaction, so a crash neither loses
// nor doubles a week.
func (s *Service) runDigest(ctx context.Context, j *jobs.Job) error {
	var p digestJob
	if err := j.Decode(&p); err != nil {
		return err
	}
	end := p.WeekStart.Add(week)
	digests, err := s.Digests(ctx, p.WeekStart)
	if err != nil {
		return err
	}
	return s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := s.queueDigest(ctx, tx, end, end.Add(week+digestHour*time.Hour)); err != nil {
			return err
		}
		for _, d := range digests {
			subject, text := d.Text(s.link("/friction/report"))
			for _, a := range d.Ambassadors {
				key := fmt.Sprintf("friction-digest:%s:%d:%d", p.WeekStart.Format(time.DateOnly), d.DepartmentID, a.ID)
				_, err := s.queue.Enqueue(ctx, tx, KindDigestMail,
					digestMail{To: a.Email, Subject: subject, Text: text, At: s.now()}, jobs.EnqueueOptions{UniqueKey: key})
				if err != nil {
					return err
				}
			}
		}
		return s.queue.Finish(ctx, tx, j)
	})
}

func (s *Service) sendDigestMail(ctx context.Context, j *jobs.Job) error {
	var p digestMail
	if err := j.Decode(&p); err != nil {
		return err
	}
	return s.sender.SendNotice(ctx, outbound.Notice{To: p.To, Subject: p.Subject, Text: p.Text, Date: p.At})
}

// Digest is one department's week, as its ambassadors read it.
type Digest struct {
	DepartmentID int64
	Department   string
	WeekStart    time.Time
	Ambassadors  []Recipient
	Points       []DigestPoint
}

// Recipient is an ambassador the digest goes to.
type Recipient struct {
	ID    int64
	Email string
}

// DigestPoint is one friction point's week.
type DigestPoint struct {
	Point
	NewThisWeek bool           // accepted during the week
	NewTickets  []DigestTicket // tagged during the week, oldest first
}

// DigestTicket is a ticket tagged during the week.
type DigestTicket struct {
	ID      int64
	Number  int64
	Subject string
}

// Digests returns the digest of the week from weekStart of every
// department that has accepted friction points and active ambassadors.
func (s *Service) Digests(ctx context.Context, weekStart time.Time) ([]Digest, error) {
	q := s.db.Reader(ctx)
	deps, err := listDepartments(ctx, q)
	if err != nil {
		return nil, err
	}
	points, err := listPoints(ctx, q, PointFilter{State: Accepted})
	if err != nil {
		return nil, err
	}
	tagged, err := taggedBetween(ctx, q, weekStart, weekStart.Add(week))
	if err != nil {
		return nil, err
	}
	var out []Digest
	for _, d := range deps {
		dg := Digest{DepartmentID: d.ID, Department: d.Name, WeekStart: weekStart}
		for _, p := range points {
			if p.DepartmentID != d.ID {
				continue
			}
			isNew := p.DecidedAt != nil && !p.DecidedAt.Before(weekStart) && p.DecidedAt.Before(weekStart.Add(week))
			dg.Points = append(dg.Points, DigestPoint{Point: *p, NewThisWeek: isNew, NewTickets: tagged[p.ID]})
		}
		if len(dg.Points) == 0 {
			continue
		}
		if dg.Ambassadors, err = activeAmbassadors(ctx, q, d.ID); err != nil {
			return nil, err
		}
		if len(dg.Ambassadors) > 0 {
			out = append(out, dg)
		}
	}
	return out, nil
}

func taggedBetween(ctx context.Context, q db.Queryer, from, to time.Time) (map[int64][]DigestTicket, error) {
	rows, err := q.QueryContext(ctx, `SELECT tf.friction_id, t.id, t.number, t.subject
		FROM ticket_friction tf JOIN tickets t ON t.id = tf.ticket_id
		WHERE tf.tagged_at >= $1 AND tf.tagged_at < $2 ORDER BY tf.tagged_at, t.id`, db.Time(from), db.Time(to))
	if err != nil {
		return nil, fmt.Errorf("friction: tagged in the week: %w", err)
	}
	defer rows.Close()
	out := map[int64][]DigestTicket{}
	for rows.Next() {
		var id int64
		var t DigestTicket
		if err := rows.Scan(&id, &t.ID, &t.Number, &t.Subject); err != nil {
			return nil, fmt.Errorf("friction: scan tagged ticket: %w", err)
		}
		out[id] = append(out[id], t)
	}
	return out, rows.Err()
}

func activeAmbassadors(ctx context.Context, q db.Queryer, departmentID int64) ([]Recipient, error) {
	rows, err := q.QueryContext(ctx, `SELECT u.id, u.email FROM department_ambassadors a JOIN users u ON u.id = a.user_id
		WHERE a.department_id = $1 AND u.disabled_at IS NULL ORDER BY u.id`, departmentID)
	if err != nil {
		return nil, fmt.Errorf("friction: ambassadors of %d: %w", departmentID, err)
	}
	defer rows.Close()
	var out []Recipient
	for rows.Next() {
		var r Recipient
		if err := rows.Scan(&r.ID, &r.Email); err != nil {
			return nil, fmt.Errorf("friction: scan ambassador: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Text writes the digest mail: its subject, and its plain text, which
// names each point with its status and the tickets tagged with it during
// the week.
func (d Digest) Text(report string) (subject, text string) {
	n := 0
	for _, p := range d.Points {
		n += len(p.NewTickets)
	}
	subject = fmt.Sprintf("Friction in %s, week of %s: %s tagged", d.Department,
		d.WeekStart.Format("2 January 2006"), plural(n, "new ticket"))
	var b strings.Builder
	fmt.Fprintf(&b, "Hello,\n\nHere is the week of %s for %s, the department you are an ambassador of: "+
		"the causes of customer effort it owns, their status, and the tickets tagged with them.\n\n",
		d.WeekStart.Format("2 January 2006"), d.Department)
	for _, p := range d.Points {
		fmt.Fprintf(&b, "* %s (status: %s)", oneLine(p.Name), p.StatusText())
		if p.NewThisWeek {
			b.WriteString(", new this week")
		}
		fmt.Fprintf(&b, "\n  %s tagged this week, %d in all\n", plural(len(p.NewTickets), "new ticket"), p.Tickets)
		for i, t := range p.NewTickets {
			if i == maxDigestTickets {
				fmt.Fprintf(&b, "  ...and %d more\n", len(p.NewTickets)-maxDigestTickets)
				break
			}
			fmt.Fprintf(&b, "  - #%d \"%s\"\n", t.Number, oneLine(t.Subject))
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "Mark a point raised, fix planned or fixed, and see the report before and after a fix: %s\n", report)
	return subject, b.String()
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// oneLine folds line breaks, so each line of the mail keeps its shape.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
