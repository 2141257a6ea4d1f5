package webhooks

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/hooksub"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/user"
	"github.com/centerdesk/centerdesk/internal/web/kit"
)

// page is the data of the list and of one subscription's page.
type page struct {
	kit.Page
	kit.FormProblem
	Hooks      []*hooksub.Subscription
	Hook       *hooksub.Subscription // the one shown
	Deliveries []*hooksub.Delivery
	Events     []string
	Form       hooksub.Input // the new one's form as typed
	Channels   string
	Tags       string
	Secret     string // the new subscription's secret, shown once
}

// Wants reports whether the form asks for event e.
func (p *page) Wants(e string) bool {
	for _, w := range p.Form.Events {
		if w == e {
			return true
		}
	}
	return false
}

func (wb *Pages) listPage(w http.ResponseWriter, r *http.Request) error {
	return wb.renderList(w, r, http.StatusOK, hooksub.Input{Events: []string{"ticket.created"}}, nil, "")
}

func (wb *Pages) renderList(w http.ResponseWriter, r *http.Request, status int, form hooksub.Input, problem error, secret string) error {
	p := &page{Page: wb.BasePage(r, "Webhooks"), Events: hooksub.Events, Form: form, Secret: secret}
	if form.Filter != nil {
		p.Channels, p.Tags = strings.Join(form.Filter.Channels, " "), strings.Join(form.Filter.Tags, " ")
	}
	var err error
	if p.Hooks, err = wb.Hooks.List(r.Context(), user.FromContext(r.Context())); err != nil {
		return err
	}
	if problem != nil {
		if status, p.FormProblem, err = kit.ProblemOf(r, problem); err != nil {
			return err
		}
	}
	wb.Render(w, r, status, "webhooks", p)
	return nil
}

// create adds a subscription and shows its secret on the answer itself:
// it is never shown again, so it cannot wait for a redirect.
func (wb *Pages) create(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return apperr.Invalid("url", "cannot read the form")
	}
	f := r.PostForm
	in := hooksub.Input{URL: f.Get("url"), Events: f["events"],
		Filter: &hooksub.Filter{Channels: strings.Fields(f.Get("channels")), Tags: strings.Fields(f.Get("tags"))}}
	sub, err := wb.Hooks.Create(r.Context(), user.FromContext(r.Context()), in)
	if err != nil {
		return wb.renderList(w, r, 0, in, err, "")
	}
	return wb.renderList(w, r, http.StatusOK, hooksub.Input{Events: []string{"ticket.created"}}, nil, sub.Secret)
}

func (wb *Pages) hookPage(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	ctx, who := r.Context(), user.FromContext(r.Context())
	p := &page{Events: hooksub.Events}
	if p.Hook, err = wb.Hooks.Get(ctx, who, id); err != nil {
		return err
	}
	if p.Deliveries, err = wb.Hooks.Deliveries(ctx, who, id, 0, 50); err != nil {
		return err
	}
	p.Page = wb.BasePage(r, "Webhook "+p.Hook.URL)
	wb.Render(w, r, http.StatusOK, "webhook", p)
	return nil
}

func (wb *Pages) setActive(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return apperr.Invalid("active", "cannot read the form")
	}
	active := r.PostForm.Get("active") == "true"
	if _, err := wb.Hooks.Update(r.Context(), user.FromContext(r.Context()), id, hooksub.Patch{Active: &active}); err != nil {
		return err
	}
	if active {
		wb.Flash(r, "Webhook resumed.")
	} else {
		wb.Flash(r, "Webhook paused.")
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/webhooks/%d", id), http.StatusSeeOther)
	return nil
}

func (wb *Pages) redeliver(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	deliveryID, err := httpx.PathID(r, "delivery_id")
	if err != nil {
		return err
	}
	if _, err := wb.Hooks.Redeliver(r.Context(), user.FromContext(r.Context()), id, deliveryID); err != nil {
		return err
	}
	wb.Flash(r, "Redelivery queued.")
	http.Redirect(w, r, fmt.Sprintf("/admin/webhooks/%d", id), http.StatusSeeOther)
	return nil
}

func (wb *Pages) delete(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := wb.Hooks.Delete(r.Context(), user.FromContext(r.Context()), id); err != nil {
		return err
	}
	wb.Flash(r, "Webhook deleted.")
	http.Redirect(w, r, "/admin/webhooks", http.StatusSeeOther)
	return nil
}
