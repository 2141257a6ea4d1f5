package outbound_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/outbound"
	"github.com/centerdesk/centerdesk/internal/settings"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

// Mail to customers is dated in the desk's zone, whatever the server's.
func TestMailIsDatedInTheDesksZone(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d)
		at := time.Date(2026, 12, 7, 16, 30, 0, 0, time.UTC)
		send := func() []byte {
			t.Helper()
			if err := e.out.SendNotice(ctx, outbound.Notice{To: "ann@example.com", Subject: "Link", Text: "x", Date: at}); err != nil {
				t.Fatal(err)
			}
			got := e.relay.received()
			return got[len(got)-1].Raw
		}
		if raw := send(); !bytes.Contains(raw, []byte("Date: Mon, 07 Dec 2026 16:30:00 +0000")) {
			t.Fatalf("by default the desk is in UTC:\n%s", raw)
		}
		zone := "Pacific/Auckland"
		if _, err := settings.NewStore(d).Update(ctx, settings.Patch{TimeZone: &zone}); err != nil {
			t.Fatal(err)
		}
		if raw := send(); !bytes.Contains(raw, []byte("Date: Tue, 08 Dec 2026 05:30:00 +1300")) {
			t.Fatalf("a desk in Auckland dates its mail there:\n%s", raw)
		}
	})
}
