// Package mailtoken makes and checks the ticket token that Centerdesk puts
// in the subject of the mail it sends ("Re: Printer on fire [#1042-ab12cd]"),
// so that a reply whose client stripped In-Reply-To and References still
// finds its ticket. The number is followed by a short HMAC of it under the
// instance's secret key: someone who guesses a number cannot make a token
// that intake accepts, so they cannot append to another customer's ticket
// that way. (Intake also requires the sender to take part in the ticket;
// the signature keeps the token from being the weak link.)
package mailtoken

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strconv"
	"strings"
)

// sigLen is the number of hex digits of the signature: 24 bits, enough
// that guessing one takes millions of mails (and intake throttles senders),
// short enough to sit in a subject.
const sigLen = 6

// Token returns the subject token of ticket number, signed with key (the
// instance's secret key), brackets included: "[#1042-ab12cd]".
func Token(number int64, key []byte) string {
	return "[#" + strconv.FormatInt(number, 10) + "-" + sign(number, key) + "]"
}

func sign(number int64, key []byte) string {
	mac := hmac.New(sha256.New, key)
	// The prefix keeps these MACs apart from any other use of the key.
	mac.Write([]byte("centerdesk mail token v1\x00" + strconv.FormatInt(number, 10)))
	return hex.EncodeToString(mac.Sum(nil))[:sigLen]
}

var tokenRE = regexp.MustCompile(`\[#([0-9]{1,18})-([0-9a-fA-F]{` + strconv.Itoa(sigLen) + `})\]`)

// Parse returns the ticket numbers of the validly signed tokens in subject,
// in the order they appear, each once. Unsigned tokens ("[#1042]") and
// tokens with a wrong signature are ignored.
func Parse(subject string, key []byte) []int64 {
	var out []int64
	for _, m := range tokenRE.FindAllStringSubmatch(subject, 10) {
		n, err := strconv.ParseInt(m[1], 10, 64)
		if err != nil || n <= 0 {
			continue
		}
		if !hmac.Equal([]byte(strings.ToLower(m[2])), []byte(sign(n, key))) {
			continue
		}
		dup := false
		for _, seen := range out {
			dup = dup || seen == n
		}
		if !dup {
			out = append(out, n)
		}
	}
	return out
}

// Strip removes every token (signed or not, "[#1042]" too) from subject.
func Strip(subject string) string {
	s := tokenRE.ReplaceAllString(subject, "")
	s = unsignedRE.ReplaceAllString(s, "")
	return strings.Join(strings.Fields(s), " ")
}

var unsignedRE = regexp.MustCompile(`\[#[0-9]{1,18}\]`)

// replyPrefix matches the reply and forward prefixes mail clients stack up
// ("Re: RE: Aw: Fwd:").
var replyPrefix = regexp.MustCompile(`^(?i)\s*((re|aw|sv|fw|fwd|wg)(\[\d+\])?\s*:\s*)+`)

// ReplySubject returns the subject of our reply on a ticket: "Re: " and the
// subject without earlier prefixes or tokens, then this ticket's token.
func ReplySubject(subject string, number int64, key []byte) string {
	s := Strip(replyPrefix.ReplaceAllString(Strip(subject), ""))
	if s == "" {
		return "Re: " + Token(number, key)
	}
	return "Re: " + s + " " + Token(number, key)
}

// WithToken returns subject with this ticket's token at its end (once),
// for mail that is not a reply, such as an acknowledgement.
func WithToken(subject string, number int64, key []byte) string {
	s := Strip(subject)
	if s == "" {
		return Token(number, key)
	}
	return s + " " + Token(number, key)
}
