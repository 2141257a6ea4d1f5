package recognition_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/events"
	"github.com/centerdesk/centerdesk/internal/notify"
	"github.com/centerdesk/centerdesk/internal/recognition"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

func TestAwardRequiresACitation(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		tk := e.ticketOf(e.ann)
		in := recognition.NewAward{ValueID: e.values[0].ID, TicketID: tk}
		for _, citation := range []string{"", "   ", strings.Repeat("x", recognition.MaxCitation+1)} {
			in.Citation = citation
			_, err := e.rec.CreateAward(e.ctx(e.lead), e.lead, in)
			wantKind(t, err, "citation")
		}
		if n := testutil.Count(t, d, "badge_awards"); n != 0 {
			t.Fatalf("%d awards stored after refusals", n)
		}

		in.Citation = "  Stayed with the customer until the refund arrived.  "
		a, err := e.rec.CreateAward(e.ctx(e.lead), e.lead, in)
		if err != nil {
			t.Fatal(err)
		}
		if a.AgentID != e.ann.ID || a.Citation != "Stayed with the customer until the refund arrived." ||
			a.Source != recognition.SourceDirect || a.ValueName != "Empathetic" {
			t.Fatalf("award %+v", a)
		}
		evs, err := events.List(e.ctx(e.lead), d.Read(), tk)
		if err != nil {
			t.Fatal(err)
		}
		if last := evs[len(evs)-1]; last.Type != recognition.EventBadgeAwarded || last.Data["award_id"] != float64(a.ID) {
			t.Fatalf("last event %+v", last)
		}

		// The agent hears of it in her notifications.
		ns, err := notify.NewService(d).List(e.ctx(e.ann), e.ann.ID, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(ns) != 1 || ns[0].Kind != notify.KindBadge || !strings.Contains(ns[0].Text(), "Empathetic") ||
			ns[0].Href() != fmt.Sprintf("/recognition#award-%d", a.ID) {
			t.Fatalf("the agent's notifications: %+v", ns)
		}

		_, err = e.rec.CreateAward(e.ctx(e.lead), e.lead, in)
		if !apperr.Is(err, apperr.KindConflict) {
			t.Fatalf("the same badge twice: %v", err)
		}
	})
}

func TestWhoMayAward(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		tk := e.ticketOf(e.ann)
		in := recognition.NewAward{ValueID: e.values[1].ID, TicketID: tk, Citation: "Answered within minutes."}

		// An agent who did not review the ticket nominates instead.
		if _, err := e.rec.CreateAward(e.ctx(e.bob), e.bob, in); !apperr.Is(err, apperr.KindForbidden) {
			t.Fatalf("award by a non-reviewer: %v", err)
		}
		// Nobody awards themselves.
		if _, err := e.rec.CreateAward(e.ctx(e.ann), e.ann, in); err == nil {
			t.Fatal("ann awarded herself")
		}
		// Once bob submitted a review of ann's ticket, he may.
		_, err := d.Write().Exec(`INSERT INTO reviews (ticket_id, agent_id, reviewer_id, scorecard_id, status,
			created_at, updated_at, submitted_at) VALUES ($1, $2, $3, $4, 'submitted', $5, $5, $5)`,
			tk, e.ann.ID, e.bob.ID, e.card.ID, db.Time(db.Now()))
		if err != nil {
			t.Fatal(err)
		}
		a, err := e.rec.CreateAward(e.ctx(e.bob), e.bob, in)
		if err != nil || *a.AwardedBy != e.bob.ID {
			t.Fatalf("award by the reviewer: %+v %v", a, err)
		}
		// A value that does not exist is named.
		in.ValueID = 999999
		_, err = e.rec.CreateAward(e.ctx(e.lead), e.lead, in)
		wantKind(t, err, "value_id")
	})
}

