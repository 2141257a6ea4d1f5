package recognition

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/centerdesk/centerdesk/internal/friction"
)

// The friction hunter's badge belongs to no value of the philosophy: it
// is stored like an award whose value was removed (no value id), so the
// feed shows its code as text, and the unique award per value, ticket and
// agent does not bind it.
const (
	HunterName   = "Friction hunter"
	HunterCode   = "FH"
	HunterColour = "#9a3412"
)

// RecogniseHunter posts in the feed, in tx, that an agent found a cause of
// customer effort a lead accepted as a friction point: the agent is told,
// and the award goes to the webhook as any other. It returns the award's
// id; package friction calls it through its Recogniser.
func (s *Service) RecogniseHunter(ctx context.Context, tx *sql.Tx, h friction.Hunt) (int64, error) {
	lead := h.LeadID
	a := &Award{ValueName: HunterName, ValueCode: HunterCode, ValueColour: HunterColour,
		TicketID: h.TicketID, AgentID: h.AgentID, AwardedBy: &lead, Source: SourceDirect,
		Citation: fmt.Sprintf("Found a cause of customer effort: %q, owned by %s, now a friction point for the department to fix.",
			h.Point, h.Department)}
	if err := s.insertAward(ctx, tx, a); err != nil {
		return 0, err
	}
	return a.ID, nil
}
