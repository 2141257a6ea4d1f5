package alerts

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/alert"
	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/user"
	"github.com/centerdesk/centerdesk/internal/web/kit"
)

func (wb *Pages) listPage(w http.ResponseWriter, r *http.Request) error {
	return wb.render(w, r, http.StatusOK, "alerts", &alert.Rule{Metric: alert.MetricServiceLevel, Op: "<",
		Threshold: 90, DurationMinutes: 15, NotifyLeads: true}, nil)
}

func (wb *Pages) rulePage(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	rule, err := wb.Alerts.Rule(r.Context(), user.FromContext(r.Context()), id)
	if err != nil {
		return err
	}
	return wb.render(w, r, http.StatusOK, "alert", rule, nil)
}

func (wb *Pages) render(w http.ResponseWriter, r *http.Request, status int, name string, rule *alert.Rule, problem error) error {
	ctx, who := r.Context(), user.FromContext(r.Context())
	title := "Alerts"
	if name == "alert" {
		title = "Alert " + rule.Name
	}
	p := &page{Page: wb.BasePage(r, title), Rule: rule, Names: map[int64]string{}, Now: time.Now(),
		Form: formValues{Threshold: strconv.FormatFloat(rule.Threshold, 'f', -1, 64), Emails: strings.Join(rule.Emails, "\n")}}
	var err error
	if p.Rules, err = wb.Alerts.Rules(ctx, who); err != nil {
		return err
	}
	if p.Teams, err = wb.Teams.List(ctx); err != nil {
		return err
	}
	people, err := wb.Users.List(ctx)
	if err != nil {
		return err
	}
	for _, u := range people {
		p.Names[u.ID] = u.Name
	}
	// Only leads and admins can open what an alert leads to.
	for _, u := range kit.ActiveAgents(people) {
		if u.IsLead() {
			p.People = append(p.People, u)
		}
	}
	if name == "alert" && rule.ID != 0 {
		if p.History, err = wb.Alerts.History(ctx, who, rule.ID, 50); err != nil {
			return err
		}
	}
	if problem != nil {
		if status, p.FormProblem, err = kit.ProblemOf(r, problem); err != nil {
			return err
		}
		p.Form.Threshold = r.PostForm.Get("threshold")
	}
	wb.Render(w, r, status, name, p)
	return nil
}

// ruleForm reads the rule form into the input the API takes too. Every
// field is read before the first problem is returned, so the form shows
// again as it was sent.
func ruleForm(r *http.Request) (alert.Input, error) {
	if err := r.ParseForm(); err != nil {
		return alert.Input{}, apperr.Invalid("name", "cannot read the form")
	}
	f := r.PostForm
	in := alert.Input{Name: f.Get("name"), Metric: f.Get("metric"), Op: f.Get("op"), NotifyLeads: f.Get("notify_leads") == "on",
		WebhookURL: f.Get("webhook_url"), WebhookSecret: f.Get("webhook_secret"), Emails: strings.Fields(f.Get("emails"))}
	var problems []error
	if v := f.Get("team_id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			problems = append(problems, apperr.Invalid("team_id", "%q is not a team", v))
		}
		in.TeamID = &id
	}
	for _, v := range f["user_id"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			problems = append(problems, apperr.Invalid("user_ids", "%q is not a person", v))
		}
		in.UserIDs = append(in.UserIDs, id)
	}
	th, err := strconv.ParseFloat(strings.TrimSpace(f.Get("threshold")), 64)
	if err != nil {
		problems = append(problems, apperr.Invalid("threshold", "must be a number"))
	}
	in.Threshold = &th
	if in.DurationMinutes, err = strconv.Atoi(strings.TrimSpace(f.Get("duration_minutes"))); err != nil {
		problems = append(problems, apperr.Invalid("duration_minutes", "must be a whole number of minutes"))
	}
	if len(problems) > 0 {
		return in, problems[0]
	}
	return in, nil
}