func TestProposalsOnlyForTopOfScaleRatings(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		// Empathetic 5 (top), Responsive 4, Trustful pass: only Empathetic
		// is proposed (a pass is the standard, not a distinction).
		r := e.review(e.ticketOf(e.ann), 5, 4, 1)
		ps, err := e.rec.Proposals(e.ctx(e.lead), e.lead, recognition.ProposalFilter{ReviewID: r.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) != 1 || ps[0].ValueID != e.values[0].ID || ps[0].AgentID != e.ann.ID || ps[0].Status != "open" {
			t.Fatalf("proposals %+v", ps)
		}
		// No top rating, no proposal.
		r2 := e.review(e.ticketOf(e.ann), 4, 3, 1)
		if ps, _ := e.rec.Proposals(e.ctx(e.lead), e.lead, recognition.ProposalFilter{ReviewID: r2.ID}); len(ps) != 0 {
			t.Fatalf("proposals for a review without top ratings: %+v", ps)
		}

		// The agent cannot decide the reviewer's proposal.
		if _, err := e.rec.ConfirmProposal(e.ctx(e.bob), e.bob, ps[0].ID, "x"); err == nil {
			t.Fatal("bob confirmed the lead's proposal")
		}
		_, err = e.rec.ConfirmProposal(e.ctx(e.lead), e.lead, ps[0].ID, " ")
		wantKind(t, err, "citation")
		a, err := e.rec.ConfirmProposal(e.ctx(e.lead), e.lead, ps[0].ID, "Named the customer's worry before she did.")
		if err != nil {
			t.Fatal(err)
		}
		if a.Source != recognition.SourceReview || a.ReviewID == nil || *a.ReviewID != r.ID {
			t.Fatalf("award %+v", a)
		}
		if err := e.rec.DismissProposal(e.ctx(e.lead), e.lead, ps[0].ID); !apperr.Is(err, apperr.KindConflict) {
			t.Fatalf("dismiss a confirmed proposal: %v", err)
		}
		all, _ := e.rec.Proposals(e.ctx(e.lead), e.lead, recognition.ProposalFilter{ReviewID: r.ID, Status: "all"})
		if len(all) != 1 || all[0].Status != "confirmed" || all[0].AwardID == nil || *all[0].AwardID != a.ID {
			t.Fatalf("after confirming: %+v", all)
		}

		// A review voided by a dispute proposes nothing any more.
		rv := e.review(e.ticketOf(e.ann), 5, 5, 1)
		if _, err := d.Write().Exec(`UPDATE reviews SET status = 'voided' WHERE id = $1`, rv.ID); err != nil {
			t.Fatal(err)
		}
		if ps, _ := e.rec.Proposals(e.ctx(e.lead), e.lead, recognition.ProposalFilter{ReviewID: rv.ID}); len(ps) != 0 {
			t.Fatalf("a voided review proposes %+v", ps)
		}
		var lapsed int64
		d.Read().QueryRow(`SELECT id FROM badge_proposals WHERE review_id = $1 LIMIT 1`, rv.ID).Scan(&lapsed)
		if _, err := e.rec.ConfirmProposal(e.ctx(e.lead), e.lead, lapsed, "Still great."); !apperr.Is(err, apperr.KindConflict) {
			t.Fatalf("confirm a lapsed proposal: %v", err)
		}

		// Dismissing a proposal awards nothing.
		r3 := e.review(e.ticketOf(e.ann), 1, 5, 1)
		ps3, _ := e.rec.Proposals(e.ctx(e.lead), e.lead, recognition.ProposalFilter{ReviewID: r3.ID})
		if len(ps3) != 1 || ps3[0].ValueID != e.values[1].ID {
			t.Fatalf("proposals %+v", ps3)
		}
		before := testutil.Count(t, d, "badge_awards")
		if err := e.rec.DismissProposal(e.ctx(e.lead), e.lead, ps3[0].ID); err != nil {
			t.Fatal(err)
		}
		if testutil.Count(t, d, "badge_awards") != before {
			t.Fatal("dismissing awarded a badge")
		}
	})
}

func TestNominationApprovedByLeadsOnly(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		tk := e.ticketOf(e.ann)
		in := recognition.NewAward{ValueID: e.values[2].ID, TicketID: tk, Citation: "Told the customer the truth about the delay."}
		if _, err := e.rec.Nominate(e.ctx(e.ann), e.ann, in); err == nil {
			t.Fatal("ann nominated herself")
		}
		n, err := e.rec.Nominate(e.ctx(e.bob), e.bob, in)
		if err != nil {
			t.Fatal(err)
		}
		if n.AgentID != e.ann.ID || n.NominatedBy != e.bob.ID || n.Status != "open" {
			t.Fatalf("nomination %+v", n)
		}
		if _, err := e.rec.Nominate(e.ctx(e.bob), e.bob, in); !apperr.Is(err, apperr.KindConflict) {
			t.Fatalf("the same nomination twice: %v", err)
		}
		// Ann sees the nomination of her; an agent cannot approve it.
		mine, _ := e.rec.Nominations(e.ctx(e.ann), e.ann, "open")
		if len(mine) != 1 {
			t.Fatalf("ann sees %d nominations", len(mine))
		}
		if _, err := e.rec.ApproveNomination(e.ctx(e.bob), e.bob, n.ID, recognition.Decision{}); !apperr.Is(err, apperr.KindForbidden) {
			t.Fatalf("approval by an agent: %v", err)
		}
		if testutil.Count(t, d, "badge_awards") != 0 {
			t.Fatal("a refused approval awarded a badge")
		}
		a, err := e.rec.ApproveNomination(e.ctx(e.lead), e.lead, n.ID, recognition.Decision{Note: "Well spotted."})
		if err != nil {
			t.Fatal(err)
		}
		if a.Source != recognition.SourceNomination || *a.NominatedBy != e.bob.ID || *a.AwardedBy != e.lead.ID ||
			a.Citation != in.Citation {
			t.Fatalf("award %+v", a)
		}
		if _, err := e.rec.DeclineNomination(e.ctx(e.lead), e.lead, n.ID, recognition.Decision{}); !apperr.Is(err, apperr.KindConflict) {
			t.Fatalf("decline an approved nomination: %v", err)
		}
		var audited int
		d.Read().QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'nomination.approved'`).Scan(&audited)
		if audited != 1 {
			t.Fatalf("%d audit entries for the approval", audited)
		}

		// A declined nomination awards nothing.
		in.ValueID = e.values[0].ID
		n2, err := e.rec.Nominate(e.ctx(e.bob), e.bob, in)
		if err != nil {
			t.Fatal(err)
		}
		got, err := e.rec.DeclineNomination(e.ctx(e.lead), e.lead, n2.ID, recognition.Decision{Note: "Not this time."})
		if err != nil || got.Status != "declined" || got.Note != "Not this time." {
			t.Fatalf("declined %+v %v", got, err)
		}
		if testutil.Count(t, d, "badge_awards") != 1 {
			t.Fatal("declining awarded a badge")
		}
	})
}
