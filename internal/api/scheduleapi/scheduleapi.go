// Package scheduleapi is the JSON API's part for business hours:
// schedules, their holidays and the deadline check.
package scheduleapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/centerdesk/centerdesk/internal/api/apikit"
	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/schedule"
)

// Section serves /api/v1/schedules.
type Section struct {
	Schedules *schedule.Service
}

// DeadlineIn asks when business minutes after start run out.
type DeadlineIn struct {
	Start           string `json:"start"` // RFC 3339
	BusinessMinutes int    `json:"business_minutes"`
}

// DeadlineOut is the answer: the moment, in UTC.
type DeadlineOut struct {
	DueAt string `json:"due_at"` // RFC 3339, UTC
}

// ImportIn carries an iCalendar file's text.
type ImportIn struct {
	ICal string `json:"ical"`
}

// Routes lists the section's routes.
func (s Section) Routes() []apikit.Route {
	return []apikit.Route{
		{Pattern: "GET /api/v1/schedules", Who: apikit.Agent, Handler: s.list,
			Doc: apikit.Op{Summary: "List business-hours schedules", Out: apikit.List[schedule.Schedule]{}}},
		{Pattern: "POST /api/v1/schedules", Who: apikit.Lead, Handler: s.create, Key: apikit.Once,
			Doc: apikit.Op{Summary: "Create a schedule: time zone, weekly intervals (end before start runs overnight), holidays",
				In: schedule.NewSchedule{}, Out: schedule.Schedule{}, Status: http.StatusCreated}},
		{Pattern: "GET /api/v1/schedules/{id}", Who: apikit.Agent, Handler: s.get,
			Doc: apikit.Op{Summary: "Get a schedule", Out: schedule.Schedule{}}},
		{Pattern: "PATCH /api/v1/schedules/{id}", Who: apikit.Lead, Handler: s.update,
			Doc: apikit.Op{Summary: "Change a schedule; lists given replace the whole list", In: schedule.Patch{}, Out: schedule.Schedule{}}},
		{Pattern: "DELETE /api/v1/schedules/{id}", Who: apikit.Lead, Handler: s.delete,
			Doc: apikit.Op{Summary: "Delete a schedule; its teams fall back to the desk's default"}},
		{Pattern: "POST /api/v1/schedules/{id}/holidays/import", Who: apikit.Lead, Handler: s.importICal,
			Doc: apikit.Op{Summary: "Add the all-day events of an iCalendar file as holidays", In: ImportIn{}, Out: schedule.Schedule{}}},
		{Pattern: "POST /api/v1/schedules/{id}/deadline", Who: apikit.Agent, Handler: s.deadline,
			Doc: apikit.Op{Summary: "When business_minutes of open time after start have passed on this schedule",
				In: DeadlineIn{}, Out: DeadlineOut{}}},
	}
}

func (s Section) list(w http.ResponseWriter, r *http.Request) error {
	all, err := s.Schedules.List(r.Context())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, apikit.ListOf(all))
	return nil
}

func (s Section) create(w http.ResponseWriter, r *http.Request) error {
	var in schedule.NewSchedule
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	sc, err := s.Schedules.Create(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/schedules/"+strconv.FormatInt(sc.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, sc)
	return nil
}

func (s Section) get(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	sc, err := s.Schedules.Get(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, sc)
	return nil
}

func (s Section) update(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var p schedule.Patch
	if err := httpx.DecodeJSON(w, r, &p); err != nil {
		return err
	}
	sc, err := s.Schedules.Update(r.Context(), id, p)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, sc)
	return nil
}

func (s Section) delete(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.Schedules.Delete(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s Section) importICal(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in ImportIn
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	sc, err := s.Schedules.ImportICal(r.Context(), id, in.ICal)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, sc)
	return nil
}

func (s Section) deadline(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in DeadlineIn
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	start, err := time.Parse(time.RFC3339, in.Start)
	if err != nil {
		return apperr.Invalid("start", "%q is not an RFC 3339 time such as 2026-12-04T16:00:00Z", in.Start)
	}
	due, err := s.Schedules.Deadline(r.Context(), id, start, in.BusinessMinutes)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, DeadlineOut{DueAt: due.UTC().Format(time.RFC3339)})
	return nil
}
