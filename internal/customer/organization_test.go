package customer_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/customer"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

func TestOrganizationsJoinByDomain(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := customer.NewService(d)
		early, err := s.Create(ctx, customer.NewCustomer{Email: "early@acme.example"})
		if err != nil || early.Organization != nil {
			t.Fatalf("before the organization: %+v, %v", early, err)
		}
		acme, err := s.CreateOrganization(ctx, customer.NewOrganization{Name: "Acme", Domains: []string{"@ACME.example", "acme.example", "acme-corp.example"}})
		if err != nil {
			t.Fatal(err)
		}
		if len(acme.Domains) != 2 || acme.Domains[0] != "acme-corp.example" || !acme.AutoJoin {
			t.Fatalf("organization %+v", acme)
		}
		// Customers already there join when the organization is made.
		if early, _ = s.Get(ctx, early.ID); early.Organization == nil || early.Organization.ID != acme.ID {
			t.Fatalf("existing customer: %+v", early.Organization)
		}
		// A customer created with an address at the domain joins, by hand or by mail.
		c, err := s.Create(ctx, customer.NewCustomer{Email: "wile@Acme.example"})
		if err != nil || c.Organization == nil || c.Organization.Name != "Acme" {
			t.Fatalf("new customer: %+v, %v", c, err)
		}
		var resolved *customer.Customer
		err = d.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
			resolved, _, err = customer.ResolveEmail(ctx, tx, "road@acme-corp.example", "")
			return err
		})
		if err != nil || resolved.Organization == nil || resolved.Organization.ID != acme.ID {
			t.Fatalf("resolved: %+v, %v", resolved, err)
		}
		// A customer who gains an address at the domain joins.
		other, err := s.Create(ctx, customer.NewCustomer{Email: "bugs@elsewhere.example"})
		if err != nil || other.Organization != nil {
			t.Fatalf("elsewhere: %+v, %v", other, err)
		}
		other, err = s.AddIdentity(ctx, other.ID, customer.NewIdentity{Kind: "email", Value: "bugs@acme.example"})
		if err != nil || other.Organization == nil || other.Organization.ID != acme.ID {
			t.Fatalf("gained an address: %+v, %v", other, err)
		}
		// Not with auto-join off, and never out of an organization one has.
		off := false
		if _, err := s.UpdateOrganization(ctx, acme.ID, customer.OrganizationPatch{AutoJoin: &off}); err != nil {
			t.Fatal(err)
		}
		if c, err = s.Create(ctx, customer.NewCustomer{Email: "late@acme.example"}); err != nil || c.Organization != nil {
			t.Fatalf("auto-join off: %+v, %v", c, err)
		}
		globex, err := s.CreateOrganization(ctx, customer.NewOrganization{Name: "Globex", Domains: []string{"globex.example"}})
		if err != nil {
			t.Fatal(err)
		}
		other, err = s.AddIdentity(ctx, other.ID, customer.NewIdentity{Kind: "email", Value: "bugs@globex.example"})
		if err != nil || other.Organization.ID != acme.ID {
			t.Fatalf("second organization's domain: %+v, %v", other.Organization, err)
		}
		// The organization's customers.
		cs, _, err := s.List(ctx, customer.Page{OrganizationID: acme.ID})
		if err != nil || len(cs) != 4 {
			t.Fatalf("acme's customers: %d, %v", len(cs), err)
		}
		// Moving a customer by hand, and out.
		id := globex.ID
		c, err = s.Update(ctx, c.ID, customer.Patch{OrganizationID: customer.OptionalID{Set: true, ID: &id}})
		if err != nil || c.Organization.ID != globex.ID {
			t.Fatalf("moved: %+v, %v", c, err)
		}
		c, err = s.Update(ctx, c.ID, customer.Patch{OrganizationID: customer.OptionalID{Set: true}})
		if err != nil || c.Organization != nil {
			t.Fatalf("left: %+v, %v", c, err)
		}
		missing := int64(999999)
		_, err = s.Update(ctx, c.ID, customer.Patch{OrganizationID: customer.OptionalID{Set: true, ID: &missing}})
		if e, ok := apperr.As(err); !ok || e.Kind != apperr.KindUnprocessable || e.Field != "organization_id" {
			t.Fatalf("unknown organization: %v", err)
		}
	})
}

func TestOrganizationNamesAndDomainsAreUnique(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := customer.NewService(d)
		acme, err := s.CreateOrganization(ctx, customer.NewOrganization{Name: "Acme", Domains: []string{"acme.example"}})
		if err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			n     customer.NewOrganization
			kind  apperr.Kind
			field string
		}{
			{customer.NewOrganization{Name: "ACME"}, apperr.KindConflict, "name"},
			{customer.NewOrganization{Name: "Other", Domains: []string{"Acme.Example"}}, apperr.KindConflict, "domains"},
			{customer.NewOrganization{Name: " "}, apperr.KindInvalid, "name"},
			{customer.NewOrganization{Name: "Bad", Domains: []string{"not a domain"}}, apperr.KindInvalid, "domains"},
			{customer.NewOrganization{Name: "Bad", Domains: []string{"localhost"}}, apperr.KindInvalid, "domains"},
		}
		for _, tc := range cases {
			_, err := s.CreateOrganization(ctx, tc.n)
			if e, ok := apperr.As(err); !ok || e.Kind != tc.kind || e.Field != tc.field {
				t.Errorf("%+v: %v", tc.n, err)
			}
		}
		if n := testutil.Count(t, d, "organizations"); n != 1 {
			t.Fatalf("%d organizations", n)
		}
		other, err := s.CreateOrganization(ctx, customer.NewOrganization{Name: "Other"})
		if err != nil {
			t.Fatal(err)
		}
		name := "acme"
		if _, err := s.UpdateOrganization(ctx, other.ID, customer.OrganizationPatch{Name: &name}); !apperr.Is(err, apperr.KindConflict) {
			t.Fatalf("rename to a taken name: %v", err)
		}
		domains := []string{"acme.example"}
		if _, err := s.UpdateOrganization(ctx, other.ID, customer.OrganizationPatch{Domains: &domains}); !apperr.Is(err, apperr.KindConflict) {
			t.Fatalf("a taken domain: %v", err)
		}
		// Renaming in another case is a change of one's own name.
		if o, err := s.UpdateOrganization(ctx, acme.ID, customer.OrganizationPatch{Name: &name}); err != nil || o.Name != "acme" {
			t.Fatalf("recase: %+v, %v", o, err)
		}
		// Domains move once their owner lets go.
		none := []string{}
		if _, err := s.UpdateOrganization(ctx, acme.ID, customer.OrganizationPatch{Domains: &none}); err != nil {
			t.Fatal(err)
		}
		if o, err := s.UpdateOrganization(ctx, other.ID, customer.OrganizationPatch{Domains: &domains}); err != nil || len(o.Domains) != 1 {
			t.Fatalf("moved domain: %+v, %v", o, err)
		}
		os, err := s.ListOrganizations(ctx)
		if err != nil || len(os) != 2 || os[0].ID != acme.ID || len(os[1].Domains) != 1 {
			t.Fatalf("list: %+v, %v", os, err)
		}
	})
}
