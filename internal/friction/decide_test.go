package friction_test

import (
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/friction"
	"github.com/centerdesk/centerdesk/internal/recognition"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

func TestOnlyLeadsAcceptAndTheHunterIsRecognised(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		billing := e.department("Billing")
		tk := e.ticketFrom("ada@example.com", "Cannot open my invoice")
		in := friction.Proposal{DepartmentID: billing.ID, Name: " Invoice PDF unreadable ", TicketID: tk.ID}
		p, err := e.svc.Propose(e.ctx(e.ann), e.ann, in)
		if err != nil {
			t.Fatal(err)
		}
		if p.State != friction.Proposed || p.Name != "Invoice PDF unreadable" || *p.ProposedBy != e.ann.ID {
			t.Fatalf("proposed %+v", p)
		}
		// A proposal tags nothing until a lead accepts it.
		if n := testutil.Count(t, d, "ticket_friction"); n != 0 {
			t.Fatalf("%d tags before acceptance", n)
		}
		if _, err := e.svc.Accept(e.ctx(e.bob), e.bob, p.ID); !apperr.Is(err, apperr.KindForbidden) {
			t.Fatalf("an agent accepted: %v", err)
		}
		if _, err := e.svc.Accept(e.ctx(e.ann), e.ann, p.ID); !apperr.Is(err, apperr.KindForbidden) {
			t.Fatalf("the proposer accepted: %v", err)
		}
		got, err := e.svc.Accept(e.ctx(e.lead), e.lead, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.State != friction.Accepted || *got.DecidedBy != e.lead.ID || got.AwardID == nil || got.Tickets != 1 {
			t.Fatalf("accepted %+v", got)
		}
		tags, err := e.svc.TicketTags(e.ctx(e.bob), tk.ID)
		if err != nil || len(tags) != 1 || tags[0].FrictionID != p.ID {
			t.Fatalf("the proposal's ticket is not tagged: %+v %v", tags, err)
		}
		feed, err := e.rec.Feed(e.ctx(e.bob), e.bob, recognition.FeedFilter{AgentID: e.ann.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(feed) != 1 || feed[0].ValueName != recognition.HunterName || feed[0].ID != *got.AwardID ||
			feed[0].TicketID != tk.ID || *feed[0].AwardedBy != e.lead.ID ||
			!strings.Contains(feed[0].Citation, "Invoice PDF unreadable") || !strings.Contains(feed[0].Citation, "Billing") {
			t.Fatalf("feed %+v", feed)
		}
		if _, err := e.svc.Accept(e.ctx(e.lead2), e.lead2, p.ID); !apperr.Is(err, apperr.KindConflict) {
			t.Fatalf("accepted twice: %v", err)
		}
		if _, err := e.svc.DeclineProposal(e.ctx(e.lead2), e.lead2, p.ID, friction.Decline{Reason: "late"}); !apperr.Is(err, apperr.KindConflict) {
			t.Fatalf("declined an accepted point: %v", err)
		}

		// A lead's own proposal goes to another lead.
		own, err := e.svc.Propose(e.ctx(e.lead), e.lead, friction.Proposal{DepartmentID: billing.ID, Name: "Refund slow", TicketID: tk.ID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Accept(e.ctx(e.lead), e.lead, own.ID); !apperr.Is(err, apperr.KindForbidden) {
			t.Fatalf("a lead accepted their own proposal: %v", err)
		}
		if _, err := e.svc.Accept(e.ctx(e.lead2), e.lead2, own.ID); err != nil {
			t.Fatal(err)
		}
	})
}

func TestDeclineNeedsAReasonAndFreesTheName(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		billing := e.department("Billing")
		tk := e.ticketFrom("ada@example.com", "Charged twice")
		p, err := e.svc.Propose(e.ctx(e.ann), e.ann, friction.Proposal{DepartmentID: billing.ID, Name: "Double charge", TicketID: tk.ID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.DeclineProposal(e.ctx(e.bob), e.bob, p.ID, friction.Decline{Reason: "no"}); !apperr.Is(err, apperr.KindForbidden) {
			t.Fatalf("an agent declined: %v", err)
		}
		_, err = e.svc.DeclineProposal(e.ctx(e.lead), e.lead, p.ID, friction.Decline{Reason: "  "})
		wantErr(t, err, apperr.KindInvalid, "reason")
		got, err := e.svc.DeclineProposal(e.ctx(e.lead), e.lead, p.ID, friction.Decline{Reason: "A bank error, not ours"})
		if err != nil {
			t.Fatal(err)
		}
		if got.State != friction.Declined || got.DeclineReason != "A bank error, not ours" || got.AwardID != nil {
			t.Fatalf("declined %+v", got)
		}
		if n := testutil.Count(t, d, "badge_awards"); n != 0 {
			t.Fatalf("a declined proposal was recognised (%d awards)", n)
		}
		// A declined name may be proposed again; a live one may not, whatever its case.
		again, err := e.svc.Propose(e.ctx(e.bob), e.bob, friction.Proposal{DepartmentID: billing.ID, Name: "Double charge", TicketID: tk.ID})
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.Propose(e.ctx(e.ann), e.ann, friction.Proposal{DepartmentID: billing.ID, Name: "double CHARGE", TicketID: tk.ID})
		wantErr(t, err, apperr.KindConflict, "name")
		list, err := e.svc.Points(e.ctx(e.ann), friction.PointFilter{State: friction.Proposed})
		if err != nil || len(list) != 1 || list[0].ID != again.ID {
			t.Fatalf("proposals %+v %v", list, err)
		}
	})
}

func TestProposalsRefuseBadInputNamingTheField(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		billing := e.department("Billing")
		tk := e.ticketFrom("ada@example.com", "Help")
		cases := map[string]struct {
			in    friction.Proposal
			kind  apperr.Kind
			field string
		}{
			"no name":            {friction.Proposal{DepartmentID: billing.ID, TicketID: tk.ID}, apperr.KindInvalid, "name"},
			"long name":          {friction.Proposal{DepartmentID: billing.ID, TicketID: tk.ID, Name: strings.Repeat("x", friction.MaxName+1)}, apperr.KindInvalid, "name"},
			"no department":      {friction.Proposal{Name: "X", TicketID: tk.ID}, apperr.KindInvalid, "department_id"},
			"unknown department": {friction.Proposal{Name: "X", DepartmentID: 99999, TicketID: tk.ID}, apperr.KindUnprocessable, "department_id"},
			"no ticket":          {friction.Proposal{Name: "X", DepartmentID: billing.ID}, apperr.KindInvalid, "ticket_id"},
			"unknown ticket":     {friction.Proposal{Name: "X", DepartmentID: billing.ID, TicketID: 99999}, apperr.KindUnprocessable, "ticket_id"},
			"long description": {friction.Proposal{Name: "X", DepartmentID: billing.ID, TicketID: tk.ID,
				Description: strings.Repeat("x", friction.MaxDescription+1)}, apperr.KindInvalid, "description"},
		}
		for name, c := range cases {
			_, err := e.svc.Propose(e.ctx(e.ann), e.ann, c.in)
			ae, ok := apperr.As(err)
			if !ok || ae.Kind != c.kind || ae.Field != c.field {
				t.Errorf("%s: got %v, want %v on %s", name, err, c.kind, c.field)
			}
		}
		if _, err := e.svc.CreatePoint(e.ctx(e.ann), e.ann, friction.NewPoint{DepartmentID: billing.ID, Name: "X"}); !apperr.Is(err, apperr.KindForbidden) {
			t.Errorf("an agent created an accepted point: %v", err)
		}
		if _, err := e.svc.CreateDepartment(e.ctx(e.ann), e.ann, friction.NewDepartment{Name: "Sales"}); !apperr.Is(err, apperr.KindForbidden) {
			t.Errorf("an agent created a department: %v", err)
		}
		_, err := e.svc.CreateDepartment(e.ctx(e.lead), e.lead, friction.NewDepartment{Name: "Sales", AmbassadorIDs: []int64{-2}})
		wantErr(t, err, apperr.KindInvalid, "ambassador_ids")
		_, err = e.svc.CreateDepartment(e.ctx(e.lead), e.lead, friction.NewDepartment{Name: "billing2", AmbassadorIDs: []int64{424242}})
		wantErr(t, err, apperr.KindUnprocessable, "ambassador_ids")
		_, err = e.svc.CreateDepartment(e.ctx(e.lead), e.lead, friction.NewDepartment{Name: "Billing"})
		wantErr(t, err, apperr.KindConflict, "name")
		if n := testutil.Count(t, d, "friction_points"); n != 0 {
			t.Errorf("%d points after bad input", n)
		}
		if n := testutil.Count(t, d, "departments"); n != 1 {
			t.Errorf("%d departments after bad input", n)
		}
	})
}

func TestTaggingPermissions(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		amb := e.user("agent")
		billing := e.department("Billing", amb)
		pdf := e.point(billing, "Invoice PDF unreadable")
		tk := e.ticketFrom("ada@example.com", "Cannot open my invoice")
		proposed, err := e.svc.Propose(e.ctx(e.ann), e.ann, friction.Proposal{DepartmentID: billing.ID, Name: "Refund slow", TicketID: tk.ID})
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.TagTicket(e.ctx(e.bob), e.bob, tk.ID, proposed.ID)
		wantErr(t, err, apperr.KindUnprocessable, "friction_id")
		_, err = e.svc.TagTicket(e.ctx(e.bob), e.bob, tk.ID, 0)
		wantErr(t, err, apperr.KindInvalid, "friction_id")
		if _, err := e.svc.TagTicket(e.ctx(e.bob), e.bob, 999999, pdf.ID); !apperr.Is(err, apperr.KindNotFound) {
			t.Fatalf("tagged no ticket: %v", err)
		}
		e.tag(e.bob, tk, pdf)
		e.tag(e.bob, tk, pdf) // again: nothing changes
		if n := testutil.Count(t, d, "ticket_friction"); n != 1 {
			t.Fatalf("%d tags", n)
		}
		var events int
		d.Read().QueryRow(`SELECT COUNT(*) FROM events WHERE ticket_id = $1 AND type = $2`, tk.ID, friction.EventTagsChanged).Scan(&events)
		if events != 1 {
			t.Fatalf("%d tag events, want 1", events)
		}
		// Someone else's tag is theirs, the ambassadors' and the leads' to remove.
		if _, err := e.svc.UntagTicket(e.ctx(e.ann), e.ann, tk.ID, pdf.ID); !apperr.Is(err, apperr.KindForbidden) {
			t.Fatalf("another agent untagged: %v", err)
		}
		if _, err := e.svc.UntagTicket(e.ctx(amb), amb, tk.ID, pdf.ID); err != nil {
			t.Fatalf("the ambassador untagged: %v", err)
		}
		e.tag(e.ann, tk, pdf)
		tags, err := e.svc.UntagTicket(e.ctx(e.ann), e.ann, tk.ID, pdf.ID)
		if err != nil || len(tags) != 0 {
			t.Fatalf("the tagger untagged: %+v %v", tags, err)
		}
		e.tag(e.ann, tk, pdf)
		if _, err := e.svc.UntagTicket(e.ctx(e.lead), e.lead, tk.ID, pdf.ID); err != nil {
			t.Fatalf("a lead untagged: %v", err)
		}
		if _, err := e.svc.UntagTicket(e.ctx(e.lead), e.lead, tk.ID, pdf.ID); !apperr.Is(err, apperr.KindNotFound) {
			t.Fatalf("untagged twice: %v", err)
		}
		// A point with tickets stays; one without may go.
		e.tag(e.ann, tk, pdf)
		if err := e.svc.DeletePoint(e.ctx(e.lead), e.lead, pdf.ID); !apperr.Is(err, apperr.KindConflict) {
			t.Fatalf("deleted a point with tickets: %v", err)
		}
		if err := e.svc.DeleteDepartment(e.ctx(e.lead), e.lead, billing.ID); !apperr.Is(err, apperr.KindConflict) {
			t.Fatalf("deleted a department with points: %v", err)
		}
		if err := e.svc.DeletePoint(e.ctx(e.lead), e.lead, proposed.ID); err != nil {
			t.Fatal(err)
		}
	})
}

