package alert

import (
	"fmt"
	"math"
	"net/mail"
	"slices"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
)

// Metrics a rule may watch.
const (
	MetricServiceLevel = "service_level"
	MetricBacklog      = "backlog"
	MetricAtRisk       = "at_risk"
	MetricBreached     = "breached"
	MetricCSAT7d       = "csat_7d"
)

// Metrics lists them in the order forms offer them.
var Metrics = []string{MetricServiceLevel, MetricBacklog, MetricAtRisk, MetricBreached, MetricCSAT7d}

// Ops are the comparisons a rule may make.
var Ops = []string{"<", "<=", ">", ">="}

// States of a rule.
const (
	StateOK       = "ok"
	StatePending  = "pending"  // the condition holds, for less than the duration so far
	StateFiring   = "firing"   // the condition has held for the duration
	StateResolved = "resolved" // it fired and the condition cleared
)

// Limits on a rule.
const (
	MaxNameLen      = 100
	MaxDuration     = 7 * 24 * 60 // minutes
	MaxEmails       = 20
	MaxUsers        = 50
	MaxSecretLen    = 200
	percentMetricHi = 100
)

// Rule is one alert rule with its state. WebhookSecret is shown to leads
// and admins, the only people who read rules, so they can set up the
// receiver.
type Rule struct {
	ID              int64      `json:"id"`
	Name            string     `json:"name"`
	Metric          string     `json:"metric"`
	Op              string     `json:"op"`
	Threshold       float64    `json:"threshold"`
	DurationMinutes int        `json:"duration_minutes"`
	TeamID          *int64     `json:"team_id"` // null: the whole desk
	TeamName        string     `json:"team_name,omitempty"`
	UserIDs         []int64    `json:"user_ids"`     // leads and admins told in the app
	NotifyLeads     bool       `json:"notify_leads"` // the team's leads (the desk's leads and admins) told in the app
	Emails          []string   `json:"emails"`
	WebhookURL      string     `json:"webhook_url"`
	WebhookSecret   string     `json:"webhook_secret,omitempty"`
	State           string     `json:"state"`
	StateSince      time.Time  `json:"state_since"`
	LastValue       *float64   `json:"last_value"` // the value at the last evaluation; null when there was none
	EvaluatedAt     *time.Time `json:"evaluated_at"`
	AcknowledgedBy  *int64     `json:"acknowledged_by"`
	AcknowledgedAt  *time.Time `json:"acknowledged_at"`
	SilencedUntil   *time.Time `json:"silenced_until"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`

	revision int64
}

// Expression is the rule as a person reads it: "service_level < 90% for 15 min".
func (r *Rule) Expression() string {
	s := fmt.Sprintf("%s %s %s", r.Metric, r.Op, FormatValue(r.Metric, r.Threshold))
	if r.DurationMinutes > 0 {
		s += fmt.Sprintf(" for %d min", r.DurationMinutes)
	}
	return s
}

// Silenced reports whether nobody is to be told of the rule at now.
func (r *Rule) Silenced(now time.Time) bool {
	return r.SilencedUntil != nil && now.Before(*r.SilencedUntil)
}

// Scope names what the rule watches: the team or the desk.
func (r *Rule) Scope() string {
	if r.TeamID == nil {
		return "the desk"
	}
	if r.TeamName != "" {
		return "team " + r.TeamName
	}
	return fmt.Sprintf("team %d", *r.TeamID)
}

// FormatValue writes a metric's value: percents with one decimal and a
// sign, counts as whole numbers.
func FormatValue(metric string, v float64) string {
	if isPercent(metric) {
		return strings.TrimSuffix(fmt.Sprintf("%.1f", v), ".0") + "%"
	}
	return fmt.Sprintf("%.0f", v)
}

func isPercent(metric string) bool { return metric == MetricServiceLevel || metric == MetricCSAT7d }

// holds reports whether value meets the rule's condition.
func (r *Rule) holds(value float64) bool {
	switch r.Op {
	case "<":
		return value < r.Threshold
	case "<=":
		return value <= r.Threshold
	case ">":
		return value > r.Threshold
	default:
		return value >= r.Threshold
	}
}

// Input is a rule as a lead writes it (POST, and every field of PATCH).
type Input struct {
	Name            string   `json:"name"`
	Metric          string   `json:"metric"`
	Op              string   `json:"op"`
	Threshold       *float64 `json:"threshold"`
	DurationMinutes int      `json:"duration_minutes"`
	TeamID          *int64   `json:"team_id"` // null or 0: the desk
	UserIDs         []int64  `json:"user_ids"`
	NotifyLeads     bool     `json:"notify_leads"`
	Emails          []string `json:"emails"`
	WebhookURL      string   `json:"webhook_url"`
	// WebhookSecret signs the posts; empty makes one when a URL is set.
	WebhookSecret string `json:"webhook_secret"`
}

