package ticket

import "time"

// SetClock makes s read the time from now, so that a test can script a
// ticket's history at known moments.
func SetClock(s *Service, now func() time.Time) { s.now = now }