// formRule is what the form sent, shown again with its problem.
func formRule(id int64, in alert.Input) *alert.Rule {
	r := &alert.Rule{ID: id, Name: in.Name, Metric: in.Metric, Op: in.Op, DurationMinutes: in.DurationMinutes,
		TeamID: in.TeamID, UserIDs: in.UserIDs, NotifyLeads: in.NotifyLeads, Emails: in.Emails, WebhookURL: in.WebhookURL}
	if in.Threshold != nil {
		r.Threshold = *in.Threshold
	}
	return r
}

func (wb *Pages) create(w http.ResponseWriter, r *http.Request) error {
	in, err := ruleForm(r)
	if err == nil {
		var rule *alert.Rule
		if rule, err = wb.Alerts.Create(r.Context(), user.FromContext(r.Context()), in); err == nil {
			wb.Flash(r, "Alert "+rule.Name+" added; it is checked every minute.")
			http.Redirect(w, r, fmt.Sprintf("/admin/alerts#rule-%d", rule.ID), http.StatusSeeOther)
			return nil
		}
	}
	return wb.render(w, r, 0, "alerts", formRule(0, in), err)
}

func (wb *Pages) update(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	in, err := ruleForm(r)
	if err == nil {
		p := alert.Patch{Name: &in.Name, Metric: &in.Metric, Op: &in.Op, Threshold: in.Threshold,
			DurationMinutes: &in.DurationMinutes, TeamID: ptrOr0(in.TeamID), UserIDs: &in.UserIDs,
			NotifyLeads: &in.NotifyLeads, Emails: &in.Emails, WebhookURL: &in.WebhookURL,
			RotateSecret: r.PostForm.Get("rotate_secret") == "on"}
		if _, err = wb.Alerts.Update(r.Context(), user.FromContext(r.Context()), id, p); err == nil {
			wb.Flash(r, "Alert "+in.Name+" saved.")
			http.Redirect(w, r, fmt.Sprintf("/admin/alerts/%d", id), http.StatusSeeOther)
			return nil
		}
		if apperr.Is(err, apperr.KindNotFound) {
			return err
		}
	}
	return wb.render(w, r, 0, "alert", formRule(id, in), err)
}

// ptrOr0 is a team choice as a patch writes it: 0 for the desk.
func ptrOr0(id *int64) *int64 {
	if id == nil {
		var desk int64
		return &desk
	}
	return id
}

func (wb *Pages) ack(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	rule, err := wb.Alerts.Acknowledge(r.Context(), user.FromContext(r.Context()), id)
	return wb.back(w, r, id, err, func() string { return "Alert " + rule.Name + " acknowledged." })
}

// silenceFor are the silences the page offers, in minutes.
var silenceFor = map[string]time.Duration{"60": time.Hour, "240": 4 * time.Hour, "1440": 24 * time.Hour,
	"10080": 7 * 24 * time.Hour}

func (wb *Pages) silence(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in alert.SilenceInput
	if err := r.ParseForm(); err != nil {
		return apperr.Invalid("minutes", "cannot read the form")
	}
	minutes := r.PostForm.Get("minutes")
	if minutes != "lift" {
		d, ok := silenceFor[minutes]
		if !ok {
			return apperr.Invalid("minutes", "choose how long to silence the alert")
		}
		until := time.Now().Add(d)
		in.Until = &until
	}
	rule, err := wb.Alerts.Silence(r.Context(), user.FromContext(r.Context()), id, in)
	return wb.back(w, r, id, err, func() string {
		if in.Until == nil {
			return "Alert " + rule.Name + " speaks again."
		}
		return "Alert " + rule.Name + " silenced."
	})
}

// back returns to the list with a flash: done's words, or the problem.
func (wb *Pages) back(w http.ResponseWriter, r *http.Request, id int64, err error, done func() string) error {
	if err != nil && !kit.IsInputError(err) {
		return err
	}
	if err != nil {
		wb.Flash(r, kit.DescribeInputError(err))
	} else {
		wb.Flash(r, done())
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/alerts#rule-%d", id), http.StatusSeeOther)
	return nil
}

func (wb *Pages) delete(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := wb.Alerts.Delete(r.Context(), user.FromContext(r.Context()), id); err != nil {
		return err
	}
	wb.Flash(r, "Alert deleted.")
	http.Redirect(w, r, "/admin/alerts", http.StatusSeeOther)
	return nil
}
