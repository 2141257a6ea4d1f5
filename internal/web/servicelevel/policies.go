package servicelevel

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/sla"
	"github.com/centerdesk/centerdesk/internal/team"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/web/kit"
)

// conditionRows is how many condition rows the form offers: a policy's own
// and two blank ones, at least four in all.
const minConditionRows = 4

// pauseChoices are the statuses a target can pause in (sla checks them).
var pauseChoices = []string{"new", "open", "pending", "on_hold"}

// policiesPage is the data of /admin/sla-policies and of one policy.
type policiesPage struct {
	Page
	kit.FormProblem
	Policies   []*sla.Policy
	Policy     *sla.Policy // the one edited, or the new one's form
	Conditions []conditionRow
	Targets    []targetRow
	Teams      []*team.Team
	TeamNames  map[int64]string
	Fields     []string
	Operators  []string
	Pauses     []string
}

// conditionRow is one condition as the form shows it; Value is
// comma-separated for in and not_in.
type conditionRow struct {
	Field, Op, Value string
}

// targetRow is one metric's target as the form shows it; Minutes empty
// means no target for the metric.
type targetRow struct {
	Metric        string
	Minutes       string
	BusinessHours bool
	Pauses        []string
}

// Pausing says whether the row pauses in status.
func (t targetRow) Pausing(status string) bool { return slices.Contains(t.Pauses, status) }

// Label names the row's metric as people read it.
func (t targetRow) Label() string { return metricLabel(t.Metric) }

// Num numbers a list's item i from 1.
func (p *policiesPage) Num(i int) int { return i + 1 }

// OpLabel writes an operator as people read it: "is not" for is_not.
func (p *policiesPage) OpLabel(op string) string { return strings.ReplaceAll(op, "_", " ") }

// Priorities lists the priorities a condition takes.
func (p *policiesPage) Priorities() string { return strings.Join(ticket.Priorities, ", ") }

// Channels lists the channels a condition takes.
func (p *policiesPage) Channels() string { return strings.Join(ticket.Channels, ", ") }

func metricLabel(m string) string {
	return map[string]string{sla.FirstReply: "First reply", sla.NextReply: "Next reply",
		sla.PeriodicUpdate: "Periodic update", sla.Resolution: "Resolution"}[m]
}

// ConditionText writes a policy's conditions in a line.
func (p *policiesPage) ConditionText(pol *sla.Policy) string {
	if len(pol.Conditions) == 0 {
		return "every ticket"
	}
	parts := make([]string, 0, len(pol.Conditions))
	for _, c := range pol.Conditions {
		parts = append(parts, c.Field+" "+strings.ReplaceAll(c.Op, "_", " ")+" "+p.valueText(c))
	}
	return strings.Join(parts, "; ")
}

// valueText writes a condition's value, naming teams.
func (p *policiesPage) valueText(c sla.Condition) string {
	vals := rawValues(c.Value)
	if c.Field == "team" {
		for i, v := range vals {
			if id, err := strconv.ParseInt(v, 10, 64); err == nil && p.TeamNames[id] != "" {
				vals[i] = p.TeamNames[id]
			}
		}
	}
	return strings.Join(vals, ", ")
}

// TargetText writes a policy's targets in a line.
func (p *policiesPage) TargetText(pol *sla.Policy) string {
	parts := make([]string, 0, len(pol.Targets))
	for _, t := range pol.Targets {
		kind := "calendar"
		if t.BusinessHours {
			kind = "business"
		}
		parts = append(parts, metricLabel(t.Metric)+" "+strconv.Itoa(t.Minutes)+" "+kind+" min")
	}
	return strings.Join(parts, "; ")
}

// rawValues reads a stored condition value as the form writes it.
func rawValues(raw json.RawMessage) []string {
	var list []any
	if err := json.Unmarshal(raw, &list); err != nil {
		var one any
		if json.Unmarshal(raw, &one) != nil {
			return nil
		}
		list = []any{one}
	}
	out := make([]string, 0, len(list))
	for _, v := range list {
		switch x := v.(type) {
		case string:
			out = append(out, x)
		case float64:
			out = append(out, strconv.FormatFloat(x, 'f', -1, 64))
		}
	}
	return out
}

func (wb *Pages) policiesPage(w http.ResponseWriter, r *http.Request) error {
	return wb.renderPolicy(w, r, http.StatusOK, "policies", newPolicyForm(), nil)
}

