package workspace

import (
	"fmt"
	"time"

	"github.com/centerdesk/centerdesk/internal/view"
)

// inboxCell is one cell of the inbox table, worked out in Go. The template
// only writes it out: choosing what each column shows cell by cell in the
// template (a chain of eq calls through reflection for each of 400 cells)
// cost 3 ms a page, most of an inbox page's time (BenchmarkInboxRows).
type inboxCell struct {
	Label string     // the column's name, which a phone shows beside the value
	Text  string     // what the cell says
	Href  string     // a link, when the text is one
	Class string     // the link's or the badge's class
	Badge bool       // the text is a badge (status, priority)
	Muted bool       // the text says something is missing
	Tags  []string   // the tags, for the tags column
	At    *time.Time // the moment, for time columns (written with when)
}

// fillCells works out r's cells for columns.
func (r *inboxRow) fillCells(columns []string) {
	r.Cells = make([]inboxCell, 0, len(columns))
	for _, col := range columns {
		r.Cells = append(r.Cells, r.cell(col))
	}
}

func (r *inboxRow) cell(col string) inboxCell {
	c := inboxCell{Label: view.ColumnLabel(col)}
	switch col {
	case "number":
		c.Text, c.Href = fmt.Sprintf("#%d", r.Number), fmt.Sprintf("/tickets/%d", r.ID)
	case "subject":
		c.Text, c.Href, c.Class = r.Subject, fmt.Sprintf("/tickets/%d", r.ID), "subject"
	case "requester":
		c.Text = r.Requester
	case "status":
		c.Text, c.Badge, c.Class = r.Status, true, "status-"+r.Status
		if r.CustomStatus != nil {
			c.Text = r.CustomStatus.Label
		}
	case "priority":
		c.Text, c.Badge, c.Class = r.Priority, true, "priority-"+r.Priority
	case "assignee":
		c.Text = r.Assignee
		if c.Text == "" {
			c.Text, c.Muted = "Unassigned", true
		}
	case "team":
		c.Text = r.Team
	case "tags":
		c.Tags = r.Tags
	case "channel":
		c.Text = r.Channel
	case "updated":
		c.At = &r.UpdatedAt
	case "created":
		c.At = &r.CreatedAt
	}
	return c
}
