package ticket

import (
	"context"
	"slices"

	"github.com/centerdesk/centerdesk/internal/apperr"
)

// MaxBulk bounds the tickets of one bulk change.
const MaxBulk = 500

// Bulk is one change to many tickets: either Patch applied to each, or each
// merged into the ticket MergeInto.
type Bulk struct {
	IDs       []int64 `json:"ids"`
	Patch     *Patch  `json:"patch,omitempty"`
	MergeInto int64   `json:"merge_into,omitempty"`
}

// What happened to one ticket of a bulk change.
const (
	BulkChanged   = "changed"
	BulkUnchanged = "unchanged"
	BulkRefused   = "refused"
)

// BulkResult says what a bulk change did to one ticket; a refused ticket
// says why, and which field when one is to blame.
type BulkResult struct {
	ID     int64  `json:"id"`
	Result string `json:"result"` // changed, unchanged or refused
	Field  string `json:"field,omitempty"`
	Reason string `json:"reason,omitempty"`
}

// ApplyBulk applies b to each of its tickets in a transaction of its own, as
// the actor in ctx, so each change appends its events and one refused
// ticket (not found, closed, a status it cannot take) leaves the others
// changed. It answers one result per ticket, in the order asked; an error
// is returned only for a bad request (checked before anything is written)
// or a fault of ours.
func (s *Service) ApplyBulk(ctx context.Context, b Bulk) ([]BulkResult, error) {
	ids, err := bulkIDs(b.IDs)
	if err != nil {
		return nil, err
	}
	switch {
	case b.Patch == nil && b.MergeInto == 0:
		return nil, apperr.Invalid("patch", "send a patch to apply, or merge_into to merge the tickets")
	case b.Patch != nil && b.MergeInto != 0:
		return nil, apperr.Invalid("merge_into", "send either a patch or merge_into, not both")
	case b.MergeInto < 0:
		return nil, apperr.Invalid("merge_into", "must be a ticket id")
	}
	out := make([]BulkResult, 0, len(ids))
	for _, id := range ids {
		r, err := s.bulkOne(ctx, id, b)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

func (s *Service) bulkOne(ctx context.Context, id int64, b Bulk) (BulkResult, error) {
	var (
		changed bool
		err     error
	)
	switch {
	case b.Patch != nil:
		_, changed, err = s.update(ctx, id, *b.Patch)
	case id == b.MergeInto:
		return BulkResult{ID: id, Result: BulkUnchanged}, nil // the target of the merge
	default:
		_, err = s.Merge(ctx, id, b.MergeInto)
		changed = err == nil
	}
	if e, ok := apperr.As(err); ok && e.Kind != apperr.KindInternal {
		return BulkResult{ID: id, Result: BulkRefused, Field: e.Field, Reason: e.Message}, nil
	}
	if err != nil {
		return BulkResult{}, err
	}
	if changed {
		return BulkResult{ID: id, Result: BulkChanged}, nil
	}
	return BulkResult{ID: id, Result: BulkUnchanged}, nil
}

// bulkIDs checks the ids of a bulk change and drops repeats, keeping the
// order asked.
func bulkIDs(ids []int64) ([]int64, error) {
	switch {
	case len(ids) == 0:
		return nil, apperr.Invalid("ids", "name at least one ticket")
	case len(ids) > MaxBulk:
		return nil, apperr.Invalid("ids", "name at most %d tickets at once, not %d", MaxBulk, len(ids))
	}
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		if id <= 0 {
			return nil, apperr.Invalid("ids", "%d is not a ticket id", id)
		}
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out, nil
}
