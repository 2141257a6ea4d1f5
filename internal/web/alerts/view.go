package alerts

import (
	"slices"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/alert"
	"github.com/centerdesk/centerdesk/internal/team"
	"github.com/centerdesk/centerdesk/internal/user"
	"github.com/centerdesk/centerdesk/internal/web/kit"
)

// page is the data of the list and of one rule's page.
type page struct {
	kit.Page
	kit.FormProblem
	Rules   []*alert.Rule
	Rule    *alert.Rule // the one edited, or the new one's form
	Form    formValues
	History []*alert.History
	Teams   []*team.Team
	People  []*user.User // who the form may name: active leads and admins
	Names   map[int64]string
	Now     time.Time
}

// formValues are the form's fields as typed.
type formValues struct {
	Threshold string
	Emails    string
}

// Metric choices, with the words the form shows.
var metricLabels = map[string]string{
	alert.MetricServiceLevel: "Service level today (first reply, %)",
	alert.MetricBacklog:      "Backlog (unsolved tickets)",
	alert.MetricAtRisk:       "SLA clocks at risk",
	alert.MetricBreached:     "SLA clocks breached",
	alert.MetricCSAT7d:       "CSAT over 7 days (% satisfied)",
}

// MetricChoice is one option of the metric select.
type MetricChoice struct{ Value, Label string }

// Metrics lists the metric options in order.
func (p *page) Metrics() []MetricChoice {
	out := make([]MetricChoice, 0, len(alert.Metrics))
	for _, m := range alert.Metrics {
		out = append(out, MetricChoice{Value: m, Label: metricLabels[m]})
	}
	return out
}

// Ops lists the comparisons.
func (p *page) Ops() []string { return alert.Ops }

// Value writes a rule's last value, or says there was none.
func (p *page) Value(r *alert.Rule) string {
	if r.LastValue == nil {
		if r.EvaluatedAt == nil {
			return "not checked yet"
		}
		return "no value yet"
	}
	return alert.FormatValue(r.Metric, *r.LastValue)
}

// Seen writes a value of a rule's history.
func (p *page) Seen(h *alert.History) string {
	if h.Value == nil {
		return "no value"
	}
	return alert.FormatValue(p.Rule.Metric, *h.Value)
}

// StateLabel is a state in words.
func (p *page) StateLabel(state string) string {
	switch state {
	case alert.StateFiring:
		return "Firing"
	case alert.StatePending:
		return "Pending"
	case alert.StateResolved:
		return "Resolved"
	}
	return "OK"
}

// Silenced reports whether nobody is told of r now.
func (p *page) Silenced(r *alert.Rule) bool { return r.Silenced(p.Now) }

// CanAck reports whether r may be acknowledged now.
func (p *page) CanAck(r *alert.Rule) bool {
	return (r.State == alert.StateFiring || r.State == alert.StatePending) && r.AcknowledgedAt == nil
}

// Chosen reports whether the form names person id.
func (p *page) Chosen(id int64) bool { return slices.Contains(p.Rule.UserIDs, id) }

// OnTeam reports whether the form's rule watches team id.
func (p *page) OnTeam(id int64) bool { return p.Rule.TeamID != nil && *p.Rule.TeamID == id }

// AckedBy names who acknowledged r.
func (p *page) AckedBy(r *alert.Rule) string {
	if r.AcknowledgedBy == nil {
		return "a former user"
	}
	return p.Names[*r.AcknowledgedBy]
}

// Recipients sums up who a rule tells.
func (p *page) Recipients(r *alert.Rule) string {
	var parts []string
	if r.NotifyLeads {
		parts = append(parts, "the leads")
	}
	for _, id := range r.UserIDs {
		parts = append(parts, p.Names[id])
	}
	parts = append(parts, r.Emails...)
	if r.WebhookURL != "" {
		parts = append(parts, "a webhook")
	}
	if len(parts) == 0 {
		return "nobody (shown here only)"
	}
	return strings.Join(parts, ", ")
}
