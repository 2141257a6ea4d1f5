package servicelevel

import (
	"net/http"
	"strings"

	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/sla"
)

// slaPanel is the ticket page's SLA panel: each metric's clock.
type slaPanel struct {
	TicketID int64
	Clocks   []sla.MetricSLA
}

// Label names a metric for people: "First reply".
func (*slaPanel) Label(m string) string {
	return strings.ToUpper(m[:1]) + strings.ReplaceAll(m[1:], "_", " ")
}

// ticketSLA renders the panel as an htmx fragment for the ticket page.
func (wb *Pages) ticketSLA(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	clocks, err := wb.SLA.TicketSLA(r.Context(), id)
	if err != nil {
		return err
	}
	wb.Fragment(w, r, http.StatusOK, "ticket_sla", "sla-panel", &slaPanel{TicketID: id, Clocks: clocks})
	return nil
}
