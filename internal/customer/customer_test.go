package customer_test

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"testing"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/customer"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

func resolve(ctx context.Context, d *db.DB, email, name string) (*customer.Customer, bool, error) {
	var (
		c       *customer.Customer
		created bool
	)
	err := d.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		c, created, err = customer.ResolveEmail(ctx, tx, email, name)
		return err
	})
	return c, created, err
}

func TestResolveEmailConcurrentlyMakesOneCustomer(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		const n = 8
		ids := make([]int64, n)
		created := make([]bool, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				c, made, err := resolve(ctx, d, "Ada@Example.com", "Ada")
				if err != nil {
					t.Error(err)
					return
				}
				ids[i], created[i] = c.ID, made
			})
		}
		wg.Wait()
		makers := 0
		for i := range n {
			if ids[i] != ids[0] {
				t.Fatalf("ids %v differ", ids)
			}
			if created[i] {
				makers++
			}
		}
		if makers != 1 {
			t.Fatalf("%d calls say they created the customer", makers)
		}
		var customers int
		d.Read().QueryRow(`SELECT COUNT(*) FROM customers`).Scan(&customers)
		if customers != 1 {
			t.Fatalf("%d customers, want 1", customers)
		}
		c, err := customer.NewService(d).GetByEmail(ctx, "ada@EXAMPLE.com")
		if err != nil || c.ID != ids[0] || c.Email != "ada@example.com" || c.Name != "Ada" {
			t.Fatalf("by email: %+v, %v", c, err)
		}
	})
}

func TestCreateUpdateAndList(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := customer.NewService(d)
		if _, err := s.Create(ctx, customer.NewCustomer{Email: "not an address"}); !apperr.Is(err, apperr.KindInvalid) {
			t.Fatalf("bad email: %v", err)
		}
		var last *customer.Customer
		for i := range 5 {
			c, err := s.Create(ctx, customer.NewCustomer{Email: fmt.Sprintf("c%d@example.com", i)})
			if err != nil {
				t.Fatal(err)
			}
			if c.Name != c.Email {
				t.Fatalf("a nameless customer is named %q", c.Name)
			}
			last = c
		}
		_, err := s.Create(ctx, customer.NewCustomer{Email: "C0@example.com", Name: "Again"})
		if e, ok := apperr.As(err); !ok || e.Kind != apperr.KindConflict || e.Field != "email" {
			t.Fatalf("duplicate: %v", err)
		}
		name := "  Grace  "
		c, err := s.Update(ctx, last.ID, customer.Patch{Name: &name})
		if err != nil || c.Name != "Grace" {
			t.Fatalf("update: %+v, %v", c, err)
		}
		if _, err := s.Update(ctx, 9999, customer.Patch{Name: &name}); !apperr.Is(err, apperr.KindNotFound) {
			t.Fatalf("update unknown: %v", err)
		}
		var seen []int64
		p := customer.Page{Limit: 2}
		for {
			cs, next, err := s.List(ctx, p)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cs {
				seen = append(seen, c.ID)
			}
			if next == 0 {
				break
			}
			p.Before = next
		}
		if len(seen) != 5 || seen[0] != last.ID {
			t.Fatalf("listed %v", seen)
		}
	})
}
