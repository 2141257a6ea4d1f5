package field_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/field"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

// decoded returns v as a JSON decoder gives it to Parse.
func decoded(t *testing.T, raw string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	return v
}

func TestParseByType(t *testing.T) {
	fields := map[string]*field.Field{
		"text":     {Key: "note", Type: field.TypeText},
		"number":   {Key: "amount", Type: field.TypeNumber},
		"date":     {Key: "due", Type: field.TypeDate},
		"dropdown": {Key: "plan", Type: field.TypeDropdown, Options: []string{"free", "pro"}},
		"checkbox": {Key: "vip", Type: field.TypeCheckbox},
	}
	cases := []struct {
		typ, raw string
		want     any // nil when the value must be refused
	}{
		{"text", `"hello"`, "hello"},
		{"text", `42`, nil},
		{"text", `"  "`, nil},
		{"text", `"` + strings.Repeat("é", field.MaxText+1) + `"`, nil},
		{"text", `["a"]`, nil},
		{"number", `42`, 42.0},
		{"number", `-0.5`, -0.5},
		{"number", `"42"`, nil},
		{"number", `true`, nil},
		{"date", `"2024-02-29"`, "2024-02-29"},
		{"date", `"2023-02-29"`, nil},
		{"date", `"2024-2-9"`, nil},
		{"date", `"2024-02-29T10:00:00Z"`, nil},
		{"date", `20240229`, nil},
		{"dropdown", `"pro"`, "pro"},
		{"dropdown", `"Pro"`, nil},
		{"dropdown", `1`, nil},
		{"checkbox", `true`, true},
		{"checkbox", `false`, false},
		{"checkbox", `"true"`, nil},
		{"checkbox", `1`, nil},
	}
	for _, tc := range cases {
		f := fields[tc.typ]
		v, err := f.Parse(decoded(t, tc.raw))
		if tc.want == nil {
			e, ok := apperr.As(err)
			if !ok || e.Kind != apperr.KindInvalid || e.Field != "custom_fields."+f.Key {
				t.Errorf("%s %s: err = %v, want invalid custom_fields.%s", tc.typ, tc.raw, err, f.Key)
			}
			continue
		}
		if err != nil || v.Any() != tc.want {
			t.Errorf("%s %s: %v, %v; want %v", tc.typ, tc.raw, v.Any(), err, tc.want)
		}
	}
	for typ, f := range fields {
		if v, err := f.Parse(nil); v != nil || err != nil {
			t.Errorf("%s: null gave %v, %v; want no value", typ, v, err)
		}
	}
}

func TestDefinitions(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := field.NewService(d)
		ctx := testutil.As(testutil.NewUser(t, d, "admin"))
		plan, err := s.Create(ctx, field.NewField{Key: "plan", Label: " Plan ", Type: field.TypeDropdown,
			Options: []string{"free", " pro "}, RequiredOnSolve: true})
		if err != nil {
			t.Fatal(err)
		}
		if plan.Label != "Plan" || strings.Join(plan.Options, ",") != "free,pro" || !plan.RequiredOnSolve {
			t.Fatalf("created %+v", plan)
		}
		if _, err := s.Create(ctx, field.NewField{Key: "due", Label: "Due", Type: field.TypeDate}); err != nil {
			t.Fatal(err)
		}
		bad := map[string]field.NewField{
			"key":     {Key: "Plan Name", Label: "x", Type: field.TypeText},
			"label":   {Key: "x", Label: " ", Type: field.TypeText},
			"type":    {Key: "x", Label: "x", Type: "colour"},
			"options": {Key: "x", Label: "x", Type: field.TypeDropdown},
		}
		bad["options "] = field.NewField{Key: "x", Label: "x", Type: field.TypeText, Options: []string{"a"}}
		bad["options  "] = field.NewField{Key: "x", Label: "x", Type: field.TypeDropdown, Options: []string{"a", "a"}}
		audits := testutil.Count(t, d, "audit_log")
		for name, n := range bad {
			if _, err := s.Create(ctx, n); !apperr.Is(err, apperr.KindInvalid) || err.(*apperr.Error).Field != strings.TrimSpace(name) {
				t.Errorf("%s: err = %v", name, err)
			}
		}
		if _, err := s.Create(ctx, field.NewField{Key: "plan", Label: "Again", Type: field.TypeText}); !apperr.Is(err, apperr.KindConflict) {
			t.Errorf("duplicate key: %v", err)
		}
		if n := testutil.Count(t, d, "custom_fields"); n != 2 || testutil.Count(t, d, "audit_log") != audits {
			t.Fatalf("%d fields after bad input", n)
		}

		yes, label, opts := true, "Price plan", []string{"free", "pro", "enterprise"}
		got, err := s.Update(ctx, plan.ID, field.Patch{Label: &label, Options: &opts, Archived: &yes})
		if err != nil || got.Label != label || len(got.Options) != 3 || !got.Archived || got.ArchivedAt == nil {
			t.Fatalf("update: %+v, %v", got, err)
		}
		if _, err := s.Update(ctx, 999, field.Patch{Label: &label}); !apperr.Is(err, apperr.KindNotFound) {
			t.Fatalf("update unknown: %v", err)
		}
		active, _ := s.List(ctx, new(false))
		all, _ := s.List(ctx, nil)
		if len(active) != 1 || active[0].Key != "due" || len(all) != 2 {
			t.Fatalf("active %v, all %v", active, all)
		}
		if again, err := s.Get(ctx, plan.ID); err != nil || !again.Archived || again.Label != label {
			t.Fatalf("get %+v, %v", again, err)
		}
		if testutil.Count(t, d, "audit_log") != audits+1 {
			t.Fatal("the update was not audited")
		}
	})
}

func TestByKeys(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := field.NewService(d)
		ctx := context.Background()
		for _, k := range []string{"a", "b", "c"} {
			if _, err := s.Create(ctx, field.NewField{Key: k, Label: k, Type: field.TypeCheckbox}); err != nil {
				t.Fatal(err)
			}
		}
		got, err := field.ByKeys(ctx, d.Read(), []string{"a", "c", "zz"})
		if err != nil || len(got) != 2 || got["a"] == nil || got["c"] == nil {
			t.Fatalf("%v, %v", got, err)
		}
	})
}
