package workspace

import (
	"html/template"
	"net/http"
	"slices"
	"strings"

	"github.com/centerdesk/centerdesk/internal/customer"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/search"
)

// searchPage is one box's answer across tickets, customers and messages.
type searchPage struct {
	Page
	Tickets   []searchHit // matched on number or subject (and maybe messages)
	Messages  []searchHit // matched only in a reply or note
	Customers []*customer.Customer
	Next      string
	Partial   bool
	Error     string
}

// searchHit is a hit with its snippet marked safe: the search package
// escapes the text and adds only <mark> elements.
type searchHit struct {
	search.Hit
	HTML template.HTML
}

const (
	searchTickets   = 20
	searchCustomers = 10
)

func (wb *Pages) searchPage(w http.ResponseWriter, r *http.Request) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	p := &searchPage{Page: wb.BasePage(r, "Search")}
	p.Query = q
	if q == "" {
		wb.Render(w, r, http.StatusOK, "search", p)
		return nil
	}
	p.Title = "Search: " + q
	ctx := r.Context()
	res, err := wb.Search.Search(ctx, search.Query{Q: q, Cursor: r.URL.Query().Get("cursor"), Limit: searchTickets})
	if err != nil {
		status, detail := httpx.Describe(ctx, err)
		if status >= 500 {
			return err
		}
		p.Error = detail.Message
		wb.Render(w, r, status, "search", p)
		return nil
	}
	for _, h := range res.Items {
		sh := searchHit{Hit: h, HTML: template.HTML(h.Snippet)} // escaped by the search package
		if slices.Contains(h.Matched, "subject") || slices.Contains(h.Matched, "number") || h.MessageID == nil {
			p.Tickets = append(p.Tickets, sh)
		} else {
			p.Messages = append(p.Messages, sh)
		}
	}
	p.Next, p.Partial = res.NextCursor, res.Partial
	if r.URL.Query().Get("cursor") == "" { // customers are on the first page only
		if p.Customers, err = wb.Customers.Find(ctx, q, searchCustomers); err != nil {
			return err
		}
	}
	wb.Render(w, r, http.StatusOK, "search", p)
	return nil
}
