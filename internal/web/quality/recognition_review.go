package quality

import (
	"net/http"
	"strconv"

	"github.com/centerdesk/centerdesk/internal/quality"
	"github.com/centerdesk/centerdesk/internal/recognition"
	"github.com/centerdesk/centerdesk/internal/user"
)

// reviewBadges fills the "review-badges" section of a submitted review's
// page: the badges the review proposed by rating a value at the top of its
// range (its reviewer, or a lead, confirms each with a citation or
// dismisses it), the badges the ticket already earned, and for whoever may
// award, a form to award another value's badge.
type reviewBadges struct {
	Back        string // the review's page, where the forms return
	Proposals   []*recognition.Proposal
	Awards      []*recognition.Award
	Values      []recognition.ValueOption
	CanAward    bool
	TicketID    int64
	AgentID     int64
	MaxCitation int
}

// reviewBadgesFor loads the section for rv as seen by the signed-in user;
// nil when there is nothing to show (a draft, or a calibration review).
func (wb *reviewPages) reviewBadgesFor(r *http.Request, rv *quality.Review) (*reviewBadges, error) {
	if wb.Recognition == nil || rv.Status != quality.StatusSubmitted || rv.CalibrationID != nil {
		return nil, nil
	}
	ctx := r.Context()
	me := user.FromContext(ctx)
	b := &reviewBadges{Back: "/reviews/" + strconv.FormatInt(rv.ID, 10), TicketID: rv.TicketID,
		AgentID: rv.AgentID, MaxCitation: recognition.MaxCitation}
	b.CanAward = me.ID != rv.AgentID && (me.ID == rv.ReviewerID || me.IsLead())
	var err error
	if b.CanAward {
		if b.Proposals, err = wb.Recognition.Proposals(ctx, me, recognition.ProposalFilter{ReviewID: rv.ID}); err != nil {
			return nil, err
		}
		if b.Values, err = wb.Recognition.ValueOptions(ctx); err != nil {
			return nil, err
		}
	}
	all, err := wb.Recognition.Feed(ctx, me, recognition.FeedFilter{TicketID: rv.TicketID, Limit: recognition.MaxFeedLimit})
	if err != nil {
		return nil, err
	}
	for _, a := range all {
		if a.AgentID == rv.AgentID {
			b.Awards = append(b.Awards, a)
		}
	}
	return b, nil
}
