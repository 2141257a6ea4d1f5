package mail

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// ContentHash returns the hex SHA-256 of a mail as its author sent it: the
// raw bytes without the trace headers that relays and mailbox servers add
// on the way (Received, Return-Path, DKIM and ARC seals, spam verdicts...),
// with every line ending as LF. The same mail fetched by IMAP and received
// by SMTP, retried, or delivered to two of our addresses hashes the same; a
// different mail that reuses a Message-ID does not. Together with the
// Message-ID it is what makes a mail a duplicate.
func ContentHash(raw []byte) string {
	sum := sha256.Sum256(hashInput(raw))
	return hex.EncodeToString(sum[:])
}

// hashInput is what ContentHash hashes: the header section less the trace
// fields, then the body, with LF line endings and no trailing blank lines
// (a mailbox server may add or drop the final newline).
func hashInput(raw []byte) []byte {
	b := lfEndings(raw)
	head, body, hasBody := bytes.Cut(b, []byte("\n\n"))
	if bytes.HasPrefix(b, []byte("\n")) {
		// No header section at all.
		head, body, hasBody = nil, b[1:], true
	}
	out := make([]byte, 0, len(b))
	keep := true
	for line := range bytes.SplitSeq(head, []byte("\n")) {
		if len(line) > 0 && (line[0] == ' ' || line[0] == '\t') {
			// A folded continuation belongs to the field before it.
			if keep {
				out = append(append(out, line...), '\n')
			}
			continue
		}
		keep = !isTraceField(line)
		if keep {
			out = append(append(out, line...), '\n')
		}
	}
	if hasBody {
		out = append(append(out, '\n'), body...)
	}
	return bytes.TrimRight(out, "\n")
}

// traceFields are header fields added in transit rather than by the author;
// tracePrefixes are families of them.
var (
	traceFields = map[string]bool{
		"received": true, "x-received": true, "return-path": true, "delivered-to": true,
		"x-delivered-to": true, "x-original-to": true, "envelope-to": true, "x-envelope-to": true,
		"x-envelope-from": true, "dkim-signature": true, "x-google-dkim-signature": true,
		"domainkey-signature": true, "arc-seal": true, "arc-message-signature": true,
		"arc-authentication-results": true, "authentication-results": true, "received-spf": true,
		"x-virus-scanned": true, "x-original-authentication-results": true, "x-gm-message-state": true,
		"x-google-smtp-source": true, "x-rcpt-to": true, "x-uid": true, "status": true, "x-status": true,
		"x-keywords": true, "content-length": true, "lines": true,
	}
	tracePrefixes = []string{"x-spam-", "x-ms-exchange-organization-", "x-forefront-antispam-",
		"x-microsoft-antispam", "x-mimecast-", "x-proofpoint-"}
)

// isTraceField reports whether a header line starts a trace field.
func isTraceField(line []byte) bool {
	name, _, ok := bytes.Cut(line, []byte(":"))
	if !ok {
		return false
	}
	n := strings.ToLower(strings.TrimRight(string(name), " \t"))
	if traceFields[n] {
		return true
	}
	for _, p := range tracePrefixes {
		if strings.HasPrefix(n, p) {
			return true
		}
	}
	return false
}

// lfEndings returns raw with every line ending as LF: the carriage
// returns before each LF are dropped (all of them, so that converting CRLF
// to LF first changes nothing).
func lfEndings(raw []byte) []byte {
	out := make([]byte, 0, len(raw))
	for _, c := range raw {
		if c == '\n' {
			out = bytes.TrimRight(out, "\r")
		}
		out = append(out, c)
	}
	return out
}
