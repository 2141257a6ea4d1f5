package events

// SetMaxSeen lowers the live feed's bound for a test, and returns the undo.
func SetMaxSeen(n int) (restore func()) {
	old := maxSeen
	maxSeen = n
	return func() { maxSeen = old }
}
