package admin

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

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
	f, err := auditFilter(q)
	if err != nil {
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

// auditFilter reads the page's filters; a value that does not parse is
// refused, naming the field.
func auditFilter(q url.Values) (audit.Filter, error) {
	f := audit.Filter{Action: strings.TrimSpace(q.Get("action"))}
	if err := apperr.CheckStorable("action", f.Action); err != nil {
		return f, err
	}
	var err error
	if f.ActorID, err = optionalID(q, "actor_id"); err != nil {
		return f, err
	}
	if f.Before, err = optionalID(q, "before"); err != nil {
		return f, err
	}
	if f.From, err = optionalDate(q, "from"); err != nil {
		return f, err
	}
	if f.Until, err = optionalDate(q, "to"); err != nil {
		return f, err
	}
	if !f.Until.IsZero() {
		f.Until = f.Until.AddDate(0, 0, 1) // "to" names the last day shown
	}
	return f, nil
}

func optionalID(q url.Values, field string) (int64, error) {
	v := q.Get(field)
	if v == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.Invalid(field, "%q is not an id", v)
	}
	return id, nil
}

// optionalDate reads a YYYY-MM-DD date as the start of that day, UTC.
func optionalDate(q url.Values, field string) (time.Time, error) {
	v := strings.TrimSpace(q.Get(field))
	if v == "" {
		return time.Time{}, nil
	}
	d, err := time.Parse("2006-01-02", v)
	if err != nil {
		return time.Time{}, apperr.Invalid(field, "give a date as YYYY-MM-DD, not %q", v)
	}
	return d, nil
}
