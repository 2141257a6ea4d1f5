// Package sla is service-level agreements: policies that set targets per
// metric for the tickets they match, and the clocks that measure each
// ticket against them in business or calendar time, pause by status, keep
// an append-only log of segments, explain their deadline in a sentence,
// and fire sla.at_risk and sla.breached once each through the job queue.
package sla

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// Metrics a policy can target.
const (
	FirstReply     = "first_reply"     // from creation to the first public agent reply
	NextReply      = "next_reply"      // from the oldest unanswered customer message to the next public agent reply
	PeriodicUpdate = "periodic_update" // from each public agent reply (or creation) to the next
	Resolution     = "resolution"      // from creation (or reopening) to solved
)

// Metrics lists them in the order answers show them.
var Metrics = []string{FirstReply, NextReply, PeriodicUpdate, Resolution}

// Condition fields and operators.
var (
	Fields    = []string{"priority", "team", "channel", "tags", "organization"}
	Operators = []string{"is", "is_not", "in", "not_in", "contains", "not_contains"}
)

// Policy is a set of targets for the tickets its conditions match.
type Policy struct {
	ID         int64       `json:"id"`
	Name       string      `json:"name"`
	Position   int         `json:"position"`
	Conditions []Condition `json:"conditions"`
	Targets    []Target    `json:"targets"`
	CreatedAt  time.Time   `json:"created_at"`
	UpdatedAt  time.Time   `json:"updated_at"`
}

// Condition is one test on a ticket; a policy matches when all hold.
// Value is a string, a number (team and organization ids) or a list of
// them (in, not_in).
type Condition struct {
	Field string          `json:"field"`
	Op    string          `json:"op"`
	Value json.RawMessage `json:"value"`
}

// Target is a policy's goal for one metric.
type Target struct {
	Metric        string   `json:"metric"`
	Minutes       int      `json:"minutes"`
	BusinessHours bool     `json:"business_hours"`
	PauseStatuses []string `json:"pause_statuses"`
}

// NewPolicy is what it takes to create a policy.
type NewPolicy struct {
	Name       string      `json:"name"`
	Position   int         `json:"position"`
	Conditions []Condition `json:"conditions"`
	Targets    []Target    `json:"targets"`
}

// PolicyPatch changes a policy; nil fields stay. Lists replace the whole.
type PolicyPatch struct {
	Name       *string      `json:"name"`
	Position   *int         `json:"position"`
	Conditions *[]Condition `json:"conditions"`
	Targets    *[]Target    `json:"targets"`
}

// Limits on a policy.
const (
	MaxName       = 100
	MaxConditions = 20
	MaxMinutes    = 366 * 24 * 60
)

// defaultPauses are the statuses that pause a metric when its target names
// none: on_hold pauses every metric, pending pauses resolution too (the
// customer has the ball).
func defaultPauses(metric string) []string {
	if metric == Resolution {
		return []string{"pending", "on_hold"}
	}
	return []string{"on_hold"}
}

func checkPolicy(p *Policy) error {
	name, err := apperr.CheckText("name", p.Name, MaxName, true)
	if err != nil {
		return err
	}
	p.Name = name
	if p.Position < 0 {
		return apperr.Invalid("position", "must not be negative")
	}
	if len(p.Conditions) > MaxConditions {
		return apperr.Invalid("conditions", "has more than %d conditions", MaxConditions)
	}
	if p.Conditions == nil {
		p.Conditions = []Condition{}
	}
	for i := range p.Conditions {
		if err := checkCondition(i, &p.Conditions[i]); err != nil {
			return err
		}
	}
	if len(p.Targets) == 0 {
		return apperr.Invalid("targets", "needs at least one target")
	}
	seen := map[string]bool{}
	for i := range p.Targets {
		if err := checkTarget(i, &p.Targets[i], seen); err != nil {
			return err
		}
	}
	slices.SortFunc(p.Targets, func(a, b Target) int {
		return slices.Index(Metrics, a.Metric) - slices.Index(Metrics, b.Metric)
	})
	return nil
}

