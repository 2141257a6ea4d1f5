package people

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/coaching"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/quality"
	"github.com/centerdesk/centerdesk/internal/user"
	"github.com/centerdesk/centerdesk/internal/web/kit"
)

// coachingListData is GET /coaching.
type coachingListData struct {
	Page
	Lead     bool
	Sessions []*coaching.Session
}

// coachingList serves GET /coaching: every session for leads (and for all
// when coaching is open to agents), one's own otherwise.
func (wb *Pages) coachingList(w http.ResponseWriter, r *http.Request) error {
	me := user.FromContext(r.Context())
	list, err := wb.Coaching.Sessions(r.Context(), me, 0)
	if err != nil {
		return err
	}
	wb.Render(w, r, http.StatusOK, "coaching_list", &coachingListData{Page: wb.BasePage(r, "Coaching"),
		Lead: me.IsLead(), Sessions: list})
	return nil
}

// coachingNewData is the form that opens a session.
type coachingNewData struct {
	Page
	Agents  []*user.User
	AgentID int64
	Reviews []*quality.Review // the chosen agent's latest, to link
	Values  []quality.Value
	Form    coachingForm
	Problem *problem
}

// coachingForm echoes what was typed into a refused form.
type coachingForm struct {
	Notes, FollowUp, Tickets, Actions string
	ReviewIDs, ValueIDs               map[int64]bool
}

func (wb *Pages) coachingNew(w http.ResponseWriter, r *http.Request) error {
	var agent int64
	if v := r.URL.Query().Get("agent_id"); v != "" {
		agent, _ = strconv.ParseInt(v, 10, 64)
	}
	return wb.renderCoachingNew(w, r, http.StatusOK, agent, coachingForm{}, nil)
}

func (wb *Pages) renderCoachingNew(w http.ResponseWriter, r *http.Request, status int, agent int64, f coachingForm, pr *problem) error {
	ctx := r.Context()
	me := user.FromContext(ctx)
	users, err := wb.Users.List(ctx)
	if err != nil {
		return err
	}
	d := &coachingNewData{Page: wb.BasePage(r, "New coaching session"), AgentID: agent, Form: f, Problem: pr}
	for _, u := range kit.ActiveAgents(users) {
		if u.ID != me.ID {
			d.Agents = append(d.Agents, u)
		}
	}
	if agent != 0 {
		if d.Reviews, err = wb.Quality.Reviews(ctx, me, quality.ReviewFilter{AgentID: agent,
			Status: quality.StatusSubmitted, Limit: 20}); err != nil {
			return err
		}
	}
	p, err := wb.Quality.Philosophy(ctx)
	if err != nil {
		return err
	}
	d.Values = p.Values
	wb.Render(w, r, status, "coaching_new", d)
	return nil
}

// coachingCreate serves POST /coaching.
func (wb *Pages) coachingCreate(w http.ResponseWriter, r *http.Request) error {
	me := user.FromContext(r.Context())
	if err := r.ParseForm(); err != nil {
		return apperr.Invalid("agent_id", "cannot read the form")
	}
	f := coachingForm{Notes: r.PostFormValue("notes"), FollowUp: r.PostFormValue("follow_up"),
		Tickets: r.PostFormValue("ticket_ids"), Actions: r.PostFormValue("actions"),
		ReviewIDs: map[int64]bool{}, ValueIDs: map[int64]bool{}}
	agent, _ := strconv.ParseInt(r.PostFormValue("agent_id"), 10, 64)
	in, err := newSessionFromForm(r, agent, &f)
	if err == nil {
		var s *coaching.Session
		if s, err = wb.Coaching.CreateSession(r.Context(), me, in); err == nil {
			wb.Flash(r, "The coaching session is saved.")
			http.Redirect(w, r, "/coaching/"+strconv.FormatInt(s.ID, 10), http.StatusSeeOther)
			return nil
		}
	}
	pr, status, ok := asProblem(r, err)
	if !ok {
		return err
	}
	return wb.renderCoachingNew(w, r, status, agent, f, pr)
}

func newSessionFromForm(r *http.Request, agent int64, f *coachingForm) (coaching.NewSession, error) {
	in := coaching.NewSession{AgentID: agent, Notes: f.Notes, Actions: lines(f.Actions)}
	var err error
	if in.ReviewIDs, err = formIDs(r, "review_ids"); err != nil {
		return in, err
	}
	if in.ValueIDs, err = formIDs(r, "value_ids"); err != nil {
		return in, err
	}
	for _, id := range in.ReviewIDs {
		f.ReviewIDs[id] = true
	}
	for _, id := range in.ValueIDs {
		f.ValueIDs[id] = true
	}
	if in.TicketIDs, err = formIDs(r, "ticket_ids"); err != nil {
		return in, err
	}
	in.FollowUpAt, err = formDate(r, "follow_up")
	return in, err
}

// lines splits a textarea into its non-blank lines.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// coachingPageData is GET /coaching/{id}.
type coachingPageData struct {
	Page
	S        *coaching.Session
	Lead     bool // may change the session
	CanTick  bool
	FollowUp string // the follow-up as a date field shows it
	Problem  *problem
}

func (wb *Pages) coachingPage(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	return wb.renderCoachingPage(w, r, http.StatusOK, id, nil)
}

func (wb *Pages) renderCoachingPage(w http.ResponseWriter, r *http.Request, status int, id int64, pr *problem) error {
	me := user.FromContext(r.Context())
	s, err := wb.Coaching.Session(r.Context(), me, id)
	if err != nil {
		return err
	}
	d := &coachingPageData{Page: wb.BasePage(r, "Coaching: "+s.AgentName), S: s, Lead: me.IsLead(),
		CanTick: s.MayTick(me), Problem: pr}
	if s.FollowUpAt != nil {
		d.FollowUp = s.FollowUpAt.UTC().Format("2006-01-02")
	}
	wb.Render(w, r, status, "coaching_session", d)
	return nil
}

// coachingUpdate serves POST /coaching/{id}: a lead's notes, follow-up
// and new actions.
func (wb *Pages) coachingUpdate(w http.ResponseWriter, r *http.Request) error {
	me := user.FromContext(r.Context())
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return apperr.Invalid("notes", "cannot read the form")
	}
	notes := r.PostFormValue("notes")
	p := coaching.SessionPatch{Notes: &notes, AddActions: lines(r.PostFormValue("add_actions"))}
	p.FollowUpAt, err = formDate(r, "follow_up")
	p.ClearFollowUp = err == nil && p.FollowUpAt == nil
	if err == nil {
		_, err = wb.Coaching.UpdateSession(r.Context(), me, id, p)
	}
	if err != nil {
		pr, status, ok := asProblem(r, err)
		if !ok {
			return err
		}
		return wb.renderCoachingPage(w, r, status, id, pr)
	}
	wb.Flash(r, "Saved.")
	http.Redirect(w, r, fmt.Sprintf("/coaching/%d", id), http.StatusSeeOther)
	return nil
}

// coachingTick serves POST /coaching/{id}/actions/{action_id}: done=true
// ticks the action, anything else unticks it.
func (wb *Pages) coachingTick(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	action, err := httpx.PathID(r, "action_id")
	if err != nil {
		return err
	}
	done := r.PostFormValue("done") == "true"
	if _, err := wb.Coaching.SetActionDone(r.Context(), user.FromContext(r.Context()), id, action, done); err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/coaching/%d#action-%d", id, action), http.StatusSeeOther)
	return nil
}
