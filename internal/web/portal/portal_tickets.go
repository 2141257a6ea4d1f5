package portal

import (
	"errors"
	"html/template"
	"mime/multipart"
	"net/http"
	"strconv"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/attachment"
	"github.com/centerdesk/centerdesk/internal/customer"
	"github.com/centerdesk/centerdesk/internal/events"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/joining"
	"github.com/centerdesk/centerdesk/internal/portal"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// portalMaxFiles bounds the files of one portal message.
const portalMaxFiles = 10

// portalRow is one of the customer's tickets in their list.
type portalRow struct {
	*ticket.Ticket
	CustomerStatus string
}

type portalTicketsPage struct {
	portalBase
	Tickets []portalRow
	Next    string
}

func (wb *Pages) portalTickets(w http.ResponseWriter, r *http.Request, c *customer.Customer) error {
	pg, err := wb.Portal.Tickets(r.Context(), c.ID, r.URL.Query().Get("cursor"))
	if err != nil {
		return err
	}
	p := &portalTicketsPage{portalBase: wb.portalBase(r, "Your requests", c), Next: pg.NextCursor}
	for _, t := range pg.Tickets {
		p.Tickets = append(p.Tickets, portalRow{Ticket: t, CustomerStatus: portal.CustomerStatus(t.Status)})
	}
	wb.renderPortal(w, r, http.StatusOK, "portal_tickets", p)
	return nil
}

type portalNewPage struct {
	portalBase
	Subject     string
	Description string
	FollowUpOf  int64
	// Open are the customer's unsolved requests, offered first ("Is this
	// about one of these?"); JoinID is the one chosen, 0 for a new one.
	Open   []portalOpenRequest
	JoinID int64
}

// portalOpenRequest is one of the customer's unsolved requests.
type portalOpenRequest struct {
	joining.Candidate
	CustomerStatus string
}

func (wb *Pages) portalNewForm(w http.ResponseWriter, r *http.Request, c *customer.Customer) error {
	p := &portalNewPage{portalBase: wb.portalBase(r, "New request", c)}
	p.FollowUpOf, _ = strconv.ParseInt(r.URL.Query().Get("follow_up_of"), 10, 64)
	if err := wb.offerOpen(r, c, p); err != nil {
		return err
	}
	wb.renderPortal(w, r, http.StatusOK, "portal_new", p)
	return nil
}

// offerOpen lists the customer's unsolved requests on the form, unless it
// follows up on a closed one (that is a new request by choice).
func (wb *Pages) offerOpen(r *http.Request, c *customer.Customer, p *portalNewPage) error {
	if p.FollowUpOf != 0 || wb.Joining == nil {
		return nil
	}
	cands, err := wb.Joining.Unsolved(r.Context(), c.ID)
	if err != nil {
		return err
	}
	for _, o := range cands {
		p.Open = append(p.Open, portalOpenRequest{Candidate: o, CustomerStatus: portal.CustomerStatus(o.Status)})
	}
	return nil
}

// portalCreate opens a request from the new request form.
func (wb *Pages) portalCreate(w http.ResponseWriter, r *http.Request, c *customer.Customer) error {
	files, done, err := wb.portalForm(w, r)
	if err != nil {
		return err
	}
	defer done()
	req := portal.Request{Subject: r.PostFormValue("subject"), Description: r.PostFormValue("description"),
		Attachments: files}
	if v := r.PostFormValue("follow_up_of"); v != "" {
		req.FollowUpOf, _ = strconv.ParseInt(v, 10, 64)
	}
	joinID, err := portalJoinChoice(r.PostFormValue("join"))
	if err == nil {
		var id int64
		var joined bool
		id, joined, err = wb.openOrJoin(r, c, joining.PortalRequest{Request: req, JoinID: joinID})
		if err == nil {
			wb.keepArticlesSeen(r, id)
			if joined {
				wb.portalFlash(r, "Thank you: we added your message to this request, so everything about it stays together.")
			} else {
				wb.portalFlash(r, "Thank you: we received your request and will answer soon.")
			}
			http.Redirect(w, r, "/portal/tickets/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
			return nil
		}
	}
	p := &portalNewPage{portalBase: wb.portalBase(r, "New request", c), Subject: req.Subject,
		Description: req.Description, FollowUpOf: req.FollowUpOf, JoinID: joinID}
	if oerr := wb.offerOpen(r, c, p); oerr != nil {
		return oerr
	}
	status, ferr := p.withProblem(r, err)
	if ferr != nil {
		return ferr
	}
	wb.renderPortal(w, r, status, "portal_new", p)
	return nil
}

// keepArticlesSeen tells the help center which request the customer filed,
// so the ticket keeps the articles they read first. It is a record for the
// agent, so failing it does not fail the customer's request.
func (wb *Pages) keepArticlesSeen(r *http.Request, ticketID int64) {
	if wb.Filed == nil {
		return
	}
	if err := wb.Filed(r, ticketID); err != nil {
		wb.Log.Warn("portal: keep the articles seen on a ticket", "ticket", ticketID, "err", err)
	}
}

// portalJoinChoice reads the form's "join": empty for a new request, or
// the id of the open request chosen.
func portalJoinChoice(v string) (int64, error) {
	if v == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.Invalid("join", "choose one of your open requests, or a new request")
	}
	return id, nil
}

// openOrJoin opens the request, or adds it to the open request chosen.
func (wb *Pages) openOrJoin(r *http.Request, c *customer.Customer, req joining.PortalRequest) (int64, bool, error) {
	if wb.Joining == nil {
		t, err := wb.Portal.Open(r.Context(), c.ID, req.Request)
		if err != nil {
			return 0, false, err
		}
		return t.ID, false, nil
	}
	return wb.Joining.OpenOrJoin(r.Context(), wb.Portal, c.ID, req)
}

// portalForm reads a form that may carry files (multipart) within the
// attachment size limit, and returns its files as uploads and a function
// that frees them.
func (wb *Pages) portalForm(w http.ResponseWriter, r *http.Request) ([]attachment.Upload, func(), error) {
	limit, err := wb.Attachments.MaxBytes(r.Context())
	if err != nil {
		return nil, nil, err
	}
	r.Body = http.MaxBytesReader(w, r.Body, portalMaxFiles*limit+1<<20)
	if err := r.ParseMultipartForm(8 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, nil, apperr.Unprocessable("attachments", "the files are larger than the limit allows")
		}
		return nil, nil, apperr.Invalid("", "the form could not be read: %v", err)
	}
	var headers []*multipart.FileHeader
	if r.MultipartForm != nil {
		if err := httpx.CheckValues(r.MultipartForm.Value); err != nil {
			r.MultipartForm.RemoveAll()
			return nil, nil, err
		}
		headers = r.MultipartForm.File["attachments"]
	}
	var opened []multipart.File
	done := func() {
		for _, f := range opened {
			f.Close()
		}
		if r.MultipartForm != nil {
			r.MultipartForm.RemoveAll()
		}
	}
	if len(headers) > portalMaxFiles {
		done()
		return nil, nil, apperr.Invalid("attachments", "send at most %d files at once", portalMaxFiles)
	}
	var files []attachment.Upload
	for _, h := range headers {
		if h.Filename == "" && h.Size == 0 {
			continue // the file input left empty
		}
		f, err := h.Open()
		if err != nil {
			done()
			return nil, nil, err
		}
		opened = append(opened, f)
		files = append(files, attachment.Upload{Filename: h.Filename, ContentType: h.Header.Get("Content-Type"),
			Body: f, Size: h.Size})
	}
	return files, done, nil
}