func TestStatusIsTheAmbassadorsToSet(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		billing := e.department("Billing", e.ann)
		pdf := e.point(billing, "Invoice PDF unreadable")
		if _, err := e.svc.SetStatus(e.ctx(e.bob), e.bob, pdf.ID, friction.StatusChange{Status: "raised"}); !apperr.Is(err, apperr.KindForbidden) {
			t.Fatalf("a non-ambassador set the status: %v", err)
		}
		got, err := e.svc.SetStatus(e.ctx(e.ann), e.ann, pdf.ID, friction.StatusChange{Status: "raised"})
		if err != nil || got.Status != friction.StatusRaised || got.StatusText() != "raised" {
			t.Fatalf("raised: %+v %v", got, err)
		}
		bad := map[string]friction.StatusChange{
			"status":   {Status: "done"},
			"fixed_on": {Status: "fixed"},
		}
		for field, in := range bad {
			_, err := e.svc.SetStatus(e.ctx(e.ann), e.ann, pdf.ID, in)
			wantErr(t, err, apperr.KindInvalid, field)
		}
		for _, in := range []friction.StatusChange{{Status: "raised", FixedOn: "2026-01-02"},
			{Status: "fixed", FixedOn: "2 Jan"}, {Status: "fixed", FixedOn: "2999-01-01"}} {
			_, err := e.svc.SetStatus(e.ctx(e.ann), e.ann, pdf.ID, in)
			wantErr(t, err, apperr.KindInvalid, "fixed_on")
		}
		got, err = e.svc.SetStatus(e.ctx(e.lead), e.lead, pdf.ID, friction.StatusChange{Status: "fixed", FixedOn: "2026-03-02"})
		if err != nil || got.StatusText() != "fixed on 2 Mar 2026" {
			t.Fatalf("fixed: %+v %v", got, err)
		}
	})
}
