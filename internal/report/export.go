package report

import (
	"encoding/csv"
	"io"
	"net/url"
	"strconv"
)

// WriteCSV writes the result as CSV: period, group_key, group, then one
// column per figure, the same numbers the JSON carries.
func (res Result) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(append([]string{"period", "group_key", "group"}, res.Columns...)); err != nil {
		return err
	}
	for _, r := range res.Rows {
		rec := []string{r.Period, r.GroupKey, csvSafe(r.Group)}
		for _, c := range res.Columns {
			v, ok := r.Values[c]
			if !ok {
				rec = append(rec, "") // no figure
				continue
			}
			rec = append(rec, strconv.FormatFloat(v, 'f', -1, 64))
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvSafe keeps a spreadsheet from reading a name as a formula.
func csvSafe(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@') {
		return "'" + s
	}
	return s
}

// Chart is what a page hands ECharts: the categories of the x axis and one
// series per group and figure, made from a Result and nothing else.
type Chart struct {
	Name       string        `json:"name"`
	Kind       string        `json:"kind"` // "bar" or "line"
	Unit       string        `json:"unit"`
	Categories []string      `json:"categories"`
	Series     []ChartSeries `json:"series"`
}

// ChartSeries is one line or set of bars; Data has a value or null per
// category, and Links the ticket list behind each point.
type ChartSeries struct {
	Name     string     `json:"name"`
	Column   string     `json:"column"`
	GroupKey string     `json:"group_key"`
	Data     []*float64 `json:"data"`
	Links    []string   `json:"links"`
	Goal     *float64   `json:"goal,omitempty"` // service level's goal, drawn as a line across
}

// chartColumns are the figures drawn for each report (a count beside
// hours would crowd the axis; it stays in the tooltip's table).
var chartColumns = map[string][]string{
	Volume:         {"created", "solved"},
	FirstReplyTime: {"median_hours", "p90_hours"},
	ResolutionTime: {"median_hours", "p90_hours"},
	BacklogAge:     {"open"},
	ServiceLevel:   {"service_level"},
	CSAT:           {"satisfied_percent"},
	CES:            {"average"},
}

// chartUnits name each report's y axis.
var chartUnits = map[string]string{Volume: "tickets", BacklogAge: "tickets", FirstReplyTime: "hours",
	ResolutionTime: "hours", ServiceLevel: "%", CSAT: "%", CES: "effort (1-7)"}

// Chart turns the result into series; drill is the path of the ticket list
// a click opens, given the point's query.
func (res Result) Chart(drill string) Chart {
	ch := Chart{Name: res.Name, Kind: "line", Unit: chartUnits[res.Name], Categories: res.Periods, Series: []ChartSeries{}}
	if res.Name == Volume || res.Name == BacklogAge {
		ch.Kind = "bar"
	}
	pos := map[string]int{}
	for i, p := range res.Periods {
		pos[p] = i
	}
	type sk struct{ key, col string }
	index := map[sk]int{}
	for _, r := range res.Rows {
		for _, col := range chartColumns[res.Name] {
			k := sk{r.GroupKey, col}
			i, ok := index[k]
			if !ok {
				i = len(ch.Series)
				index[k] = i
				ch.Series = append(ch.Series, res.newSeries(r, col, drill))
			}
			if goal, ok := r.Values["goal"]; ok && col == "service_level" {
				ch.Series[i].Goal = &goal
			}
			if v, ok := r.Values[col]; ok {
				ch.Series[i].Data[pos[r.Period]] = &v
			}
		}
	}
	return ch
}

func (res Result) newSeries(r Row, col, drill string) ChartSeries {
	s := ChartSeries{Name: r.Group + " · " + ColumnLabel(col), Column: col, GroupKey: r.GroupKey,
		Data: make([]*float64, len(res.Periods)), Links: make([]string, len(res.Periods))}
	if res.GroupBy == "" {
		s.Name = ColumnLabel(col)
	}
	for i, p := range res.Periods {
		if res.Name == Volume || res.Name == BacklogAge {
			zero := 0.0
			s.Data[i] = &zero // no tickets is zero, where no times is no point
		}
		q := url.Values{"report": {res.Name}, "column": {col}, "period": {p}, "time_zone": {res.TimeZone}}
		if res.Interval == Week {
			q.Set("interval", Week)
		}
		if res.Metric != "" {
			q.Set("metric", res.Metric)
		}
		if res.GroupBy != "" {
			q.Set("group_by", res.GroupBy)
			q.Set("key", r.GroupKey)
		}
		s.Links[i] = drill + "?" + q.Encode()
	}
	return s
}

var columnLabels = map[string]string{"created": "Created", "solved": "Solved", "count": "Count",
	"median_hours": "Median (hours)", "p90_hours": "90th percentile (hours)", "open": "Open",
	"service_level": "Service level (%)", "goal": "Goal (%)", "met": "Met", "missed": "Missed",
	"pending": "Pending", "answers": "Answers", "satisfied_percent": "Satisfied (%)", "average": "Average effort"}

// ColumnLabel names a report's column for people.
func ColumnLabel(col string) string {
	if l, ok := columnLabels[col]; ok {
		return l
	}
	return col
}