func checkTarget(i int, t *Target, seen map[string]bool) error {
	field := fmt.Sprintf("targets[%d]", i)
	if !slices.Contains(Metrics, t.Metric) {
		return apperr.Invalid(field+".metric", "must be one of %s, not %q", strings.Join(Metrics, ", "), t.Metric)
	}
	if seen[t.Metric] {
		return apperr.Invalid(field+".metric", "%s is targeted twice", t.Metric)
	}
	seen[t.Metric] = true
	if t.Minutes <= 0 || t.Minutes > MaxMinutes {
		return apperr.Invalid(field+".minutes", "must be between 1 and %d", MaxMinutes)
	}
	if t.PauseStatuses == nil {
		t.PauseStatuses = defaultPauses(t.Metric)
	}
	for _, st := range t.PauseStatuses {
		if !slices.Contains([]string{"new", "open", "pending", "on_hold"}, st) {
			return apperr.Invalid(field+".pause_statuses", "%q is not a status that can pause a clock (new, open, pending, on_hold)", st)
		}
	}
	slices.Sort(t.PauseStatuses)
	t.PauseStatuses = slices.Compact(t.PauseStatuses)
	return nil
}

func checkCondition(i int, c *Condition) error {
	field := fmt.Sprintf("conditions[%d]", i)
	if !slices.Contains(Fields, c.Field) {
		return apperr.Invalid(field+".field", "must be one of %s, not %q", strings.Join(Fields, ", "), c.Field)
	}
	if !slices.Contains(Operators, c.Op) {
		return apperr.Invalid(field+".op", "must be one of %s, not %q", strings.Join(Operators, ", "), c.Op)
	}
	isTags := c.Field == "tags"
	if isTags != (c.Op == "contains" || c.Op == "not_contains") {
		return apperr.Invalid(field+".op", "%s takes %s", c.Field, map[bool]string{true: "contains or not_contains", false: "is, is_not, in or not_in"}[isTags])
	}
	values, err := conditionValues(c.Value)
	if err != nil || len(values) == 0 {
		return apperr.Invalid(field+".value", "must be a string, a number or a list of them")
	}
	for _, v := range values {
		if err := checkValue(c.Field, v); err != nil {
			return apperr.Invalid(field+".value", "%s", err.Error())
		}
	}
	return nil
}

func checkValue(field, v string) error {
	switch field {
	case "priority":
		if !slices.Contains(ticket.Priorities, v) {
			return fmt.Errorf("%q is not a priority (%s)", v, strings.Join(ticket.Priorities, ", "))
		}
	case "channel":
		if !slices.Contains(ticket.Channels, v) {
			return fmt.Errorf("%q is not a channel (%s)", v, strings.Join(ticket.Channels, ", "))
		}
	case "team", "organization":
		if id, err := strconv.ParseInt(v, 10, 64); err != nil || id <= 0 {
			return fmt.Errorf("%q is not an id", v)
		}
	}
	return nil
}

// conditionValues reads a condition's value as a list of strings.
func conditionValues(raw json.RawMessage) ([]string, error) {
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil {
		list = []json.RawMessage{raw}
	}
	out := make([]string, 0, len(list))
	for _, item := range list {
		var s string
		if err := json.Unmarshal(item, &s); err == nil {
			out = append(out, strings.ToLower(strings.TrimSpace(s)))
			continue
		}
		var n json.Number
		if err := json.Unmarshal(item, &n); err != nil {
			return nil, err
		}
		out = append(out, n.String())
	}
	return out, nil
}

// Facts are what policies are matched against: the ticket as it is.
type Facts struct {
	Status         string
	Priority       string
	Channel        string
	TeamID         *int64
	OrganizationID *int64
	Tags           []string
}

func idText(id *int64) string {
	if id == nil {
		return ""
	}
	return strconv.FormatInt(*id, 10)
}

// Matches says whether every condition holds for f.
func (p *Policy) Matches(f Facts) bool {
	for _, c := range p.Conditions {
		if !c.holds(f) {
			return false
		}
	}
	return true
}

func (c Condition) holds(f Facts) bool {
	values, err := conditionValues(c.Value)
	if err != nil {
		return false
	}
	var actual string
	switch c.Field {
	case "priority":
		actual = f.Priority
	case "channel":
		actual = f.Channel
	case "team":
		actual = idText(f.TeamID)
	case "organization":
		actual = idText(f.OrganizationID)
	case "tags":
		hasAny := slices.ContainsFunc(values, func(v string) bool { return slices.Contains(f.Tags, v) })
		return hasAny == (c.Op == "contains")
	}
	in := slices.Contains(values, actual)
	return in == (c.Op == "is" || c.Op == "in")
}

// Target returns the policy's target for metric, if any.
func (p *Policy) Target(metric string) (Target, bool) {
	for _, t := range p.Targets {
		if t.Metric == metric {
			return t, true
		}
	}
	return Target{}, false
}
