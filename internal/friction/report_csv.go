package friction

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"
)

// WriteCSV writes the report as CSV: one line per department, then one per
// friction point, with the figures, the fix comparison and a column per
// week.
func (r *Report) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	head := []string{"kind", "department", "friction_point", "status", "fixed_on", "tickets", "customers",
		"contacts", "reopens", "channel_switches", "customer_wait_seconds", "csat_answers", "csat_score", "ces_answers", "ces_mean",
		"before_tickets", "before_tickets_per_week", "after_tickets", "after_tickets_per_week",
		"before_channel_switches", "after_channel_switches", "before_customer_wait_seconds", "after_customer_wait_seconds",
		"before_csat_answers", "after_csat_answers", "before_csat_score", "after_csat_score",
		"before_ces_answers", "after_ces_answers", "before_ces_mean", "after_ces_mean"}
	for _, wk := range r.Weeks {
		head = append(head, "week_"+wk.Format(time.DateOnly))
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, d := range r.Departments {
		line := append([]string{"department", defuse(d.Name), "", "", ""}, figures(d.Figures)...)
		line = append(line, make([]string, 16)...)
		if err := cw.Write(append(line, ints(d.Trend)...)); err != nil {
			return err
		}
	}
	for _, p := range r.Points {
		fixed := ""
		if p.FixedOn != nil {
			fixed = p.FixedOn.Format(time.DateOnly)
		}
		line := append([]string{"friction_point", defuse(p.DepartmentName), defuse(p.Name), string(p.Status), fixed}, figures(p.Figures)...)
		if p.Fix != nil {
			b, a := p.Fix.Before, p.Fix.After
			line = append(line, strconv.Itoa(b.Tickets), rate(b.PerWeek), strconv.Itoa(a.Tickets), rate(a.PerWeek),
				strconv.Itoa(b.ChannelSwitches), strconv.Itoa(a.ChannelSwitches),
				strconv.FormatInt(b.CustomerWaitSeconds, 10), strconv.FormatInt(a.CustomerWaitSeconds, 10),
				strconv.Itoa(b.CSATAnswers), strconv.Itoa(a.CSATAnswers), rate(b.CSATScore), rate(a.CSATScore),
				strconv.Itoa(b.CESAnswers), strconv.Itoa(a.CESAnswers), rate(b.CESMean), rate(a.CESMean))
		} else {
			line = append(line, make([]string, 16)...)
		}
		if err := cw.Write(append(line, ints(p.Trend)...)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func figures(f Figures) []string {
	return append(ints([]int{f.Tickets, f.Customers, f.Contacts, f.Reopens, f.ChannelSwitches}),
		strconv.FormatInt(f.CustomerWaitSeconds, 10), strconv.Itoa(f.CSATAnswers), rate(f.CSATScore),
		strconv.Itoa(f.CESAnswers), rate(f.CESMean))
}

func ints(ns []int) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = strconv.Itoa(n)
	}
	return out
}

func rate(r *float64) string {
	if r == nil {
		return ""
	}
	return strconv.FormatFloat(*r, 'f', 1, 64)
}

// defuse keeps a spreadsheet from running a name as a formula (CSV
// injection), as the ticket export does: a leading = + - @ tab or carriage
// return gets a single quote before it.
func defuse(cell string) string {
	if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return "'" + cell
	}
	return cell
}
