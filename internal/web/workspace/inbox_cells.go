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
	Col   string     // the column, which the cell's class names for its width
	Label string     // the column's name, which a phone shows beside the value
	Text  string     // what the cell says
	Href  string     // a link, when the text is one
	Class string     // the link's or the badge's class
	Badge bool       // the text is a badge (status, priority)
	Muted bool       // the text says something is missing
	Tags  []string   // the tags, for the tags column
	At    *time.Time // the moment, for time columns (written with when)
	Since *time.Time // when a wait began, for the waiting column (written with waited)
	// Snippet follows the subject: the start of the last public message.
	Snippet string
	// Replied marks a wait that began with the customer writing back after
	// an agent's reply: the cue that a conversation needs us again.
	Replied bool
	// Title is the exact wait, for a pointer resting on the short one.
	Title string
}

// fillCells works out r's cells for columns, waits as of now.
func (r *inboxRow) fillCells(columns []string, now time.Time) {
	r.Cells = make([]inboxCell, 0, len(columns))
	for _, col := range columns {
		r.Cells = append(r.Cells, r.cell(col, now))
	}
}

func (r *inboxRow) cell(col string, now time.Time) inboxCell {
	c := inboxCell{Col: col, Label: view.ColumnLabel(col)}
	switch col {
	case "number":
		c.Text, c.Href, c.Class = fmt.Sprintf("#%d", r.Number), fmt.Sprintf("/tickets/%d", r.ID), "number"
	case "subject":
		c.Text, c.Href, c.Class, c.Snippet = r.Subject, fmt.Sprintf("/tickets/%d", r.ID), "subject", r.Snippet
	case "waiting":
		r.waitingCell(&c, now)
	case "requester":
		c.Text = r.Requester
	case "status":
		c.Text, c.Badge, c.Class = humanize(r.Status), true, "status-"+r.Status
		if r.CustomStatus != nil {
			c.Text = r.CustomStatus.Label
		}
	case "priority":
		c.Text, c.Badge, c.Class = r.Priority, true, "priority-"+r.Priority
	case "assignee":
		// Nobody's ticket leaves the cell blank to the eye (forty rows of
		// "Unassigned" in the Unassigned view say nothing and crowd it)
		// but not to a screen reader.
		c.Text = r.Assignee
		if c.Text == "" {
			c.Text, c.Muted, c.Class = "Unassigned", true, "visually-hidden"
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

// waitingCell says how long the customer has waited since their last
// message, when theirs is the conversation's last word; otherwise the cell
// stays empty, since nobody waits.
func (r *inboxRow) waitingCell(c *inboxCell, now time.Time) {
	if r.WaitingSince == nil {
		return
	}
	since := *r.WaitingSince
	c.Text, c.Since = waitFor(now.Sub(since)), &since
	c.Title = "Waiting for " + waitLong(now.Sub(since))
	c.Replied = r.FirstReplyAt != nil && r.FirstReplyAt.Before(since)
	if c.Replied {
		c.Title = "The customer replied; waiting for " + waitLong(now.Sub(since))
	}
}

// waitLong writes a wait in words to the minute, for the title of the
// compact one: "3 h 12 min", "2 d 4 h". The wait is a duration, not a
// clock time, so it reads the same in every time zone.
func waitLong(d time.Duration) string {
	d = d.Truncate(time.Minute)
	days, hours, mins := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case days > 0:
		return fmt.Sprintf("%d d %d h", days, hours)
	case hours > 0:
		return fmt.Sprintf("%d h %d min", hours, mins)
	}
	return fmt.Sprintf("%d min", mins)
}

// waitFor writes a wait as compactly as an inbox column allows, in its
// largest whole unit: "now", "12m", "3h", "2d", "5w".
func waitFor(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "now"
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d/time.Minute))
	case d < 24*time.Hour:
		return fmt.Sprintf("%dh", int(d/time.Hour))
	case d < 14*24*time.Hour:
		return fmt.Sprintf("%dd", int(d/(24*time.Hour)))
	}
	return fmt.Sprintf("%dw", int(d/(7*24*time.Hour)))
}
