package help

import (
	"net/http"

	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// contactPage is /help/contact: a request from a customer who is not
// signed in, with articles suggested as they type.
type contactPage struct {
	base
	Form       contactForm
	ErrorField string
	Sent       bool
}

type contactForm struct {
	Name, Email, Subject, Description string
}

// contactTag marks tickets the contact form opened.
const contactTag = "help-contact"

func (wb *Pages) contactForm(w http.ResponseWriter, r *http.Request) error {
	p := &contactPage{base: wb.base(r, "Contact us", "/help/contact")}
	p.Description = "Send " + p.Brand.Name + " a request."
	wb.render(w, r, http.StatusOK, "help_contact", p)
	return nil
}

// contact opens a ticket on the portal channel (the desk's web form
// channel), then keeps on it the articles the customer saw.
func (wb *Pages) contact(w http.ResponseWriter, r *http.Request) error {
	f := contactForm{Name: r.PostFormValue("name"), Email: r.PostFormValue("email"),
		Subject: r.PostFormValue("subject"), Description: r.PostFormValue("description")}
	p := &contactPage{base: wb.base(r, "Contact us", "/help/contact"), Form: f}
	t, err := wb.Tickets.Create(r.Context(), ticket.NewTicket{Subject: f.Subject, Body: f.Description,
		Requester: ticket.Requester{Email: f.Email, Name: f.Name}, Channel: "portal", Tags: []string{contactTag}})
	if err != nil {
		status, detail := httpx.Describe(r.Context(), err)
		if status >= 500 {
			return err
		}
		p.Error, p.ErrorField = detail.Message, detail.Field
		wb.render(w, r, status, "help_contact", p)
		return nil
	}
	if err := wb.Journeys.Filed(r, t.ID); err != nil {
		wb.Log.Warn("help: keep the articles seen on a ticket", "ticket", t.ID, "err", err)
	}
	p.Title, p.Sent, p.Form = "Request sent", true, contactForm{}
	wb.render(w, r, http.StatusOK, "help_contact", p)
	return nil
}
