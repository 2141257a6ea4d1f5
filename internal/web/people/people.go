package people

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/standing"
)

// The people pages (packages coaching and standing do the work): an
// agent's own page (people_agent.go), the leaderboard and its settings
// (people_leaderboard.go), coaching sessions (coaching_pages.go) and
// concerns (concern_pages.go). Who may read what is decided by the domain
// services alone; what someone may not read is "not found" here as there.

// problem is a refusal a form shows above itself, naming the field at
// fault; a failure of the server is returned as an error instead.
type problem struct {
	Message string
	Field   string
}

// asProblem turns a domain refusal into a problem for the form; ok is
// false for failures the form cannot help with.
func asProblem(r *http.Request, err error) (*problem, int, bool) {
	status, detail := httpx.Describe(r.Context(), err)
	if status >= 500 || status == http.StatusNotFound || status == http.StatusForbidden {
		return nil, status, false
	}
	return &problem{Message: detail.Message, Field: detail.Field}, status, true
}

// formIDs reads a form's list of ids (checkboxes, or one field of ids
// separated by commas or spaces).
func formIDs(r *http.Request, field string) ([]int64, error) {
	var out []int64
	for _, v := range r.PostForm[field] {
		for _, s := range strings.FieldsFunc(v, func(c rune) bool { return c == ',' || c == ' ' }) {
			id, err := strconv.ParseInt(strings.TrimPrefix(s, "#"), 10, 64)
			if err != nil || id <= 0 {
				return nil, apperr.Invalid(field, "%q is not an id", s)
			}
			out = append(out, id)
		}
	}
	return out, nil
}

// formDate reads an optional date field (YYYY-MM-DD) as 09:00 UTC that
// day, the start of a working day.
func formDate(r *http.Request, field string) (*time.Time, error) {
	v := strings.TrimSpace(r.PostFormValue(field))
	if v == "" {
		return nil, nil
	}
	d, err := time.Parse("2006-01-02", v)
	if err != nil {
		return nil, apperr.Invalid(field, "give a date as YYYY-MM-DD")
	}
	d = d.Add(9 * time.Hour)
	return &d, nil
}

// scoreText shows a score to one decimal, or a dash for none.
func scoreText(s *float64) string {
	if s == nil {
		return "–"
	}
	return strconv.FormatFloat(*s, 'f', 1, 64)
}

// tierText names a tier in words, so it is never told by colour alone.
func tierText(t standing.Tier) string {
	switch t {
	case standing.Green:
		return "Green"
	case standing.Orange:
		return "Orange"
	case standing.Red:
		return "Red"
	}
	return "No tier yet"
}

// moveText says, in a sentence, what would move a standing up a tier.
func moveText(st *standing.Standing) string {
	if st == nil || st.Move == nil {
		return ""
	}
	m := st.Move
	if m.NextTier == standing.None {
		if m.WeakestLabel == "" {
			return "Green. Keep it up."
		}
		return fmt.Sprintf("Green. Your weakest part is %s (%.1f).", strings.ToLower(m.WeakestLabel), m.WeakestValue)
	}
	s := fmt.Sprintf("%.2f points to %s. Your weakest part is %s (%.1f)", m.Points,
		strings.ToLower(tierText(m.NextTier)), strings.ToLower(m.WeakestLabel), m.WeakestValue)
	if m.Enough {
		return s + fmt.Sprintf(": raising it by %.1f points would get you there on its own.", m.Raise)
	}
	return s + ": it cannot close the gap on its own, so lift the others too."
}
