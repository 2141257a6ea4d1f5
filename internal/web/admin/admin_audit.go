package admin

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/user"
)

// auditPage is GET /admin/audit: the log as sentences, with filters by
// person, action and date.
type auditPage struct {
	Page
	Entries []audit.Entry
	People  []*user.User
	Actions []actionChoice
	// The filters as given, to show them again.
	Action, From, To string
	ActorID          int64
	Next             string // the query of the next (older) page, "" for none
}

type actionChoice struct{ Value, Label string }

const auditPageSize = 100

func (wb *Pages) auditLog(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	// Days in the filter are the viewer's days, as the times shown are.
	f, err := audit.ParseFilter(q, wb.Location(r))
	if err != nil {
		return err
	}
	if f.Before, err = pageCursor(q); err != nil {
		return err
	}
	f.Limit = auditPageSize
	entries, err := audit.List(ctx, wb.DB.Reader(ctx), f)
	if err != nil {
		return err
	}
	p := &auditPage{Page: wb.BasePage(r, "Audit log"), Entries: entries, Action: f.Action, ActorID: f.ActorID,
		From: q.Get("from"), To: q.Get("to")}
	if p.People, err = wb.Users.List(ctx); err != nil {
		return err
	}
	actions, err := audit.Actions(ctx, wb.DB.Reader(ctx))
	if err != nil {
		return err
	}
	for _, a := range actions {
		p.Actions = append(p.Actions, actionChoice{Value: a, Label: audit.ActionLabel(a)})
	}
	if len(entries) == auditPageSize {
		next := url.Values{}
		for k, v := range q {
			if k != "before" {
				next[k] = v
			}
		}
		next.Set("before", strconv.FormatInt(entries[len(entries)-1].ID, 10))
		p.Next = next.Encode()
	}
	wb.Render(w, r, http.StatusOK, "audit", p)
	return nil
}

// pageCursor reads "before", the id the page of older entries starts below.
func pageCursor(q url.Values) (int64, error) {
	v := q.Get("before")
	if v == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.Invalid("before", "%q is not an id", v)
	}
	return id, nil
}
