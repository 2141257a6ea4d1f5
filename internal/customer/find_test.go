package customer_test

import (
	"context"
	"testing"

	"github.com/centerdesk/centerdesk/internal/customer"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

func TestFindByNameOrIdentity(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := customer.NewService(d)
		ctx := testutil.As(testutil.NewUser(t, d, "agent"))
		grace, err := s.Create(ctx, customer.NewCustomer{Email: "grace@navy.example", Name: "Grace Hopper"})
		if err != nil {
			t.Fatal(err)
		}
		odd, err := s.Create(ctx, customer.NewCustomer{Email: "x_y@example.com", Name: "100% Real"})
		if err != nil {
			t.Fatal(err)
		}
		cases := map[string][]int64{
			"HOPPER":    {grace.ID},
			"navy.exam": {grace.ID},
			"100%":      {odd.ID},
			"x_y":       {odd.ID},
			"_":         {odd.ID}, // a literal underscore, not "any character"
			"%":         {odd.ID},
			"nobody":    {},
			"  ":        {},
		}
		for text, want := range cases {
			got, err := s.Find(context.Background(), text, 10)
			if err != nil {
				t.Fatalf("%q: %v", text, err)
			}
			var ids []int64
			for _, c := range got {
				ids = append(ids, c.ID)
			}
			if len(ids) != len(want) || (len(want) > 0 && ids[0] != want[0]) {
				t.Errorf("find %q: got %v, want %v", text, ids, want)
			}
		}
		names, err := s.Names(context.Background(), []int64{grace.ID, odd.ID, 999999})
		if err != nil || names[grace.ID] != "Grace Hopper" || len(names) != 2 {
			t.Fatalf("names %v, %v", names, err)
		}
	})
}
