// Package recognition celebrates the team's values at work: each value has
// a badge (an SVG made from its code and colour), reviewers and leads award
// a value's badge to an agent for a ticket that showed it, with a citation
// of what the agent did, and the whole organisation sees the awards in a
// feed, where people react and comment.
//
// # Where awards come from
//
//   - A reviewer awards a badge for a ticket they reviewed; a lead for any
//     ticket (source "direct").
//   - A submitted review that rates a value's category at the top of its
//     range proposes that value's badge on the spot (OnReviewSubmitted,
//     which the server hands to quality.Service.OnSubmit, so quality never
//     imports this package). The reviewer confirms a proposal with a
//     citation (source "review") or dismisses it. A pass on a pass/fail
//     category proposes nothing: passing is the standard, not the
//     exception a badge marks. Calibration reviews propose nothing either:
//     they measure the reviewers; and the proposals of a review voided by
//     an accepted dispute lapse.
//   - Any agent nominates a peer for a ticket; a lead approves (source
//     "nomination") or declines.
//
// Nobody awards or nominates themselves, a citation is always required,
// and one value's badge is awarded once per ticket and agent.
//
// # Sending on
//
// Each award is posted as JSON to the webhook an admin sets, by a durable
// job (KindWebhook) that retries, with the body signed by HMAC-SHA256 of
// the webhook's secret in the X-Centerdesk-Signature header. The URL goes
// through package egress, when saved and when posted to, so it reaches
// only public addresses (and the operator's allow list); a post refused
// there is not retried. Every week a
// digest job (KindDigest) mails the week's awards to every active user
// through the notice mail of package outbound, then schedules the next.
//
// # Events
//
// An award appends badge.awarded to its ticket's events (which the live
// hub passes to open pages, so the feed offers new awards), a nomination
// badge.nominated; decided proposals and nominations, reactions, comments
// and webhook changes are written to the audit log.
package recognition
