package demo

import (
	"context"
	"fmt"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/customer"
)

// companies are the demo's organizations, by the email domain their
// customers write from; customers at free-mail domains belong to none.
var companies = []struct{ name, domain string }{
	{"Northwind Traders", "northwind.example"}, {"Contoso", "contoso.example"}, {"Fabrikam", "fabrikam.example"},
	{"Tailspin Toys", "tailspin.example"}, {"Adatum", "adatum.example"}, {"Litware", "litware.example"},
	{"Proseware", "proseware.example"},
}

// makeOrganizations makes an organization per company domain; the
// customers already at its domain join it (auto-join). A desk that has the
// company from an earlier demo keeps it, and the new customers join that.
func (g *generator) makeOrganizations(ctx context.Context) error {
	orgs := customer.NewService(g.d)
	for _, c := range companies {
		_, err := orgs.CreateOrganization(ctx, customer.NewOrganization{Name: c.name, Domains: []string{c.domain},
			Notes: "Demo company: customers who write from " + c.domain + " join it."})
		if apperr.Is(err, apperr.KindConflict) {
			continue
		}
		if err != nil {
			return fmt.Errorf("demo: create organization %s: %w", c.name, err)
		}
		g.res.Organizations++
	}
	return nil
}
