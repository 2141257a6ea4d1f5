package settings

import (
	"context"
	"strconv"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
)

// keyJoinWindowDays is how many days after its last update a customer's
// unsolved ticket stays open to joins: a mail without thread headers whose
// subject matches it, and "possibly the same issue" suggestions.
const keyJoinWindowDays = "join_window_days"

// Bounds of join_window_days; 0 turns joining by subject off.
const (
	DefaultJoinWindowDays = 7
	MaxJoinWindowDays     = 365
)

// checkJoinWindowDays refuses a window outside its bounds.
func checkJoinWindowDays(n int) error {
	if n < 0 || n > MaxJoinWindowDays {
		return apperr.Invalid(keyJoinWindowDays, "must be between 0 and %d days", MaxJoinWindowDays)
	}
	return nil
}

// parseJoinWindowDays reads the stored text, or the default when it does
// not parse (written by hand, or never).
func parseJoinWindowDays(v string) int {
	n, err := strconv.Atoi(v)
	if err != nil || checkJoinWindowDays(n) != nil {
		return DefaultJoinWindowDays
	}
	return n
}

// JoinWindowDays reads the desk's join window in q (a transaction or a
// pool), for the joining rules, without a whole Settings.
func JoinWindowDays(ctx context.Context, q db.Queryer) (int, error) {
	v, err := Value(ctx, q, keyJoinWindowDays)
	if err != nil {
		return 0, err
	}
	return parseJoinWindowDays(v), nil
}
