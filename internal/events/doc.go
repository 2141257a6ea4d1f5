// Package events is the append-only log of what happened to tickets, the
// outbox that hands each event on once the transaction that wrote it has
// committed, and the bus that does the handing on.
//
// # Writing
//
// Append writes an event and its outbox row in the caller's transaction, so
// an event is delivered if and only if the change it describes committed.
// The events table is kept forever (it is the history); outbox rows are
// removed once every durable consumer has handled them.
//
// # Durable consumers
//
// A Consumer (SLA clocks, metrics roll-ups, automations) has a name and a
// row in event_consumers holding its progress. The bus hands it events in
// batches; each batch runs in one transaction that holds the consumer's
// handler's writes and the consumer's new progress, so a batch is either
// wholly done and recorded or not at all: a crash, an error or a panic
// redelivers exactly the uncommitted batch, and nothing twice. The batch
// transaction first locks the consumer's row (FOR UPDATE SKIP LOCKED on
// PostgreSQL), so among several nodes only one processes a consumer at a
// time; the others skip it. The handler's context carries the transaction
// (db.InTx), so the services it calls join it.
//
// A new consumer starts from now: it gets the events committed after it was
// first registered. What came before is in the events table.
//
// # Progress on SQLite: a cursor
//
// SQLite has one writer at a time, and a consumer's batch is itself a write
// transaction, so while it reads the outbox no other transaction is writing:
// every row it cannot see is from a transaction not yet begun, which will
// take a higher id (the outbox id is AUTOINCREMENT, never reused). Progress
// is the last outbox id handled.
//
// # Progress on PostgreSQL: a horizon and a delivered set
//
// On PostgreSQL, ids come from a sequence when the row is inserted, but
// transactions commit in any order: a transaction may take id 10, then
// commit after id 11 has committed and been delivered. A cursor "last id
// seen" would skip 10 forever. Waiting for gaps to fill cannot work either: a
// gap may be a rolled-back transaction that never fills.
//
// So each outbox row records the id of the transaction that wrote it (txid,
// from pg_current_xact_id). A consumer keeps
//
//   - a horizon H: every outbox row whose txid is below H has been handled,
//   - and the set of rows with txid >= H that it has handled already
//     (event_deliveries).
//
// A batch reads, in one statement (so with one snapshot), the snapshot's
// xmin X (pg_snapshot_xmin: every transaction with a txid below X had ended
// when the snapshot was taken, so its rows are visible now if they will ever
// be) and the visible rows with txid >= H that are not in the delivered set,
// in id order. It hands them to the consumer and adds them to the delivered
// set. When a read returns less than a full batch, every row with txid below
// X has been handled, so the horizon moves to X and delivered rows below it
// are dropped from the set. A transaction still running has a txid >= X (it
// was running, or began later), so its rows stay eligible whenever it
// commits: nothing is skipped, and the set makes sure nothing is repeated.
// The set stays small: it holds only rows written since the oldest
// transaction that was running at the last batch.
//
// Events are handed on in id order among the rows visible when they are
// read. Every change to a ticket locks the ticket's row before appending its
// event, so two changes to one ticket take event ids in the order they
// commit, and the later one cannot be visible before the earlier: a
// consumer sees each ticket's events in the order they happened. Across
// tickets, an event that committed late may come after events with higher
// ids.
//
// A transaction left open (idle in transaction) holds the horizon back; its
// effect is a growing delivered set, never a stalled delivery, and the
// consumer-lag metric shows it.
//
// # Live subscribers
//
// Subscribe gives an in-process channel of events (the live UI over SSE),
// filled by the node's dispatcher after commit, in the same order as above.
// It keeps the same horizon-and-set cursor in memory, reading the outbox
// with no transaction of its own. Delivery is best effort: a subscriber
// whose buffer is full is dropped (its channel is closed while its context
// is still live), never waited for; it should reload and subscribe again.
// The in-memory delivered set is bounded: if a transaction left open lets it
// grow past 100,000 rows, the feed starts again from now and drops every
// subscriber the same way.
//
// # Waking up
//
// The dispatcher wakes when a transaction of this process commits
// (db.OnCommit: a non-blocking send on a channel of one, so a burst of
// commits costs one round), and polls slowly as a safety net (for writes by
// other processes, such as the command line). On PostgreSQL a dispatcher
// woken by its own node's commits that found new events sends one NOTIFY,
// and every node LISTENs, so every node's subscribers and consumers hear of
// every event at once. NOTIFY only wakes: nothing is read from its payload,
// the events are read from the tables. It is sent after commit, by the
// dispatcher, rather than by each writing transaction, because a NOTIFY
// inside a transaction takes a database-wide lock at commit and would
// serialise all writers.
//
// # Cleanup
//
// Outbox rows that every durable consumer has passed are deleted once they
// are older than Options.Keep, which gives lagging nodes' live feeds time to
// read them. A consumer that is no longer run keeps its rows: remove its
// event_consumers row.
package events
