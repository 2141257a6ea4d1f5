package dashboard

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/jobs"
)

// KindSend is the job that mails one period of one subscription and queues
// the next.
const KindSend = "dashboard.subscription_send"

type sendJob struct {
	SubscriptionID int64     `json:"subscription_id"`
	Period         string    `json:"period"`
	DueAt          time.Time `json:"due_at"`
}

// queueSend queues due's send in tx. The key holds the instant too: when
// the recipient moves to another zone the period's send is queued again at
// its new hour, and report_subscription_sends keeps the period to one mail.
func (s *Service) queueSend(ctx context.Context, tx *sql.Tx, id int64, due Due) error {
	key := fmt.Sprintf("report-subscription:%d:%s:%d", id, due.Period, due.At.Unix())
	_, err := s.queue.Enqueue(ctx, tx, KindSend, sendJob{SubscriptionID: id, Period: due.Period, DueAt: due.At},
		jobs.EnqueueOptions{RunAt: due.At, UniqueKey: key})
	return err
}

// runSend is the KindSend job. It mails the period unless it was mailed
// already, then records it, queues the next period and completes the job
// in one transaction: a restart neither loses nor repeats a period (a crash
// between the relay's answer and that commit sends it again, with the same
// Message-ID). After a long stop only the period due is sent, with its own
// days, and the next is the first one still ahead.
func (s *Service) runSend(ctx context.Context, j *jobs.Job) error {
	var p sendJob
	if err := j.Decode(&p); err != nil {
		return jobs.Permanent(err)
	}
	q := s.db.Reader(ctx)
	sub, err := getSubscription(ctx, q, p.SubscriptionID)
	if apperr.Is(err, apperr.KindNotFound) {
		return nil // unsubscribed: nothing to send, nothing to queue
	}
	if err != nil {
		return err
	}
	r, err := loadRecipient(ctx, q, sub.UserID)
	if err != nil {
		return err
	}
	if moved, err := s.requeueIfMoved(ctx, j, sub, r, p); moved || err != nil {
		return err
	}
	sent, err := wasSent(ctx, q, sub.ID, p.Period)
	if err != nil {
		return err
	}
	mailed := false
	if !sent && r.user.Active() {
		if mailed, err = s.mail(ctx, sub, r, p); err != nil {
			return err
		}
	}
	return s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if mailed {
			if err := recordSent(ctx, tx, sub.ID, p.Period, s.now()); err != nil {
				return err
			}
		}
		if err := s.queueSend(ctx, tx, sub.ID, sub.next(r.zone, later(s.now(), p.DueAt))); err != nil {
			return err
		}
		return s.queue.Finish(ctx, tx, j)
	})
}

// requeueIfMoved queues the period again when the recipient's zone changed
// since it was queued and its hour there is still ahead.
func (s *Service) requeueIfMoved(ctx context.Context, j *jobs.Job, sub *Subscription, r *recipient, p sendJob) (bool, error) {
	day, err := time.ParseInLocation(time.DateOnly, p.Period, r.zone)
	if err != nil {
		return false, jobs.Permanent(err)
	}
	at := DueOn(day, sub.Hour, r.zone).UTC()
	if at.Equal(p.DueAt) || !at.After(s.now()) {
		return false, nil
	}
	return true, s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := s.queueSend(ctx, tx, sub.ID, Due{At: at, Period: p.Period}); err != nil {
			return err
		}
		return s.queue.Finish(ctx, tx, j)
	})
}

// mail sends one period of sub to r, and reports whether it did: not when
// the dashboard is no longer shared with r (the subscription stays, and
// sends again if it is shared again).
func (s *Service) mail(ctx context.Context, sub *Subscription, r *recipient, p sendJob) (bool, error) {
	title, widgets := ReportLabel(sub.Report), []Widget{sub.widget()}
	if sub.DashboardID != nil {
		d, err := s.Get(ctx, r.user, *sub.DashboardID)
		if apperr.Is(err, apperr.KindNotFound) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		title, widgets = d.Name, d.Widgets
	}
	m := &digest{Title: title, Dashboard: sub.DashboardID != nil, Zone: r.zone.String(), Period: p.Period,
		Link: s.link(sub)}
	for _, w := range widgets {
		// The days are those of the period's due instant, however late
		// the job runs.
		res, err := s.Run(ctx, w, r.zone, p.DueAt)
		if err != nil {
			return false, err
		}
		if err := m.add(w, res); err != nil {
			return false, err
		}
	}
	n, err := m.notice(r.user.Email, p.DueAt)
	if err != nil {
		return false, err
	}
	n.Key = fmt.Sprintf("report-subscription-%d.%s", sub.ID, p.Period)
	return true, s.sender.SendNotice(ctx, n)
}

// link is the page a mail points to.
func (s *Service) link(sub *Subscription) string {
	path := "/reports?" + url.Values{"name": {sub.Report}, "group_by": {sub.GroupBy}}.Encode()
	if sub.DashboardID != nil {
		path = fmt.Sprintf("/dashboards/%d", *sub.DashboardID)
	}
	return s.opts.PublicURL + path
}

// sendDied keeps a subscription alive when one period's mail fails for
// good (no mailbox can send, the relay refused it): the next period is
// queued in the transaction that buries this one.
func (s *Service) sendDied(ctx context.Context, tx *sql.Tx, j *jobs.Job, reason string) error {
	var p sendJob
	if err := j.Decode(&p); err != nil {
		return nil
	}
	sub, err := getSubscription(ctx, tx, p.SubscriptionID)
	if apperr.Is(err, apperr.KindNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	r, err := loadRecipient(ctx, tx, sub.UserID)
	if err != nil {
		return err
	}
	return s.queueSend(ctx, tx, sub.ID, sub.next(r.zone, later(s.now(), p.DueAt)))
}
