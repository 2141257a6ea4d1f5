package mail

import (
	"regexp"
	"strings"
)

// Recognising the quoted history of a reply. Mail clients put the earlier
// conversation under an attribution line ("On Mon, 3 Mar 2025, Ann
// <ann@example.com> wrote:"), an Outlook header block ("From: ... Sent:
// ..."), a separator ("-----Original Message-----") or simply as lines
// starting with ">". The view folds it away; it is never cut.

var (
	// attribution matches the line that introduces quoted history, in the
	// languages our customers' clients most often write it.
	attribution = regexp.MustCompile(`(?i)^(on\b.{0,200}\bwrote|le\b.{0,200}\ba écrit|am\b.{0,200}\bschrieb|` +
		`el\b.{0,200}\bescribió|op\b.{0,200}\bschreef|il\b.{0,200}\bha scritto|em\b.{0,200}\bescreveu|` +
		`\d{4}[/.-]\d{1,2}[/.-]\d{1,2}.{0,200}(wrote|のメッセージ|写道)|\d{4}年\d{1,2}月\d{1,2}日.{0,200}@.{0,100}>)\s*:?\s*$`)
	// originalMessage matches Outlook's and others' separators.
	originalMessage = regexp.MustCompile(`(?i)^\s*-{2,}\s*(original message|ursprüngliche nachricht|` +
		`message d'origine|mensaje original|messaggio originale)\s*-{2,}\s*$`)
	// headerBlock matches the first lines of a quoted header block.
	headerFrom = regexp.MustCompile(`(?i)^\s*\*?(from|von|de|da|van)\s*:\*?\s+\S`)
	headerNext = regexp.MustCompile(`(?i)^\s*\*?(sent|date|gesendet|envoyé|enviado|inviato|verzonden|datum|to|an|à|para|a|aan)\s*:\*?\s`)
	// forwarded matches the start of a forwarded message, which is content,
	// not history, and stays unfolded.
	forwarded = regexp.MustCompile(`(?i)^\s*(-+\s*forwarded message\s*-+|begin forwarded message:|-+\s*weitergeleitete nachricht\s*-+|` +
		`-+\s*message transféré\s*-+)\s*$`)
)

// quoteStart returns the byte offset in text where the quoted history
// starts, or -1. A quote followed by new text of the sender's own (an
// answer written between quoted lines) is not history: only a quote that
// runs to the end of the message counts.
func quoteStart(text string) int {
	lines := strings.SplitAfter(text, "\n")
	// quotedFrom[i]: every non-blank line from i on is quoted; worked out
	// once from the end, so long quotes cost linear time.
	quotedFrom := make([]bool, len(lines)+1)
	quotedFrom[len(lines)] = true
	for i := len(lines) - 1; i >= 0; i-- {
		l := strings.TrimSpace(lines[i])
		quotedFrom[i] = quotedFrom[i+1] && (l == "" || strings.HasPrefix(l, ">"))
	}
	offset, textSeen := 0, -1 // textSeen: the first line with text
	offsets := make([]int, len(lines))
	for i, l := range lines {
		offsets[i] = offset
		offset += len(l)
		if textSeen < 0 && strings.TrimSpace(l) != "" {
			textSeen = i
		}
		line := strings.TrimRight(l, "\r\n")
		if forwarded.MatchString(line) {
			return -1 // what follows is a forwarded message, content
		}
		// A mail that is nothing but a quote is shown, not folded away.
		if start, ok := historyAt(lines, i, line, quotedFrom); ok && textSeen >= 0 && textSeen < start {
			return offsets[start]
		}
	}
	return -1
}

// historyAt reports whether history starts at line i (or at the line before
// it, for attributions that wrap onto two lines).
func historyAt(lines []string, i int, line string, quotedFrom []bool) (int, bool) {
	switch {
	case strings.HasPrefix(line, ">"):
		return i, quotedFrom[i]
	case len(line) > 400:
		return 0, false // no attribution is this long
	case attribution.MatchString(strings.TrimSpace(line)):
		return i, true
	case i > 0 && strings.TrimSpace(lines[i-1]) != "" && len(lines[i-1]) < 400 &&
		attribution.MatchString(strings.TrimSpace(strings.TrimRight(lines[i-1], "\r\n")+" "+line)):
		return i - 1, true
	case originalMessage.MatchString(line):
		return i, true
	case headerFrom.MatchString(line) && i+1 < len(lines) && headerNext.MatchString(lines[i+1]):
		// A header block, maybe under an underscore rule (Outlook).
		if i > 0 && strings.Trim(strings.TrimSpace(lines[i-1]), "_-") == "" && strings.TrimSpace(lines[i-1]) != "" {
			return i - 1, true
		}
		return i, true
	}
	return 0, false
}
