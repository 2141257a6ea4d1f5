package servicelevel

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/schedule"
	"github.com/centerdesk/centerdesk/internal/team"
	"github.com/centerdesk/centerdesk/internal/web/kit"
)

// schedulesPage is the data of the schedules list and of one schedule.
type schedulesPage struct {
	Page
	kit.FormProblem
	Schedules []*schedule.Schedule
	Schedule  *schedule.Schedule // the one edited, or the new one's form
	Intervals string             // the form's intervals, one a line
	Holidays  string             // the form's holidays, one a line
	Teams     []teamChoice
	TeamNames map[int64]string
}

type teamChoice struct {
	*team.Team
	Checked bool
}

// IntervalsText writes a schedule's intervals as the form reads them.
func IntervalsText(ivs []schedule.Interval) string {
	lines := make([]string, 0, len(ivs))
	for _, iv := range ivs {
		lines = append(lines, fmt.Sprintf("%s %s-%s", iv.Day, iv.Start, iv.End))
	}
	return strings.Join(lines, "\n")
}

// TeamList names a schedule's teams.
func (p *schedulesPage) TeamList(s *schedule.Schedule) string {
	names := make([]string, 0, len(s.TeamIDs))
	for _, id := range s.TeamIDs {
		names = append(names, p.TeamNames[id])
	}
	return strings.Join(names, ", ")
}

func (wb *Pages) schedulesPage(w http.ResponseWriter, r *http.Request) error {
	// A new schedule starts in the zone the viewer reads times in (their
	// own, else the desk's setting): most desks keep hours where they are.
	return wb.render(w, r, http.StatusOK, "schedules", &schedule.Schedule{TimeZone: wb.Location(r).String()}, nil)
}

func (wb *Pages) schedulePage(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	s, err := wb.Schedules.Get(r.Context(), id)
	if err != nil {
		return err
	}
	return wb.render(w, r, http.StatusOK, "schedule", s, nil)
}

func (wb *Pages) render(w http.ResponseWriter, r *http.Request, status int, page string, s *schedule.Schedule, problem error) error {
	all, err := wb.Schedules.List(r.Context())
	if err != nil {
		return err
	}
	teams, err := wb.Teams.List(r.Context())
	if err != nil {
		return err
	}
	title := "Business hours"
	if page == "schedule" {
		title = "Schedule " + s.Name
	}
	p := &schedulesPage{Page: wb.BasePage(r, title), Schedules: all, Schedule: s,
		Intervals: IntervalsText(s.Intervals), Holidays: strings.Join(s.Holidays, "\n"), TeamNames: map[int64]string{}}
	for _, t := range teams {
		p.TeamNames[t.ID] = t.Name
		p.Teams = append(p.Teams, teamChoice{Team: t, Checked: slices.Contains(s.TeamIDs, t.ID)})
	}
	if problem != nil {
		if status, p.FormProblem, err = kit.ProblemOf(r, problem); err != nil {
			return err
		}
	}
	wb.Render(w, r, status, page, p)
	return nil
}

// scheduleForm reads the schedule form: intervals one a line
// ("mon 09:00-17:00"), holidays one a line.
func scheduleForm(r *http.Request) (schedule.NewSchedule, error) {
	if err := r.ParseForm(); err != nil {
		return schedule.NewSchedule{}, apperr.Invalid("name", "cannot read the form")
	}
	n := schedule.NewSchedule{Name: r.PostForm.Get("name"), TimeZone: r.PostForm.Get("time_zone"),
		Default: r.PostForm.Get("default") == "on", TeamIDs: []int64{}, Holidays: []string{}}
	for i, line := range strings.Split(r.PostForm.Get("intervals"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		day, times, _ := strings.Cut(line, " ")
		start, end, ok := strings.Cut(strings.TrimSpace(times), "-")
		if !ok {
			return n, apperr.Invalid("intervals", "line %d, %q, is not like \"mon 09:00-17:00\"", i+1, line)
		}
		n.Intervals = append(n.Intervals, schedule.Interval{Day: day, Start: strings.TrimSpace(start), End: strings.TrimSpace(end)})
	}
	n.Holidays = append(n.Holidays, strings.Fields(r.PostForm.Get("holidays"))...)
	for _, v := range r.PostForm["team"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return n, apperr.Invalid("team_ids", "%q is not a team id", v)
		}
		n.TeamIDs = append(n.TeamIDs, id)
	}
	return n, nil
}

func formSchedule(id int64, n schedule.NewSchedule) *schedule.Schedule {
	return &schedule.Schedule{ID: id, Name: n.Name, TimeZone: n.TimeZone, Intervals: n.Intervals,
		Holidays: n.Holidays, Default: n.Default, TeamIDs: n.TeamIDs}
}

func (wb *Pages) createSchedule(w http.ResponseWriter, r *http.Request) error {
	n, err := scheduleForm(r)
	if err == nil {
		var s *schedule.Schedule
		if s, err = wb.Schedules.Create(r.Context(), n); err == nil {
			wb.Flash(r, "Schedule "+s.Name+" created.")
			http.Redirect(w, r, "/admin/schedules", http.StatusSeeOther)
			return nil
		}
	}
	return wb.render(w, r, 0, "schedules", formSchedule(0, n), err)
}

func (wb *Pages) updateSchedule(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	n, err := scheduleForm(r)
	if err == nil {
		_, err = wb.Schedules.Update(r.Context(), id, schedule.Patch{Name: &n.Name, TimeZone: &n.TimeZone,
			Intervals: &n.Intervals, Holidays: &n.Holidays, Default: &n.Default, TeamIDs: &n.TeamIDs})
		if err == nil {
			wb.Flash(r, "Schedule "+n.Name+" saved.")
			http.Redirect(w, r, "/admin/schedules", http.StatusSeeOther)
			return nil
		}
		if apperr.Is(err, apperr.KindNotFound) {
			return err
		}
	}
	return wb.render(w, r, 0, "schedule", formSchedule(id, n), err)
}

// importHolidays adds the all-day events of an uploaded iCalendar file.
func (wb *Pages) importHolidays(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	s, err := wb.Schedules.Get(r.Context(), id)
	if err != nil {
		return err
	}
	text, err := uploadedText(r)
	if err == nil {
		if _, err = wb.Schedules.ImportICal(r.Context(), id, text); err == nil {
			wb.Flash(r, "Holidays imported.")
			http.Redirect(w, r, "/admin/schedules/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
			return nil
		}
	}
	return wb.render(w, r, 0, "schedule", s, err)
}

func uploadedText(r *http.Request) (string, error) {
	r.Body = http.MaxBytesReader(nil, r.Body, schedule.MaxICalBytes+64*1024)
	if err := r.ParseMultipartForm(schedule.MaxICalBytes); err != nil {
		return "", apperr.Invalid("ical", "choose an iCalendar file of at most %d bytes", schedule.MaxICalBytes)
	}
	f, _, err := r.FormFile("ical")
	if err != nil {
		return "", apperr.Invalid("ical", "choose an iCalendar (.ics) file")
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, schedule.MaxICalBytes+1))
	if err != nil {
		return "", apperr.Invalid("ical", "cannot read the file")
	}
	return string(b), nil
}

func (wb *Pages) deleteSchedule(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := wb.Schedules.Delete(r.Context(), id); err != nil {
		return err
	}
	wb.Flash(r, "Schedule deleted; its teams follow the desk's default.")
	http.Redirect(w, r, "/admin/schedules", http.StatusSeeOther)
	return nil
}
