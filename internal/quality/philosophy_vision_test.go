package quality_test

import (
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/quality"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

// TestSetVisionKeepsTheValues checks that a lead (the lead role, not an
// admin) rewords the vision alone, saving a version, and that agents and
// overlong visions are refused without a change.
func TestSetVisionKeepsTheValues(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		lead, agent := e.user("lead"), e.user("agent")
		if !lead.IsLead() || agent.IsLead() {
			t.Fatal("IsLead does not follow the lead role")
		}
		if _, err := e.q.CreateValue(e.ctx(lead), lead, quality.ValueInput{Name: "Nimble", Code: "N", Colour: "#0f7b6c"}); err != nil {
			t.Fatal(err)
		}
		p, err := e.q.SetVision(e.ctx(lead), lead, "  Heard and helped.  ")
		if err != nil || p.Vision != "Heard and helped." || len(p.Values) != 1 {
			t.Fatalf("SetVision: %+v, %v", p, err)
		}
		vs, err := e.q.Versions(e.ctx(lead))
		if err != nil || len(vs) != 2 || vs[0].Change != "vision.updated" || *vs[0].AuthorID != lead.ID {
			t.Fatalf("versions %+v, %v", vs, err)
		}
		if _, err := e.q.SetVision(e.ctx(agent), agent, "Mine"); !apperr.Is(err, apperr.KindForbidden) {
			t.Fatalf("agent sets the vision: %v, want forbidden", err)
		}
		_, err = e.q.SetVision(e.ctx(lead), lead, strings.Repeat("x", quality.MaxVision+1))
		if ae, ok := apperr.As(err); !ok || ae.Field != "vision" {
			t.Fatalf("overlong vision: %v, want an error on vision", err)
		}
		if p, _ := e.q.Philosophy(e.ctx(lead)); p.Vision != "Heard and helped." {
			t.Fatalf("a refused vision changed it to %q", p.Vision)
		}
		if n := testutil.Count(t, d, "philosophy_versions"); n != 2 {
			t.Fatalf("%d versions after refusals, want 2", n)
		}
	})
}
