package admin

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/mailbox"
	"github.com/centerdesk/centerdesk/internal/team"
)

// mailboxesPage is the mailbox list with the add form, or (Editing) one
// mailbox's edit form. Passwords are never put in it: the form shows only
// whether one is set.
type mailboxesPage struct {
	Page
	Rows       []mailboxRow
	Teams      []*team.Team
	Form       *mailbox.Mailbox // the values shown in the form
	Editing    bool
	Securities []string
	Error      string
	ErrorField string
}

type mailboxRow struct {
	*mailbox.Mailbox
	Team string
}

// TeamIs reports whether the form's mailbox goes to team id, for the
// team select.
func (p *mailboxesPage) TeamIs(id int64) bool {
	return p.Form != nil && p.Form.TeamID != nil && *p.Form.TeamID == id
}

func (wb *Pages) mailboxes(w http.ResponseWriter, r *http.Request) error {
	return wb.renderMailboxes(w, r, http.StatusOK, nil, defaultMailboxForm(), false)
}

// defaultMailboxForm is what the add form starts with: the defaults the
// mailbox service would fill in.
func defaultMailboxForm() *mailbox.Mailbox {
	return &mailbox.Mailbox{InboundSMTP: true, AckEnabled: true, IMAPSecurity: mailbox.SecurityTLS,
		IMAPFolder: "INBOX", SMTPSecurity: mailbox.SecurityStartTLS}
}

func (wb *Pages) renderMailboxes(w http.ResponseWriter, r *http.Request, status int, problem error,
	form *mailbox.Mailbox, editing bool) error {
	ctx := r.Context()
	teams, err := wb.Teams.List(ctx)
	if err != nil {
		return err
	}
	title := "Mailboxes"
	p := &mailboxesPage{Teams: teams, Form: form, Editing: editing,
		Securities: []string{mailbox.SecurityTLS, mailbox.SecurityStartTLS, mailbox.SecurityNone}}
	if editing {
		title = "Mailbox " + form.Address
	} else {
		boxes, err := wb.Mailboxes.List(ctx)
		if err != nil {
			return err
		}
		names := make(map[int64]string, len(teams))
		for _, t := range teams {
			names[t.ID] = t.Name
		}
		for _, m := range boxes {
			row := mailboxRow{Mailbox: m}
			if m.TeamID != nil {
				row.Team = names[*m.TeamID]
			}
			p.Rows = append(p.Rows, row)
		}
	}
	p.Page = wb.BasePage(r, title)
	if problem != nil {
		var detail httpx.ErrorDetail
		status, detail = httpx.Describe(ctx, problem)
		if status >= 500 {
			return problem
		}
		p.Error, p.ErrorField = detail.Message, detail.Field
	}
	wb.Render(w, r, status, "admin_mailboxes", p)
	return nil
}

func (wb *Pages) createMailbox(w http.ResponseWriter, r *http.Request) error {
	f, err := readMailboxForm(r)
	if err != nil {
		return wb.renderMailboxes(w, r, 0, err, f.shown, false)
	}
	n := mailbox.NewMailbox{Address: f.shown.Address, Name: f.shown.Name, TeamID: f.shown.TeamID,
		InboundSMTP: &f.shown.InboundSMTP, IMAPHost: f.shown.IMAPHost, IMAPPort: f.shown.IMAPPort,
		IMAPSecurity: f.shown.IMAPSecurity, IMAPUser: f.shown.IMAPUser, IMAPPassword: f.imapPassword,
		IMAPFolder: f.shown.IMAPFolder, IMAPMoveTo: f.shown.IMAPMoveTo,
		SMTPHost: f.shown.SMTPHost, SMTPPort: f.shown.SMTPPort, SMTPSecurity: f.shown.SMTPSecurity,
		SMTPUser: f.shown.SMTPUser, SMTPPassword: f.smtpPassword,
		AckEnabled: &f.shown.AckEnabled, AckSubject: f.shown.AckSubject, AckBody: f.shown.AckBody}
	m, err := wb.Mailboxes.Create(r.Context(), n)
	if err != nil {
		return wb.renderMailboxes(w, r, 0, err, f.shown, false)
	}
	wb.Flash(r, "Mailbox "+m.Address+" added.")
	http.Redirect(w, r, "/admin/mailboxes", http.StatusSeeOther)
	return nil
}

func (wb *Pages) editMailbox(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	m, err := wb.Mailboxes.Get(r.Context(), id)
	if err != nil {
		return err
	}
	return wb.renderMailboxes(w, r, http.StatusOK, nil, m, true)
}

