package quality

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/quality"
	"github.com/centerdesk/centerdesk/internal/user"
	"github.com/centerdesk/centerdesk/internal/web/kit"
)

// The scorecard builder, for leads: a scorecard from the team's values,
// each value a category with its scale (a range or pass/fail), weight and
// critical flag. Scorecards never change once made (package quality says
// why), so the page lists them and makes new ones.

// scorecardsPage is GET /reviews/scorecards.
type scorecardsPage struct {
	Page
	kit.FormProblem
	Scorecards []*quality.Scorecard
	Values     []valueRow
	Name       string
}

// valueRow is one value as a line of the builder.
type valueRow struct {
	ID       int64
	Name     string
	Include  bool
	PassFail bool
	Min, Max string
	Weight   string
	Critical bool
}

func (wb *reviewPages) scorecardsPage(w http.ResponseWriter, r *http.Request) error {
	return wb.renderScorecards(w, r, http.StatusOK, &scorecardsPage{}, nil)
}

func (wb *reviewPages) renderScorecards(w http.ResponseWriter, r *http.Request, status int, p *scorecardsPage, problem error) error {
	ctx := r.Context()
	p.Page = wb.BasePage(r, "Scorecards")
	var err error
	if p.Scorecards, err = wb.Quality.Scorecards(ctx); err != nil {
		return err
	}
	if p.Values == nil {
		phil, err := wb.Quality.Philosophy(ctx)
		if err != nil {
			return err
		}
		for _, v := range phil.Values {
			p.Values = append(p.Values, valueRow{ID: v.ID, Name: v.Name, Include: true, Min: "1", Max: "5", Weight: "1"})
		}
	}
	if problem != nil {
		if status, p.FormProblem, err = kit.ProblemOf(r, problem); err != nil {
			return err
		}
	}
	wb.Render(w, r, status, "reviews_scorecards", p)
	return nil
}

// createScorecard answers POST /reviews/scorecards.
func (wb *reviewPages) createScorecard(w http.ResponseWriter, r *http.Request) error {
	me := user.FromContext(r.Context())
	if err := r.ParseForm(); err != nil {
		return apperr.Invalid("name", "cannot read the form")
	}
	p := &scorecardsPage{Name: r.PostFormValue("name")}
	in := quality.NewScorecard{Name: p.Name}
	for _, raw := range r.PostForm["value_ids"] {
		row, cat, err := categoryFromForm(r, raw)
		p.Values = append(p.Values, row)
		if err != nil {
			return wb.renderScorecards(w, r, 0, p, err)
		}
		if row.Include {
			in.Categories = append(in.Categories, cat)
		}
	}
	if len(p.Values) > 0 && len(in.Categories) == 0 {
		return wb.renderScorecards(w, r, 0, p, apperr.Invalid("categories", "include at least one value"))
	}
	sc, err := wb.Quality.CreateScorecard(r.Context(), me, in)
	if err != nil {
		return wb.renderScorecards(w, r, 0, p, err)
	}
	wb.Flash(r, "The scorecard “"+sc.Name+"” is made: choose it when you open a period.")
	http.Redirect(w, r, "/reviews/scorecards", http.StatusSeeOther)
	return nil
}

// categoryFromForm reads one value's line of the builder: the row to show
// again and the category it asks for.
func categoryFromForm(r *http.Request, raw string) (valueRow, quality.NewCategory, error) {
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return valueRow{}, quality.NewCategory{}, apperr.Invalid("value_ids", "%q is not an id", raw)
	}
	k := raw
	row := valueRow{ID: id, Name: r.PostFormValue("name-" + k), Include: r.PostFormValue("include-"+k) != "",
		PassFail: r.PostFormValue("scale-"+k) == string(quality.ScalePassFail), Min: r.PostFormValue("min-" + k),
		Max: r.PostFormValue("max-" + k), Weight: r.PostFormValue("weight-" + k), Critical: r.PostFormValue("critical-"+k) != ""}
	cat := quality.NewCategory{ValueID: id, Scale: quality.ScaleRange, Critical: row.Critical}
	if row.PassFail {
		cat.Scale = quality.ScalePassFail
	} else {
		if cat.Min, err = postedInt("min-"+k, row.Min); err != nil {
			return row, cat, err
		}
		if cat.Max, err = postedInt("max-"+k, row.Max); err != nil {
			return row, cat, err
		}
	}
	if w := strings.TrimSpace(row.Weight); w != "" {
		f, err := strconv.ParseFloat(w, 64)
		if err != nil {
			return row, cat, apperr.Invalid("weight-"+k, "%s: the weight %q is not a number", row.Name, w)
		}
		cat.Weight = &f
	}
	return row, cat, nil
}

// postedInt reads an optional whole number; blank is nil.
func postedInt(field, v string) (*int, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return nil, apperr.Invalid(field, "%q is not a whole number", v)
	}
	return &n, nil
}
