package people

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/quality"
	"github.com/centerdesk/centerdesk/internal/standing"
	"github.com/centerdesk/centerdesk/internal/user"
)

// leaderboardData is GET /leaderboard.
type leaderboardData struct {
	Page
	Lead     bool
	Board    *standing.Board // nil before the first review period
	Rows     []leaderRow
	Periods  []*quality.Period
	PeriodID int64
}

type leaderRow struct {
	AgentID  int64
	Name     string
	Mine     bool
	Standing standingView
}

// leaderboardPage serves GET /leaderboard: the period's standings, every
// agent's for leads (and for all when the setting allows), else one's own.
func (wb *Pages) leaderboardPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	me := user.FromContext(ctx)
	var period int64
	if v := r.URL.Query().Get("period_id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return apperr.Invalid("period_id", "%q is not an id", v)
		}
		period = id
	}
	d := &leaderboardData{Page: wb.BasePage(r, "Leaderboard"), Lead: me.IsLead()}
	b, err := wb.Standing.Leaderboard(ctx, me, period)
	switch {
	case apperr.Is(err, apperr.KindNotFound) && period == 0:
		// No review period yet: the page says so.
	case err != nil:
		return err
	default:
		d.Board, d.PeriodID = b, b.Period.ID
		for i := range b.Rows {
			st := &b.Rows[i]
			d.Rows = append(d.Rows, leaderRow{AgentID: st.AgentID, Name: st.AgentName, Mine: st.AgentID == me.ID,
				Standing: viewStanding(st, b.MinReviews)})
		}
	}
	if d.Periods, err = wb.Quality.Periods(ctx); err != nil {
		return err
	}
	wb.Render(w, r, http.StatusOK, "people_leaderboard", d)
	return nil
}

// standingSettingsData is GET /leaderboard/settings, for leads.
type standingSettingsData struct {
	Page
	Config          standing.Config
	CoachingVisible bool
	Problem         *problem
}

func (wb *Pages) standingSettingsPage(w http.ResponseWriter, r *http.Request) error {
	c, err := wb.Standing.Config(r.Context())
	if err != nil {
		return err
	}
	open, err := wb.Coaching.VisibleToAgents(r.Context())
	if err != nil {
		return err
	}
	wb.Render(w, r, http.StatusOK, "people_settings", &standingSettingsData{
		Page: wb.BasePage(r, "Tiers and visibility"), Config: c, CoachingVisible: open})
	return nil
}

// saveStandingSettings serves POST /leaderboard/settings: cut-offs,
// weights, badge target, and who sees whose standing and coaching.
func (wb *Pages) saveStandingSettings(w http.ResponseWriter, r *http.Request) error {
	me := user.FromContext(r.Context())
	if err := r.ParseForm(); err != nil {
		return apperr.Invalid("green_from", "cannot read the form")
	}
	d := &standingSettingsData{Page: wb.BasePage(r, "Tiers and visibility"),
		CoachingVisible: r.PostFormValue("coaching_visible") == "true"}
	p, err := configFromForm(r, &d.Config)
	if err == nil {
		_, err = wb.Standing.UpdateConfig(r.Context(), me, p)
	}
	if err == nil {
		err = wb.Coaching.SetVisibleToAgents(r.Context(), me, d.CoachingVisible)
	}
	if err != nil {
		pr, status, ok := asProblem(r, err)
		if !ok {
			return err
		}
		d.Problem = pr
		wb.Render(w, r, status, "people_settings", d)
		return nil
	}
	wb.Flash(r, "Saved the tiers and who sees them.")
	http.Redirect(w, r, "/leaderboard/settings", http.StatusSeeOther)
	return nil
}

// configFromForm reads the settings form into a patch, and echoes what
// was typed into shown so a refused form keeps it.
func configFromForm(r *http.Request, shown *standing.Config) (standing.ConfigPatch, error) {
	num := func(field string, dst *float64) error {
		v := strings.TrimSpace(r.PostFormValue(field))
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return apperr.Invalid(field, "give a number from 0 to 100")
		}
		*dst = f
		return nil
	}
	c := shown
	c.VisibleTo = standing.Visibility(r.PostFormValue("visible_to"))
	for _, f := range []struct {
		name string
		dst  *float64
	}{{"green_from", &c.GreenFrom}, {"orange_from", &c.OrangeFrom}, {"weight_quality", &c.Weights.Quality},
		{"weight_customer", &c.Weights.Customer}, {"weight_badges", &c.Weights.Badges},
		{"weight_outcomes", &c.Weights.Outcomes}} {
		if err := num(f.name, f.dst); err != nil {
			return standing.ConfigPatch{}, err
		}
	}
	n, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("badge_target")))
	if err != nil {
		return standing.ConfigPatch{}, apperr.Invalid("badge_target", "give a whole number of badges")
	}
	c.BadgeTarget = n
	if c.MinReviews, err = strconv.Atoi(strings.TrimSpace(r.PostFormValue("min_reviews"))); err != nil {
		return standing.ConfigPatch{}, apperr.Invalid("min_reviews", "give a whole number of reviews")
	}
	if c.MinAnswers, err = strconv.Atoi(strings.TrimSpace(r.PostFormValue("min_answers"))); err != nil {
		return standing.ConfigPatch{}, apperr.Invalid("min_answers", "give a whole number of answers")
	}
	w := c.Weights
	return standing.ConfigPatch{GreenFrom: &c.GreenFrom, OrangeFrom: &c.OrangeFrom, VisibleTo: &c.VisibleTo,
		Weights: &standing.WeightsPatch{Quality: &w.Quality, Customer: &w.Customer, Badges: &w.Badges,
			Outcomes: &w.Outcomes},
		BadgeTarget: &c.BadgeTarget, MinReviews: &c.MinReviews, MinAnswers: &c.MinAnswers}, nil
}