func (wb *Pages) updateMailbox(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	old, err := wb.Mailboxes.Get(r.Context(), id)
	if err != nil {
		return err
	}
	f, err := readMailboxForm(r)
	f.shown.ID = id
	f.shown.HasIMAPPassword, f.shown.HasSMTPPassword = old.HasIMAPPassword, old.HasSMTPPassword
	if err != nil {
		return wb.renderMailboxes(w, r, 0, err, f.shown, true)
	}
	if _, err := wb.Mailboxes.Update(r.Context(), id, f.patch(r)); err != nil {
		return wb.renderMailboxes(w, r, 0, err, f.shown, true)
	}
	wb.Flash(r, "Mailbox "+f.shown.Address+" saved.")
	http.Redirect(w, r, "/admin/mailboxes", http.StatusSeeOther)
	return nil
}

func (wb *Pages) deleteMailbox(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	m, err := wb.Mailboxes.Get(r.Context(), id)
	if err != nil {
		return err
	}
	if err := wb.Mailboxes.Delete(r.Context(), id); err != nil {
		return err
	}
	wb.Flash(r, "Mailbox "+m.Address+" deleted; its tickets stay.")
	http.Redirect(w, r, "/admin/mailboxes", http.StatusSeeOther)
	return nil
}

// mailboxForm is a submitted mailbox form: the values to show again if it
// is refused (never the passwords), and the passwords typed.
type mailboxForm struct {
	shown                      *mailbox.Mailbox
	imapPassword, smtpPassword string
}

// readMailboxForm reads the form. Every control is always sent, except
// unticked boxes, which therefore mean off.
func readMailboxForm(r *http.Request) (mailboxForm, error) {
	v := r.PostFormValue
	m := &mailbox.Mailbox{Address: v("address"), Name: v("name"), InboundSMTP: v("inbound_smtp") == "on",
		IMAPHost: v("imap_host"), IMAPSecurity: v("imap_security"), IMAPUser: v("imap_user"),
		IMAPFolder: v("imap_folder"), IMAPMoveTo: v("imap_move_to"),
		SMTPHost: v("smtp_host"), SMTPSecurity: v("smtp_security"), SMTPUser: v("smtp_user"),
		AckEnabled: v("ack_enabled") == "on", AckSubject: v("ack_subject"), AckBody: v("ack_body")}
	f := mailboxForm{shown: m, imapPassword: v("imap_password"), smtpPassword: v("smtp_password")}
	var err error
	if m.TeamID, err = mailboxTeamID("team_id", v("team_id")); err != nil {
		return f, err
	}
	if m.IMAPPort, err = mailboxPort("imap_port", v("imap_port")); err != nil {
		return f, err
	}
	if m.SMTPPort, err = mailboxPort("smtp_port", v("smtp_port")); err != nil {
		return f, err
	}
	return f, nil
}

// patch is the change the edit form asks for: every field as shown; a
// password only when one was typed, or cleared when its box is ticked.
func (f mailboxForm) patch(r *http.Request) mailbox.Patch {
	m := f.shown
	p := mailbox.Patch{Address: &m.Address, Name: &m.Name, TeamID: m.TeamID, ClearTeam: m.TeamID == nil,
		InboundSMTP: &m.InboundSMTP, IMAPHost: &m.IMAPHost, IMAPPort: &m.IMAPPort, IMAPSecurity: &m.IMAPSecurity,
		IMAPUser: &m.IMAPUser, IMAPFolder: &m.IMAPFolder, IMAPMoveTo: &m.IMAPMoveTo,
		SMTPHost: &m.SMTPHost, SMTPPort: &m.SMTPPort, SMTPSecurity: &m.SMTPSecurity, SMTPUser: &m.SMTPUser,
		AckEnabled: &m.AckEnabled, AckSubject: &m.AckSubject, AckBody: &m.AckBody}
	p.IMAPPassword = passwordChange(f.imapPassword, r.PostFormValue("clear_imap_password") == "on")
	p.SMTPPassword = passwordChange(f.smtpPassword, r.PostFormValue("clear_smtp_password") == "on")
	return p
}

func passwordChange(typed string, clear bool) *string {
	switch {
	case typed != "":
		return &typed
	case clear:
		empty := ""
		return &empty
	}
	return nil
}

func mailboxTeamID(field, s string) (*int64, error) {
	if s = strings.TrimSpace(s); s == "" {
		return nil, nil
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return nil, apperr.Invalid(field, "%q is not an id", s)
	}
	return &id, nil
}

func mailboxPort(field, s string) (int, error) {
	if s = strings.TrimSpace(s); s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, apperr.Invalid(field, "must be a number between 1 and 65535")
	}
	return n, nil
}
