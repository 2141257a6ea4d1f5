package help

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"

	"github.com/alexedwards/scs/v2"

	"github.com/centerdesk/centerdesk/internal/kb"
)

// keyVisitor keeps a customer's journey id in their session: random, so
// it says nothing about who they are.
const keyVisitor = "kb_visitor"

// Journeys follows a customer through the help center to the request they
// may file, on the help center's pages and the portal's new-request form.
type Journeys struct {
	Sessions *scs.SessionManager
	KB       *kb.Service
}

// visitor returns the session's journey id, starting one when create is
// set; "" when there is none.
func (j *Journeys) visitor(r *http.Request, create bool) string {
	v := j.Sessions.GetString(r.Context(), keyVisitor)
	if v == "" && create {
		b := make([]byte, 16)
		rand.Read(b)
		v = hex.EncodeToString(b)
		j.Sessions.Put(r.Context(), keyVisitor, v)
	}
	return v
}

// Filed records that the request r sent became ticket ticketID: the ticket
// keeps the articles opened in this journey and those the form says were
// suggested (its "suggested" values, slugs), and the next visit starts a
// new journey. It must run within the session's middleware.
func (j *Journeys) Filed(r *http.Request, ticketID int64) error {
	v := j.visitor(r, true)
	if err := j.KB.TicketFiled(r.Context(), v, ticketID, r.PostForm["suggested"]); err != nil {
		return err
	}
	j.Sessions.Remove(r.Context(), keyVisitor)
	return nil
}
