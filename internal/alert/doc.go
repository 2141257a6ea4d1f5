// Package alert watches the desk's figures and tells people when one
// crosses a line for a while: rules of the form
//
//	<metric> <op> <threshold> for <duration>
//
// ("service_level < 90 for 15 min"), scoped to a team or the whole desk.
//
// # Metrics
//
//	service_level  today's first-reply service level in percent (sla.ServiceLevel,
//	               the one formula; "today" in the zone the board reads it in: the
//	               team's schedule's, else the default schedule's, else the desk's). With no
//	               clock decided today there is no value and the rule stays as it is.
//	backlog        unsolved tickets (new, open, pending, on hold)
//	at_risk        running SLA clocks past their at-risk moment, not yet breached
//	breached       SLA clocks of unsolved tickets whose deadline passed unmet
//	csat_7d        percent of CSAT answers scoring 4 or 5, surveys of the last 7 days
//
// # States
//
//	ok ──condition holds──> pending ──held for the duration──> firing
//	 ^                        │ condition clears                 │ condition clears
//	 └────────────────────────┘                                  v
//	 └──────────── clear for the duration again ──────────── resolved
//
// A rule with a duration of 0 goes from ok (or resolved) to firing at once.
// People are told once per change into firing and once per change into
// resolved, never again while a rule stays firing; while a rule is
// silenced (until a time) nobody is told, but its state is still kept.
// Acknowledging records who saw a firing rule, and is cleared when it
// resolves. Every change of state is kept in alert_history with the value
// seen.
//
// # One evaluator, durable deliveries
//
// Rules are evaluated by one durable job a minute (KindEvaluate): each run
// evaluates every rule and queues the next minute's run under a unique key,
// in the transaction that records the changes, so however many nodes run,
// one run a minute happens (one that fails for good queues the next as it
// is buried; Schedule, at every start, queues a first run only when none
// is waiting). A metric that cannot be read leaves its rules as they are
// for that minute. Each change of state writes its in-app
// notifications and queues its mails and webhook posts (durable jobs with
// retries) in that same transaction: a crash neither loses nor doubles an
// alert. A rule's row carries a revision, and a change is recorded only
// against the revision it was decided on, so two runs that raced cannot
// both notify.
//
// # Webhooks
//
// A webhook receives a JSON body (see WebhookBody) with the header
//
//	Centerdesk-Signature: t=<unix seconds>,v1=<hex>
//
// where <hex> is the HMAC-SHA256, keyed with the rule's webhook secret, of
// the text "<t>.<body>". A receiver recomputes it over the raw body,
// compares in constant time, and refuses a t far from its clock (Verify
// does all three). Posts go through the guarded outbound client
// (internal/egress), and are retried on timeouts, 5xx, 408 and 429.
package alert
