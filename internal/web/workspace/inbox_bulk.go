package workspace

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/user"
)

// inboxBulk applies one change to every selected ticket, each through the
// ticket service in its own transaction (so each appends its events), and
// reports in a flash what changed and what could not.
func (wb *Pages) inboxBulk(w http.ResponseWriter, r *http.Request) error {
	back := "/inbox?view=" + url.QueryEscape(r.PostFormValue("view"))
	if c := r.PostFormValue("cursor"); c != "" {
		back += "&cursor=" + url.QueryEscape(c)
	}
	ids, err := selectedTickets(r)
	if err != nil {
		return err
	}
	var report string
	if len(ids) == 0 {
		report = "Select at least one ticket first."
	} else if r.PostFormValue("action") == "merge" {
		report, err = wb.bulkMerge(r.Context(), ids, r.PostFormValue("merge_into"))
	} else {
		report, err = wb.bulkPatch(r, ids)
	}
	if err != nil {
		return err
	}
	wb.Flash(r, report)
	http.Redirect(w, r, httpx.LocalPath(back, "/inbox"), http.StatusSeeOther)
	return nil
}

func selectedTickets(r *http.Request) ([]int64, error) {
	if err := r.ParseForm(); err != nil {
		return nil, apperr.Invalid("ticket", "cannot read the form")
	}
	values := r.PostForm["ticket"]
	if len(values) > ticket.MaxBulk {
		return nil, apperr.Invalid("ticket", "select at most %d tickets at once", ticket.MaxBulk)
	}
	var ids []int64
	for _, v := range values {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return nil, apperr.Invalid("ticket", "%q is not a ticket id", v)
		}
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// bulkPatch builds one patch from the form and applies it to each ticket.
func (wb *Pages) bulkPatch(r *http.Request, ids []int64) (string, error) {
	p, err := bulkPatchOf(r)
	if err != nil {
		return "", err
	}
	if p == nil {
		return "Choose a change to apply to the selected tickets.", nil
	}
	results, err := wb.Tickets.ApplyBulk(r.Context(), ticket.Bulk{IDs: ids, Patch: p})
	if err != nil {
		return "", err
	}
	changed, failed := bulkOutcome(results, func(id int64) string { return fmt.Sprintf("ticket %d", id) })
	return summary(fmt.Sprintf("Updated %d of %d tickets.", changed, len(ids)), failed), nil
}

// bulkOutcome counts the tickets a bulk change changed (or found as asked)
// and lists the refused ones, each named by name.
func bulkOutcome(results []ticket.BulkResult, name func(id int64) string) (int, []string) {
	done := 0
	var failed []string
	for _, r := range results {
		switch {
		case r.Result != ticket.BulkRefused:
			done++
		case r.Field != "":
			failed = append(failed, fmt.Sprintf("%s: %s: %s", name(r.ID), r.Field, r.Reason))
		default:
			failed = append(failed, fmt.Sprintf("%s: %s", name(r.ID), r.Reason))
		}
	}
	return done, failed
}

// bulkPatchOf reads the form's changes; nil when it asks for none.
func bulkPatchOf(r *http.Request) (*ticket.Patch, error) {
	var p ticket.Patch
	some := false
	switch a := r.PostFormValue("assignee"); a {
	case "":
	case "me":
		me := user.FromContext(r.Context()).ID
		p.AssigneeID, some = ticket.SetID(&me), true
	case "none":
		p.AssigneeID, some = ticket.SetID(nil), true
	default:
		id, err := strconv.ParseInt(a, 10, 64)
		if err != nil || id <= 0 {
			return nil, apperr.Invalid("assignee", "%q is not an agent", a)
		}
		p.AssigneeID, some = ticket.SetID(&id), true
	}
	if s := r.PostFormValue("status"); s != "" {
		p.Status, some = &s, true
	}
	if s := r.PostFormValue("priority"); s != "" {
		p.Priority, some = &s, true
	}
	if t := strings.TrimSpace(r.PostFormValue("add_tag")); t != "" {
		p.AddTags, some = []string{t}, true
	}
	if t := strings.TrimSpace(r.PostFormValue("remove_tag")); t != "" {
		p.RemoveTags, some = []string{t}, true
	}
	if !some {
		return nil, nil
	}
	return &p, nil
}

// bulkMerge merges every selected ticket into the one numbered into, or
// into the oldest selected when into is blank. The target must be among
// the selected tickets, so an agent merges only what they see ticked.
func (wb *Pages) bulkMerge(ctx context.Context, ids []int64, into string) (string, error) {
	if len(ids) < 2 {
		return "Select at least two tickets to merge.", nil
	}
	tickets := make([]*ticket.Ticket, 0, len(ids))
	for _, id := range ids {
		t, err := wb.Tickets.Get(ctx, id)
		if err != nil {
			return "", err
		}
		tickets = append(tickets, t)
	}
	slices.SortFunc(tickets, func(a, b *ticket.Ticket) int { return int(a.Number - b.Number) })
	target := tickets[0]
	if into = strings.TrimPrefix(strings.TrimSpace(into), "#"); into != "" {
		n, err := strconv.ParseInt(into, 10, 64)
		i := slices.IndexFunc(tickets, func(t *ticket.Ticket) bool { return t.Number == n })
		if err != nil || i < 0 {
			return "", apperr.Invalid("merge_into", "ticket #%s is not among the selected tickets", into)
		}
		target = tickets[i]
	}
	results, err := wb.Tickets.ApplyBulk(ctx, ticket.Bulk{IDs: ids, MergeInto: target.ID})
	if err != nil {
		return "", err
	}
	numbers := map[int64]int64{}
	for _, t := range tickets {
		numbers[t.ID] = t.Number
	}
	done, failed := bulkOutcome(results, func(id int64) string { return fmt.Sprintf("#%d", numbers[id]) })
	return summary(fmt.Sprintf("Merged %d tickets into #%d.", done-1, target.Number), failed), nil
}

func summary(head string, failed []string) string {
	if len(failed) == 0 {
		return head
	}
	return head + " Not changed: " + strings.Join(failed, "; ") + "."
}
