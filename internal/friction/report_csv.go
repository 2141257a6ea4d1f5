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
		"contacts", "reopens", "before_tickets", "before_tickets_per_week", "after_tickets", "after_tickets_per_week"}
	for _, wk := range r.Weeks {
		head = append(head, "week_"+wk.Format(time.DateOnly))
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, d := range r.Departments {
		line := append([]string{"department", defuse(d.Name), "", "", ""}, figures(d.Figures)...)
		line = append(line, "", "", "", "")
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
			line = append(line, strconv.Itoa(p.Fix.Before.Tickets), rate(p.Fix.Before.PerWeek),
				strconv.Itoa(p.Fix.After.Tickets), rate(p.Fix.After.PerWeek))
		} else {
			line = append(line, "", "", "", "")
		}
		if err := cw.Write(append(line, ints(p.Trend)...)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func figures(f Figures) []string {
	return ints([]int{f.Tickets, f.Customers, f.Contacts, f.Reopens})
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
