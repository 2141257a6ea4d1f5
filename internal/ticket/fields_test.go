package ticket_test

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/events"
	"github.com/centerdesk/centerdesk/internal/field"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// defineFields defines one field of each type and returns the service.
func defineFields(t *testing.T, d *db.DB) *field.Service {
	t.Helper()
	fs := field.NewService(d)
	for _, n := range []field.NewField{
		{Key: "note", Label: "Note", Type: field.TypeText},
		{Key: "amount", Label: "Amount", Type: field.TypeNumber},
		{Key: "due", Label: "Due", Type: field.TypeDate},
		{Key: "plan", Label: "Plan", Type: field.TypeDropdown, Options: []string{"free", "pro"}},
		{Key: "vip", Label: "VIP", Type: field.TypeCheckbox},
	} {
		if _, err := fs.Create(context.Background(), n); err != nil {
			t.Fatal(err)
		}
	}
	return fs
}

// eventsOf returns the events of a type on a ticket.
func eventsOf(t *testing.T, s *ticket.Service, id int64, typ string) []events.Event {
	t.Helper()
	evs, err := s.Events(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var out []events.Event
	for _, e := range evs {
		if e.Type == typ {
			out = append(out, e)
		}
	}
	return out
}

func asJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestCustomFieldValues(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		defineFields(t, d)
		s := ticket.NewService(d)
		ctx, _ := agentCtx(t, d)
		n := newTicket(1, "ada@example.com")
		n.CustomFields = map[string]any{"note": "call back", "amount": 42, "due": "2024-05-01", "plan": "pro", "vip": true}
		tk := mustCreate(t, s, n)
		want := map[string]any{"note": "call back", "amount": 42.0, "due": "2024-05-01", "plan": "pro", "vip": true}
		got, err := s.Get(ctx, tk.ID)
		if err != nil || !reflect.DeepEqual(got.CustomFields, want) || !reflect.DeepEqual(tk.CustomFields, want) {
			t.Fatalf("stored %v, returned %v, want %v (%v)", got.CustomFields, tk.CustomFields, want, err)
		}
		if created := eventsOf(t, s, tk.ID, ticket.EventCreated); asJSON(created[0].Data["custom_fields"]) != asJSON(want) {
			t.Fatalf("created event %v", created[0].Data)
		}

		p := ticket.Patch{CustomFields: map[string]any{"amount": 43.5, "note": nil, "vip": false, "plan": "pro"}}
		got, err = s.Update(ctx, tk.ID, p)
		if err != nil {
			t.Fatal(err)
		}
		want = map[string]any{"amount": 43.5, "due": "2024-05-01", "plan": "pro", "vip": false}
		if !reflect.DeepEqual(got.CustomFields, want) {
			t.Fatalf("after patch %v, want %v", got.CustomFields, want)
		}
		if again, _ := s.Get(ctx, tk.ID); !reflect.DeepEqual(again.CustomFields, want) {
			t.Fatalf("read back %v", again.CustomFields)
		}
		changes := map[string]string{}
		for _, e := range eventsOf(t, s, tk.ID, ticket.EventFieldChanged) {
			changes[e.Data["field"].(string)] = asJSON(e.Data["before"]) + "->" + asJSON(e.Data["after"])
			if e.ActorType != events.ActorAgent {
				t.Errorf("%v: actor %s", e.Data, e.ActorType)
			}
		}
		wantChanges := map[string]string{"custom_fields.amount": "42->43.5",
			"custom_fields.note": `"call back"->null`, "custom_fields.vip": "true->false"}
		if !reflect.DeepEqual(changes, wantChanges) {
			t.Fatalf("field events %v, want %v", changes, wantChanges)
		}
		// The same values again record nothing.
		before := count(t, d, "events")
		if _, err := s.Update(ctx, tk.ID, p); err != nil || count(t, d, "events") != before {
			t.Fatalf("a no-op patch wrote events: %v", err)
		}
	})
}

func TestCustomFieldValidationChangesNothing(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		fs := defineFields(t, d)
		s := ticket.NewService(d)
		ctx := context.Background()
		n := newTicket(1, "ada@example.com")
		n.CustomFields = map[string]any{"plan": "free"}
		tk := mustCreate(t, s, n)
		archived, err := fs.Create(ctx, field.NewField{Key: "old", Label: "Old", Type: field.TypeText})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fs.Update(ctx, archived.ID, field.Patch{Archived: new(true)}); err != nil {
			t.Fatal(err)
		}
		tables := []string{"tickets", "customers", "messages", "events", "ticket_field_values"}
		before := map[string]int{}
		for _, tb := range tables {
			before[tb] = count(t, d, tb)
		}
		cases := []struct {
			values map[string]any
			field  string
			kind   apperr.Kind
		}{
			{map[string]any{"nope": "x"}, "custom_fields.nope", apperr.KindUnprocessable},
			{map[string]any{"old": "x"}, "custom_fields.old", apperr.KindUnprocessable},
			{map[string]any{"amount": "42"}, "custom_fields.amount", apperr.KindInvalid},
			{map[string]any{"due": "01/05/2024"}, "custom_fields.due", apperr.KindInvalid},
			{map[string]any{"plan": "gold"}, "custom_fields.plan", apperr.KindInvalid},
			{map[string]any{"vip": "yes"}, "custom_fields.vip", apperr.KindInvalid},
			// A good value beside a bad one is not written either.
			{map[string]any{"note": "fine", "vip": 1}, "custom_fields.vip", apperr.KindInvalid},
		}
		for _, tc := range cases {
			n := newTicket(2, "new@example.com")
			n.CustomFields = tc.values
			_, err := s.Create(ctx, n)
			if e, ok := apperr.As(err); !ok || e.Field != tc.field || e.Kind != tc.kind {
				t.Errorf("create %v: %v", tc.values, err)
			}
			_, err = s.Update(ctx, tk.ID, ticket.Patch{CustomFields: tc.values, Tags: &[]string{"changed"}})
			if e, ok := apperr.As(err); !ok || e.Field != tc.field || e.Kind != tc.kind {
				t.Errorf("update %v: %v", tc.values, err)
			}
		}
		for _, tb := range tables {
			if n := count(t, d, tb); n != before[tb] {
				t.Errorf("%s: %d rows, was %d", tb, n, before[tb])
			}
		}
		// An archived field's value stays readable and can be cleared.
		if got, _ := s.Get(ctx, tk.ID); got.CustomFields["plan"] != "free" {
			t.Fatalf("values %v", got.CustomFields)
		}
		if _, err := s.Update(ctx, tk.ID, ticket.Patch{CustomFields: map[string]any{"old": nil}}); err != nil {
			t.Fatalf("clearing an archived field: %v", err)
		}
	})
}

