package dashboard

import (
	"bytes"
	"fmt"
	htmltemplate "html/template"
	"slices"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/centerdesk/centerdesk/internal/outbound"
	"github.com/centerdesk/centerdesk/internal/report"
)

// maxSummaryRows bounds the rows a mail's summary lists per report; the
// CSV attached has them all.
const maxSummaryRows = 8

// additive are the columns whose figures add up over days and groups
// (counts of tickets), so the summary can give their total; a median or a
// percentile does not add, and is given for the latest day instead.
var additive = map[string]bool{"created": true, "solved": true, "count": true, "open": true}

// digest is one mail: a section per report, each with its CSV.
type digest struct {
	Title     string
	Dashboard bool
	Zone      string
	Period    string
	Link      string
	Sections  []section
	files     []outbound.NoticeFile
}

// section is one report's summary: its totals, and the rows of its latest
// period with figures.
type section struct {
	Heading string
	Days    string   // "2026-12-01 to 2026-12-07"
	Totals  []figure // over the whole range, for additive columns
	Latest  string   // the period the rows are of
	Columns []string // labels
	Rows    []line
	More    int    // rows of the latest period left out
	File    string // the CSV's name
}

type figure struct{ Label, Value string }

// line is one group's figures in the summary.
type line struct {
	Group   string
	Figures []figure
}

func (m *digest) add(w Widget, res report.Result) error {
	var csv bytes.Buffer
	if err := res.WriteCSV(&csv); err != nil {
		return err
	}
	days := res.From + " to " + res.To
	if res.Name == report.BacklogAge {
		days = "unsolved now, by age" // its periods are ages, not days
	}
	sec := section{Heading: w.Heading(), Days: days,
		File: fmt.Sprintf("%02d-%s_%s_%s.csv", len(m.Sections)+1, res.Name, res.From, res.To)}
	if w.GroupBy != "" {
		sec.Heading += " by " + w.GroupBy
	}
	for _, c := range res.Columns {
		sec.Columns = append(sec.Columns, report.ColumnLabel(c))
		if additive[c] {
			var sum float64
			for _, r := range res.Rows {
				sum += r.Values[c]
			}
			sec.Totals = append(sec.Totals, figure{report.ColumnLabel(c), number(sum)})
		}
	}
	sec.Latest, sec.Rows, sec.More = latestRows(res)
	m.Sections = append(m.Sections, sec)
	m.files = append(m.files, outbound.NoticeFile{Name: sec.File, ContentType: "text/csv; charset=utf-8", Data: csv.Bytes()})
	return nil
}

// latestRows are the rows of the last period that has any (for
// backlog_age, whose periods are ages, all of them), group then figures.
func latestRows(res report.Result) (string, []line, int) {
	var latest string
	for _, r := range res.Rows {
		if r.Period > latest || res.Name == report.BacklogAge {
			latest = r.Period
		}
	}
	var out []line
	more := 0
	for _, r := range res.Rows {
		if r.Period != latest && res.Name != report.BacklogAge {
			continue
		}
		if len(out) == maxSummaryRows {
			more++
			continue
		}
		group := r.Group
		switch {
		case res.Name == report.BacklogAge && res.GroupBy == "":
			group = r.Period
		case res.Name == report.BacklogAge:
			group = r.Period + " · " + r.Group
		case res.GroupBy == "":
			group = "Whole desk"
		}
		l := line{Group: group}
		for _, c := range res.Columns {
			l.Figures = append(l.Figures, figure{report.ColumnLabel(c), number(r.Values[c])})
		}
		out = append(out, l)
	}
	if res.Name == report.BacklogAge {
		latest = "Now"
	} else if latest != "" {
		latest = "On " + latest + ", the latest day with figures"
	}
	return latest, out, more
}

func number(v float64) string {
	if v == float64(int64(v)) {
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}

// notice is the mail to address: a subject, the summary as text and HTML,
// and each report's CSV.
func (m *digest) notice(to string, at time.Time) (outbound.Notice, error) {
	kind := "Report"
	if m.Dashboard {
		kind = "Dashboard"
	}
	subject := fmt.Sprintf("%s: %s, %s", kind, oneLine(m.Title), m.Period)
	var text, html bytes.Buffer
	if err := textMail.Execute(&text, m); err != nil {
		return outbound.Notice{}, err
	}
	if err := htmlMail.Execute(&html, m); err != nil {
		return outbound.Notice{}, err
	}
	return outbound.Notice{To: to, Subject: subject, Text: text.String(), HTML: html.String(), Date: at,
		Files: slices.Clone(m.files)}, nil
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

var textMail = template.Must(template.New("text").Parse(`{{.Title}}: the figures for {{.Period}}, days in {{.Zone}}.
The full numbers of each report are in the CSV file attached.
{{range .Sections}}
== {{.Heading}} ({{.Days}}) ==
{{if .Totals}}In all: {{range $i, $f := .Totals}}{{if $i}}, {{end}}{{$f.Label}} {{$f.Value}}{{end}}.
{{end}}{{if .Rows}}{{.Latest}}:
{{range .Rows}}  - {{.Group}}: {{range $i, $f := .Figures}}{{if $i}}, {{end}}{{$f.Label}} {{$f.Value}}{{end}}
{{end}}{{if .More}}  ...and {{.More}} more in the CSV
{{end}}{{else}}No figures in this range.
{{end}}Attached: {{.File}}
{{end}}
See it on the desk: {{.Link}}
`))

var htmlMail = htmltemplate.Must(htmltemplate.New("html").Parse(`<!DOCTYPE html><html><body style="font-family:sans-serif">
<h1 style="font-size:20px">{{.Title}}</h1>
<p>The figures for {{.Period}}, days in {{.Zone}}. The full numbers of each report are in the CSV file attached.</p>
{{range .Sections}}
<h2 style="font-size:16px">{{.Heading}} <span style="color:#666;font-weight:normal">{{.Days}}</span></h2>
{{if .Totals}}<p>In all: {{range $i, $f := .Totals}}{{if $i}}, {{end}}<strong>{{$f.Label}} {{$f.Value}}</strong>{{end}}</p>{{end}}
{{if .Rows}}<p style="margin-bottom:4px">{{.Latest}}:</p>
<table style="border-collapse:collapse" cellpadding="4">
<tr><th style="text-align:left">Group</th>{{range .Columns}}<th style="text-align:right">{{.}}</th>{{end}}</tr>
{{range .Rows}}<tr><td>{{.Group}}</td>{{range .Figures}}<td style="text-align:right">{{.Value}}</td>{{end}}</tr>
{{end}}</table>{{if .More}}<p>...and {{.More}} more in the CSV.</p>{{end}}
{{else}}<p>No figures in this range.</p>{{end}}
<p style="color:#666">Attached: {{.File}}</p>
{{end}}
<p><a href="{{.Link}}">See it on the desk</a></p>
</body></html>
`))
