// Package feedbackapi is the JSON API of customer surveys (internal/feedback):
// a ticket's current survey, the list and summary of answers, the
// needs-recovery list and its follow-ups, and the survey settings.
package feedbackapi

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/centerdesk/centerdesk/internal/api/apikit"
	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/feedback"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/user"
)

// Section serves the survey routes.
type Section struct {
	Feedback *feedback.Service
}

// Routes is the section's route table.
func (s Section) Routes() []apikit.Route {
	return []apikit.Route{
		{Pattern: "GET /api/v1/tickets/{id}/survey", Who: apikit.Agent, Handler: s.ticketSurvey,
			Doc: apikit.Op{Summary: "The ticket's current survey: status (not_eligible, scheduled, sent, answered, void), the customer's link, and the answer",
				Out: feedback.TicketSurvey{}}},
		{Pattern: "POST /api/v1/tickets/{id}/survey/followed-up", Who: apikit.Agent, Handler: s.followedUp,
			Doc: apikit.Op{Summary: "Mark the low score of the ticket's survey followed up: it leaves the needs-recovery list (409 when none waits)",
				Out: feedback.Survey{}}},
		{Pattern: "GET /api/v1/feedback", Who: apikit.Agent, Handler: s.list,
			Doc: apikit.Op{Summary: "Answered surveys, newest answer first", Query: listQuery,
				Out: apikit.List[feedback.Answer]{}}},
		{Pattern: "GET /api/v1/feedback/summary", Who: apikit.Agent, Handler: s.summary,
			Doc: apikit.Op{Summary: "Response rate, CSAT and CES of the surveys sent in a period, per agent, team, channel or day",
				Query: []string{"group_by: agent, team, channel or day (required)",
					"from: start, a date (YYYY-MM-DD, UTC) or an RFC 3339 time; default 30 days before to",
					"to: end, a date (that whole day) or an RFC 3339 time; default now"},
				Out: feedback.Summary{}}},
		{Pattern: "GET /api/v1/feedback/recovery", Who: apikit.Agent, Handler: s.recovery,
			Doc: apikit.Op{Summary: "Low scores (CSAT at most 2 or CES at most 3) nobody has followed up yet, oldest first",
				Out: apikit.List[feedback.RecoveryItem]{}}},
		{Pattern: "GET /api/v1/feedback/settings", Who: apikit.Agent, Handler: s.settings,
			Doc: apikit.Op{Summary: "Which solves get a survey, and the reasons a low score may give", Out: feedback.Settings{}}},
		{Pattern: "PATCH /api/v1/feedback/settings", Who: apikit.Admin, Handler: s.updateSettings,
			Doc: apikit.Op{Summary: "Change the survey settings; fields left out stay as they are",
				In: feedback.SettingsPatch{}, Out: feedback.Settings{}}},
	}
}

var listQuery = []string{
	"agent: an agent's id (surveys attributed to them at the solve)",
	"team: a team's id",
	"channel: the ticket's channel",
	"score: the CSAT score, 1 to 5",
	"ces: the CES score, 1 to 7",
	"from: first answer at or after, a date (YYYY-MM-DD, UTC) or an RFC 3339 time",
	"to: first answer before, a date (that whole day) or an RFC 3339 time",
	"has_comment: true or false",
	"limit: answers per page, 1 to 100",
	"cursor: next_cursor of the previous page",
}

func (s Section) ticketSurvey(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	sv, err := s.Feedback.ForTicket(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, sv)
	return nil
}

func (s Section) followedUp(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	sv, err := s.Feedback.MarkFollowedUp(r.Context(), id, user.FromContext(r.Context()).ID)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, sv)
	return nil
}

func (s Section) list(w http.ResponseWriter, r *http.Request) error {
	f, err := filterOf(r.URL.Query())
	if err != nil {
		return err
	}
	items, next, err := s.Feedback.List(r.Context(), f)
	if err != nil {
		return err
	}
	out := apikit.ListOf(items)
	out.NextCursor = next
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

// filterOf reads the list's query; a bad value answers 400 naming it.
func filterOf(q url.Values) (feedback.Filter, error) {
	var f feedback.Filter
	var err error
	ids := []struct {
		name string
		dst  *int64
	}{{"agent", &f.AgentID}, {"team", &f.TeamID}}
	for _, p := range ids {
		if *p.dst, err = queryID(q, p.name); err != nil {
			return f, err
		}
	}
	f.Channel = strings.TrimSpace(q.Get("channel"))
	if f.Channel != "" && !containsString(feedback.KnownChannels, f.Channel) {
		return f, apperr.Invalid("channel", "must be one of %s", strings.Join(feedback.KnownChannels, ", "))
	}
	if f.CSAT, err = queryScore(q, "score", feedback.MinCSAT, feedback.MaxCSAT); err != nil {
		return f, err
	}
	if f.CES, err = queryScore(q, "ces", feedback.MinCES, feedback.MaxCES); err != nil {
		return f, err
	}
	if q.Get("from") != "" || q.Get("to") != "" {
		from, to, err := feedback.ParseRange(q.Get("from"), q.Get("to"), farFuture)
		if err != nil {
			return f, err
		}
		if q.Get("from") != "" {
			f.From = &from
		}
		if q.Get("to") != "" {
			f.To = &to
		}
	}
	if v := q.Get("has_comment"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return f, apperr.Invalid("has_comment", "must be true or false")
		}
		f.HasComment = &b
	}
	if f.Limit, err = httpx.QueryLimit(q, feedback.MaxList); err != nil {
		return f, err
	}
	f.Cursor = q.Get("cursor")
	return f, nil
}

func queryID(q url.Values, name string) (int64, error) {
	v := strings.TrimSpace(q.Get(name))
	if v == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.Invalid(name, "%q is not an id", v)
	}
	return id, nil
}

func queryScore(q url.Values, name string, lo, hi int) (int, error) {
	v := strings.TrimSpace(q.Get(name))
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, apperr.Invalid(name, "must be a whole number from %d to %d", lo, hi)
	}
	return n, nil
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func (s Section) summary(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	by := q.Get("group_by")
	if by == "" {
		return apperr.Invalid("group_by", "is required: one of %s", strings.Join(feedback.GroupBys, ", "))
	}
	from, to, err := feedback.ParseRange(q.Get("from"), q.Get("to"), s.Feedback.Now())
	if err != nil {
		return err
	}
	sum, err := s.Feedback.Summarize(r.Context(), by, from, to)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, sum)
	return nil
}

func (s Section) recovery(w http.ResponseWriter, r *http.Request) error {
	items, err := s.Feedback.NeedsRecovery(r.Context())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, apikit.ListOf(items))
	return nil
}

func (s Section) settings(w http.ResponseWriter, r *http.Request) error {
	st, err := s.Feedback.Settings(r.Context())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, st)
	return nil
}

func (s Section) updateSettings(w http.ResponseWriter, r *http.Request) error {
	var p feedback.SettingsPatch
	if err := httpx.DecodeJSON(w, r, &p); err != nil {
		return err
	}
	st, err := s.Feedback.UpdateSettings(r.Context(), p)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, st)
	return nil
}
