package friction

import (
	"net/http"
	"strconv"
	"time"

	"github.com/centerdesk/centerdesk/internal/friction"
	"github.com/centerdesk/centerdesk/internal/web/kit"
)

// reportData is GET /friction/report?from=&to=: tables a leader reads, per
// department and per friction point, with tickets per week and, for a
// fixed point, before and after its fix.
type reportData struct {
	Page
	From, To string // as typed, for the form
	Report   *friction.Report
	kit.FormProblem
	CSV string // the same report as CSV
}

func (wb *Pages) reportPage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	d := &reportData{Page: wb.BasePage(r, "Friction report"), From: q.Get("from"), To: q.Get("to")}
	status := http.StatusOK
	p, err := wb.Friction.Period(d.From, d.To)
	if err != nil {
		var ferr error
		if status, d.FormProblem, ferr = kit.ProblemOf(r, err); ferr != nil {
			return ferr
		}
		wb.Render(w, r, status, "friction_report", d)
		return nil
	}
	if d.Report, err = wb.Friction.Report(r.Context(), p); err != nil {
		return err
	}
	d.From, d.To = p.From.Format(time.DateOnly), p.LastDay().Format(time.DateOnly)
	if f := q.Get("format"); f == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="friction-report.csv"`)
		return d.Report.WriteCSV(w)
	}
	d.CSV = "/friction/report?format=csv&from=" + d.From + "&to=" + d.To
	wb.Render(w, r, status, "friction_report", d)
	return nil
}

// Rate writes tickets per week to one decimal, or a dash when the side
// has no days in the period.
func (reportData) Rate(r *float64) string {
	if r == nil {
		return "–"
	}
	return strconv.FormatFloat(*r, 'f', 1, 64)
}

// Score writes a survey score to one decimal with its number of answers
// ("66.7% of 3"), or a dash without an answer; unit follows the score.
func (reportData) Score(v *float64, unit string, answers int) string {
	if v == nil {
		return "–"
	}
	return strconv.FormatFloat(*v, 'f', 1, 64) + unit + " of " + strconv.Itoa(answers)
}

// Wait writes the customers' summed wait in hours and minutes.
func (reportData) Wait(seconds int64) string {
	m := seconds / 60
	if m < 60 {
		return strconv.FormatInt(m, 10) + " min"
	}
	return strconv.FormatInt(m/60, 10) + " h " + strconv.FormatInt(m%60, 10) + " min"
}
