package feedbackapi

import "time"

// farFuture stands for "now" where a list's range has no default end.
var farFuture = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
