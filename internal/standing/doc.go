// Package standing weighs each agent's work in a review period into one
// balanced score, places it in a green, orange or red tier by absolute
// cut-offs a lead sets, and gathers what an agent's own page shows: badges
// by value over time, review results and their trend, and strengths and
// growth areas by value.
//
// # The balanced score
//
// A score is a weighted mean of components, each on 0-100:
//
//	quality   the agent's quality score for the period (package quality:
//	          the mean of their submitted reviews, calibration left out)
//	customer  what customers said of the tickets the agent helped solve in
//	          the period (package feedback: answered surveys attributed to
//	          the agent at the solve, solved in the period):
//	            csat points = (csat - 1) / 4 * 100   (1..5 -> 0..100)
//	            ces points  = (ces - 1) / 6 * 100    (1..7 -> 0..100)
//	            customer    = (mean csat points + mean ces points) / 2,
//	                          or the one mean alone when the other score
//	                          was never given
//	badges    value badges awarded to the agent in the period (package
//	          recognition), min(badges, target) / target * 100
//	outcomes  of the tickets the agent solved in the period, the share
//	          never reopened: (1 - reopened / solved) * 100
//
//	score = Σ weight_c * value_c / Σ weight_c     over the components that apply
//
// The weights are a lead's (defaults: quality 50, customer 30, badges 20,
// outcomes 0; they must sum to 100). A team whose weights were saved before
// customer feedback joined keeps them, with customer at 0, until a lead
// changes them.
//
// A component applies to an agent when there is something to measure:
// quality when the agent has a scored review in the period, customer when
// a customer answered a survey attributed to them, outcomes when
// they solved a ticket in it, badges when anyone at all was awarded a badge
// in it (a team that does not award badges is not marked down for it). A
// component that does not apply counts in neither sum, as a not-applicable
// category does in a review. The score is rounded to two decimals before it
// is compared with the cut-offs, so a score that is exactly a cut-off on
// paper is on it here too. Handle time is never a component: speed is not a
// value.
//
// Customer feedback counts only once the agent has the minimum of answers
// in the period (the setting standing_min_answers, default 5): below it the
// part is shown with weight 0, and its weight is shared out among the parts
// that apply in proportion to their weights (the weighted mean divides by
// the weights that count). With the defaults and 3 answers, quality 75 and
// 1 badge of 3 give (50*75 + 20*33.33) / 70 = 63.10. Each standing says how many
// reviews and customer answers it stands on (reviews, answers).
//
// # Tiers
//
//	green   score >= green_from
//	orange  orange_from <= score < green_from
//	red     score < orange_from
//
// The cut-offs are absolute, set by a lead (defaults 80 and 60): there is no
// quota per tier, so a whole team can be green. An agent with no component
// that applies has no score and no tier, and so has an agent with fewer
// submitted reviews in the period than the programme's minimum (the
// setting standing_min_reviews, default 3): their parts are shown, the
// score is null with the reason "not enough reviews yet", since a score
// from badges or one review alone says more about chance than about work.
//
// # Which period a board opens on
//
// Asked for no period, a leaderboard and an agent's tier show the latest
// period that is over and has a submitted review: the current one fills up
// only as it runs. Before there is such a period, the latest that started.
//
// # What would move it
//
// An agent below green is told how many points separate them from the next
// tier, which of their components is the weakest, and how far that
// component alone would have to rise to close the gap: gap * Σ weight /
// weight_weakest (and whether that fits under 100).
//
// # A worked example
//
// With the weights quality 60, badges 20, outcomes 20 and a badge
// target of 3, an agent whose reviews average 75, who earned 2 badges and
// solved 10 tickets of which 1 was reopened scores
//
//	quality  75
//	badges   2 / 3 * 100        = 66.67
//	outcomes (1 - 1/10) * 100   = 90
//	score = (60*75 + 20*66.67 + 20*90) / (60 + 20 + 20) = 76.33
//
// which is orange under the default cut-offs. The next tier is 3.67 points
// away; the weakest component is badges, which alone would have to rise by
// 3.67 * 100 / 20 = 18.35 points: one more badge (100) makes the score 83,
// green. If no one in the team was awarded a badge that period, badges does
// not apply and the score is (60*75 + 20*90) / 80 = 78.75. TestWorkedExample
// checks these figures.
//
// With the default weights (50 / 30 / 20) and 5 customer answers of CSAT
// 5, 5, 4, 4, 2 and CES 7, 6, 6, 5, 4: csat points 100, 100, 75, 75, 25
// (mean 75), ces points 100, 83.33, 83.33, 66.67, 50 (mean 76.67), so
// customer is 75.83; with quality 75 and 1 badge of 3 (33.33) the score is
// (50*75 + 30*75.83 + 20*33.33) / 100 = 66.92. TestCustomerFeedbackScore
// checks these figures on both databases.
//
// # Who sees what
//
// Leads see every agent's standing and page. Whether agents see each
// other's is a setting (SettingVisibleTo: "leads" or "everyone"); an agent
// always sees their own, with what would move it.
package standing
