package workspace

import (
	"context"
	"crypto/rand"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/customer"
	"github.com/centerdesk/centerdesk/internal/idempotency"
	"github.com/centerdesk/centerdesk/internal/joining"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/web/kit"
)

// New ticket (GET and POST /tickets/new): a phone call or a visitor at the
// desk becomes a ticket. The agent finds the customer (typing searches as
// they go, through GET /customers/lookup; without script, the Find button
// sends the form back to this page with the results) or adds a new one,
// picks the channel, and writes the first message as an internal note or as
// an email to the customer. The ticket domain's Open makes the ticket, in
// one transaction with a new customer if there is one. The form carries a
// token of its own: a form sent twice (a double click, a reload of the
// answer) makes one ticket, and the second send is answered as the first.

// newCustomerChoice is the customer_id of "a new customer".
const newCustomerChoice = "new"

// lookupLimit bounds the customers a search offers.
const lookupLimit = 8

type newTicketForm struct {
	Token      string
	Query      string // the customer search
	CustomerID string // an id, or newCustomerChoice
	NewName    string
	NewEmail   string
	NewPhone   string
	Channel    string
	Subject    string
	Body       string
	Kind       string
	AddTo      string // one of the customer's open tickets, to add to instead (ticket_new_join.go)
}

type newTicketPage struct {
	Page
	Form     newTicketForm
	Found    *customerChoices
	Chosen   *customer.Customer // the customer chosen, kept at the top of the list
	Channels []selectChoice
	Open     []joining.Candidate // the chosen customer's unsolved tickets
	kit.FormProblem
}

// customerChoices are the customers a search found, as the new ticket
// form offers them (radio buttons) or the merge search (links).
type customerChoices struct {
	Query     string
	Customers []*customer.Customer
	Selected  string // the customer_id chosen
	MergeInto int64  // for the merge search: the customer they would merge into
}

func readNewTicketForm(v url.Values) newTicketForm {
	f := newTicketForm{Token: v.Get("form_token"), Query: v.Get("q"), CustomerID: v.Get("customer_id"),
		NewName: v.Get("new_name"), NewEmail: v.Get("new_email"), NewPhone: v.Get("new_phone"),
		Channel: v.Get("channel"), Subject: v.Get("subject"), Body: v.Get("body"), Kind: v.Get("kind"),
		AddTo: v.Get("add_to")}
	if f.Channel == "" {
		f.Channel = "phone"
	}
	if f.Kind != ticket.KindReply {
		f.Kind = ticket.KindNote
	}
	return f
}

// newTicketView answers GET /tickets/new; its query may hold a form sent
// back by the Find button, or ?customer_id= from a customer's page.
func (wb customerPages) newTicketView(w http.ResponseWriter, r *http.Request) error {
	f := readNewTicketForm(r.URL.Query())
	if f.Token == "" {
		f.Token = rand.Text()
	}
	p, err := wb.newTicketPageFor(r, f, kit.FormProblem{})
	if err != nil {
		return err
	}
	wb.Render(w, r, http.StatusOK, "ticket_new", p)
	return nil
}

func (wb customerPages) newTicketPageFor(r *http.Request, f newTicketForm, problem kit.FormProblem) (*newTicketPage, error) {
	p := &newTicketPage{Page: wb.BasePage(r, "New ticket"), Form: f, FormProblem: problem}
	for _, c := range ticket.AgentChannels {
		p.Channels = append(p.Channels, selectChoice{c, channelLabel(c), c == f.Channel})
	}
	found, err := wb.findCustomers(r.Context(), f.Query, f.CustomerID, 0)
	if err != nil {
		return nil, err
	}
	p.Found = found
	if id, err := strconv.ParseInt(f.CustomerID, 10, 64); err == nil && id > 0 {
		if c, err := wb.Customers.Get(r.Context(), id); err == nil && c.ErasedAt == nil {
			p.Chosen = c
			found.Customers = withoutCustomer(found.Customers, id)
			if p.Open, err = wb.openTicketsOf(r.Context(), id); err != nil {
				return nil, err
			}
		}
	}
	return p, nil
}

// channelLabel names a channel for people: "Walk-in", "Email".
func channelLabel(c string) string {
	switch c {
	case "walk_in":
		return "Walk-in"
	}
	return humanize(c)
}

// findCustomers searches customers by name, email address or phone number,
// leaving out exclude (the customer a merge goes into).
func (wb customerPages) findCustomers(ctx context.Context, q, selected string, exclude int64) (*customerChoices, error) {
	out := &customerChoices{Query: q, Selected: selected, MergeInto: exclude}
	q = strings.TrimSpace(q)
	if q == "" {
		return out, nil
	}
	cs, err := wb.Customers.Find(ctx, q, lookupLimit+1)
	if apperr.Is(err, apperr.KindInvalid) {
		return out, nil // a search too long finds nothing; the form says nothing more
	}
	if err != nil {
		return nil, err
	}
	out.Customers = withoutCustomer(cs, exclude)
	if len(out.Customers) > lookupLimit {
		out.Customers = out.Customers[:lookupLimit]
	}
	return out, nil
}

func withoutCustomer(cs []*customer.Customer, id int64) []*customer.Customer {
	out := cs[:0:0]
	for _, c := range cs {
		if c.ID != id {
			out = append(out, c)
		}
	}
	return out
}

