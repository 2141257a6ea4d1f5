package alert

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/notify"
	"github.com/centerdesk/centerdesk/internal/outbound"
)

// Events a webhook receives.
const (
	EventFiring   = "alert.firing"
	EventResolved = "alert.resolved"
)

// WebhookBody is what a rule's webhook receives at each change into firing
// or resolved.
type WebhookBody struct {
	Event     string    `json:"event"` // alert.firing or alert.resolved
	RuleID    int64     `json:"rule_id"`
	Name      string    `json:"name"`
	Metric    string    `json:"metric"`
	Op        string    `json:"op"`
	Threshold float64   `json:"threshold"`
	Duration  int       `json:"duration_minutes"`
	TeamID    *int64    `json:"team_id"` // null: the desk
	Scope     string    `json:"scope"`   // "team Billing", "the desk"
	Value     *float64  `json:"value"`   // the value seen
	State     string    `json:"state"`
	At        time.Time `json:"at"`
	HistoryID int64     `json:"history_id"` // the same change arrives with the same id, retries included
	Link      string    `json:"link"`
}

type emailJob struct {
	To      string    `json:"to"`
	Subject string    `json:"subject"`
	Text    string    `json:"text"`
	At      time.Time `json:"at"`
}

type webhookJob struct {
	RuleID int64           `json:"rule_id"`
	URL    string          `json:"url"`
	Body   json.RawMessage `json:"body"`
}

// tell announces change h of rule r, in the transaction that records it:
// a notification per person in the app, and a job per mail and for the
// webhook, each under a key of the change, so none is written twice.
func (s *Service) tell(ctx context.Context, tx *sql.Tx, r *Rule, h *History) error {
	subject, text := message(r, h, s.link(r))
	if err := s.tellInApp(ctx, tx, r, h, subject); err != nil {
		return err
	}
	for _, to := range r.Emails {
		_, err := s.queue.Enqueue(ctx, tx, KindEmail, emailJob{To: to, Subject: subject, Text: text, At: h.At},
			jobs.EnqueueOptions{UniqueKey: fmt.Sprintf("alert:%d:%s", h.ID, to)})
		if err != nil {
			return err
		}
	}
	if r.WebhookURL == "" {
		return nil
	}
	body, err := json.Marshal(WebhookBody{Event: "alert." + h.To, RuleID: r.ID, Name: r.Name, Metric: r.Metric,
		Op: r.Op, Threshold: r.Threshold, Duration: r.DurationMinutes, TeamID: r.TeamID, Scope: r.Scope(),
		Value: h.Value, State: h.To, At: h.At, HistoryID: h.ID, Link: s.link(r)})
	if err != nil {
		return fmt.Errorf("alert: encode webhook: %w", err)
	}
	_, err = s.queue.Enqueue(ctx, tx, KindWebhook, webhookJob{RuleID: r.ID, URL: r.WebhookURL, Body: body},
		jobs.EnqueueOptions{UniqueKey: fmt.Sprintf("alert:%d:webhook", h.ID)})
	return err
}

func (s *Service) tellInApp(ctx context.Context, tx *sql.Tx, r *Rule, h *History, note string) error {
	people, err := ruleUsers(ctx, tx, r.ID)
	if err != nil {
		return err
	}
	if r.NotifyLeads {
		ls, err := leads(ctx, tx, r.TeamID)
		if err != nil {
			return err
		}
		people = append(people, ls...)
	}
	for _, id := range people {
		// Remind keys by source and person: someone both named and a lead
		// is told once.
		_, err := notify.Remind(ctx, tx, notify.Reminder{Kind: notify.KindAlert, RecipientID: id,
			Source: fmt.Sprintf("alert:%d", h.ID), Link: fmt.Sprintf("/admin/alerts#rule-%d", r.ID), Note: note})
		if err != nil {
			return err
		}
	}
	return nil
}

// message writes the alert: a subject that is also the in-app note, and
// the mail's text.
func message(r *Rule, h *History, link string) (subject, text string) {
	seen := "no value"
	if h.Value != nil {
		seen = FormatValue(r.Metric, *h.Value)
	}
	if h.To == StateFiring {
		subject = fmt.Sprintf("Alert firing: %s (%s, %s)", r.Name, r.Scope(), seen)
	} else {
		subject = fmt.Sprintf("Alert resolved: %s (%s, %s)", r.Name, r.Scope(), seen)
	}
	var b strings.Builder
	if h.To == StateFiring {
		fmt.Fprintf(&b, "The alert %q is firing for %s.\n\n", r.Name, r.Scope())
	} else {
		fmt.Fprintf(&b, "The alert %q has resolved for %s.\n\n", r.Name, r.Scope())
	}
	fmt.Fprintf(&b, "Rule: %s\nValue seen: %s\nAt: %s\n\n", r.Expression(), seen, h.At.UTC().Format(time.RFC1123))
	fmt.Fprintf(&b, "Acknowledge or silence it: %s\n", link)
	return subject, b.String()
}

// link is the rule on the alerts page, absolute when the public URL is
// known.
func (s *Service) link(r *Rule) string {
	return strings.TrimRight(s.opts.PublicURL, "/") + fmt.Sprintf("/admin/alerts#rule-%d", r.ID)
}

// sendEmail is the KindEmail job: one mail through the notice path's relay.
func (s *Service) sendEmail(ctx context.Context, j *jobs.Job) error {
	var p emailJob
	if err := j.Decode(&p); err != nil {
		return err
	}
	return s.sender.SendNotice(ctx, outbound.Notice{To: p.To, Subject: p.Subject, Text: p.Text, Date: p.At})
}
