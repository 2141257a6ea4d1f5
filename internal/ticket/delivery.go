package ticket

import "database/sql"

// Delivery is the state of a message that Centerdesk sends by email (the
// email channel's email_messages row, direction "out"): queued until the
// relay accepts it, then sent, or failed with the relay's reason.
type Delivery struct {
	State string `json:"state"`           // "queued", "sent" or "failed"
	Error string `json:"error,omitempty"` // the last failure: the reason when failed, the latest temporary one while queued
}

func deliveryOf(state, reason sql.NullString) *Delivery {
	if !state.Valid {
		return nil
	}
	return &Delivery{State: state.String, Error: reason.String}
}
