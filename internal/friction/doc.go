// Package friction lets the support team hunt down the causes of customer
// effort that live in other departments.
//
// A department (Billing, Product, Logistics...) has one or more
// ambassadors from the support team. A friction point is a named cause of
// effort a department owns ("Invoice PDF unreadable"). Any agent proposes
// one from a ticket that shows it; a lead accepts it (the proposer is then
// recognised as a friction hunter in the recognition feed, through the
// Recogniser the server hands in) or declines it with a reason. Agents tag
// tickets with accepted points; the department's ambassadors mark a point
// raised, fix planned, or fixed on a date, after which the report compares
// the tickets before and after the fix.
//
// # Who may do what
//
//   - Departments and their ambassadors: leads and admins.
//   - Propose: any agent, from a ticket; create, rename, delete, accept and
//     decline: leads. Nobody accepts their own proposal.
//   - Status: the owning department's ambassadors, and leads.
//   - Tag a ticket: any agent (every agent may open every ticket). Untag:
//     whoever tagged it, the department's ambassadors, and leads.
//
// # The report
//
// Report counts, per friction point and per department, the tagged tickets
// created in a period, the customers they came from, their contacts
// (customer messages) and reopens, tickets per week, and for a fixed point
// the figures before and after its fix date. Every per-ticket figure comes
// from ticketFacts (report_facts.go): the effort package's stored counts and
// the surveys of the period's tagged tickets, read by the index on the
// ticket's creation that each tag keeps.
//
// # The weekly digest
//
// Every Monday at 08:00 UTC a durable job (KindDigest) mails each
// department's ambassadors the week before: its friction points, their
// status and the tickets newly tagged with each. Each digest queues the
// next under a unique key, so it runs once a week however many nodes run.
package friction
