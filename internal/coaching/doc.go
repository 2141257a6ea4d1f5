// Package coaching is the one-to-one side of the quality programme:
// coaching sessions a lead holds with an agent, and concerns any agent may
// raise, in confidence, with the leads.
//
// # Coaching sessions
//
// A lead ((*user.User).IsLead) opens a session with an agent, links it to any
// reviews of the agent's work, tickets and values it is about, writes
// notes, and agrees actions, each ticked off when done. A session may set
// a follow-up time: when it comes, the reminder loop (RemindDue, run by the
// server every few minutes) writes one notification to the lead and one to
// the agent, in the same transaction that marks the session reminded, so a
// reminder is written once even across restarts and several nodes. Moving
// the follow-up arms a new reminder.
//
// Who reads a session is decided in one place, canRead: the coached agent
// and the leads; anyone else only when SettingVisibleToAgents is on.
// Everyone else is told "not found", so nobody learns which sessions exist.
// Leads change a session; the agent and the leads tick its actions.
//
// # Concerns
//
// Any agent may raise a concern that a ticket or a decision went against
// the team's values, optionally naming the ticket and the value. Only the
// leads and the raiser read it. Leads move it from open to investigating
// and on to resolved or dismissed, with an outcome the raiser reads. Who
// raised a concern is shown to leads only: a list or answer given to
// anyone else never carries it.
package coaching
