package quality

import (
	"net/http"
	"strconv"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/recognition"
	"github.com/centerdesk/centerdesk/internal/user"
	"github.com/centerdesk/centerdesk/internal/web/kit"
)

// nominatePage is GET /recognition/nominate?ticket=ID: the form that
// nominates the ticket's agent for a value's badge, or (leads) awards it.
type nominatePage struct {
	Page
	TicketID     int64
	TicketNumber int64
	Subject      string
	AgentID      int64
	Agent        string
	Values       []recognition.ValueOption
	CanAward     bool
	Self         bool // the ticket is the reader's own: nobody nominates themselves
}

func (wb *Pages) nominateForm(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := user.FromContext(ctx)
	id, err := strconv.ParseInt(r.URL.Query().Get("ticket"), 10, 64)
	if err != nil || id <= 0 {
		return apperr.Invalid("ticket", "choose a ticket to nominate from")
	}
	t, err := wb.Tickets.Get(ctx, id)
	if err != nil {
		return err
	}
	values, err := wb.Recognition.ValueOptions(ctx)
	if err != nil {
		return err
	}
	p := &nominatePage{Page: wb.BasePage(r, "Nominate for a badge"), TicketID: t.ID, TicketNumber: t.Number,
		Subject: t.Subject, Values: values, CanAward: u.IsLead()}
	if t.AssigneeID != nil {
		p.AgentID, p.Self = *t.AssigneeID, *t.AssigneeID == u.ID
		if a, err := wb.Users.Get(ctx, *t.AssigneeID); err == nil {
			p.Agent = a.Name
		}
	}
	wb.Render(w, r, http.StatusOK, "recognition_nominate", p)
	return nil
}

// awardOrNominate is POST /recognition/awards: mode=award awards the
// badge (leads and the ticket's reviewers), anything else nominates.
func (wb *Pages) awardOrNominate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := user.FromContext(ctx)
	in := recognition.NewAward{Citation: r.PostFormValue("citation")}
	var err error
	if in.TicketID, err = optionalFormID(r, "ticket_id"); err != nil {
		return err
	}
	if in.ValueID, err = optionalFormID(r, "value_id"); err == nil {
		in.AgentID, err = optionalFormID(r, "agent_id")
	}
	back := "/recognition/nominate?ticket=" + strconv.FormatInt(in.TicketID, 10)
	if err == nil {
		if r.PostFormValue("mode") == "award" {
			_, err = wb.Recognition.CreateAward(ctx, u, in)
			back = "/recognition"
			if err == nil {
				wb.Flash(r, "Badge awarded. It is in the feed.")
			}
		} else if _, err = wb.Recognition.Nominate(ctx, u, in); err == nil {
			wb.Flash(r, "Nomination sent to the leads. Thank you for noticing.")
			back = "/tickets/" + strconv.FormatInt(in.TicketID, 10)
		}
	}
	if err != nil {
		if !kit.IsInputError(err) {
			return err
		}
		wb.Flash(r, kit.DescribeInputError(err))
		back = "/recognition/nominate?ticket=" + strconv.FormatInt(in.TicketID, 10)
	}
	// A form on another page (a review's) asks to return there.
	if from := r.PostFormValue("back"); from != "" {
		back = httpx.LocalPath(from, "/") + "#review-badges"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}

// optionalFormID reads an optional id from a form; 0 when empty.
func optionalFormID(r *http.Request, name string) (int64, error) {
	v := r.PostFormValue(name)
	if v == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.Invalid(name, "%q is not an id", v)
	}
	return id, nil
}

// nominationsPage is GET /recognition/nominations: leads decide the open
// ones; everyone sees the nominations they made or that name them.
type nominationsPage struct {
	Page
	Lead        bool
	Open        []*recognition.Nomination
	Decided     []*recognition.Nomination
	MaxNote     int
	MaxCitation int
}

func (wb *Pages) nominationsPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := user.FromContext(ctx)
	all, err := wb.Recognition.Nominations(ctx, u, "")
	if err != nil {
		return err
	}
	p := &nominationsPage{Page: wb.BasePage(r, "Nominations"), Lead: u.IsLead(),
		MaxNote: recognition.MaxNote, MaxCitation: recognition.MaxCitation}
	for _, n := range all {
		if n.Status == recognition.NominationOpen {
			p.Open = append(p.Open, n)
		} else {
			p.Decided = append(p.Decided, n)
		}
	}
	wb.Render(w, r, http.StatusOK, "recognition_nominations", p)
	return nil
}

func (wb *Pages) approveNomination(w http.ResponseWriter, r *http.Request) error {
	return wb.decideNomination(w, r, true)
}

func (wb *Pages) declineNomination(w http.ResponseWriter, r *http.Request) error {
	return wb.decideNomination(w, r, false)
}

func (wb *Pages) decideNomination(w http.ResponseWriter, r *http.Request, approve bool) error {
	ctx := r.Context()
	u := user.FromContext(ctx)
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	d := recognition.Decision{Note: r.PostFormValue("note"), Citation: r.PostFormValue("citation")}
	if approve {
		_, err = wb.Recognition.ApproveNomination(ctx, u, id, d)
	} else {
		_, err = wb.Recognition.DeclineNomination(ctx, u, id, d)
	}
	switch {
	case err != nil && !kit.IsInputError(err):
		return err
	case err != nil:
		wb.Flash(r, kit.DescribeInputError(err))
	case approve:
		wb.Flash(r, "Nomination approved: the badge is awarded.")
	default:
		wb.Flash(r, "Nomination declined.")
	}
	http.Redirect(w, r, "/recognition/nominations", http.StatusSeeOther)
	return nil
}

// confirmProposal is POST /recognition/proposals/{id}/confirm, from a
// submitted review's page.
func (wb *Pages) confirmProposal(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	_, err = wb.Recognition.ConfirmProposal(ctx, user.FromContext(ctx), id, r.PostFormValue("citation"))
	if err == nil {
		wb.Flash(r, "Badge awarded. It is in the recognition feed.")
	}
	return wb.backToReview(w, r, err)
}

func (wb *Pages) dismissProposal(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	err = wb.Recognition.DismissProposal(ctx, user.FromContext(ctx), id)
	if err == nil {
		wb.Flash(r, "Proposal dismissed.")
	}
	return wb.backToReview(w, r, err)
}

// backToReview returns to the review the proposal came from (the form's
// back field), flashing a mistake in the input.
func (wb *Pages) backToReview(w http.ResponseWriter, r *http.Request, err error) error {
	if err != nil && !kit.IsInputError(err) {
		return err
	}
	if err != nil {
		wb.Flash(r, kit.DescribeInputError(err))
	}
	back := httpx.LocalPath(r.PostFormValue("back"), "/reviews")
	http.Redirect(w, r, back+"#review-badges", http.StatusSeeOther)
	return nil
}