// Patch changes a rule; null fields stay as they are.
type Patch struct {
	Name            *string   `json:"name"`
	Metric          *string   `json:"metric"`
	Op              *string   `json:"op"`
	Threshold       *float64  `json:"threshold"`
	DurationMinutes *int      `json:"duration_minutes"`
	TeamID          *int64    `json:"team_id"` // 0: the desk
	UserIDs         *[]int64  `json:"user_ids"`
	NotifyLeads     *bool     `json:"notify_leads"`
	Emails          *[]string `json:"emails"`
	WebhookURL      *string   `json:"webhook_url"`
	WebhookSecret   *string   `json:"webhook_secret"`
	// RotateSecret replaces the webhook secret with a new one.
	RotateSecret bool `json:"rotate_secret"`
}

// apply returns in with p's fields over it.
func (p Patch) apply(in Input) Input {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	set(&in.Name, p.Name)
	set(&in.Metric, p.Metric)
	set(&in.Op, p.Op)
	set(&in.WebhookURL, p.WebhookURL)
	set(&in.WebhookSecret, p.WebhookSecret)
	if p.Threshold != nil {
		in.Threshold = p.Threshold
	}
	if p.DurationMinutes != nil {
		in.DurationMinutes = *p.DurationMinutes
	}
	if p.TeamID != nil {
		in.TeamID = p.TeamID
	}
	if p.UserIDs != nil {
		in.UserIDs = *p.UserIDs
	}
	if p.NotifyLeads != nil {
		in.NotifyLeads = *p.NotifyLeads
	}
	if p.Emails != nil {
		in.Emails = *p.Emails
	}
	return in
}

// inputOf is a stored rule as its input, the base a patch applies to.
func inputOf(r *Rule) Input {
	th := r.Threshold
	return Input{Name: r.Name, Metric: r.Metric, Op: r.Op, Threshold: &th, DurationMinutes: r.DurationMinutes,
		TeamID: r.TeamID, UserIDs: r.UserIDs, NotifyLeads: r.NotifyLeads, Emails: r.Emails,
		WebhookURL: r.WebhookURL, WebhookSecret: r.WebhookSecret}
}

// check validates what needs no database, and tidies the input: the name
// defaults to the expression, addresses are trimmed and deduplicated.
func (in *Input) check() error {
	if !slices.Contains(Metrics, in.Metric) {
		return apperr.Invalid("metric", "must be one of %s", strings.Join(Metrics, ", "))
	}
	if !slices.Contains(Ops, in.Op) {
		return apperr.Invalid("op", "must be one of %s", strings.Join(Ops, " "))
	}
	if err := checkThreshold(in.Metric, in.Threshold); err != nil {
		return err
	}
	if in.DurationMinutes < 0 || in.DurationMinutes > MaxDuration {
		return apperr.Invalid("duration_minutes", "must be 0 (at once) to %d minutes", MaxDuration)
	}
	if in.TeamID != nil && *in.TeamID <= 0 {
		in.TeamID = nil
	}
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" {
		in.Name = (&Rule{Metric: in.Metric, Op: in.Op, Threshold: *in.Threshold, DurationMinutes: in.DurationMinutes}).Expression()
	}
	var err error
	if in.Name, err = apperr.CheckText("name", in.Name, MaxNameLen, true); err != nil {
		return err
	}
	if in.Emails, err = checkEmails(in.Emails); err != nil {
		return err
	}
	if len(in.UserIDs) > MaxUsers {
		return apperr.Invalid("user_ids", "may name at most %d people", MaxUsers)
	}
	slices.Sort(in.UserIDs)
	in.UserIDs = slices.Compact(in.UserIDs)
	in.WebhookURL = strings.TrimSpace(in.WebhookURL)
	if len(in.WebhookSecret) > MaxSecretLen {
		return apperr.Invalid("webhook_secret", "must be at most %d characters", MaxSecretLen)
	}
	return nil
}

func checkThreshold(metric string, th *float64) error {
	switch {
	case th == nil:
		return apperr.Invalid("threshold", "is required")
	case math.IsNaN(*th) || math.IsInf(*th, 0):
		return apperr.Invalid("threshold", "must be a number")
	case isPercent(metric) && (*th < 0 || *th > percentMetricHi):
		return apperr.Invalid("threshold", "is a percent for %s: 0 to 100", metric)
	case !isPercent(metric) && *th < 0:
		return apperr.Invalid("threshold", "is a count for %s: 0 or more", metric)
	}
	return nil
}

func checkEmails(in []string) ([]string, error) {
	out := []string{}
	for _, raw := range in {
		raw = strings.TrimSpace(raw)
		if raw == "" {
			continue
		}
		a, err := mail.ParseAddress(raw)
		if err != nil || a.Name != "" || !strings.Contains(a.Address, "@") {
			return nil, apperr.Invalid("emails", "%q is not an email address", raw)
		}
		addr := strings.ToLower(a.Address)
		if !slices.Contains(out, addr) {
			out = append(out, addr)
		}
	}
	if len(out) > MaxEmails {
		return nil, apperr.Invalid("emails", "may list at most %d addresses", MaxEmails)
	}
	return out, nil
}