// newPolicyForm is the blank form; formRows offers each metric's default
// pauses.
func newPolicyForm() *sla.Policy {
	return &sla.Policy{Targets: []sla.Target{}}
}

func (wb *Pages) policyPage(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	p, err := wb.SLA.Policy(r.Context(), id)
	if err != nil {
		return err
	}
	return wb.renderPolicy(w, r, http.StatusOK, "policy", p, nil)
}

func (wb *Pages) renderPolicy(w http.ResponseWriter, r *http.Request, status int, page string, pol *sla.Policy, problem error) error {
	all, err := wb.SLA.Policies(r.Context())
	if err != nil {
		return err
	}
	teams, err := wb.Teams.List(r.Context())
	if err != nil {
		return err
	}
	title := "SLA policies"
	if page == "policy" {
		title = "SLA policy " + pol.Name
	}
	p := &policiesPage{Page: wb.BasePage(r, title), Policies: all, Policy: pol, Teams: teams,
		TeamNames: map[int64]string{}, Fields: sla.Fields, Operators: sla.Operators, Pauses: pauseChoices}
	for _, t := range teams {
		p.TeamNames[t.ID] = t.Name
	}
	p.Conditions, p.Targets = formRows(pol)
	if problem != nil {
		if status, p.FormProblem, err = kit.ProblemOf(r, problem); err != nil {
			return err
		}
		p.ErrorField = metricField(p.ErrorField, pol)
	}
	wb.Render(w, r, status, page, p)
	return nil
}

var targetIndex = regexp.MustCompile(`^targets\[(\d+)\]`)

// metricField names a target's field by its metric ("targets[resolution]
// .minutes") rather than by its place in the list the form sent, which
// skips the metrics left empty.
func metricField(field string, pol *sla.Policy) string {
	m := targetIndex.FindStringSubmatch(field)
	if m == nil {
		return field
	}
	i, _ := strconv.Atoi(m[1])
	if i >= len(pol.Targets) || pol.Targets[i].Metric == "" {
		return field
	}
	return "targets[" + pol.Targets[i].Metric + "]" + field[len(m[0]):]
}

// formRows lays a policy out as the form's rows: its conditions and blank
// ones, and a row per metric.
func formRows(pol *sla.Policy) ([]conditionRow, []targetRow) {
	conds := make([]conditionRow, 0, len(pol.Conditions)+2)
	for _, c := range pol.Conditions {
		conds = append(conds, conditionRow{Field: c.Field, Op: c.Op, Value: strings.Join(rawValues(c.Value), ", ")})
	}
	for len(conds) < max(minConditionRows, len(pol.Conditions)+2) {
		conds = append(conds, conditionRow{})
	}
	targets := make([]targetRow, 0, len(sla.Metrics))
	for _, m := range sla.Metrics {
		row := targetRow{Metric: m, BusinessHours: true, Pauses: defaultPauses(m)}
		for _, t := range pol.Targets {
			if t.Metric == m {
				row = targetRow{Metric: m, Minutes: strconv.Itoa(t.Minutes), BusinessHours: t.BusinessHours, Pauses: t.PauseStatuses}
			}
		}
		targets = append(targets, row)
	}
	return conds, targets
}

// defaultPauses are the statuses a new target's row offers ticked; the
// same as sla's defaults for a target that names none.
func defaultPauses(metric string) []string {
	if metric == sla.Resolution {
		return []string{"on_hold", "pending"}
	}
	return []string{"on_hold"}
}

// policyForm reads the policy form. It only parses; sla checks the policy,
// so the page and the API refuse the same things.
func policyForm(r *http.Request) (sla.NewPolicy, error) {
	n := sla.NewPolicy{Conditions: []sla.Condition{}, Targets: []sla.Target{}}
	if err := r.ParseForm(); err != nil {
		return n, apperr.Invalid("name", "cannot read the form")
	}
	n.Name = r.PostForm.Get("name")
	fields, ops, values := r.PostForm["cond_field"], r.PostForm["cond_op"], r.PostForm["cond_value"]
	for i := range fields {
		if fields[i] == "" || i >= len(ops) || i >= len(values) {
			continue
		}
		n.Conditions = append(n.Conditions, sla.Condition{Field: fields[i], Op: ops[i], Value: conditionValue(ops[i], values[i])})
	}
	for _, m := range sla.Metrics {
		v := strings.TrimSpace(r.PostForm.Get("minutes_" + m))
		if v == "" {
			continue
		}
		minutes, err := strconv.Atoi(v)
		if err != nil {
			return n, apperr.Invalid("targets["+m+"].minutes", "%q is not a whole number of minutes", v)
		}
		n.Targets = append(n.Targets, sla.Target{Metric: m, Minutes: minutes,
			BusinessHours: r.PostForm.Get("business_"+m) == "on", PauseStatuses: append([]string{}, r.PostForm["pause_"+m]...)})
	}
	return n, nil
}

