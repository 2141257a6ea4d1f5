package admin

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/settings"
	"github.com/centerdesk/centerdesk/internal/user"
)

type usersPage struct {
	Page
	Users      []*user.User
	Error      string
	ErrorField string
	Form       user.NewUser
	TeamsOf    map[int64][]string // team names by user id
}

func (wb *Pages) users(w http.ResponseWriter, r *http.Request) error {
	return wb.renderUsers(w, r, http.StatusOK, nil, user.NewUser{Role: "agent"})
}

func (wb *Pages) renderUsers(w http.ResponseWriter, r *http.Request, status int, problem error, form user.NewUser) error {
	users, err := wb.Users.List(r.Context())
	if err != nil {
		return err
	}
	p := &usersPage{Page: wb.BasePage(r, "Agents and roles"), Users: users, Form: form, TeamsOf: map[int64][]string{}}
	teams, err := wb.Teams.List(r.Context())
	if err != nil {
		return err
	}
	for _, t := range teams {
		for _, id := range t.MemberIDs {
			p.TeamsOf[id] = append(p.TeamsOf[id], t.Name)
		}
	}
	if problem != nil {
		var detail httpx.ErrorDetail
		status, detail = httpx.Describe(r.Context(), problem)
		if status >= 500 {
			return problem
		}
		p.Error, p.ErrorField = detail.Message, detail.Field
	}
	p.Form.Password = ""
	wb.Render(w, r, status, "users", p)
	return nil
}

func (wb *Pages) createUser(w http.ResponseWriter, r *http.Request) error {
	form := user.NewUser{
		Email: r.PostFormValue("email"), Name: r.PostFormValue("name"),
		Role: r.PostFormValue("role"), Password: r.PostFormValue("password"),
	}
	u, err := wb.Users.Create(r.Context(), form)
	if err != nil {
		return wb.renderUsers(w, r, 0, err, form)
	}
	wb.Flash(r, u.Name+" can now sign in as "+u.Email+".")
	http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
	return nil
}

func (wb *Pages) updateUser(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var p user.Patch
	if role := r.PostFormValue("role"); role != "" {
		p.Role = &role
	}
	if v := r.PostFormValue("disabled"); v != "" {
		disabled := v == "true"
		p.Disabled = &disabled
	}
	if _, err := wb.Users.Update(r.Context(), id, p); err != nil {
		return wb.renderUsers(w, r, 0, err, user.NewUser{Role: "agent"})
	}
	wb.Flash(r, "Saved.")
	http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
	return nil
}

func (wb *Pages) resetUserTwoFactor(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := wb.Users.ResetTwoFactor(r.Context(), user.FromContext(r.Context()), id); err != nil {
		return wb.renderUsers(w, r, 0, err, user.NewUser{Role: "agent"})
	}
	wb.Flash(r, "Two-factor sign-in is off for that user; they must enrol again.")
	http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
	return nil
}

type settingsPage struct {
	Page
	Settings settings.Settings
	// Error and ErrorField say what was wrong with the form just sent.
	Error      string
	ErrorField string
}

func (wb *Pages) settingsForm(w http.ResponseWriter, r *http.Request) error {
	s, err := wb.Settings.Get(r.Context())
	if err != nil {
		return err
	}
	wb.Render(w, r, http.StatusOK, "settings", &settingsPage{Page: wb.BasePage(r, "Settings"), Settings: s})
	return nil
}

func (wb *Pages) saveSettings(w http.ResponseWriter, r *http.Request) error {
	require := r.PostFormValue("require_2fa") == "on"
	p := settings.Patch{Require2FA: &require}
	// The branding fields change only when the form carries them.
	if _, ok := r.PostForm["company_name"]; ok {
		name := r.PostFormValue("company_name")
		p.CompanyName = &name
	}
	if _, ok := r.PostForm["brand_colour"]; ok {
		colour := r.PostFormValue("brand_colour")
		p.BrandColour = &colour
	}
	if _, ok := r.PostForm["phone_region"]; ok {
		region := r.PostFormValue("phone_region")
		p.PhoneRegion = &region
	}
	if _, ok := r.PostForm["time_zone"]; ok {
		zone := r.PostFormValue("time_zone")
		p.TimeZone = &zone
	}
	if _, ok := r.PostForm["join_window_days"]; ok {
		days, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("join_window_days")))
		if err != nil {
			return wb.settingsError(w, r, p, apperr.Invalid("join_window_days", "must be a whole number of days"))
		}
		p.JoinWindowDays = &days
	}
	if _, err := wb.Settings.Update(r.Context(), p); err != nil {
		return wb.settingsError(w, r, p, err)
	}
	wb.Flash(r, "Settings saved.")
	http.Redirect(w, r, "/admin/settings", http.StatusSeeOther)
	return nil
}

// settingsError shows the settings form again with what was sent and what
// was wrong with it.
func (wb *Pages) settingsError(w http.ResponseWriter, r *http.Request, p settings.Patch, problem error) error {
	status, detail := httpx.Describe(r.Context(), problem)
	if status >= 500 {
		return problem
	}
	s, err := wb.Settings.Get(r.Context())
	if err != nil {
		return err
	}
	if p.CompanyName != nil {
		s.CompanyName = *p.CompanyName
	}
	if p.BrandColour != nil {
		s.BrandColour = *p.BrandColour
	}
	if p.PhoneRegion != nil {
		s.PhoneRegion = *p.PhoneRegion
	}
	if p.TimeZone != nil {
		s.TimeZone = *p.TimeZone
	}
	if p.JoinWindowDays != nil {
		s.JoinWindowDays = *p.JoinWindowDays
	}
	s.Require2FA = *p.Require2FA
	wb.Render(w, r, status, "settings", &settingsPage{Page: wb.BasePage(r, "Settings"), Settings: s,
		Error: detail.Message, ErrorField: detail.Field})
	return nil
}
