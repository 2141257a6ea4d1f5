package audit

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
)

// ParseFilter reads the log's filters from a query, the same for the audit
// page and GET /api/v1/audit: action, actor_id (the person), and from and to,
// each a day (YYYY-MM-DD, in loc, "to" naming the last day included) or an
// exact RFC 3339 time. A value that does not parse is refused, naming its
// field. Paging (Before, Limit) is the caller's.
func ParseFilter(q url.Values, loc *time.Location) (Filter, error) {
	f := Filter{Action: strings.TrimSpace(q.Get("action"))}
	if err := apperr.CheckStorable("action", f.Action); err != nil {
		return f, err
	}
	var err error
	if f.ActorID, err = optionalID(q, "actor_id"); err != nil {
		return f, err
	}
	if f.From, _, err = optionalMoment(q, "from", loc); err != nil {
		return f, err
	}
	var day bool
	if f.Until, day, err = optionalMoment(q, "to", loc); err != nil {
		return f, err
	}
	if day {
		f.Until = f.Until.AddDate(0, 0, 1)
	}
	if !f.From.IsZero() && !f.Until.IsZero() && !f.From.Before(f.Until) {
		return f, apperr.Invalid("to", "comes before from")
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

// optionalMoment reads a day as its start in loc (day reports that it was
// one) or an exact RFC 3339 time.
func optionalMoment(q url.Values, field string, loc *time.Location) (t time.Time, day bool, err error) {
	v := strings.TrimSpace(q.Get(field))
	if v == "" {
		return time.Time{}, false, nil
	}
	if d, err := time.ParseInLocation("2006-01-02", v, loc); err == nil {
		return d, true, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, false, nil
	}
	return time.Time{}, false, apperr.Invalid(field, "give a day as YYYY-MM-DD or a time as RFC 3339, not %q", v)
}