// conditionValue writes a typed value as the API takes it: a list for in
// and not_in, else one string.
func conditionValue(op, text string) json.RawMessage {
	var v any = strings.TrimSpace(text)
	if op == "in" || op == "not_in" {
		list := []string{}
		for _, part := range strings.Split(text, ",") {
			if part = strings.TrimSpace(part); part != "" {
				list = append(list, part)
			}
		}
		v = list
	}
	b, _ := json.Marshal(v)
	return b
}

func formPolicy(id int64, n sla.NewPolicy) *sla.Policy {
	return &sla.Policy{ID: id, Name: n.Name, Position: n.Position, Conditions: n.Conditions, Targets: n.Targets}
}

func (wb *Pages) createPolicy(w http.ResponseWriter, r *http.Request) error {
	n, err := policyForm(r)
	if err == nil {
		n.Position, err = wb.lastPosition(r)
	}
	if err == nil {
		var p *sla.Policy
		if p, err = wb.SLA.CreatePolicy(r.Context(), n); err == nil {
			wb.Flash(r, "SLA policy "+p.Name+" created; open tickets are re-targeted.")
			http.Redirect(w, r, "/admin/sla-policies", http.StatusSeeOther)
			return nil
		}
	}
	return wb.renderPolicy(w, r, 0, "policies", formPolicy(0, n), err)
}

// lastPosition is the place a new policy takes: after every other, so it
// is tried last until moved.
func (wb *Pages) lastPosition(r *http.Request) (int, error) {
	all, err := wb.SLA.Policies(r.Context())
	if err != nil || len(all) == 0 {
		return 0, err
	}
	return all[len(all)-1].Position + 1, nil
}

func (wb *Pages) updatePolicy(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	n, err := policyForm(r)
	if err == nil {
		_, err = wb.SLA.UpdatePolicy(r.Context(), id, sla.PolicyPatch{Name: &n.Name,
			Conditions: &n.Conditions, Targets: &n.Targets})
		if err == nil {
			wb.Flash(r, "SLA policy "+n.Name+" saved; open tickets are re-targeted.")
			http.Redirect(w, r, "/admin/sla-policies", http.StatusSeeOther)
			return nil
		}
		if apperr.Is(err, apperr.KindNotFound) {
			return err
		}
	}
	return wb.renderPolicy(w, r, 0, "policy", formPolicy(id, n), err)
}

// movePolicy moves a policy one place up or down the order: the policies
// are numbered 0, 1, 2… in their new order, each change through sla.
func (wb *Pages) movePolicy(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	all, err := wb.SLA.Policies(r.Context())
	if err != nil {
		return err
	}
	i := slices.IndexFunc(all, func(p *sla.Policy) bool { return p.ID == id })
	if i < 0 {
		return apperr.NotFound("sla policy")
	}
	j := i + 1
	if r.PostFormValue("direction") == "up" {
		j = i - 1
	}
	if j >= 0 && j < len(all) {
		all[i], all[j] = all[j], all[i]
	}
	for pos, p := range all {
		if p.Position == pos {
			continue
		}
		if _, err := wb.SLA.UpdatePolicy(r.Context(), p.ID, sla.PolicyPatch{Position: &pos}); err != nil {
			return err
		}
	}
	wb.Flash(r, "Order saved; open tickets are re-targeted.")
	http.Redirect(w, r, "/admin/sla-policies", http.StatusSeeOther)
	return nil
}

func (wb *Pages) deletePolicy(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := wb.SLA.DeletePolicy(r.Context(), id); err != nil {
		return err
	}
	wb.Flash(r, "SLA policy deleted; open tickets move to the next match.")
	http.Redirect(w, r, "/admin/sla-policies", http.StatusSeeOther)
	return nil
}
