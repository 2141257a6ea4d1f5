package search

import (
	"context"
	"slices"
	"testing"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// Merging the index must leave every ticket findable, and later writes
// must keep being indexed.
func TestOptimizeKeepsEveryMatch(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		var want []int64
		for range 30 {
			tk := f.create("Parcel lost in transit", "my parcel never arrived", "lost@example.com")
			f.reply(tk.ID, "we are tracing the parcel", "reply")
			want = append(want, tk.ID)
		}
		if err := f.search.Optimize(context.Background()); err != nil {
			t.Fatalf("optimize: %v", err)
		}
		later := f.create("Parcel lost again", "another parcel", "again@example.com")
		want = append(want, later.ID)

		got := f.ids("parcel", ticket.Filter{})
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Fatalf("after optimize, %q found %v, want %v", "parcel", got, want)
		}
	})
}
