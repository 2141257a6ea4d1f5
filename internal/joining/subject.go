// Package joining keeps one issue in one conversation whatever channel the
// customer uses: it decides when a new message continues a ticket the
// customer already has (a mail with the same subject, a portal request
// added to an open one), records each join as an event, and suggests
// "possibly the same issue" when it cannot decide alone.
package joining

import (
	"regexp"
	"strings"
)

// replyPrefix matches one reply or forward prefix at the start of a
// lower-cased subject, as mail clients in common languages write them:
// English Re/Fwd/FW, German AW/WG/Antwort, Scandinavian SV/VS/VB, Dutch
// Antw/Doorst, Italian R/Rif/I, French TR/Réf, Spanish and Portuguese
// RE/RV/RES/ENC/Reenv, Polish Odp/PD, Turkish YNT/İLT, Greek ΑΠ/ΣΧΕΤ/ΠΡΘ,
// Russian Ответ/Пересл, Chinese 回复/答复/转发/回覆/轉寄, Japanese 返信/転送,
// Hebrew and Arabic. A prefix may carry a count ("Re[2]:", "Re(3):",
// "Re^2:"), a dot ("Doorst.:"), and either colon (ASCII or full width).
var replyPrefix = regexp.MustCompile(`^(?:re|fwd?|aw|wg|antwort|sv|vs|vb|vl|antw|doorst|rif|r|i|tr|réf|ref|rv|res|enc|reenv|odp|pd|ynt|i̇lt|ilt|vá|továbbítás|απ|σχετ|πρθ|ответ|отв|пересл|fw|回复|答复|转发|回覆|轉寄|轉發|返信|転送|השב|הועבר|رد|إعادة توجيه|trs|tr)\.?\s*(?:\[\d+\]|\(\d+\)|\^\d+)?\s*[:：]\s*`)

// ticketTag matches a ticket reference a desk puts in subjects: "[#123]",
// "[#1042-ab12cd]" (a signed token), "[Ticket #123]", "(#123)".
var ticketTag = regexp.MustCompile(`[\[(]\s*(?:ticket|request|case)?\s*#\s*\d+[^\])]*[\])]`)

// NormalizeSubject returns the part of a subject that names the issue: with
// ticket tags and every leading reply and forward prefix removed (repeated
// and counted ones too), lower-cased, and with whitespace collapsed. Two
// subjects about the same issue normalise to the same text.
func NormalizeSubject(s string) string {
	s = strings.ToLower(strings.ToValidUTF8(s, ""))
	s = ticketTag.ReplaceAllString(s, " ")
	s = strings.Join(strings.Fields(s), " ")
	for {
		loc := replyPrefix.FindStringIndex(s)
		if loc == nil || loc[1] == 0 {
			break
		}
		s = s[loc[1]:]
	}
	return strings.TrimSpace(s)
}

// placeholderSubjects are subjects the desk writes itself when a message
// had none: they say nothing about the issue and never join.
var placeholderSubjects = map[string]bool{"(no subject)": true, "no subject": true, "(unreadable mail)": true}

// SameSubject reports whether two subjects name the same issue once both
// are normalised. An empty or placeholder subject matches nothing: it says
// nothing about what the message is about.
func SameSubject(a, b string) bool {
	na, nb := NormalizeSubject(a), NormalizeSubject(b)
	if na == "" || placeholderSubjects[na] {
		return false
	}
	return na == nb
}