// customerLookup answers GET /customers/lookup?q=: the customers found, as
// a fragment for the page that searches as the agent types; ?merge_into=
// lists them as merges into that customer, else as choices for a ticket.
func (wb customerPages) customerLookup(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	var into int64
	if v := q.Get("merge_into"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return apperr.Invalid("merge_into", "%q is not a customer id", v)
		}
		into = id
	}
	text := q.Get("q")
	if into != 0 && text == "" {
		text = q.Get("merge_q") // the customer page's merge search
	}
	found, err := wb.findCustomers(r.Context(), text, q.Get("customer_id"), into)
	if err != nil {
		return err
	}
	name := "customer-choices"
	if into != 0 {
		name = "merge-choices"
	}
	wb.Fragment(w, r, http.StatusOK, "ticket_new", name, found)
	return nil
}

// createTicket answers POST /tickets/new.
func (wb customerPages) createTicket(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return apperr.Invalid("", "the form cannot be read: %v", err)
	}
	f := readNewTicketForm(r.PostForm)
	err := wb.once(w, r, f.Token, func(ctx context.Context) (string, error) {
		if f.AddTo != "" {
			return wb.addToTicket(ctx, r, f)
		}
		return wb.openTicket(ctx, r, f)
	})
	if err == nil {
		return nil
	}
	status, problem, err := kit.ProblemOf(r, err)
	if err != nil {
		return err
	}
	if problem.ErrorField == idempotency.Header {
		// The form opened a ticket already and came back changed (the
		// browser's Back): a fresh token lets the agent open another.
		f.Token = rand.Text()
		problem = kit.FormProblem{Error: "this form already opened a ticket; send it again to open another with what it holds now"}
	}
	problem.ErrorField = newTicketField(problem.ErrorField)
	p, err := wb.newTicketPageFor(r, f, problem)
	if err != nil {
		return err
	}
	wb.Render(w, r, status, "ticket_new", p)
	return nil
}

// openTicket adds the new customer, if the form has one, and opens the
// ticket; it returns where to go next.
func (wb customerPages) openTicket(ctx context.Context, r *http.Request, f newTicketForm) (string, error) {
	id, err := wb.customerOfForm(ctx, f)
	if err != nil {
		return "", err
	}
	html, err := markdownHTML(f.Body)
	if err != nil {
		return "", err
	}
	t, _, err := wb.Tickets.Open(ctx, ticket.Opening{CustomerID: id, Subject: f.Subject, Channel: f.Channel,
		Message: ticket.NewMessage{Body: f.Body, BodyHTML: html, Kind: f.Kind}})
	if err != nil {
		return "", err
	}
	if f.Kind == ticket.KindReply {
		wb.Flash(r, "Ticket #"+idText(t.Number)+" opened; the email to the customer is on its way.")
	} else {
		wb.Flash(r, "Ticket #"+idText(t.Number)+" opened with an internal note.")
	}
	return ticketURL(t.ID), nil
}

// customerOfForm is the customer chosen, or the new one the form
// describes, made now (in the ticket's transaction).
func (wb customerPages) customerOfForm(ctx context.Context, f newTicketForm) (int64, error) {
	if f.CustomerID != newCustomerChoice {
		if f.CustomerID == "" {
			return 0, apperr.Invalid("customer_id", "is required: choose a customer, or add a new one")
		}
		id, err := strconv.ParseInt(f.CustomerID, 10, 64)
		if err != nil || id <= 0 {
			return 0, apperr.Invalid("customer_id", "%q is not a customer", f.CustomerID)
		}
		return id, nil
	}
	n := customer.NewCustomer{Name: f.NewName, Email: strings.TrimSpace(f.NewEmail)}
	if phone := strings.TrimSpace(f.NewPhone); phone != "" {
		n.Identities = []customer.NewIdentity{{Kind: customer.KindPhone, Value: phone}}
	}
	if n.Email == "" && len(n.Identities) == 0 {
		return 0, apperr.Invalid("new_email", "or a phone number is needed, so the customer can be recognised again")
	}
	c, err := wb.Customers.Create(ctx, n)
	if err != nil {
		return 0, err
	}
	return c.ID, nil
}

// newTicketField names the form field a domain error is about.
func newTicketField(f string) string {
	switch f {
	case "name":
		return "new_name"
	case "email":
		return "new_email"
	case "identities[0].value", "identities[0].kind":
		return "new_phone"
	case "body_html":
		return "body"
	}
	return f
}

// once runs create, and redirects where it says, at most once per form
// token: through the idempotency store the API's Idempotency-Key uses, so
// the first answer is stored with the change in one transaction, and a form
// sent again gets that answer (the same redirect) and changes nothing. A
// failure stores nothing, so the corrected form can be sent with the same
// token.
func (wb customerPages) once(w http.ResponseWriter, r *http.Request, token string, create func(ctx context.Context) (string, error)) error {
	if token == "" || len(token) > 64 {
		return apperr.Invalid("form_token", "is missing: reload the page and send the form again")
	}
	keyed := r.Clone(r.Context())
	keyed.Header.Set(idempotency.Header, "form:"+token)
	keyed.Body = io.NopCloser(strings.NewReader(r.PostForm.Encode()))
	return wb.Idempotency.Wrap(func(w http.ResponseWriter, r *http.Request) error {
		to, err := create(r.Context())
		if err != nil {
			return err
		}
		http.Redirect(w, r, to, http.StatusSeeOther)
		return nil
	})(w, keyed)
}
