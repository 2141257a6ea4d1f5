package kb

import "time"

// SetNow sets the service's clock, for tests of the deflection window.
func SetNow(s *Service, now func() time.Time) { s.now = now }
