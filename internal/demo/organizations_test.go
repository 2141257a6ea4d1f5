package demo_test

import (
	"context"
	"testing"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/demo"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/user"
)

func TestGenerateMakesOrganizationsWithTheirCustomers(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		users := user.NewService(d, nil, user.PasswordParams{Memory: 1024, Time: 1, Threads: 1})
		res, err := demo.Generate(ctx, d, demo.Options{Tickets: 200, Seed: 3, Users: users})
		if err != nil {
			t.Fatal(err)
		}
		if res.Organizations != 7 || testutil.Count(t, d, "organizations") != 7 {
			t.Fatalf("%d organizations", res.Organizations)
		}
		var members, wrong int
		d.Read().QueryRow(`SELECT COUNT(*) FROM customers WHERE organization_id IS NOT NULL`).Scan(&members)
		// Every member writes from their organization's domain.
		d.Read().QueryRow(`SELECT COUNT(*) FROM customers c JOIN organization_domains od ON od.organization_id = c.organization_id
			WHERE NOT EXISTS (SELECT 1 FROM customer_identities i WHERE i.customer_id = c.id AND i.value LIKE '%@' || od.domain)`).Scan(&wrong)
		if members == 0 || members == res.Customers || wrong != 0 {
			t.Fatalf("%d of %d customers in organizations, %d at another domain", members, res.Customers, wrong)
		}
	})
}
