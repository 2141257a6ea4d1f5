package dashboards

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/centerdesk/centerdesk/internal/dashboard"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/web/kit"
)

// subscribe has the dashboard emailed to the viewer on the schedule the
// form gives, at an hour of their own zone.
func (wb *Pages) subscribe(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	n := formSchedule(r)
	n.DashboardID = &id
	sub, err := wb.Dashboards.Subscribe(r.Context(), me(r), n)
	if err != nil {
		status, pr, ferr := kit.ProblemOf(r, err)
		if ferr != nil {
			return ferr
		}
		return wb.renderDashboard(w, r, status, pr)
	}
	wb.Flash(r, "You will get this dashboard by email: "+lower(schedule(sub))+".")
	http.Redirect(w, r, fmt.Sprintf("/dashboards/%d#email", id), http.StatusSeeOther)
	return nil
}

// formSchedule reads the schedule fields every email form has; the
// weekday counts only for a weekly mail.
func formSchedule(r *http.Request) dashboard.NewSubscription {
	n := dashboard.NewSubscription{Frequency: r.PostFormValue("frequency")}
	if n.Frequency == dashboard.Weekly {
		n.Weekday = r.PostFormValue("weekday")
	}
	if h, err := strconv.Atoi(r.PostFormValue("hour")); err == nil {
		n.Hour = &h
	}
	return n
}

// subscribeReport has one report, with its grouping and days, emailed to
// the viewer (a lead or an admin).
func (wb *Pages) subscribeReport(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	n := formSchedule(r)
	n.Report, n.GroupBy, n.Range = r.PostFormValue("report"), r.PostFormValue("group_by"), r.PostFormValue("range")
	sub, err := wb.Dashboards.Subscribe(r.Context(), me(r), n)
	if err != nil {
		status, pr, ferr := kit.ProblemOf(r, err)
		if ferr != nil {
			return ferr
		}
		return wb.renderList(w, r, status, pr)
	}
	wb.Flash(r, "You will get "+dashboard.ReportLabel(sub.Report)+" by email: "+lower(schedule(sub))+".")
	http.Redirect(w, r, "/dashboards#email", http.StatusSeeOther)
	return nil
}

// unsubscribe stops one of the viewer's scheduled emails.
func (wb *Pages) unsubscribe(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	if err := wb.Dashboards.Unsubscribe(r.Context(), me(r), id); err != nil {
		return err
	}
	wb.Flash(r, "The email is stopped.")
	http.Redirect(w, r, httpx.LocalPath(r.PostFormValue("back"), "/dashboards"), http.StatusSeeOther)
	return nil
}

func lower(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]+'a'-'A') + s[1:]
}
