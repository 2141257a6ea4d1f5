// Package outbound sends the email channel's mail: an agent's public reply
// goes to the ticket's requester (copying its followers) from the mailbox
// the ticket belongs to, and a new ticket from mail gets the mailbox's
// acknowledgement.
//
// Sending is a durable job (internal/jobs). The reply's email record
// (email_messages, direction "out", state "queued") and its job are written
// in the same transaction as the reply itself, through the ticket service's
// message hook, so a reply that exists always has its mail queued and a
// restart never loses one. Everything that makes the mail thread in the
// customer's client is decided then, too, and stored on the record: its
// own Message-ID, In-Reply-To and References from the conversation, and a
// subject carrying the ticket's signed token (internal/mailtoken). A retry
// therefore sends the very same mail.
//
// The worker hands the mail to the mailbox's SMTP relay (go-smtp, with TLS,
// STARTTLS or neither as the mailbox says). A temporary failure (4xx, a
// connection that fails) is retried with backoff, and the latest reason is
// shown on the message while it stays queued; a permanent one (5xx), or the
// last attempt failing, marks the message failed with the server's reason.
//
// # The window that remains
//
// The record turns "sent" in the same transaction that completes the job,
// and a job whose record is no longer queued is not sent again, so a job
// that finished is never repeated. What cannot be made atomic is the relay
// accepting the mail and our commit: if the process dies between the two,
// the job's lease ends and the mail is sent again. The resend carries the
// same Message-ID, so mail clients and most servers show it once; at worst
// the customer sees a duplicate, never a missing reply.
package outbound
