package sla

import (
	"encoding/json"
	"testing"
)

func cond(field, op string, value any) Condition {
	raw, _ := json.Marshal(value)
	return Condition{Field: field, Op: op, Value: raw}
}

func TestPolicyConditions(t *testing.T) {
	team, org := int64(7), int64(3)
	f := Facts{Priority: "high", Channel: "email", TeamID: &team, OrganizationID: &org, Tags: []string{"billing", "vip"}}
	cases := []struct {
		c    Condition
		want bool
	}{
		{cond("priority", "is", "high"), true},
		{cond("priority", "is_not", "high"), false},
		{cond("priority", "in", []string{"urgent", "high"}), true},
		{cond("priority", "not_in", []string{"urgent", "high"}), false},
		{cond("channel", "is", "chat"), false},
		{cond("team", "is", 7), true},
		{cond("team", "in", []int{1, 2}), false},
		{cond("organization", "is", "3"), true},
		{cond("tags", "contains", "vip"), true},
		{cond("tags", "contains", []string{"refund", "billing"}), true},
		{cond("tags", "not_contains", "vip"), false},
		{cond("tags", "not_contains", "refund"), true},
	}
	for _, c := range cases {
		p := &Policy{Conditions: []Condition{c.c}}
		if got := p.Matches(f); got != c.want {
			t.Errorf("%s %s %s: %v, want %v", c.c.Field, c.c.Op, c.c.Value, got, c.want)
		}
		if err := checkCondition(0, &c.c); err != nil {
			t.Errorf("%s %s %s refused: %v", c.c.Field, c.c.Op, c.c.Value, err)
		}
	}
	// No team: "team is_not 7" holds, "team is 7" does not.
	none := Facts{Priority: "low"}
	if !(&Policy{Conditions: []Condition{cond("team", "is_not", 7)}}).Matches(none) ||
		(&Policy{Conditions: []Condition{cond("team", "is", 7)}}).Matches(none) {
		t.Error("a ticket without a team")
	}
	if err := checkCondition(0, &Condition{Field: "tags", Op: "is", Value: []byte(`"x"`)}); err == nil {
		t.Error("tags is: no error")
	}
	if err := checkCondition(0, &Condition{Field: "team", Op: "is", Value: []byte(`"billing"`)}); err == nil {
		t.Error("team by name: no error")
	}
}
