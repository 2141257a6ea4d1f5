// Package quality is the team's quality programme: the philosophy it
// writes (a vision and a handful of values), the survey that seeds it,
// scorecards built from the values, weekly review periods whose queues
// sample real tickets, the reviews themselves, the agents' disputes of
// them, and the calibration sessions that keep reviewers scoring alike.
//
// # Who may do what
//
// Leads (users with the lead role, and admins, who answer for the whole
// desk) write the philosophy, start surveys, build scorecards, open
// periods, draw queues, open calibration sessions and resolve disputes.
// Everyone may read the philosophy, answer a survey once and see its
// results. Who may read a review is decided in one place, canRead in
// access.go.
//
// # Scores
//
// Each category of a scorecard is rated on its scale, or marked not
// applicable. A rating is normalised to 0-100:
//
//	normalised = (rating - min) / (max - min) * 100     (pass = 100, fail = 0)
//
// A review's score is the weighted mean of the normalised ratings of the
// categories that apply; a not-applicable category is left out of both the
// sum and the weights. If any critical category is rated below half of its
// scale (normalised < 50), the review scores 0, whatever the rest says. A
// period's quality score for an agent is the plain mean of their submitted
// reviews in the period, leaving out calibration reviews (which measure the
// reviewers, not the agent) and reviews voided by an accepted dispute.
//
// A worked example, with this scorecard:
//
//	Empathetic   range 1-5   weight 2
//	Responsive   range 1-5   weight 1
//	Trustful     pass/fail   weight 1   critical
//	Creative     range 1-5   weight 1
//
// Review A rates Empathetic 4, Responsive 5, Trustful pass, Creative not
// applicable. The normalised ratings are (4-1)/(5-1)*100 = 75, 100 and 100;
// Creative counts for nothing, so
//
//	score = (75*2 + 100*1 + 100*1) / (2 + 1 + 1) = 350 / 4 = 87.5
//
// Review B rates Empathetic 5, Responsive 3 (50), Trustful fail. Trustful is
// critical and normalised to 0 < 50, so review B scores 0.
//
// Review C is a calibration review of the same agent's ticket scoring 60; it
// is left out. The agent's score for the period is (87.5 + 0) / 2 = 43.75.
// TestScoreArithmetic checks these figures.
//
// # Queues
//
// Draw samples, for each agent whose tickets were solved in a period, a set
// number of tickets: about half chosen because they most need a look (see
// NeedsLook: reopenings, long threads, and low ratings or high effort once
// the desk records them) and the rest at random, so that ordinary work is
// seen too. A ticket is drawn once per period, never goes to its own agent,
// and goes to the reviewer with the lightest load. The random source is
// passed in, so a draw can be repeated.
//
// # Events
//
// Submitting a review, disputing one and resolving a dispute append
// review.submitted, review.disputed and dispute.resolved to the ticket's
// events, in the same transaction, for badges and the recognition feed.
// Their data names the review (review_id, agent_id, and dispute_id and
// outcome for disputes) but carries no score: anyone who can read the
// ticket reads its events, while scores are for canRead to give out, so a
// consumer loads the review by id.
package quality
