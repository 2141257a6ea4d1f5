package customer_test

import (
	"context"
	"testing"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/customer"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/settings"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

func TestNormalizePhone(t *testing.T) {
	t.Parallel()
	good := []struct{ in, region, want string }{
		{"+44 (20) 7946-0958", "", "+442079460958"},
		{"+44 (0)20 7946 0958", "", "+442079460958"}, // the national 0 written in brackets
		{"0044 20 7946 0958", "", "+442079460958"},
		{"+1.415.555.0100", "", "+14155550100"},
		{"+47 22 12 34 56", "", "+4722123456"},
		{"020 7946 0958", "GB", "+442079460958"},       // national, read in the desk's region
		{"+47 22 12 34 56", "GB", "+4722123456"},       // a country code wins over the region
		{"011 44 20 7946 0958", "US", "+442079460958"}, // the region's own international prefix
		{"(415) 555-0100", "US", "+14155550100"},
	}
	for _, g := range good {
		if got, err := customer.NormalizePhone("value", g.in, g.region); err != nil || got != g.want {
			t.Errorf("%q in %q: %q, %v; want %q", g.in, g.region, got, err, g.want)
		}
	}
	for _, bad := range []struct{ in, region string }{
		{"", ""}, {"020 7946 0958", ""}, {"+44 20 7946 0958 ext 2", ""}, {"+12", ""},
		{"+1234567890123456", ""}, {"+0 20 7946 0958", ""}, {"call me", ""}, {"+44 20 7946", ""},
		{"1-800-FLOWERS", "US"}, {"555-0100", "US"}, {"+999 1234 5678", ""},
	} {
		_, err := customer.NormalizePhone("value", bad.in, bad.region)
		if e, ok := apperr.As(err); !ok || e.Kind != apperr.KindInvalid || e.Field != "value" {
			t.Errorf("%q in %q: %v, want invalid value", bad.in, bad.region, err)
		}
	}
}

func TestNormalizeExternal(t *testing.T) {
	t.Parallel()
	if got, err := customer.NormalizeExternal("value", " Shopify:AbC-123 "); err != nil || got != "shopify:AbC-123" {
		t.Fatalf("got %q, %v", got, err)
	}
	for _, bad := range []string{"", "12345", ":123", "shop ify:1", "shopify:", "shopify:a b"} {
		if _, err := customer.NormalizeExternal("value", bad); !apperr.Is(err, apperr.KindInvalid) {
			t.Errorf("%q: %v, want invalid", bad, err)
		}
	}
}

func TestIdentitiesAreUniqueAcrossCustomers(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := customer.NewService(d)
		ada, err := s.Create(ctx, customer.NewCustomer{Email: "Ada@Example.com", Name: "Ada",
			Identities: []customer.NewIdentity{{Kind: "phone", Value: "+44 20 7946 0958"}, {Kind: "external", Value: "shop:1"}}})
		if err != nil {
			t.Fatal(err)
		}
		if len(ada.Identities) != 3 || ada.Identities[0].Value != "ada@example.com" ||
			ada.Identities[1].Value != "+442079460958" || ada.Identities[2].Value != "shop:1" {
			t.Fatalf("identities %+v", ada.Identities)
		}
		// Several of each kind.
		ada, err = s.AddIdentity(ctx, ada.ID, customer.NewIdentity{Kind: "email", Value: "ada@work.example"})
		if err != nil || len(ada.Identities) != 4 {
			t.Fatalf("second email: %+v, %v", ada, err)
		}
		// Phone-only customers exist too, named after their number.
		bob, err := s.Create(ctx, customer.NewCustomer{Identities: []customer.NewIdentity{{Kind: "phone", Value: "+1 415 555 0100"}}})
		if err != nil || bob.Name != "+14155550100" || bob.Email != "" {
			t.Fatalf("phone only: %+v, %v", bob, err)
		}
		taken := []customer.NewIdentity{
			{Kind: "email", Value: "ADA@example.COM"},
			{Kind: "phone", Value: "0044 20 7946 0958"},
			{Kind: "external", Value: "SHOP:1"},
		}
		before := testutil.Count(t, d, "customer_identities")
		for _, n := range taken {
			_, err := s.AddIdentity(ctx, bob.ID, n)
			if e, ok := apperr.As(err); !ok || e.Kind != apperr.KindConflict || e.Field != "value" {
				t.Errorf("%+v: %v, want a conflict on value", n, err)
			}
		}
		_, err = s.Create(ctx, customer.NewCustomer{Name: "C", Identities: taken[1:2]})
		if e, ok := apperr.As(err); !ok || e.Kind != apperr.KindConflict || e.Field != "identities[0].value" {
			t.Errorf("create with a taken phone: %v", err)
		}
		if _, err := s.AddIdentity(ctx, bob.ID, customer.NewIdentity{Kind: "fax", Value: "1"}); !apperr.Is(err, apperr.KindInvalid) {
			t.Errorf("unknown kind: %v", err)
		}
		if n := testutil.Count(t, d, "customer_identities"); n != before {
			t.Fatalf("refused identities changed the count from %d to %d", before, n)
		}
		// Removing an identity, and one that is not the customer's.
		ada, err = s.RemoveIdentity(ctx, ada.ID, ada.Identities[1].ID)
		if err != nil || len(ada.Identities) != 3 {
			t.Fatalf("remove: %+v, %v", ada, err)
		}
		if _, err := s.RemoveIdentity(ctx, bob.ID, ada.Identities[0].ID); !apperr.Is(err, apperr.KindNotFound) {
			t.Fatalf("remove another's identity: %v", err)
		}
		if got, err := s.GetByEmail(ctx, "ada@work.example"); err != nil || got.ID != ada.ID {
			t.Fatalf("by second email: %+v, %v", got, err)
		}
	})
}

