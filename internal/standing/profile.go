package standing

import (
	"context"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/quality"
	"github.com/centerdesk/centerdesk/internal/user"
)

// Profile is what an agent's page shows of their work. Parts the viewer may
// not see are left empty, with the flag that says so.
type Profile struct {
	AgentID   int64  `json:"agent_id"`
	AgentName string `json:"agent_name"`
	Own       bool   `json:"own"` // the viewer is the agent

	Period   *quality.Period `json:"period"`   // the current period; nil before the first
	Standing *Standing       `json:"standing"` // in Period
	Cutoffs  Cutoffs         `json:"cutoffs"`
	// MinReviews is the reviews in a period a score needs.
	MinReviews int `json:"min_reviews"`

	// ShowReviews is false when the viewer may not read the agent's
	// reviews; Trend, Reviews, Values, Strengths and Growth are then empty.
	ShowReviews bool          `json:"show_reviews"`
	Trend       []TrendPoint  `json:"trend"`
	Reviews     []ReviewLine  `json:"reviews"`
	Values      []ValueRating `json:"values"`
	Strengths   []ValueRating `json:"strengths"`
	Growth      []ValueRating `json:"growth"`

	Months []string   `json:"months"` // labels of the badge columns, oldest first
	Badges []BadgeRow `json:"badges"`

	// ShowFeedback is true for the agent and leads: what customers said
	// of the agent is the agent's to see first, and a lead's to coach on.
	// Feedback is nil otherwise.
	ShowFeedback bool      `json:"show_feedback"`
	Feedback     *Feedback `json:"feedback"`
}

// Profile gathers agentID's page for who: their own always, anyone's for
// leads, and others' when SettingVisibleTo is "everyone"; anyone else is
// told "not found".
func (s *Service) Profile(ctx context.Context, who *user.User, agentID int64) (*Profile, error) {
	if err := requireUser(who); err != nil {
		return nil, err
	}
	q := s.db.Reader(ctx)
	cfg, err := loadConfig(ctx, q)
	if err != nil {
		return nil, err
	}
	if !mayView(who, agentID, cfg) {
		return nil, apperr.NotFound("agent")
	}
	name, err := agentName(ctx, q, agentID)
	if err != nil {
		return nil, err
	}
	p := &Profile{AgentID: agentID, AgentName: name, Own: who.ID == agentID, Cutoffs: cfg.Cutoffs, MinReviews: cfg.MinReviews,
		Trend: []TrendPoint{}, Reviews: []ReviewLine{}, Values: []ValueRating{}, Badges: []BadgeRow{}}
	if err := s.fillStanding(ctx, who, p); err != nil {
		return nil, err
	}
	if p.ShowReviews, err = mayReadReviews(ctx, q, who, agentID); err != nil {
		return nil, err
	}
	if p.ShowReviews {
		if err := fillReviews(ctx, q, p); err != nil {
			return nil, err
		}
	}
	now := s.now()
	if p.ShowFeedback = p.Own || who.IsLead(); p.ShowFeedback {
		if p.Feedback, err = agentFeedback(ctx, q, agentID, now); err != nil {
			return nil, err
		}
	}
	p.Months = monthLabels(now, BadgeMonths)
	p.Badges, err = badgesByValue(ctx, q, agentID, now)
	return p, err
}

func (s *Service) fillStanding(ctx context.Context, who *user.User, p *Profile) error {
	st, err := s.AgentStanding(ctx, who, p.AgentID, 0)
	if apperr.Is(err, apperr.KindNotFound) {
		return nil // no review period yet
	}
	if err != nil {
		return err
	}
	b, err := s.pickPeriod(ctx, s.db.Reader(ctx), 0)
	if err != nil {
		return err
	}
	p.Standing, p.Period = st, b
	return nil
}

func fillReviews(ctx context.Context, q db.Queryer, p *Profile) error {
	var err error
	if p.Trend, err = trend(ctx, q, p.AgentID); err != nil {
		return err
	}
	if p.Reviews, err = recentReviews(ctx, q, p.AgentID); err != nil {
		return err
	}
	if p.Values, err = valueRatings(ctx, q, p.AgentID); err != nil {
		return err
	}
	p.Strengths, p.Growth = strengthsAndGrowth(p.Values)
	return nil
}

// BadgeMonths is how many months of badges an agent's page shows.
const BadgeMonths = 6

func monthLabels(now time.Time, n int) []string {
	first := monthStart(now).AddDate(0, -(n - 1), 0)
	out := make([]string, n)
	for i := range out {
		out[i] = first.AddDate(0, i, 0).Format("Jan 2006")
	}
	return out
}

func monthStart(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}
