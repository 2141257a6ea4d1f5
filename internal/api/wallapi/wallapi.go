// Package wallapi is the feedback wall's part of the JSON API: the wall of
// customers' answers and a lead's turning of a comment into a recognition
// post (package wall does the work).
package wallapi

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/centerdesk/centerdesk/internal/api/apikit"
	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/recognition"
	"github.com/centerdesk/centerdesk/internal/user"
	"github.com/centerdesk/centerdesk/internal/wall"
)

// Section serves the wall's routes.
type Section struct {
	Wall *wall.Service
}

// Routes is the section's route table.
func (s Section) Routes() []apikit.Route {
	return []apikit.Route{
		{Pattern: "GET /api/v1/feedback/wall", Who: apikit.Agent, Handler: s.list, Doc: apikit.Op{
			Summary: "The feedback wall: customers' answers, positive and negative, newest first; " +
				"customers are named by their first name only",
			Query: []string{
				"band: positive (CSAT 4-5, or without CSAT CES 5-7), neutral (3, or CES 4) or negative (1-2, or CES 1-3)",
				"team_id: the team when the ticket was solved",
				"agent_id: an agent the answer counts for (assignee at the solve or a public replier)",
				"has_comment: true for answers with a comment, false for those without",
				"from: answered at or after (RFC 3339, or a date: its start in UTC)",
				"to: answered before (RFC 3339, or a date: that whole day in UTC)",
				"cursor: next_cursor of the previous page",
				"limit: answers per page, 1-100 (50)",
			},
			Out: wall.Page{}}},
		{Pattern: "POST /api/v1/feedback/wall/{survey_id}/recognize", Who: apikit.Lead, Handler: s.recognize,
			Key: apikit.Once, Doc: apikit.Op{
				Summary: "Turn a positive answer's comment into a recognition post (a value badge for the agent, " +
					"on the ticket, quoting the customer); once per comment",
				In: wall.NewRecognition{}, Out: recognition.Award{}, Status: http.StatusCreated}},
	}
}

func (s Section) list(w http.ResponseWriter, r *http.Request) error {
	f, err := filterOf(r.URL.Query())
	if err != nil {
		return err
	}
	p, err := s.Wall.List(r.Context(), user.FromContext(r.Context()), f)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, p)
	return nil
}

func (s Section) recognize(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "survey_id")
	if err != nil {
		return err
	}
	var in wall.NewRecognition
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	a, err := s.Wall.Recognize(r.Context(), user.FromContext(r.Context()), id, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, a)
	return nil
}

// filterOf reads the wall's query parameters; a bad one answers 400
// naming it.
func filterOf(q url.Values) (wall.Filter, error) {
	f := wall.Filter{Band: q.Get("band"), Cursor: q.Get("cursor")}
	var err error
	if f.TeamID, err = id(q, "team_id"); err != nil {
		return f, err
	}
	if f.AgentID, err = id(q, "agent_id"); err != nil {
		return f, err
	}
	if v := q.Get("has_comment"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return f, apperr.Invalid("has_comment", "must be true or false")
		}
		f.HasComment = &b
	}
	if v := q.Get("limit"); v != "" {
		if f.Limit, err = strconv.Atoi(v); err != nil || f.Limit < 1 {
			return f, apperr.Invalid("limit", "must be between 1 and %d", wall.MaxLimit)
		}
	}
	if f.From, err = when(q, "from", false); err != nil {
		return f, err
	}
	if f.To, err = when(q, "to", true); err != nil {
		return f, err
	}
	return f, f.Check()
}

func id(q url.Values, name string) (int64, error) {
	v := q.Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return 0, apperr.Invalid(name, "must be a positive id")
	}
	return n, nil
}

// when reads a time: RFC 3339, or a date in UTC, which for the end of a
// range (end) means the whole day.
func when(q url.Values, name string, end bool) (*time.Time, error) {
	v := q.Get(name)
	if v == "" {
		return nil, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return &t, nil
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return nil, apperr.Invalid(name, "must be a date (2006-01-02) or an RFC 3339 time")
	}
	if end {
		t = t.AddDate(0, 0, 1)
	}
	return &t, nil
}