// portalMessage is a public message as the customer sees it.
type portalMessage struct {
	*ticket.Message
	Author string
	Mine   bool
	HTML   template.HTML // the sanitised HTML, when the message has some
}

type portalTicketPage struct {
	portalBase
	Ticket         *ticket.Ticket
	CustomerStatus string
	Messages       []portalMessage
	Body           string
	CanSolve       bool
	Closed         bool
	Survey         *portalSurvey // the survey of a solved ticket, if any
}

func (wb *Pages) portalTicket(w http.ResponseWriter, r *http.Request, c *customer.Customer) error {
	return wb.renderPortalTicket(w, r, c, http.StatusOK, "", nil)
}

func (wb *Pages) renderPortalTicket(w http.ResponseWriter, r *http.Request, c *customer.Customer, status int, body string, problem error) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return apperr.NotFound("ticket")
	}
	t, msgs, err := wb.Portal.Conversation(r.Context(), c.ID, id)
	if err != nil {
		return err
	}
	p := &portalTicketPage{portalBase: wb.portalBase(r, t.Subject, c), Ticket: t,
		CustomerStatus: portal.CustomerStatus(t.Status), Body: body,
		CanSolve: t.Status != "solved" && t.Status != "closed", Closed: t.Status == "closed"}
	if problem != nil {
		if status, err = p.withProblem(r, problem); err != nil {
			return err
		}
	}
	if p.Survey, err = wb.surveyOf(r, t, c); err != nil {
		return err
	}
	names := map[string]string{}
	for _, m := range msgs {
		pm := portalMessage{Message: m, Author: wb.authorName(r, names, c, m, p.Brand.Name)}
		pm.Mine = m.AuthorType == events.ActorCustomer && m.AuthorID != nil && *m.AuthorID == c.ID
		if m.BodyHTML != "" {
			// Sanitised (internal/htmlsafe) before it was stored.
			pm.HTML = template.HTML(m.BodyHTML)
		}
		p.Messages = append(p.Messages, pm)
	}
	wb.renderPortal(w, r, status, "portal_ticket", p)
	return nil
}

