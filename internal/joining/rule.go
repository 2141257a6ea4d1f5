package joining

import "time"

// DefaultWindowDays is how long a ticket stays open to joins by subject
// after its last update, when the desk has not set join_window_days.
const DefaultWindowDays = 7

// MaxWindowDays bounds join_window_days.
const MaxWindowDays = 365

// Candidate is one of a customer's unsolved tickets, as the join rule
// weighs it.
type Candidate struct {
	ID        int64     `json:"id"`
	Number    int64     `json:"number"`
	Subject   string    `json:"subject"`
	Status    string    `json:"status"`
	Channel   string    `json:"channel"`
	UpdatedAt time.Time `json:"updated_at"`
}

// unsolved are the statuses of a ticket still being worked on.
var unsolved = []string{"new", "open", "pending", "on_hold"}

// InWindow returns the candidates updated at or after now minus the
// window. A window of zero days or less keeps none: joining is off.
func InWindow(cands []Candidate, now time.Time, days int) []Candidate {
	if days <= 0 {
		return nil
	}
	since := now.AddDate(0, 0, -days)
	var out []Candidate
	for _, c := range cands {
		if !c.UpdatedAt.Before(since) {
			out = append(out, c)
		}
	}
	return out
}

// MailTarget is the join rule for a mail that carries no thread headers:
// it joins the customer's one unsolved ticket in the window when the
// subjects match. With two or more tickets in the window nothing joins,
// even if one matches: guessing wrong would hide a message in another
// issue, so the agent decides (the new ticket is linked to them instead).
func MailTarget(inWindow []Candidate, subject string) (Candidate, bool) {
	if len(inWindow) != 1 || !SameSubject(subject, inWindow[0].Subject) {
		return Candidate{}, false
	}
	return inWindow[0], true
}
