package recognition

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

// The weekly digest covers Monday 00:00 UTC to the next Monday, and goes
// out on that next Monday at digestHour UTC.
const (
	week       = 7 * 24 * time.Hour
	digestHour = 8
	// maxDigestAwards bounds the awards listed in one mail; the rest are
	// counted and linked to the feed.
	maxDigestAwards = 50
)

// digestJob is the payload of a KindDigest job: the week it covers.
type digestJob struct {
	WeekStart time.Time `json:"week_start"`
}

// digestMail is the payload of a KindDigestMail job: one person's mail.
type digestMail struct {
	To      string    `json:"to"`
	Subject string    `json:"subject"`
	Text    string    `json:"text"`
	At      time.Time `json:"at"`
}

// WeekStart returns the Monday 00:00 UTC on or before t.
func WeekStart(t time.Time) time.Time {
	t = t.UTC()
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}

// ScheduleDigest makes sure this week's digest is queued, to go out next
// Monday; each digest queues the next when it runs, so calling this at
// every start is enough (and harmless: a week is queued once).
func (s *Service) ScheduleDigest(ctx context.Context) error {
	start := WeekStart(s.now())
	return s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		return s.queueDigest(ctx, tx, start, start.Add(week+digestHour*time.Hour))
	})
}

// QueueDigest queues the digest of the week starting at weekStart to run
// at runAt (now when zero), for an admin who wants it sent now.
func (s *Service) QueueDigest(ctx context.Context, weekStart, runAt time.Time) error {
	return s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		return s.queueDigest(ctx, tx, WeekStart(weekStart), runAt)
	})
}

func (s *Service) queueDigest(ctx context.Context, tx *sql.Tx, start, runAt time.Time) error {
	_, err := s.queue.Enqueue(ctx, tx, KindDigest, digestJob{WeekStart: start},
		jobs.EnqueueOptions{RunAt: runAt, UniqueKey: "digest:" + start.Format(time.DateOnly)})
	return err
}

// runDigest is the KindDigest job: it queues one mail per active user when
// the week had awards, and the next week's digest, and completes itself in
// the same transaction, so a crash neither loses nor doubles a week.
func (s *Service) runDigest(ctx context.Context, j *jobs.Job) error {
	var p digestJob
	if err := j.Decode(&p); err != nil {
		return err
	}
	end := p.WeekStart.Add(week)
	awards, err := awardsBetween(ctx, s.db.Reader(ctx), p.WeekStart, end)
	if err != nil {
		return err
	}
	return s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := s.queueDigest(ctx, tx, end, end.Add(week+digestHour*time.Hour)); err != nil {
			return err
		}
		if len(awards) > 0 {
			if err := s.queueDigestMails(ctx, tx, p.WeekStart, awards); err != nil {
				return err
			}
		}
		return s.queue.Finish(ctx, tx, j)
	})
}

func (s *Service) queueDigestMails(ctx context.Context, tx *sql.Tx, start time.Time, awards []*Award) error {
	subject, text := DigestText(awards, start, s.link("/recognition"))
	rows, err := tx.QueryContext(ctx, `SELECT id, email FROM users WHERE disabled_at IS NULL ORDER BY id`)
	if err != nil {
		return fmt.Errorf("recognition: digest recipients: %w", err)
	}
	type to struct {
		id    int64
		email string
	}
	var tos []to
	for rows.Next() {
		var t to
		if err := rows.Scan(&t.id, &t.email); err != nil {
			rows.Close()
			return fmt.Errorf("recognition: scan recipient: %w", err)
		}
		tos = append(tos, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, t := range tos {
		key := fmt.Sprintf("digest:%s:%d", start.Format(time.DateOnly), t.id)
		_, err := s.queue.Enqueue(ctx, tx, KindDigestMail, digestMail{To: t.email, Subject: subject, Text: text,
			At: s.now()}, jobs.EnqueueOptions{UniqueKey: key})
		if err != nil {
			return err
		}
	}
	return nil
}

// sendDigestMail is the KindDigestMail job.
func (s *Service) sendDigestMail(ctx context.Context, j *jobs.Job) error {
	var p digestMail
	if err := j.Decode(&p); err != nil {
		return err
	}
	return s.sender.SendNotice(ctx, outbound.Notice{To: p.To, Subject: p.Subject, Text: p.Text, Date: p.At})
}

// awardsBetween returns the awards made in [from, to), oldest first.
func awardsBetween(ctx context.Context, q db.Queryer, from, to time.Time) ([]*Award, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+awardColumns+awardFrom+`
		WHERE a.created_at >= $1 AND a.created_at < $2 ORDER BY a.id`, db.Time(from), db.Time(to))
	if err != nil {
		return nil, fmt.Errorf("recognition: awards of the week: %w", err)
	}
	defer rows.Close()
	var out []*Award
	for rows.Next() {
		a, err := scanAward(rows)
		if err != nil {
			return nil, fmt.Errorf("recognition: scan award: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// DigestText writes the digest mail of a week's awards: its subject and
// its plain text, which names each agent, value, ticket and citation.
func DigestText(awards []*Award, weekStart time.Time, feed string) (subject, text string) {
	n := len(awards)
	plural := "s"
	if n == 1 {
		plural = ""
	}
	subject = fmt.Sprintf("This week's recognition: %d badge%s awarded", n, plural)
	var b strings.Builder
	fmt.Fprintf(&b, "Hello,\n\nHere is the recognition of the week of %s: %d badge%s awarded for work that "+
		"showed our values.\n\n", weekStart.Format("2 January 2006"), n, plural)
	for i, a := range awards {
		if i == maxDigestAwards {
			fmt.Fprintf(&b, "...and %d more.\n\n", n-maxDigestAwards)
			break
		}
		fmt.Fprintf(&b, "* %s earned the %s badge (%s) on ticket #%d \"%s\"\n", a.AgentName, a.ValueName,
			a.ValueCode, a.TicketNumber, a.TicketSubject)
		fmt.Fprintf(&b, "  \"%s\"\n", oneLine(a.Citation))
		if a.NominatorName != "" {
			fmt.Fprintf(&b, "  Nominated by %s, awarded by %s\n\n", a.NominatorName, a.AwardedByName)
		} else {
			fmt.Fprintf(&b, "  Awarded by %s\n\n", a.AwardedByName)
		}
	}
	fmt.Fprintf(&b, "React and comment in the recognition feed: %s\n", feed)
	return subject, b.String()
}

// oneLine folds a citation's line breaks, so each award keeps its shape in
// the mail.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