// authorName is who wrote m, as the customer is shown it: "You", an
// agent's name, another customer's name, or the company for the system.
func (wb *Pages) authorName(r *http.Request, cache map[string]string, c *customer.Customer, m *ticket.Message, company string) string {
	if m.AuthorID == nil {
		return company
	}
	if m.AuthorType == events.ActorCustomer && *m.AuthorID == c.ID {
		return "You"
	}
	key := m.AuthorType + ":" + strconv.FormatInt(*m.AuthorID, 10)
	if name, ok := cache[key]; ok {
		return name
	}
	name := company
	switch m.AuthorType {
	case events.ActorAgent:
		if u, err := wb.Users.Get(r.Context(), *m.AuthorID); err == nil {
			name = u.Name + " (" + company + ")"
		}
	case events.ActorCustomer:
		if other, err := wb.Customers.Get(r.Context(), *m.AuthorID); err == nil {
			name = other.Name
		}
	}
	cache[key] = name
	return name
}

// portalReply adds the customer's reply to their ticket.
func (wb *Pages) portalReply(w http.ResponseWriter, r *http.Request, c *customer.Customer) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return apperr.NotFound("ticket")
	}
	// Ownership first, so a stranger's id answers 404 before any file is
	// stored.
	if _, err := wb.Portal.Ticket(r.Context(), c.ID, id); err != nil {
		return err
	}
	files, done, err := wb.portalForm(w, r)
	if err != nil {
		return wb.renderPortalTicket(w, r, c, 0, "", err)
	}
	defer done()
	body := r.PostFormValue("body")
	if _, err := wb.Portal.Reply(r.Context(), c.ID, id, body, files); err != nil {
		if apperr.Is(err, apperr.KindNotFound) {
			return err
		}
		return wb.renderPortalTicket(w, r, c, 0, body, err)
	}
	wb.portalFlash(r, "Your reply was sent.")
	http.Redirect(w, r, "/portal/tickets/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}

// portalSolve marks the customer's ticket solved.
func (wb *Pages) portalSolve(w http.ResponseWriter, r *http.Request, c *customer.Customer) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return apperr.NotFound("ticket")
	}
	if _, err := wb.Portal.Solve(r.Context(), c.ID, id); err != nil {
		if apperr.Is(err, apperr.KindNotFound) {
			return err
		}
		return wb.renderPortalTicket(w, r, c, 0, "", err)
	}
	wb.portalFlash(r, "Glad it is solved. If it comes back, just reply and we will pick it up again.")
	http.Redirect(w, r, "/portal/tickets/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}

// portalAttachment serves a file of a public message of the customer's
// ticket, with the same protections as the agents' download.
func (wb *Pages) portalAttachment(w http.ResponseWriter, r *http.Request, c *customer.Customer) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return apperr.NotFound("attachment")
	}
	attID, err := httpx.PathID(r, "att")
	if err != nil {
		return apperr.NotFound("attachment")
	}
	att, f, err := wb.Portal.Attachment(r.Context(), c.ID, id, attID)
	if err != nil {
		return err
	}
	defer f.Close()
	attachment.Serve(w, r, att, f)
	return nil
}
