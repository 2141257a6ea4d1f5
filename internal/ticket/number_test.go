package ticket_test

import (
	"context"
	"database/sql"
	"slices"
	"testing"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

func TestReservedNumbersAreNeverHandedOutAgain(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := ticket.NewService(d)
		first := mustCreate(t, s, newTicket(1, "ada@example.com"))
		var reserved []int64
		err := d.Tx(context.Background(), func(ctx context.Context, tx *sql.Tx) error {
			var err error
			reserved, err = s.ReserveNumbers(context.Background(), tx, 5)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(reserved) != 5 || slices.Contains(reserved, first.Number) {
			t.Fatalf("reserved %v after #%d", reserved, first.Number)
		}
		next := mustCreate(t, s, newTicket(2, "ada@example.com"))
		if next.Number <= slices.Max(reserved) {
			t.Fatalf("#%d handed out after reserving %v", next.Number, reserved)
		}
	})
}