func TestLastEmailOfACustomerWithMailStays(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := customer.NewService(d)
		c, err := s.Create(ctx, customer.NewCustomer{Email: "ada@example.com"})
		if err != nil {
			t.Fatal(err)
		}
		now := db.Time(db.Now())
		if _, err := d.Write().Exec(`INSERT INTO tickets (number, subject, status, priority, channel, requester_id,
			created_at, updated_at) VALUES (1, 'Hi', 'new', 'normal', 'email', $1, $2, $2)`, c.ID, now); err != nil {
			t.Fatal(err)
		}
		_, err = s.RemoveIdentity(ctx, c.ID, c.Identities[0].ID)
		if e, ok := apperr.As(err); !ok || e.Kind != apperr.KindUnprocessable || e.Field != "identity_id" {
			t.Fatalf("removing the last email: %v", err)
		}
		c, err = s.AddIdentity(ctx, c.ID, customer.NewIdentity{Kind: "email", Value: "ada@new.example"})
		if err != nil {
			t.Fatal(err)
		}
		c, err = s.RemoveIdentity(ctx, c.ID, c.Identities[0].ID)
		if err != nil || c.Email != "ada@new.example" {
			t.Fatalf("with another address: %+v, %v", c, err)
		}
	})
}

// A national number is refused until an admin sets the desk's phone
// region, and is then read as a number of that region.
func TestPhoneRegionSetting(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		admin := testutil.NewUser(t, d, "admin")
		ctx := testutil.As(admin)
		s := customer.NewService(d)
		national := []customer.NewIdentity{{Kind: "phone", Value: "020 7946 0958"}}
		if _, err := s.Create(ctx, customer.NewCustomer{Name: "Ada", Identities: national}); !apperr.Is(err, apperr.KindInvalid) {
			t.Fatalf("a national number without a region: %v", err)
		}
		gb := "gb"
		if _, err := settings.NewStore(d).Update(ctx, settings.Patch{PhoneRegion: &gb}); err != nil {
			t.Fatal(err)
		}
		ada, err := s.Create(ctx, customer.NewCustomer{Name: "Ada", Identities: national})
		if err != nil || ada.Identities[0].Value != "+442079460958" {
			t.Fatalf("with region GB: %+v, %v", ada, err)
		}
		bad := "XX"
		if _, err := settings.NewStore(d).Update(ctx, settings.Patch{PhoneRegion: &bad}); !apperr.Is(err, apperr.KindInvalid) {
			t.Fatalf("unknown region: %v", err)
		}
		if got, err := settings.NewStore(d).Get(ctx); err != nil || got.PhoneRegion != "GB" {
			t.Fatalf("settings %+v, %v", got, err)
		}
	})
}

// A customer keeps one identity at least, and the owner of an identity
// another customer was refused can be found to merge.
func TestLastIdentityStaysAndItsOwnerIsFound(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := customer.NewService(d)
		c, err := s.Create(ctx, customer.NewCustomer{Name: "Caller",
			Identities: []customer.NewIdentity{{Kind: "phone", Value: "+44 20 7946 0958"}}})
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.RemoveIdentity(ctx, c.ID, c.Identities[0].ID)
		if e, ok := apperr.As(err); !ok || e.Kind != apperr.KindUnprocessable || e.Field != "identity_id" {
			t.Fatalf("removing the only identity: %v", err)
		}
		owner, err := s.OwnerOf(ctx, customer.NewIdentity{Kind: "phone", Value: "+44 (0)20 7946-0958"})
		if err != nil || owner != c.ID {
			t.Fatalf("owner %d, %v; want %d", owner, err, c.ID)
		}
		if owner, err := s.OwnerOf(ctx, customer.NewIdentity{Kind: "email", Value: "nobody@example.com"}); err != nil || owner != 0 {
			t.Fatalf("owner of an unknown address: %d, %v", owner, err)
		}
	})
}
