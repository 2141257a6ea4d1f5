// Package dashboardapi is the JSON API's part for dashboards, their
// widgets' numbers, and scheduled report emails.
package dashboardapi

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/centerdesk/centerdesk/internal/api/apikit"
	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/dashboard"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/report"
	"github.com/centerdesk/centerdesk/internal/user"
)

// Section serves /api/v1/dashboards and /api/v1/report-subscriptions.
type Section struct {
	Dashboards *dashboard.Service
}

const widgetDoc = "Widgets, in display order (a widget's position is its index): report (any name GET /api/v1/reports/{name} " +
	"takes), group_by (team, agent, channel, tag, or empty for the whole desk), range (last_7_days, last_30_days, " +
	"last_90_days, this_week, last_week, this_month; days of the reader's zone), chart (auto, line, bar, table), " +
	"size (half, full), title (optional)"

// Routes lists the section's routes.
func (s Section) Routes() []apikit.Route {
	return []apikit.Route{
		{Pattern: "GET /api/v1/dashboards", Who: apikit.Agent, Handler: s.list,
			Doc: apikit.Op{Summary: "The dashboards the caller may open: their own, those shared with everyone or with a " +
				"team they are in (admins: all)", Out: apikit.List[dashboard.Dashboard]{}}},
		{Pattern: "POST /api/v1/dashboards", Who: apikit.Lead, Handler: s.create, Key: apikit.Once,
			Doc: apikit.Op{Summary: "Create a dashboard owned by the caller. shared_with is nobody (default), team (with " +
				"team_id) or everyone. " + widgetDoc + ". A bad field answers 400 naming it (widgets[2].range)",
				In: dashboard.NewDashboard{}, Out: dashboard.Dashboard{}, Status: http.StatusCreated}},
		{Pattern: "GET /api/v1/dashboards/{id}", Who: apikit.Agent, Handler: s.get,
			Doc: apikit.Op{Summary: "A dashboard the caller may open; 404 for one not shared with them", Out: dashboard.Dashboard{}}},
		{Pattern: "PATCH /api/v1/dashboards/{id}", Who: apikit.Lead, Handler: s.update,
			Doc: apikit.Op{Summary: "Change a dashboard (its owner or an admin); widgets, when given, replace them all, " +
				"in the order given", In: dashboard.Patch{}, Out: dashboard.Dashboard{}}},
		{Pattern: "DELETE /api/v1/dashboards/{id}", Who: apikit.Lead, Handler: s.delete,
			Doc: apikit.Op{Summary: "Delete a dashboard (its owner or an admin), and the subscriptions to it"}},
		{Pattern: "GET /api/v1/dashboards/{id}/widgets/{index}", Who: apikit.Agent, Handler: s.widget,
			Doc: apikit.Op{Summary: "The numbers of a dashboard's widget (index from 0), as GET /api/v1/reports/{name} " +
				"answers them for its report, group_by and range, in the caller's days: what the dashboard's chart draws",
				Query: []string{"format: json (default) or csv"}, Out: report.Result{}, CSV: true}},
		{Pattern: "GET /api/v1/report-subscriptions", Who: apikit.Agent, Handler: s.subscriptions,
			Doc: apikit.Op{Summary: "The caller's scheduled report emails, with when each is next sent (UTC) and the " +
				"time zone its hour is in (the caller's)", Out: apikit.List[dashboard.Subscription]{}}},
		{Pattern: "POST /api/v1/report-subscriptions", Who: apikit.Agent, Handler: s.subscribe, Key: apikit.Once,
			Doc: apikit.Op{Summary: "Email the caller a dashboard they may open (dashboard_id), or one report (report, " +
				"group_by, range; leads and admins), daily or weekly (frequency; weekday mon..sun) at hour 0-23 of " +
				"their own time zone, with each report's CSV attached; once per period",
				In: dashboard.NewSubscription{}, Out: dashboard.Subscription{}, Status: http.StatusCreated}},
		{Pattern: "DELETE /api/v1/report-subscriptions/{id}", Who: apikit.Agent, Handler: s.unsubscribe,
			Doc: apikit.Op{Summary: "Stop a scheduled email (the caller's own; admins: anyone's)"}},
	}
}

func me(r *http.Request) *user.User { return user.FromContext(r.Context()) }

func (s Section) list(w http.ResponseWriter, r *http.Request) error {
	all, err := s.Dashboards.List(r.Context(), me(r))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, apikit.ListOf(all))
	return nil
}

func (s Section) create(w http.ResponseWriter, r *http.Request) error {
	var in dashboard.NewDashboard
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	d, err := s.Dashboards.Create(r.Context(), me(r), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/dashboards/"+strconv.FormatInt(d.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, d)
	return nil
}

func (s Section) get(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	d, err := s.Dashboards.Get(r.Context(), me(r), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, d)
	return nil
}

func (s Section) update(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in dashboard.Patch
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	d, err := s.Dashboards.Update(r.Context(), me(r), id, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, d)
	return nil
}

func (s Section) delete(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.Dashboards.Delete(r.Context(), me(r), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s Section) widget(w http.ResponseWriter, r *http.Request) error {
	format := r.URL.Query().Get("format")
	if format != "" && format != "json" && format != "csv" {
		return apperr.Invalid("format", "%q is not a format; use json or csv", format)
	}
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	index, err := strconv.Atoi(r.PathValue("index"))
	if err != nil {
		return apperr.Invalid("index", "%q is not a widget's index", r.PathValue("index"))
	}
	zone, err := s.Dashboards.ZoneOf(r.Context(), me(r))
	if err != nil {
		return err
	}
	_, res, err := s.Dashboards.WidgetResult(r.Context(), me(r), id, index, zone)
	if err != nil {
		return err
	}
	if format != "csv" {
		httpx.WriteJSON(w, http.StatusOK, res)
		return nil
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+strings.Join([]string{res.Name, res.From, res.To}, "_")+`.csv"`)
	return res.WriteCSV(w)
}

func (s Section) subscriptions(w http.ResponseWriter, r *http.Request) error {
	subs, err := s.Dashboards.Subscriptions(r.Context(), me(r))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, apikit.ListOf(subs))
	return nil
}

func (s Section) subscribe(w http.ResponseWriter, r *http.Request) error {
	var in dashboard.NewSubscription
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	sub, err := s.Dashboards.Subscribe(r.Context(), me(r), in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, sub)
	return nil
}

func (s Section) unsubscribe(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.Dashboards.Unsubscribe(r.Context(), me(r), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
