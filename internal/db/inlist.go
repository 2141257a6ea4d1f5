package db

import (
	"strconv"
	"strings"
)

// InList returns placeholders $first, $first+1, ... for ids, joined for an
// IN (...) clause, and ids as the matching arguments: a list of ids stays
// parameterised whatever its length.
func InList(first int, ids []int64) (string, []any) {
	var b strings.Builder
	args := make([]any, len(ids))
	for i, id := range ids {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('$')
		b.WriteString(strconv.Itoa(first + i))
		args[i] = id
	}
	return b.String(), args
}