func TestRequiredOnSolve(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		fs := defineFields(t, d)
		s := ticket.NewService(d)
		ctx := context.Background()
		cause, err := fs.Create(ctx, field.NewField{Key: "cause", Label: "Cause", Type: field.TypeDropdown,
			Options: []string{"bug", "user"}, RequiredOnSolve: true})
		if err != nil {
			t.Fatal(err)
		}
		tk := mustCreate(t, s, newTicket(1, "ada@example.com"))
		for _, status := range []string{"solved", "closed"} {
			_, err := s.Update(ctx, tk.ID, ticket.Patch{Status: &status})
			if e, ok := apperr.As(err); !ok || e.Field != "custom_fields.cause" || e.Kind != apperr.KindUnprocessable {
				t.Fatalf("%s without cause: %v", status, err)
			}
		}
		// Other changes and other statuses do not need it.
		open := "pending"
		if _, err := s.Update(ctx, tk.ID, ticket.Patch{Status: &open}); err != nil {
			t.Fatal(err)
		}
		solved := "solved"
		got, err := s.Update(ctx, tk.ID, ticket.Patch{Status: &solved, CustomFields: map[string]any{"cause": "bug"}})
		if err != nil || got.Status != "solved" || got.CustomFields["cause"] != "bug" {
			t.Fatalf("solve with cause: %+v, %v", got, err)
		}
		// Archiving the field lifts the rule.
		if _, err := fs.Update(ctx, cause.ID, field.Patch{Archived: new(true)}); err != nil {
			t.Fatal(err)
		}
		other := mustCreate(t, s, newTicket(2, "bob@example.com"))
		if _, err := s.Update(ctx, other.ID, ticket.Patch{Status: &solved}); err != nil {
			t.Fatalf("archived field still required: %v", err)
		}
	})
}

func TestListByCustomField(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		defineFields(t, d)
		s := ticket.NewService(d)
		ctx := context.Background()
		values := []map[string]any{
			{"plan": "pro", "amount": 10, "due": "2024-05-01", "vip": true, "note": "a"},
			{"plan": "free", "amount": 10.0, "due": "2024-05-02", "vip": false},
			{"plan": "pro", "amount": 11},
		}
		ids := make([]int64, len(values))
		for i, v := range values {
			n := newTicket(i, "ada@example.com")
			n.CustomFields = v
			ids[i] = mustCreate(t, s, n).ID
		}
		cases := []struct {
			filter map[string]string
			want   []int64 // newest first
		}{
			{map[string]string{"plan": "pro"}, []int64{ids[2], ids[0]}},
			{map[string]string{"amount": "10"}, []int64{ids[1], ids[0]}},
			{map[string]string{"amount": "10.0", "plan": "free"}, []int64{ids[1]}},
			{map[string]string{"due": "2024-05-02"}, []int64{ids[1]}},
			{map[string]string{"vip": "true"}, []int64{ids[0]}},
			{map[string]string{"vip": "false"}, []int64{ids[2], ids[1]}},
			{map[string]string{"note": "a"}, []int64{ids[0]}},
			{map[string]string{"note": "b"}, []int64{}},
		}
		for _, tc := range cases {
			page, err := s.List(ctx, ticket.Filter{Fields: tc.filter})
			if err != nil {
				t.Fatalf("%v: %v", tc.filter, err)
			}
			got := []int64{}
			for _, tk := range page.Tickets {
				got = append(got, tk.ID)
				if len(tk.CustomFields) == 0 {
					t.Errorf("ticket %d listed without its fields", tk.ID)
				}
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("%v: got %v, want %v", tc.filter, got, tc.want)
			}
		}
		bad := map[string]map[string]string{
			"field.nope":   {"nope": "x"},
			"field.amount": {"amount": "ten"},
			"field.due":    {"due": "May 1"},
			"field.vip":    {"vip": "maybe"},
			"field":        {"a": "1", "b": "1", "c": "1", "d": "1", "e": "1", "f": "1"},
		}
		for name, f := range bad {
			_, err := s.List(ctx, ticket.Filter{Fields: f})
			if e, ok := apperr.As(err); !ok || e.Field != name || e.Kind != apperr.KindInvalid {
				t.Errorf("%s: %v", name, err)
			}
		}
	})
}
